"""config/offline.py: the time a guard's phone recorded (an item kept offline, sent later) is taken
only within its bounds, each kind of bad input a field error; a record older than the clock skew
on arrival is marked as arrived late."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.offline import arrived_late_at, is_late, recorded_at_parse

NOW = datetime.datetime(2026, 11, 17, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _bounds(settings):
    settings.OFFLINE_MAX_AGE_HOURS = 24
    settings.OFFLINE_CLOCK_SKEW_SECONDS = 120


def _error(value) -> str:
    with pytest.raises(ValidationError) as exc:
        recorded_at_parse(value, now=NOW)
    assert list(exc.value.message_dict) == ["recorded_at"]
    return exc.value.message_dict["recorded_at"][0]


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_time_sent_means_now(value):
    assert recorded_at_parse(value, now=NOW) is None


def test_a_time_within_the_bounds_is_kept_as_sent():
    assert recorded_at_parse("2026-11-17T10:15:30.250Z", now=NOW) == datetime.datetime(2026, 11, 17, 10, 15, 30, 250000, tzinfo=datetime.UTC)
    assert recorded_at_parse("2026-11-16T12:00:00+00:00", now=NOW) == NOW - datetime.timedelta(hours=24)  # the oldest accepted


def test_a_time_without_zone_is_local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with timezone.override("Asia/Shanghai"):
        assert recorded_at_parse("2026-11-17T19:30:00", now=NOW) == datetime.datetime(2026, 11, 17, 11, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize("value", ["yesterday", "2026-13-40T99:00", "1700000000", "<script>"])
def test_garbage_is_a_field_error(value):
    assert "not a date and time" in _error(value)


def test_a_phone_slightly_fast_counts_as_now_but_the_future_is_refused():
    assert recorded_at_parse("2026-11-17T12:01:59Z", now=NOW) == NOW
    assert "in the future" in _error("2026-11-17T12:02:01Z")
    assert "in the future" in _error("2027-01-01T00:00:00Z")


def test_older_than_the_limit_is_refused(settings):
    assert "more than 24 hours ago" in _error("2026-11-16T11:59:59Z")
    settings.OFFLINE_MAX_AGE_HOURS = 2
    assert "more than 2 hours ago" in _error("2026-11-17T09:59:00Z")


def test_arrival_is_kept_only_when_late():
    assert arrived_late_at(None, now=NOW) is None
    assert arrived_late_at(NOW - datetime.timedelta(seconds=60), now=NOW) is None
    assert arrived_late_at(NOW - datetime.timedelta(minutes=30), now=NOW) == NOW
    assert is_late(NOW - datetime.timedelta(minutes=30), NOW) and not is_late(NOW, NOW) and not is_late(None, NOW)


def test_the_limit_fits_in_the_idempotency_keys_memory(settings):
    from django.conf import settings as live

    assert live.OFFLINE_MAX_AGE_HOURS <= live.IDEMPOTENCY_KEY_TTL_HOURS
