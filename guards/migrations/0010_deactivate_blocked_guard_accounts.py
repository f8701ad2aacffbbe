"""Guards suspended or removed before their sign-in account was stopped with them
(guards.services.guard_account_sync) may still have an active account and API tokens: deactivate
those accounts, delete their tokens, and write the ACCESS_REVOKED audit line the service writes.
Their sessions end at the next request (accounts.middleware checks is_active). Rerunnable; the
reverse does nothing (which accounts were active before is not kept, and none should be)."""
from django.db import migrations

BLOCKED = ("suspended", "removed")
BATCH = 500


def deactivate_blocked_guard_accounts(apps, schema_editor) -> int:
    """Returns how many accounts were deactivated (the tokens of every blocked guard go, active or not)."""
    Guard = apps.get_model("guards", "Guard")
    User = apps.get_model("accounts", "User")
    Token = apps.get_model("authtoken", "Token")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    from django.utils import timezone

    blocked = Guard.objects.filter(status__in=BLOCKED, user__isnull=False)
    rows = list(blocked.filter(user__is_active=True).values_list("user_id", "user__username", "status").order_by("user_id"))
    if rows:
        # A subquery, not a list of ids: the province has thousands of guards.
        User.objects.filter(is_active=True, pk__in=blocked.values("user_id")).update(is_active=False)
        now = timezone.now()
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    at=now, username="system", kind="access_revoked", object_type="accounts.user", object_id=str(user_id),
                    detail={"account": username, "reason": f"guard {status}", "via": "migration guards.0010"},
                )
                for user_id, username, status in rows
            ],
            batch_size=BATCH,
        )
    Token.objects.filter(user_id__in=blocked.values("user_id")).delete()
    return len(rows)


class Migration(migrations.Migration):

    dependencies = [
        ("guards", "0009_guard_full_name_and_status_label"),
        ("accounts", "0003_security_audit_password_history"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [
        migrations.RunPython(deactivate_blocked_guard_accounts, migrations.RunPython.noop, elidable=True),
    ]
