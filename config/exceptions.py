"""One domain error type, and the DRF exception handler that maps it to a stable body.

Services raise DomainError when a rule refuses an action (a wrong state, a guard not deployable...).
Django ValidationErrors raised by full_clean() in services become 400s with field errors."""
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A business rule refused the action. `conflict=True` means the record's state forbids it (409)."""

    def __init__(self, message: str, *, field: str | None = None, conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.conflict = conflict


def api_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):  # a JSON 400, not Django's HTML page
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        # Model.clean() and CheckConstraints report under "__all__"; DRF clients expect "non_field_errors".
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(detail=detail)
    if isinstance(exc, DomainError):
        body = {exc.field or "detail": [exc.message] if exc.field else exc.message}
        code = status.HTTP_409_CONFLICT if exc.conflict else status.HTTP_400_BAD_REQUEST
        return Response(body, status=code)
    return exception_handler(exc, context)
