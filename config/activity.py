"""Activity counts recorded on patrols and on tips (issue 13): suspects caught (抓获嫌疑人), fugitives
assisted (协助抓获逃犯), residents helped (救助群众) and "three defences" guidance given (指导落实"三防"
措施). An abstract model, so patrol and disputes (siblings) share the fields without importing each
other; config sits below every app."""
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A bound well above any one patrol's or tip's real count, so a typo (an extra zero or three) is a
# field error, never a figure that swamps the bulletin.
ACTIVITY_MAX = 999

ACTIVITY_FIELDS = ("suspects_caught", "fugitives_assisted", "residents_helped", "three_defences_guided")

ACTIVITY_LABELS = {
    "suspects_caught": _("Suspects caught"),
    "fugitives_assisted": _("Fugitives caught with help"),
    "residents_helped": _("Residents helped"),
    "three_defences_guided": _("\"Three defences\" guidance given"),
}


def _count(name: str, help_text):
    return models.PositiveSmallIntegerField(
        ACTIVITY_LABELS[name], default=0, validators=[MaxValueValidator(ACTIVITY_MAX)], help_text=help_text,
    )


class ActivityCounts(models.Model):
    suspects_caught = _count("suspects_caught", _("抓获嫌疑人: people caught in the act or on suspicion and handed to the police."))
    fugitives_assisted = _count("fugitives_assisted", _("协助抓获逃犯: wanted persons caught with the team's help."))
    residents_helped = _count("residents_helped", _("救助群众: people helped (lost, injured, in danger)."))
    three_defences_guided = _count(
        "three_defences_guided", _("指导落实\"三防\"措施: households or shops guided on human, physical and technical defences."),
    )

    class Meta:
        abstract = True


def activity_errors(values: dict) -> dict[str, list[str]]:
    """Field errors for counts given to a service: whole numbers from 0 to ACTIVITY_MAX."""
    from django.utils.translation import gettext

    errors = {}
    for name in ACTIVITY_FIELDS:
        value = values.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ACTIVITY_MAX:
            errors[name] = [gettext("Give a whole number from 0 to %(max)d.") % {"max": ACTIVITY_MAX}]
    return errors


def demo_activity(rng, row) -> bool:
    """Demo counts as offices report them (patrol and disputes demos): most rows nothing, some a
    resident helped or shops guided, now and then a suspect caught, rarely a fugitive. Sets the
    fields on `row`; True when it has any."""
    if rng.random() > 0.25:
        return False
    row.three_defences_guided = rng.choice([0, 0, 1, 2, 3, 5])
    row.residents_helped = rng.choice([0, 0, 0, 1, 1, 2])
    row.suspects_caught = 1 if rng.random() < 0.12 else 0
    row.fugitives_assisted = 1 if rng.random() < 0.02 else 0
    return True
