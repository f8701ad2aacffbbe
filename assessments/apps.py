from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments and equipment")

    def ready(self):
        from assessments import receivers  # noqa: F401  (recalls a removed guard's equipment)
        from assessments.selectors import guard_duty_panel
        from guards.panels import register_guard_panel

        register_guard_panel(template="assessments/partials/duty_panel.html", context=lambda guard, today: guard_duty_panel(guard, today=today))
