"""Form helpers shared by every app's pages: the one way a service refusal becomes a page response."""
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from config.exceptions import DomainError

T = TypeVar("T")


def add_service_errors(form: forms.Form, exc) -> None:
    """Show a Django ValidationError raised by a service on `form`: errors about a field the form
    shows go under that field, the rest at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        if field in form.fields and field != NON_FIELD_ERRORS:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


def attempt(request, action: Callable[[], T], *, form: forms.Form | None = None) -> tuple[bool, T | None]:
    """Run one service call for a page and turn its refusal into what the person sees.

    A ValidationError goes onto `form` (under the field it names, else at the top) or, without a
    form, into a message; a DomainError under its field when `form` shows it, else into a message
    (messages survive the redirect of a one-button action); a PermissionDenied into a message. Returns (True, result) or (False, None): the caller redirects
    on success and re-renders the bound form (keeping what was typed) on refusal."""
    try:
        return True, action()
    except ValidationError as exc:
        if form is not None:
            add_service_errors(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        if form is not None and exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    return False, None
