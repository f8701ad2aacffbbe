"""Password rules for MLPS (等保 2.0) level 3, wired in settings.AUTH_PASSWORD_VALIDATORS beside
Django's own (minimum length, similarity to the username, common passwords):

- CharacterClassesValidator: at least `min_classes` of upper case, lower case, digits and symbols;
- PasswordHistoryValidator: not one of the user's last `remember` passwords (their hashes are kept in
  accounts.PasswordHistory, written by Django's password_changed hook when the new one is saved)."""
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_CLASSES = (
    ("upper", str.isupper),
    ("lower", str.islower),
    ("digit", str.isdigit),
    ("symbol", lambda ch: not ch.isalnum()),  # punctuation, spaces and the like
)


def _classes(password: str) -> set[str]:
    return {name for name, test in _CLASSES for ch in password if test(ch)}


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(_classes(password)) < self.min_classes:
            raise ValidationError(self.get_error_message(), code="password_too_simple")

    def get_error_message(self) -> str:
        return ngettext(
            "This password must contain characters of at least %(n)d kind: upper-case letters, lower-case letters, digits, symbols.",
            "This password must contain characters of at least %(n)d of these kinds: upper-case letters, lower-case letters, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}

    def get_help_text(self) -> str:
        return self.get_error_message()


class PasswordHistoryValidator:
    def __init__(self, remember: int = 5):
        self.remember = remember

    def _previous_hashes(self, user) -> list[str]:
        from accounts.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id").values_list("password", flat=True)[: self.remember]
        )
        current = getattr(user, "password", "")
        if current and current not in hashes:
            hashes.insert(0, current)
        return hashes

    def validate(self, password, user=None):
        if self.remember <= 0 or user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in self._previous_hashes(user)):
            raise ValidationError(self.get_error_message(), code="password_reused")

    def password_changed(self, password, user=None):
        """Django's hook, called after the new password is saved: remember its hash, forget the oldest."""
        if self.remember <= 0 or user is None or user.pk is None:
            return
        from accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id").values_list("pk", flat=True)[self.remember :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_error_message(self) -> str:
        return ngettext(
            "This password was used recently; choose one you have not used before.",
            "This password is one of your last %(n)d; choose one you have not used before.",
            self.remember,
        ) % {"n": self.remember}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password cannot be your previous one.",
            "Your password cannot be one of your last %(n)d.",
            self.remember,
        ) % {"n": self.remember}
