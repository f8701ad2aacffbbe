from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardsConfig(AppConfig):
    name = "guards"
    verbose_name = _("Guards")

    def ready(self):
        from guards import policy, receivers  # noqa: F401  (the coverage_changed receiver; the policy cache)
