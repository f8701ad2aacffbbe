from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's own app: no models, only wiring that every app's API shares."""

    name = "config"
    label = "config"
    verbose_name = "Joint Patrol Office"

    def ready(self):
        from django.db import models
        from rest_framework.serializers import ModelSerializer

        from config import api_fields, schema  # noqa: F401 - schema registers its field extensions

        # Every date and date-time a ModelSerializer takes from a model field is held to the office's
        # year range (config/dates.py): year 1 or 9999 is a 400 on the field, never a stored row that
        # makes its pages fail. Serializers declaring their own fields use config.api_fields directly.
        ModelSerializer.serializer_field_mapping = {
            **ModelSerializer.serializer_field_mapping,
            models.DateField: api_fields.DateField,
            models.DateTimeField: api_fields.DateTimeField,
        }
        # The same for date filters in query strings (?date_from=9999-12-31 would overflow a day's end).
        import django_filters

        from config import form_fields

        django_filters.DateFilter.field_class = form_fields.DateField
