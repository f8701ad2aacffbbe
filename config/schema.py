"""What makes the OpenAPI schema (/api/schema/) true of the API, checked by schemathesis in .ci/run.

`complete_schema` (a drf-spectacular postprocessing hook) adds what every operation shares and
drf-spectacular cannot see: every error the API answers (400 field errors, 401/403, 404, 405,
409, 415, 429) is documented as the `default` response; page numbers and sizes have their bounds;
no query string may carry a NUL; and times are "HH:MM[:SS]" (JSON Schema's `format: time` demands a
UTC offset, which the API never sends)."""
from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from config.api_fields import MAX_ID

ERROR = {
    "description": "An error: field errors `{field: [message]}`, `{detail: message}`, or a list of messages.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
ERROR_SCHEMA = {
    "oneOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ],
}
NO_NUL = "^[^\\u0000]*$"
TIME_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?$"
_PAGE_BOUNDS = {"page": {"minimum": 1, "maximum": MAX_ID}, "page_size": {"minimum": 1, "maximum": 500}}


def _walk(node):
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            del node["format"]
            node["pattern"] = TIME_PATTERN
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def complete_schema(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operation.setdefault("responses", {}).setdefault("default", ERROR)
            for parameter in operation.get("parameters", []):
                schema = parameter.setdefault("schema", {})
                if parameter.get("in") == "query" and parameter["name"] in _PAGE_BOUNDS:
                    schema.update(_PAGE_BOUNDS[parameter["name"]])
                if parameter.get("in") == "query" and schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema:
                    schema["pattern"] = NO_NUL
                if parameter.get("in") == "path" and parameter["name"] in ("id", "pk") and schema.get("type") == "integer":
                    schema.update({"minimum": 1, "maximum": MAX_ID})
    _walk(result)
    return result


class InspectorsFieldSchema(OpenApiSerializerFieldExtension):
    """Officer ids in; [{id, name}] out."""

    target_class = "patrol.api.inspections.InspectorsField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
        return {
            "type": "array",
            "items": {
                "type": "object", "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
        }


def _model_field(field):
    """The model field a serializer field reads, or None (a plain Serializer, a method, a property)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    model_field = None
    for attr in getattr(field, "source_attrs", None) or []:
        if model is None:
            return None
        try:
            model_field = model._meta.get_field(attr)
        except Exception:  # FieldDoesNotExist, or a property
            return None
        model = model_field.related_model
    return model_field


class BlankChoiceSchema(OpenApiSerializerFieldExtension):
    """A read-only choice read from a model field with blank=True answers "" as well (DRF drops
    allow_blank from read-only fields, so drf-spectacular would leave "" out of the enum)."""

    target_class = "rest_framework.fields.ChoiceField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        if field.read_only and not getattr(field, "allow_blank", False) and "enum" in schema and "" not in schema["enum"]:
            model_field = _model_field(field)
            if model_field is not None and getattr(model_field, "blank", False) and not model_field.null:
                schema = {**schema, "enum": [*schema["enum"], ""]}
        return schema
