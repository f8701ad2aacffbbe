"""Password rules: length, three character classes, not like the username, not recently used."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.demo import DEMO_PASSWORD
from accounts.models import PasswordHistory
from tests import factories as f

pytestmark = pytest.mark.django_db


def _errors(password, user=None) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


@pytest.mark.parametrize(
    "password, code",
    [
        ("Sh0rt!pw", "password_too_short"),
        ("alllowercaseletters", "password_too_simple"),
        ("lowercase-and-symbols", "password_too_simple"),
        ("UPPERlowerLetters", "password_too_simple"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    assert code in _errors(password)


@pytest.mark.parametrize("password", ["Lantern-River-9", "lantern-river-2024", "LanternRiver2024", DEMO_PASSWORD])
def test_strong_passwords_pass(password):
    assert _errors(password) == []


def test_password_like_the_username_is_refused(db):
    user = f.UserFactory(username="zhangwei2024")
    assert "password_too_similar" in _errors("Zhangwei2024!", user=user)


def test_a_recent_password_cannot_be_reused_but_an_old_one_can(db, settings):
    user = f.UserFactory(username="rotating")
    passwords = ["First-pass-01", "Second-pass-02", "Third-pass-03", "Fourth-pass-04", "Fifth-pass-05", "Sixth-pass-06"]
    for password in passwords:
        assert _errors(password, user=user) == []
        user.set_password(password)
        user.save()
    # the last five are remembered (hashes only), the current one among them
    assert PasswordHistory.objects.filter(user=user).count() == 5
    assert not PasswordHistory.objects.filter(password__contains="pass-0").exists()
    assert "password_reused" in _errors("Sixth-pass-06", user=user)
    assert "password_reused" in _errors("Second-pass-02", user=user)
    assert _errors("First-pass-01", user=user) == []


def test_messages_are_translated():
    from django.utils import translation

    with translation.override("zh-hans"):
        try:
            validate_password("alllowercaseletters")
        except ValidationError as exc:
            text = " ".join(exc.messages)
    assert "密码" in text and "This password" not in text
