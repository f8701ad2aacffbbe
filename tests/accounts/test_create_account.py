import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role, User
from guards.models import CompanyManager
from liaison_points.models import Officer
from tests import factories as f

PASSWORD = "lantern-river-2024"


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command("create_account", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_create_account_officer_gets_an_officer_profile():
    # given
    station = f.PoliceStationFactory(name="城关派出所")
    # when
    out = run("li.wei", "--role", "officer", "--password", PASSWORD, "--name", "李伟", "--station", str(station.pk), "--badge", "062599")
    # then
    user = User.objects.get(username="li.wei")
    assert user.role == Role.OFFICER and user.name == "李伟" and user.check_password(PASSWORD)
    profile = Officer.objects.get(user=user)
    assert (profile.station, profile.badge_number) == (station, "062599")
    assert "li.wei" in out


@pytest.mark.django_db
def test_create_account_manager_is_bound_to_the_company(company):
    run("boss", "--role", "manager", "--company", str(company.pk), "--password", PASSWORD)

    user = User.objects.get(username="boss")
    assert user.role == Role.MANAGER
    assert CompanyManager.objects.get(user=user).company == company


@pytest.mark.django_db
def test_create_account_guard_is_bound_to_the_guard(company, point):
    guard = f.GuardFactory(company=company, liaison_point=point)

    run("zhang.san", "--role", "guard", "--guard", str(guard.pk), "--password", PASSWORD)

    guard.refresh_from_db()
    assert guard.user.username == "zhang.san" and guard.user.role == Role.GUARD


@pytest.mark.django_db
def test_create_account_admin_is_staff_and_superuser():
    run("root2", "--role", "admin", "--password", PASSWORD, "--email", "root@example.org")

    user = User.objects.get(username="root2")
    assert user.is_staff and user.is_superuser and user.email == "root@example.org"


@pytest.mark.django_db
def test_create_account_weak_password_shows_the_validators_messages_and_saves_nothing(company):
    with pytest.raises(CommandError) as exc:
        run("boss", "--role", "manager", "--company", str(company.pk), "--password", "12345")

    message = str(exc.value)
    assert "too short" in message and "entirely numeric" in message
    assert not User.objects.filter(username="boss").exists()
    assert not CompanyManager.objects.exists()


@pytest.mark.django_db
def test_create_account_taken_badge_rolls_back_the_user(officer):
    taken = officer.officer_profile.badge_number

    with pytest.raises(CommandError) as exc:
        run("second", "--role", "officer", "--password", PASSWORD, "--badge", taken)

    assert "badge" in str(exc.value).lower()
    assert not User.objects.filter(username="second").exists()


@pytest.mark.django_db
def test_create_account_manager_without_company_is_refused():
    with pytest.raises(CommandError, match="--company"):
        run("boss", "--role", "manager", "--password", PASSWORD)
    assert not User.objects.filter(username="boss").exists()


@pytest.mark.django_db
def test_create_account_unknown_company_is_refused():
    with pytest.raises(CommandError, match="no security company with id 999"):
        run("boss", "--role", "manager", "--company", "999", "--password", PASSWORD)
    assert not User.objects.filter(username="boss").exists()


@pytest.mark.django_db
def test_create_account_company_for_another_role_is_refused(company):
    with pytest.raises(CommandError, match="--company"):
        run("someone", "--role", "officer", "--company", str(company.pk), "--password", PASSWORD)


@pytest.mark.django_db
def test_create_account_guard_without_guard_id_is_refused():
    with pytest.raises(CommandError, match="--guard"):
        run("zhang.san", "--role", "guard", "--password", PASSWORD)


@pytest.mark.django_db
def test_create_account_guard_already_bound_is_refused(guard):
    with pytest.raises(CommandError, match="already has a sign-in account"):
        run("second.account", "--role", "guard", "--guard", str(guard.pk), "--password", PASSWORD)

    guard.refresh_from_db()
    assert guard.user.username == "guard_a"
    assert not User.objects.filter(username="second.account").exists()


@pytest.mark.django_db
def test_create_account_existing_username_is_refused(officer):
    with pytest.raises(CommandError, match="already exists"):
        run("officer", "--role", "admin", "--password", PASSWORD)
    assert User.objects.filter(username="officer").count() == 1


@pytest.mark.django_db
def test_create_account_prompts_twice_on_a_terminal(monkeypatch):
    # given a terminal where the same password is typed twice
    answers = iter([PASSWORD, PASSWORD])
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or next(answers))
    # when
    run("typed", "--role", "officer", stdin=_Terminal())
    # then
    assert len(prompts) == 2
    assert User.objects.get(username="typed").check_password(PASSWORD)


@pytest.mark.django_db
def test_create_account_prompt_mismatch_is_refused(monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match="do not match"):
        run("typed", "--role", "officer", stdin=_Terminal())
    assert not User.objects.filter(username="typed").exists()


@pytest.mark.django_db
def test_create_account_without_password_or_terminal_fails_clearly(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("must not prompt without a terminal"))

    with pytest.raises(CommandError, match="--password"):
        run("typed", "--role", "officer", stdin=io.StringIO())
    assert not User.objects.filter(username="typed").exists()
