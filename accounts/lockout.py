"""What a locked-out sign-in sees (django-axes calls lockout_response, AXES_LOCKOUT_CALLABLE): the
sign-in page with a clear message, or a JSON 429 on the API; and the lockout queries behind the
officer's unlock page."""
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins: this account is locked for %(minutes)d minutes. "
        "An officer or an administrator can unlock it sooner."
    ) % {"minutes": settings.LOGIN_COOLOFF_MINUTES}


def lockout_response(request, original_response=None, credentials=None):
    retry_after = str(settings.LOGIN_COOLOFF_MINUTES * 60)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=429)
    else:
        form = AuthenticationForm(request)
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not next_url and request.path.startswith("/admin/"):
            next_url = "/admin/"
        response = render(
            request, "accounts/login.html", {"form": form, "locked_message": lockout_message(), "next": next_url}, status=429
        )
    response["Retry-After"] = retry_after
    return response
