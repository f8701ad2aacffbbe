"""How the OpenAPI schema documents an answer that depends on the reader's role.

A patrol, dispute or tip is read by officers and by managers or guards, and the officers' answer
has fields the others never get (a patrol's notes, a dispute's parties, a tip's source). The views
pick a serializer per role at run time; the schema documents one component for the endpoint, made
by subclassing the officers' serializer with `OfficerOnlyFieldsSchema` and naming the fields that
are absent for other roles in `officer_only_fields`: those are left out of `required` and their
description says so. A oneOf of the two serializers would not do: the officers' answer is a superset
of the other, so it would match both."""
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerExtension


def officers_only_note() -> str:
    return _("Officers only: absent for other roles.")


class OfficerOnlyFieldsSchema:
    """Schema-only mixin for a serializer documented for every role (see the module docstring)."""

    officer_only_fields: tuple[str, ...] = ()


class OfficerOnlyFieldsSchemaExtension(OpenApiSerializerExtension):
    target_class = OfficerOnlyFieldsSchema
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        only = set(self.target.officer_only_fields)
        required = [name for name in schema.get("required", []) if name not in only]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        for name in only:
            prop = schema.get("properties", {}).get(name)
            if prop is None:
                continue
            if "$ref" in prop:  # a sibling of $ref is ignored: wrap it so the description shows
                schema["properties"][name] = {"allOf": [prop], "description": officers_only_note()}
            else:
                prop["description"] = f"{prop.get('description', '')} {officers_only_note()}".strip()
        return schema
