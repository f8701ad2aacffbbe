from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "patrol"
    verbose_name = _("Patrols")

    def ready(self):
        from patrol import receivers  # noqa: F401  (drops removed guards from future duty)
        from assessments.joint import FAILED_INSPECTIONS, register_unit_record_counter
        from patrol.selectors import inspection_failed_count_by_unit

        # failed venue inspections count in the unit's joint assessment (assessments cannot import patrol)
        register_unit_record_counter(name=FAILED_INSPECTIONS, count=inspection_failed_count_by_unit)
