from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Weekly bulletin")

    def ready(self):
        from bulletins import receivers  # noqa: F401  (a late change to a past week refreshes the dashboard's trends)
