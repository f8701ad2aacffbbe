from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe


@login_required
def home(request):
    """Send each role to its start page."""
    from accounts.scoping import scope_for

    from django.urls import reverse

    scope = scope_for(request.user)
    if scope.is_officer:
        target = reverse("liaison_points:dashboard")
    elif scope.is_manager:
        target = reverse("guards:company-detail", kwargs={"pk": scope.company_id})
    elif scope.is_guard:
        target = reverse("guards:guard-detail", kwargs={"pk": scope.guard_id})
    else:
        return redirect("accounts:login")
    # The start page's own links (?page=2) keep working when followed from "/".
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that do not link one (admin, API docs): the site's icon."""
    from django.templatetags.static import static

    return redirect(static("favicon.svg"))


@require_safe
def healthz(request):
    """Liveness probe for docker compose and load balancers: 200 "ok", no login, no database."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
