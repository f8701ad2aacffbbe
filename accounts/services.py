from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role, User


@transaction.atomic
def account_create(*, username: str, role: str, password: str, name: str = "", email: str = "") -> User:
    """Create a sign-in account. Raises ValidationError (with the validators' messages) on a taken
    username, an unknown role or a weak password; nothing is saved then."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."})
    user = User(username=username, role=role, name=name, email=email)
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    return user


def user_tokens_delete(*, user: User) -> int:
    """Delete every API token of `user` (they sign in again for a new one). Returns how many."""
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user_id=user.pk).delete()
    return deleted


@transaction.atomic
def user_set_active(*, user: User, active: bool, reason: str = "", by: User | None = None) -> User:
    """Let `user` sign in again, or stop them: an inactive account cannot sign in on any page or the
    API, its sessions end at their next request and its tokens are deleted (also on reactivation,
    so a token from before the suspension never works again). Idempotent."""
    from accounts.audit import Kind, audit_record

    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])  # the post_save receiver deletes the tokens
        audit_record(
            kind=Kind.ACCESS_RESTORED if active else Kind.ACCESS_REVOKED, user=by, obj=user,
            username=by.get_username() if by is not None else "system",
            detail={"account": user.get_username(), "reason": reason},
        )
    user_tokens_delete(user=user)
    return user


def user_revoke_access(*, user: User, reason: str = "", by: User | None = None) -> User:
    """Stop `user` from signing in anywhere (a removed or suspended guard): deactivate, delete tokens."""
    return user_set_active(user=user, active=False, reason=reason, by=by)


def account_unlock(*, username: str, by: User | None = None, request=None) -> int:
    """Clear the failed sign-ins that lock `username` out (django-axes). Returns how many records
    went; 0 when the account was not locked."""
    from axes.utils import reset

    from accounts.audit import Kind, audit_record

    cleared = reset(username=username)
    if cleared:
        audit_record(request=request, kind=Kind.UNLOCKED, user=by, detail={"account": username})
    return cleared


def audit_purge(*, older_than_days: int, batch_size: int = 5000, max_batches: int = 100) -> int:
    """Delete audit events older than `older_than_days`, oldest first, in batches of `batch_size`
    (each a short transaction) and at most `max_batches` per call. Returns how many went."""
    import datetime

    from django.utils import timezone

    from accounts.models import AuditEvent

    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    total = 0
    for _batch in range(max_batches):
        ids = list(AuditEvent.objects.filter(at__lt=cutoff).order_by("at", "id").values_list("id", flat=True)[:batch_size])
        if not ids:
            break
        deleted, _ = AuditEvent.objects.filter(pk__in=ids).delete()
        total += deleted
        if len(ids) < batch_size:
            break
    return total
