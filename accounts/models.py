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


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so a new one may not repeat the last few
    (accounts.validators.PasswordHistoryValidator writes and reads them)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        indexes = [models.Index(fields=["user", "-created_at"], name="pwhistory_user_created")]


class AuditEvent(models.Model):
    """One line of the security audit log (MLPS level 3): who did what, when, from where. Written by
    accounts.audit.audit_record only; never edited; purged after AUDIT_RETENTION_DAYS."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Sign-in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Account locked")
        UNLOCKED = "unlocked", _("Account unlocked")
        LOGOUT = "logout", _("Sign-out")
        SESSION_EXPIRED = "session_expired", _("Session expired")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        ACCESS_REVOKED = "access_revoked", _("Access revoked")
        ACCESS_RESTORED = "access_restored", _("Access restored")
        EXPORT = "export", _("Export")
        VIEW_CONFIDENTIAL = "view_confidential", _("Confidential data viewed")

    at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "at"], name="audit_kind_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"


class IdempotencyKey(models.Model):
    """One create request as identified by its client (the `Idempotency-Key` header or the form's
    `idempotency_key` field), per owner: the first request inserts the row and runs; a repeat with
    the same body replays the stored response; with another body it is refused (422). Written by
    accounts.idempotency only; expired after IDEMPOTENCY_KEY_TTL_HOURS."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    owner = models.CharField(_("owner"), max_length=80, help_text=_("user:<id>, or auth:<hash of the Authorization header>"))
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64, help_text=_("SHA-256 of method, path and body"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    response_body = models.BinaryField(_("response body"), default=b"", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once_per_owner")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key} ({self.status})"
