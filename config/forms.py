"""Form helpers shared by every app's pages."""
from django import forms


def add_service_errors(form: forms.Form, exc) -> None:
    """Show a Django ValidationError raised by a service on `form`: errors about a field the form
    shows go under that field, the rest at the top of the form."""
    from django.core.exceptions import NON_FIELD_ERRORS

    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        if field in form.fields and field != NON_FIELD_ERRORS:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)
