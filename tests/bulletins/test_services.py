import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from bulletins.models import BulletinDelivery, BulletinRecipient, CaseFigure, WeeklyBulletin
from bulletins.services import (
    DeliveryRetry,
    bulletin_compile,
    bulletin_deliver,
    bulletin_deliveries_sweep,
    bulletin_delivery_retry,
    bulletin_send,
    bulletin_set_suggestions,
    case_figure_set,
    case_figures_import,
    recipients_sync,
)
from bulletins.tasks import bulletin_deliver_task, bulletin_send_task
from config.exceptions import DomainError
from tests import factories as f
from tests.bulletins.conftest import MONDAY


@pytest.fixture
def recipients(known_week):
    return [
        BulletinRecipient.objects.create(name="Station", email="station@example.com", kind="station"),
        BulletinRecipient.objects.create(name="Red manager", email="red@example.com", kind="manager", company=known_week["red"]),
        BulletinRecipient.objects.create(name="Reader", email="reader@example.com", language="en"),
        BulletinRecipient.objects.create(name="Gone", email="gone@example.com", active=False),
    ]


@pytest.fixture
def bulletin(known_week):
    return bulletin_compile(monday=MONDAY)


def _send_all(bulletin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return bulletin_send(bulletin=bulletin)


def test_send_reaches_each_active_recipient_once_with_html_and_text(bulletin, recipients, django_capture_on_commit_callbacks):
    created = _send_all(bulletin, django_capture_on_commit_callbacks)
    assert created == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["reader@example.com", "red@example.com", "station@example.com"]
    message = next(m for m in mail.outbox if m.to == ["station@example.com"])
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "2026-W47" in message.subject and "158" in message.body and "158" in html
    assert "<img" not in html and "http" not in html.split("<body", 1)[1]  # no remote images or links to load
    assert message.extra_headers["Message-ID"].startswith(f"<bulletin-{bulletin.pk}-")
    bulletin.refresh_from_db()
    assert bulletin.status == "sent" and set(bulletin.deliveries.values_list("status", flat=True)) == {"sent"}


def test_sending_twice_or_retrying_tasks_sends_nothing_more(bulletin, recipients, django_capture_on_commit_callbacks):
    _send_all(bulletin, django_capture_on_commit_callbacks)
    assert _send_all(bulletin, django_capture_on_commit_callbacks) == 0  # doubled send
    for delivery in BulletinDelivery.objects.all():  # retried deliveries
        assert bulletin_deliver_task.run(delivery_id=delivery.pk) is False
    with django_capture_on_commit_callbacks(execute=True):
        bulletin_send_task.run(week="2026-W47")  # the beat task run again
    assert len(mail.outbox) == 3


def test_a_new_recipient_added_after_sending_gets_it_on_the_next_send(bulletin, recipients, django_capture_on_commit_callbacks):
    _send_all(bulletin, django_capture_on_commit_callbacks)
    BulletinRecipient.objects.create(name="Late", email="late@example.com")
    assert _send_all(bulletin, django_capture_on_commit_callbacks) == 1
    assert [m.to[0] for m in mail.outbox].count("late@example.com") == 1 and len(mail.outbox) == 4


def test_worker_dying_mid_send_is_recovered_by_the_sweep_without_duplicates(bulletin, recipients):
    # given deliveries created but the worker died: one claimed and never finished, one never started
    bulletin_send(bulletin=bulletin)  # on_commit callbacks not run: nothing enqueued
    first, second, third = BulletinDelivery.objects.order_by("email")
    bulletin_deliver(delivery_id=first.pk)  # sent fine
    BulletinDelivery.objects.filter(pk=second.pk).update(status="sending", claimed_at=datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC))
    # when the sweep runs
    pending = bulletin_deliveries_sweep()
    for pk in pending:
        bulletin_deliver(delivery_id=pk)
    # then everyone has exactly one copy
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email, third.email])


def test_failed_sending_is_retried_then_marked_failed_and_can_be_retried_by_an_officer(bulletin, recipients, settings):
    settings.BULLETIN_DELIVERY_MAX_ATTEMPTS = 2
    bulletin_send(bulletin=bulletin)
    delivery = BulletinDelivery.objects.get(email="station@example.com")
    with mock.patch("bulletins.services.EmailMultiAlternatives.send", side_effect=OSError("connection refused")):
        with pytest.raises(DeliveryRetry):
            bulletin_deliver(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", 1) and "connection refused" in delivery.last_error
        assert bulletin_deliver(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.status == "failed" and not mail.outbox
    bulletin_delivery_retry(delivery=delivery)
    assert bulletin_deliver(delivery_id=delivery.pk) is True
    with pytest.raises(DomainError):
        bulletin_delivery_retry(delivery=delivery)


def test_deliver_task_retries_with_backoff_on_failure(bulletin, recipients):
    bulletin_send(bulletin=bulletin)
    delivery = BulletinDelivery.objects.first()
    with mock.patch("bulletins.services.EmailMultiAlternatives.send", side_effect=OSError("down")), mock.patch.object(
        bulletin_deliver_task, "retry", side_effect=RuntimeError("retry scheduled")
    ) as retry:
        with pytest.raises(RuntimeError):
            bulletin_deliver_task.run(delivery_id=delivery.pk)
    assert retry.call_args.kwargs["countdown"] == 30


def test_managers_copy_leaks_nothing_of_other_companies(bulletin, recipients, django_capture_on_commit_callbacks):
    _send_all(bulletin, django_capture_on_commit_callbacks)
    red = next(m for m in mail.outbox if m.to == ["red@example.com"])
    station = next(m for m in mail.outbox if m.to == ["station@example.com"])
    for part in (red.body, red.alternatives[0][0]):
        assert "红盾保安" in part and "蓝盾保安" not in part and "孙三" not in part
    assert "蓝盾保安" in station.body


def test_email_in_recipients_language(bulletin, recipients, django_capture_on_commit_callbacks):
    _send_all(bulletin, django_capture_on_commit_callbacks)
    english = next(m for m in mail.outbox if m.to == ["reader@example.com"])
    assert "Joint patrol weekly bulletin" in english.subject


def test_officer_suggestions_are_escaped_in_html(bulletin, recipients, django_capture_on_commit_callbacks):
    bulletin_set_suggestions(bulletin=bulletin, text="Check <script>alert(1)</script> at night\nSecond line")
    _send_all(bulletin, django_capture_on_commit_callbacks)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    with pytest.raises(DomainError):
        bulletin_set_suggestions(bulletin=bulletin, text="too late")


def test_a_sent_bulletin_is_not_recompiled(bulletin, recipients, known_week):
    bulletin_send(bulletin=bulletin)
    CaseFigure.objects.filter(week_start=MONDAY).update(count=99)
    again = bulletin_compile(monday=MONDAY)
    assert again.figures["cases"]["total"] == 7


def test_compile_refuses_a_non_monday(db):
    with pytest.raises(ValidationError):
        bulletin_compile(monday=MONDAY + datetime.timedelta(days=1))


def test_send_refuses_an_uncompiled_bulletin(db):
    with pytest.raises(DomainError):
        bulletin_send(bulletin=WeeklyBulletin.objects.create(week_start=MONDAY))


def test_recipients_sync_adds_officers_and_managers_with_email_once(db, company):
    f.OfficerFactory(user__email="o@example.com")
    f.OfficerFactory(user__email="")
    f.CompanyManagerFactory(company=company, user__email="m@example.com")
    assert recipients_sync() == 2
    assert recipients_sync() == 0
    assert BulletinRecipient.objects.get(email="m@example.com").company == company


# case figures ------------------------------------------------------------------------------

@pytest.fixture
def towns(db):
    return f.TownshipFactory(code="420625100", name="城关镇"), f.TownshipFactory(code="420625101", name="石花镇")


def test_import_good_file_creates_and_updates(towns):
    CaseFigure.objects.create(township=towns[0], week_start=MONDAY, count=1)
    data = "week,township,count\n2026-W47,城关镇,5\n2026-11-18,420625101,2\n2026-W46,石花镇,4\n".encode()
    result = case_figures_import(data=data)
    assert (result.created, result.updated) == (2, 1)
    assert dict(CaseFigure.objects.filter(week_start=MONDAY).values_list("township__name", "count")) == {"城关镇": 5, "石花镇": 2}


def test_import_gb18030_and_bom_files(towns):
    case_figures_import(data="week,township,count\n2026-W47,城关镇,3\n".encode("gb18030"))
    case_figures_import(data="\ufeffweek,township,count\n2026-W46,城关镇,4\n".encode("utf-8"))
    assert CaseFigure.objects.count() == 2


def test_import_bad_rows_are_named_by_line_and_nothing_is_imported(towns):
    data = (
        "week,township,count\n"
        "2026-W47,城关镇,5\n"      # good
        "2026-W47,火星镇,2\n"      # unknown township
        "next week,城关镇,1\n"     # bad week
        "2026-W46,石花镇,-3\n"     # negative
        "2026-W47,城关镇,6\n"      # repeats line 2
        "2030-W01,城关镇,1\n"      # future
    ).encode()
    with pytest.raises(ValidationError) as exc:
        case_figures_import(data=data)
    errors = exc.value.message_dict["file"]
    assert [e.split(":")[0] for e in errors] == ["Line 3", "Line 4", "Line 5", "Line 6", "Line 7"]
    assert "火星镇" in errors[0] and "repeats line 2" in errors[3] and "has not begun" in errors[4]
    assert not CaseFigure.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [(b"", "empty"), (b"week,town,n\n2026-W47,x,1\n", "Missing column"), (b"week,township,count\n", "no rows"), (b"\xff\xfe\x00bad", "UTF-8")],
)
def test_import_unreadable_files(towns, data, message):
    with pytest.raises(ValidationError) as exc:
        case_figures_import(data=data)
    assert message in exc.value.message_dict["file"][0]


@pytest.mark.parametrize("monday, count, field", [(MONDAY + datetime.timedelta(days=2), 1, "week"), (MONDAY, -1, "count"), (MONDAY, "x", "count")])
def test_case_figure_set_bad_input(towns, monday, count, field):
    with pytest.raises(ValidationError) as exc:
        case_figure_set(township=towns[0], monday=monday, count=count)
    assert field in exc.value.message_dict


def test_import_command_reports_errors_and_succeeds(towns, tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.csv"
    bad.write_text("week,township,count\n2026-W47,火星镇,1\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_case_figures", str(bad))
    assert "Line 2" in str(exc.value)
    good = tmp_path / "good.csv"
    good.write_text("week,township,count\n2026-W47,城关镇,1\n", encoding="utf-8")
    call_command("import_case_figures", str(good))
    assert CaseFigure.objects.count() == 1
