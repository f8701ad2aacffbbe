"""The guard's phone pages: my patrols today with check-in, and a checkpoint's scan page (the
link its QR code carries). The phone's position is optional and travels in PositionForm."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from config.exceptions import DomainError
from config.forms import attempt
from patrol import services
from patrol.forms import PositionForm
from patrol.models import Patrol
from patrol.selectors import guard_patrols_on, patrol_get_visible_to
from patrol.views.common import geo_labels


def _phone_context(**context) -> dict:
    return {**context, "position_form": PositionForm(auto_id=False), "geo_labels": geo_labels()}


@role_required("guard")
def checkpoint_scan(request, code):
    guard = request.user.guard_profile
    try:
        # Reading the code is a lookup, not an action: a forged or retired code is this page's 404.
        checkpoint = services.checkpoint_from_code(code)
    except DomainError as exc:
        return render(request, "patrol/scan.html", {"error": exc.message, "code": code}, status=404)
    if request.method == "POST":
        position = PositionForm(request.POST).position()
        ok, visit = attempt(request, lambda: services.checkpoint_visit(code=code, guard=guard, **position))
        if ok:
            messages.success(
                request,
                _("Visit to %(name)s recorded at %(time)s.") % {"name": checkpoint.name, "time": timezone.localtime(visit.visited_at).strftime("%H:%M")},
            )
        return redirect("patrol:scan", code=code)
    return render(request, "patrol/scan.html", _phone_context(checkpoint=checkpoint, code=code))


@role_required("guard")
def my_patrols(request):
    guard = request.user.guard_profile
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for patrol in guard_patrols_on(guard_id=guard.pk, day=today):
        opens, closes = services.checkin_window(patrol)
        check_in = patrol.my_check_in[0] if patrol.my_check_in else None
        rows.append({
            "patrol": patrol, "check_in": check_in, "opens": opens, "closes": closes,
            "open_now": opens <= now <= closes and patrol.status in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY),
            "too_early": now < opens, "over": now > closes,
        })
    return render(request, "patrol/my.html", _phone_context(rows=rows, today=today, guard=guard))


@require_POST
@role_required("guard")
def my_check_in(request, pk):
    guard = request.user.guard_profile
    patrol = patrol_get_visible_to(user=request.user, pk=pk)
    if patrol is None:
        # Same answer whether the patrol exists or not: nothing leaks about other patrols.
        messages.error(request, _("You are not on this patrol's team."))
        return redirect("patrol:my")
    position = PositionForm(request.POST).position()
    ok, check_in = attempt(request, lambda: services.checkin_record(patrol=patrol, guard=guard, **position))
    if ok:
        messages.success(
            request,
            _("Checked in at %(time)s: %(status)s.") % {"time": timezone.localtime(check_in.at).strftime("%H:%M"), "status": check_in.get_status_display()},
        )
    return redirect("patrol:my")
