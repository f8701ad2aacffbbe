"""Serializer fields built once per class: a ModelSerializer rebuilds its fields from the model on
every instance (field mapping, kwargs, deep copies), about a millisecond per response of a dozen
fields, which the intake endpoints (tips, check-ins) pay on every request (issue #14).

`CachedFieldsMixin` keeps the unbound fields of the first build per class and gives each instance
shallow copies of them to bind, so instances never share a bound field. For read-only output
serializers of plain fields (no nested serializers or list children, whose children would be
shared): what they serialize must not depend on the instance's context while building fields.
Also for the intake's input serializers (a tip, a check-in's position): plain fields, and a list of
files whose shared child reads nothing from its parent or the context while validating."""
import copy


class CachedFieldsMixin:
    def get_fields(self):
        cls = type(self)
        template = cls.__dict__.get("_cached_fields")
        if template is None:
            template = super().get_fields()
            cls._cached_fields = template  # a race builds it twice, the same way
        return {name: copy.copy(field) for name, field in template.items()}
