"""zh-hans wording where a shared English word needs its own Chinese (a guard's name is 姓名, an
active guard is 在职, absent from training is 缺训), and the console output of seed_demo and
compile_bulletin in the active language, figures and words alike."""
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext, pgettext

from bulletins.management.commands.seed_demo import demo_summary
from guards.models import Guard
from liaison_points.models import LiaisonPoint


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


def test_guard_name_and_active_status_read_as_a_person_in_zh(zh):
    assert str(Guard._meta.get_field("name").verbose_name) == "姓名"
    assert str(Guard.Status.ACTIVE.label) == "在职"
    # the same English words elsewhere keep their own Chinese
    assert str(LiaisonPoint._meta.get_field("name").verbose_name) == "名称"
    assert gettext("Active") == "启用"


def test_absent_means_missed_training_only_on_training_pages(zh):
    assert pgettext("training", "Absent") == "缺训" and pgettext("training", "absent") == "缺训"
    assert gettext("Absent") == "缺勤"  # a patrol's roll-call


@pytest.mark.django_db
def test_roster_list_in_zh_says_absent_from_training(client_for, officer, company):
    from training.models import TrainingRoster

    TrainingRoster.objects.create(company=company, quarter="2026Q4")
    client = client_for(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get("/guards/rosters/").content.decode()
    assert "缺训" in body and "缺勤" not in body


def test_guard_form_in_en_labels_the_name_full_name():
    with translation.override("en"):
        assert str(Guard._meta.get_field("name").formfield().label) == "Full name"


@pytest.mark.parametrize("language, expected", [
    ("en", "11 townships, 700 guards, 3 something new"),
    ("zh-hans", "乡镇 11，保安员 700，something new 3"),
])
def test_seed_demo_summary_is_in_one_language(language, expected):
    with translation.override(language):
        assert demo_summary({"townships": 11, "guards": 700, "something new": 3}) == expected


@pytest.mark.django_db
def test_compile_bulletin_prints_its_figures_in_the_active_language():
    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command("compile_bulletin", "--week", "2026-W47", stdout=out)
    text = out.getvalue()
    assert text.startswith("周报 2026-W47") and "巡逻 0 次" in text and "patrols" not in text
    out = io.StringIO()
    with translation.override("en"):
        call_command("compile_bulletin", "--week", "2026-W47", stdout=out)
    assert "0 patrols" in out.getvalue()
