"""Validators for values that are not any one app's domain (periods)."""
from django.core.exceptions import ValidationError

from config.dates import parse_quarter


def quarter_validator(value: str) -> None:
    """A quarter label such as 2027Q1."""
    try:
        parse_quarter(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
