"""Security invariants that must hold however a change is made (a page, the admin, the shell, a
command), hence signals rather than one service:

- sign-ins, failures, lockouts and sign-outs go to the audit log (Django's and axes' auth signals);
- a password change or a deactivation deletes the user's API tokens (post_save on User; a password
  set with set_password() is visible there as `_password`, is_active is compared with its loaded
  value), so an old token never outlives the credentials it was issued for;
- a CSV export from the admin (config.admin_export.data_exported) is audited."""
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from accounts.audit import Kind, audit_record
from accounts.middleware import session_start
from accounts.models import User
from config.admin_export import data_exported


def _via(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "page"


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def _on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and _via(request) != "api":
        session_start(request.session)
    audit_record(request=request, kind=Kind.LOGIN, user=user, detail={"via": _via(request)})


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(request=request, kind=Kind.LOGIN_FAILED, username=username, detail={"via": _via(request), "locked": locked})


@receiver(user_locked_out, dispatch_uid="accounts_audit_locked_out")
def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(request=request, kind=Kind.LOCKED_OUT, username=str(username or ""), detail={"via": _via(request)})


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def _on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "_jpo_logout_reason", None)
    kind = Kind.SESSION_EXPIRED if reason else Kind.LOGOUT
    audit_record(request=request, kind=kind, user=user, detail={"reason": reason} if reason else {})


@receiver(post_init, sender=User, dispatch_uid="accounts_remember_is_active")
def _remember_is_active(sender, instance, **kwargs):
    instance._jpo_loaded_active = instance.is_active


@receiver(post_save, sender=User, dispatch_uid="accounts_revoke_tokens")
def _revoke_tokens_on_credential_change(sender, instance, created, **kwargs):
    if created:
        instance._jpo_loaded_active = instance.is_active
        return
    password_changed = getattr(instance, "_password", None) is not None
    deactivated = getattr(instance, "_jpo_loaded_active", instance.is_active) != instance.is_active
    instance._jpo_loaded_active = instance.is_active
    if password_changed or deactivated:
        from accounts.services import user_tokens_delete

        user_tokens_delete(user=instance)
    if password_changed:
        audit_record(kind=Kind.PASSWORD_CHANGED, user=instance, obj=instance)


@receiver(data_exported, dispatch_uid="accounts_audit_admin_export")
def _on_admin_export(sender, request, queryset=None, rows: int = 0, fmt: str = "csv", **kwargs):
    model = getattr(queryset, "model", None)
    audit_record(
        request=request, kind=Kind.EXPORT,
        detail={"via": "admin", "model": model._meta.label_lower if model else "", "rows": rows, "format": fmt},
    )
