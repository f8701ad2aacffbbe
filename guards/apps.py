from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardsConfig(AppConfig):
    name = "guards"
    verbose_name = _("Guards")

    def ready(self):
        from guards import receivers  # noqa: F401  (connects the one coverage_changed receiver)
