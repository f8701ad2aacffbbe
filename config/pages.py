"""Small helpers shared by every app's page views (periods in the query string, percentages, going back)."""
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone

from config.dates import next_quarter, previous_quarter, quarter_of
from config.form_fields import QuarterField


def quarter_from_request(request, default: str) -> str:
    field = QuarterField(required=False)
    try:
        return field.clean(request.GET.get("quarter") or request.POST.get("quarter") or "") or default
    except ValidationError:
        return default


def quarter_nav(quarter: str) -> dict:
    return {"current": quarter, "previous": previous_quarter(quarter), "next": next_quarter(quarter), "this": quarter_of(timezone.localdate())}


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def redirect_back(request, fallback: str):
    """Redirect to the page the form was posted from (same site only), else to `fallback`."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)
