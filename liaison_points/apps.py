from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonPointsConfig(AppConfig):
    name = "liaison_points"
    verbose_name = _("Liaison points")
