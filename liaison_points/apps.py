from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonPointsConfig(AppConfig):
    name = "liaison_points"
    verbose_name = _("Liaison points")

    def ready(self):
        from liaison_points import outlines, routing, versioning  # noqa: F401  (connect the caches' invalidation)
