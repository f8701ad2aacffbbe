import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def national_id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of a resident id."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def normalize_national_id(value: str) -> str:
    return (value or "").strip().upper()


def validate_national_id(value: str) -> None:
    """An 18-character mainland resident identity number: 17 digits, a valid birth date, and the
    check character (0-9 or X) that GB 11643-1999 derives from them."""
    value = normalize_national_id(value)
    if len(value) != 18:
        raise ValidationError(
            _("A resident id has 18 characters; this one has %(n)d."), code="length", params={"n": len(value)}
        )
    if not _ID_SHAPE.match(value):
        raise ValidationError(_("A resident id is 17 digits followed by a digit or X."), code="format")
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside this resident id is not a real date."), code="birth_date") from None
    if born.year < 1900 or born > datetime.date.today():
        raise ValidationError(_("The birth date inside this resident id is out of range."), code="birth_date")
    if national_id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("The check digit of this resident id is wrong; please check for a typing error."), code="check_digit")


def mask_national_id(value: str) -> str:
    """Show the region and the last 4 characters only: 420625********123X."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


phone_validator_regex = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value: str) -> None:
    if value and not phone_validator_regex.match(value.strip()):
        raise ValidationError(_("Enter an 11-digit mobile number or a landline such as 0710-1234567."), code="phone")
