"""The attendance page of a session that is not the quarterly rotation (business training, drill,
exchange visit, mentoring pair): an officer picks a unit, ticks who came and saves; each attendance
earns training points once."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from config.forms import attempt
from guards.models import Guard, SecurityCompany
from training.attendance import (
    session_attendance_list_visible_to,
    session_attendance_record,
)
from training.models import TrainingSession


@role_required("officer")
def session_attendance(request, pk):
    session = get_object_or_404(TrainingSession.objects.exclude(kind=TrainingSession.Kind.ROTATION), pk=pk)
    units = list(SecurityCompany.objects.filter(active=True).order_by("name").values("pk", "name"))
    raw = request.POST.get("company") or request.GET.get("company") or ""
    company_id = int(raw) if raw.isdigit() else None
    if request.method == "POST" and company_id:
        ids = [int(v) for v in request.POST.getlist("guard_ids") if v.isdigit()]
        ticked = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
        ok, n = attempt(request, lambda: session_attendance_record(session=session, attendance={i: i in ticked for i in ids}, by=request.user))
        if ok:
            messages.success(request, _("Attendance of %(n)d guards recorded.") % {"n": n})
            return redirect(f"{request.path}?company={company_id}")
    recorded = list(session_attendance_list_visible_to(user=request.user, session=session))
    attended = {a.guard_id for a in recorded if a.attended}
    guards = list(Guard.objects.filter(company_id=company_id, status=Guard.Status.ACTIVE).order_by("name", "id")) if company_id else []
    return render(request, "training/session_attendance.html", {
        "session": session, "units": units, "company_id": company_id, "attended": attended,
        "rows": [{"guard": g, "attended": g.pk in attended} for g in guards],
        "recorded": [a for a in recorded if a.attended],
    })
