"""Cells for CSV and XLSX exports: text that a spreadsheet would run as a formula is neutralised.

A guard named `=HYPERLINK("http://x","y")` must reach Excel or WPS as text, never as a live formula
(CSV injection, OWASP). Every export writes its rows through `safe_row`, so the rule is in one place."""
import re
from collections.abc import Iterable

# What spreadsheets treat as the start of a formula (also tab and carriage return, which some strip
# before looking at the next character).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value):
    """`value` unchanged unless it is text that starts like a formula; then prefixed with `'`, which
    spreadsheets show as text. A plain signed number ("-3.50") stays a number."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


# --- list exports ------------------------------------------------------------------------------
# A list page (guards, patrols, disputes, inspections) exports exactly what its filter shows, all
# pages of it, when asked with ?export=csv or ?export=xlsx on its own URL (the page's "Export"
# links keep the query string). The view builds the same queryset as the page and hands it here
# with its columns; CSV is streamed row by row, XLSX written by openpyxl's write-only workbook.
# Cells go through safe_row; headings are translated in the user's language.

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 500


def export_format(request) -> str | None:
    """'csv' or 'xlsx' when the list is asked for as a file, else None (the page)."""
    value = request.GET.get("export")
    return value if value in EXPORT_FORMATS else None


def export_refused(form) -> "HttpResponse":
    """A 400 naming the filters that are not valid (the file would not match any list)."""
    from django.http import HttpResponse
    from django.utils.translation import gettext

    lines = [gettext("The filters are not valid, so nothing was exported:")]
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        lines.append(f"{label}: {' '.join(str(e) for e in errors)}")
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "quantize"):
        return float(value)
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):  # aware datetimes: local time, no zone (Excel has none)
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


class _Echo:
    def write(self, value):
        return value


def export_file(*, rows: Iterable, columns: list, fmt: str, name: str):
    """The file response of a list: `columns` are (heading, getter) pairs, a getter taking one row;
    `rows` an iterable (a queryset's .iterator(), so a large list is never held in memory).
    The view writes the audit line first (accounts.audit.audit_export): config sits below accounts."""
    import csv
    import io

    from django.http import HttpResponse, StreamingHttpResponse
    from django.utils import timezone, translation

    headings = [str(heading) for heading, _getter in columns]
    language = translation.get_language()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"

    def values():
        with translation.override(language):  # a streamed body is written after the view returned
            for row in rows:
                yield safe_row(_cell(getter(row)) for _heading, getter in columns)

    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=name[:31])
        sheet.append(safe_row(headings))
        for line in values():
            sheet.append(line)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    else:
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(safe_row(headings))  # Excel opens UTF-8 (Chinese names) only with a BOM
            for line in values():
                yield writer.writerow(["" if v is None else v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "hour") else v for v in line])

        response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
