from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe


@login_required
def home(request):
    """Send each role to its start page."""
    from accounts.scoping import scope_for

    scope = scope_for(request.user)
    if scope.is_officer:
        return redirect("liaison_points:dashboard")
    if scope.is_manager:
        return redirect("guards:company-detail", pk=scope.company_id)
    if scope.is_guard:
        return redirect("guards:guard-detail", pk=scope.guard_id)
    return redirect("accounts:login")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that do not link one (admin, API docs): the site's icon."""
    from django.templatetags.static import static

    return redirect(static("favicon.svg"))


@require_safe
def healthz(request):
    """Liveness probe for docker compose and load balancers: 200 "ok", no login, no database."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
