"""Reward round pages: the list (with the form that opens a round), a round's detail with approve,
recompute and export. Officers see every round; a manager sees approved rounds and only their own
unit's lines. All of it is hidden (404) while the office does not run reward rounds."""
import datetime
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import AuditEvent, audit_record
from accounts.permissions import role_required
from accounts.scoping import scope_for
from config.forms import attempt
from guards.policy import duty_policy
from rewards import services
from rewards.exports import round_file
from rewards.forms import RewardRoundForm
from rewards.models import RewardRound
from rewards.rounds import (
    UNIT_MIN_GUARDS,
    reward_round_line_list_visible_to,
    reward_round_list_visible_to,
)


def scheme_in_use(flag: str):
    """View decorator: 404 while the office policy turns this reward scheme off (`payouts_enabled`,
    `reward_rounds_enabled`); the navigation hides it too."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not getattr(duty_policy(), flag):
                raise Http404(_("The office does not run this reward scheme."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


rounds_in_use = scheme_in_use("reward_rounds_enabled")


def _list_page(request, *, form=None, status=200):
    scope = scope_for(request.user)
    page = Paginator(reward_round_list_visible_to(user=request.user).order_by("-ends_on", "-id"), 24).get_page(request.GET.get("page"))
    context = {"page": page, "manager": scope.is_manager, "unit_min_guards": UNIT_MIN_GUARDS}
    if scope.is_officer:
        today = timezone.localdate()
        last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
        context["form"] = form or RewardRoundForm(initial={
            "name": _("Outstanding guards and unit, %(m)s") % {"m": f"{last_month_end:%Y-%m}"},
            "starts_on": last_month_end.replace(day=1), "ends_on": last_month_end, "budget": "3500.00",
        })
    return render(request, "rewards/round_list.html", context, status=status)


@role_required("officer", "manager")
@rounds_in_use
def round_list(request):
    return _list_page(request)


@require_POST
@role_required("officer")
@rounds_in_use
def round_create(request):
    form = RewardRoundForm(request.POST)
    if form.is_valid():
        ok, rnd = attempt(request, lambda: services.reward_round_create(by=request.user, **form.cleaned_data), form=form)
        if ok:
            messages.success(request, _("Reward round computed: %(amount)s yuan. Check it and approve.") % {"amount": rnd.total_amount})
            return redirect("rewards:round-detail", pk=rnd.pk)
    return _list_page(request, form=form, status=400)


@role_required("officer", "manager")
@rounds_in_use
def round_detail(request, pk):
    rnd = get_object_or_404(reward_round_list_visible_to(user=request.user), pk=pk)
    lines = list(reward_round_line_list_visible_to(user=request.user, round=rnd))
    return render(request, "rewards/round_detail.html", {
        "round": rnd, "unit_lines": [ln for ln in lines if ln.kind == "unit"], "guard_lines": [ln for ln in lines if ln.kind == "guard"],
        "officer": scope_for(request.user).is_officer, "unit_min_guards": UNIT_MIN_GUARDS,
    })


@require_POST
@role_required("officer")
@rounds_in_use
def round_approve(request, pk):
    rnd = get_object_or_404(RewardRound, pk=pk)
    ok, rnd = attempt(request, lambda: services.reward_round_approve(round=rnd, by=request.user))
    if ok:
        messages.success(request, _("Reward round approved."))
    return redirect("rewards:round-detail", pk=pk)


@require_POST
@role_required("officer")
@rounds_in_use
def round_recompute(request, pk):
    rnd = get_object_or_404(RewardRound, pk=pk)
    ok, _rnd = attempt(request, lambda: services.reward_round_compute(round=rnd, by=request.user))
    if ok:
        messages.success(request, _("Reward round recomputed from the points ledger."))
    return redirect("rewards:round-detail", pk=pk)


@role_required("officer", "manager")
@rounds_in_use
def round_export(request, pk, fmt):
    rnd = get_object_or_404(reward_round_list_visible_to(user=request.user), pk=pk)
    lines = reward_round_line_list_visible_to(user=request.user, round=rnd)
    scope = scope_for(request.user)
    response = round_file(rnd, lines, fmt=fmt, suffix=str(scope.company_id) if scope.is_manager else "all")
    audit_record(request=request, kind=AuditEvent.Kind.EXPORT, obj=rnd, detail={"what": "reward round", "format": fmt})
    return response
