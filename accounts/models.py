from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    MANAGER = "manager", _("Company manager")
    GUARD = "guard", _("Guard")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A person who signs in. What they may see follows from `role` and, for managers and guards,
    the profile that binds them to a company (guards.CompanyManager) or a guard record (guards.Guard)."""

    name = models.CharField(_("full name"), max_length=64, blank=True)
    # Least privilege by default: a guard account bound to nothing sees nothing.
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.GUARD)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_officer(self) -> bool:
        """Officers and admins run the office and see the whole county."""
        return self.is_active and (self.is_admin or self.role == Role.OFFICER)

    @property
    def is_manager(self) -> bool:
        return self.is_active and self.role == Role.MANAGER and not self.is_admin

    @property
    def is_guard(self) -> bool:
        return self.is_active and self.role == Role.GUARD and not self.is_admin
