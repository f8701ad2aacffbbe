"""Admin action helpers shared by every app's admin."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from config.exceptions import DomainError


def run_for_each(modeladmin, request, queryset, service, done: str) -> None:
    """Run `service(obj)` for every selected row; refusals are reported, not raised."""
    ok = 0
    for obj in queryset:
        try:
            service(obj)
            ok += 1
        except (DomainError, PermissionDenied, ValidationError) as exc:
            message = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])) or str(exc) or gettext("Not allowed.")
            modeladmin.message_user(request, f"{obj}: {message}", messages.ERROR)
    if ok:
        modeladmin.message_user(request, done % {"n": ok}, messages.SUCCESS)
