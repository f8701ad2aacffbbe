"""The officer's unlock page: accounts locked after repeated failed sign-ins, each with an Unlock
button. (Admins can also delete the attempts under Axes in the admin.)"""
import datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import Max, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.services import account_unlock

LOCKOUT_LIST_LIMIT = 200


def locked_accounts() -> list[dict]:
    """Usernames whose failures within the cool-off reach the limit, newest lockout first (one query)."""
    from axes.models import AccessAttempt

    since = timezone.now() - datetime.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(username__isnull=True)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.LOGIN_FAILURE_LIMIT)
        .order_by("-last")[:LOCKOUT_LIST_LIMIT]
    )
    cooloff = datetime.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    return [{**row, "until": row["last"] + cooloff} for row in rows]


@role_required("officer")
def lockout_list(request):
    return render(request, "accounts/lockouts.html", {"locked": locked_accounts(), "limit": settings.LOGIN_FAILURE_LIMIT,
                                                      "minutes": settings.LOGIN_COOLOFF_MINUTES})


@require_POST
@role_required("officer")
def lockout_unlock(request):
    username = (request.POST.get("username") or "").strip()[:150]
    if username and account_unlock(username=username, by=request.user, request=request):
        messages.success(request, _("%(username)s can sign in again.") % {"username": username})
    else:
        messages.info(request, _("%(username)s was not locked.") % {"username": username or "—"})
    return redirect("accounts:lockouts")
