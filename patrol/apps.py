from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "patrol"
    verbose_name = _("Patrols")

    def ready(self):
        from patrol import receivers  # noqa: F401  (drops removed guards from future duty)
