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
