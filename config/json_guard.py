"""Input that no field may receive, refused at the edge with a 400 that names the field.

- `StrictJSONParser` (DRF's first parser): a body over DATA_UPLOAD_MAX_MEMORY_SIZE, text that is not
  UTF-8, JSON nested deeper than JSON_MAX_DEPTH (json.loads would hit Python's recursion limit), NaN,
  and any key or string with a NUL character or a lone surrogate (PostgreSQL and the UTF-8 codec
  refuse both, at save time, as a 500).
- `InputGuardMiddleware`: a NUL character in a query-string name or value (`?q=%00`), on pages and API,
  and a body over DATA_UPLOAD_MAX_MEMORY_SIZE before another middleware reads it.
- `bad_request` / `page_not_found`: Django's own 400 (a body too big, too many fields) and 404 (no
  route) are JSON under /api/ like every other API error, and the usual pages elsewhere."""
import json
import re

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def forbidden_text(value: str) -> bool:
    return bool(_FORBIDDEN.search(value))


def _too_deep(text: str, limit: int) -> bool:
    depth = 0
    for char in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if char in "[{" else -1
        if depth > limit:
            return True
    return False


def _bad_text(data, field: str | None = None) -> str | None:
    """The top-level field holding a NUL or lone surrogate, if any ("" for the body itself)."""
    if isinstance(data, str):
        return field if forbidden_text(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            name = field if field is not None else str(key)
            if forbidden_text(key):
                return name if field is not None else _FORBIDDEN.sub("?", key)
            if (bad := _bad_text(value, name)) is not None:
                return bad
    elif isinstance(data, list):
        for value in data:
            if (bad := _bad_text(value, field)) is not None:
                return bad
    return None


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if (stream is not None and limit) else (stream.read() if stream else b"")
        if limit and len(raw) > limit:
            raise exceptions.ParseError(_("The request body is larger than %(n)d bytes.") % {"n": limit})
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.ParseError(_("The request body is not UTF-8 text.")) from None
        depth = settings.JSON_MAX_DEPTH
        if _too_deep(text, depth):
            raise exceptions.ParseError(_("JSON nested deeper than %(n)d levels is not accepted.") % {"n": depth})
        try:
            data = json.loads(text, parse_constant=_no_constant)
        except ValueError as exc:
            raise exceptions.ParseError(_("JSON parse error - %(e)s") % {"e": exc}) from None
        bad = _bad_text(data)
        if bad is not None:
            message = _("Null characters and unpaired surrogates are not allowed.")
            raise exceptions.ValidationError({bad or api_non_field_key(): [message]})
        return data


def _no_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def api_non_field_key() -> str:
    from rest_framework.settings import api_settings

    return api_settings.NON_FIELD_ERRORS_KEY


class InputGuardMiddleware:
    """Before any other middleware reads the request: a NUL in the query string is a 400 naming
    the parameter, and a body (other than a multipart upload, whose files stream to disk) larger
    than DATA_UPLOAD_MAX_MEMORY_SIZE is a 400 at once (JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit and not request.content_type.startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                message = _("The request body is larger than %(n)d bytes.") % {"n": limit}
                return bad_request_response(request, {"detail": message})
        if "%00" in request.META.get("QUERY_STRING", ""):
            for name, values in request.GET.lists():
                if forbidden_text(name) or any(forbidden_text(v) for v in values):
                    return bad_request_response(request, {_FORBIDDEN.sub("?", name): [_("Null characters are not allowed.")]})
        return self.get_response(request)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request_response(request, errors: dict):
    if is_api(request):
        return JsonResponse(errors, status=400, json_dumps_params={"ensure_ascii": False})
    return defaults.bad_request(request, exception=None)


def bad_request(request, exception=None):
    """handler400: JSON under /api/ (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields), the
    400 page elsewhere."""
    if is_api(request):
        message = str(exception) if exception is not None and str(exception) else _("Bad request.")
        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
    return defaults.bad_request(request, exception)


def page_not_found(request, exception=None):
    """handler404: under /api/ a JSON 404 like DRF's (a path no route matches, such as an id of
    "0.5"), so every API error has the content type the schema documents; the 404 page elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)
