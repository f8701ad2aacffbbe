"""The parties of a dispute, one row each: name, role, an optional phone. Confidential: officers only
(never managers, never a guard, never an email or an export). Imported by disputes.models."""
import re

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A Chinese mobile (13912345678, +86 139…) or a landline with its area code (0710-1234567, ext. -12).
CN_PHONE = re.compile(r"^(?:(?:\+?86[ -]?)?1[3-9]\d{9}|0\d{2,3}[ -]?\d{7,8}(?:-\d{1,6})?)$")
party_phone_validator = RegexValidator(
    CN_PHONE, _("Enter a mobile number (11 digits, 1…) or a landline with its area code (0710-1234567)."), code="phone",
)

MAX_PARTIES = 20


class DisputeParty(models.Model):
    class Role(models.TextChoices):
        PARTY = "party", _("Party")  # 当事人
        APPLICANT = "applicant", _("Applicant")  # 申请人
        RESPONDENT = "respondent", _("Respondent")  # 被申请人
        WITNESS = "witness", _("Witness")  # 证人
        OTHER = "other", _("Other")

    dispute = models.ForeignKey("disputes.Dispute", on_delete=models.CASCADE, related_name="party_rows", verbose_name=_("dispute"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=100, help_text=_("A name or a description: 摊主张某（男，约50岁）."))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PARTY)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[party_phone_validator])

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        indexes = [models.Index(fields=["dispute", "position"], name="dispute_party_order")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def as_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "phone": self.phone}
