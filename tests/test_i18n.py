"""Simplified Chinese is the product's default language: the catalogue is complete and compiled, and
pages, model names, choices and service messages come out in Chinese when zh-hans is active.
(tests/conftest.py switches every other test to English; these tests opt back in.)"""
import ast
import gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from guards.models import Guard
from guards.services import guard_create
from liaison_points.models import LiaisonPoint

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-+ #0]*\d*(?:\.\d+)?[sdrifxXeEgGc%]")


def read_po(path: Path) -> tuple[dict, list[dict]]:
    """A tiny .po reader: (header fields, entries). Entries are blank-line separated blocks; each has
    flags, msgid, maybe msgctxt / msgid_plural, and msgstr as a list (one item, or one per plural
    form). Obsolete (#~) entries are skipped."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, field = {"flags": set(), "msgstr": []}, None
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                break
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if field.startswith("msgstr"):
                    entry["msgstr"][-1] += ast.literal_eval(line)
                else:
                    entry[field] += ast.literal_eval(line)
            else:
                field, _, value = line.partition(" ")
                if field.startswith("msgstr"):
                    entry["msgstr"].append(ast.literal_eval(value))
                else:
                    entry[field] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    header = entries.pop(0) if entries and entries[0]["msgid"] == "" else {"msgstr": [""], "flags": set()}
    fields = dict(line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line)
    fields["flags"] = header["flags"]
    return fields, entries


@pytest.fixture(scope="module")
def catalogue():
    return read_po(LOCALE_DIR / "django.po")


@pytest.fixture
def zh(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        yield


# --- the catalogue ---------------------------------------------------------------------------


def test_catalogue_header_when_read_declares_one_plural_form(catalogue):
    header, entries = catalogue
    # then
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"
    assert header["Language"] == "zh_Hans"
    assert "fuzzy" not in header["flags"]
    assert len(entries) > 1000


def test_catalogue_entries_when_read_are_all_translated_and_none_fuzzy(catalogue):
    _, entries = catalogue
    # then
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    assert fuzzy == []
    assert untranslated == []
    assert all(len(e["msgstr"]) == 1 for e in entries), "zh has a single plural form"


def test_catalogue_placeholders_when_translated_are_kept(catalogue):
    _, entries = catalogue
    # then: every %(name)s / %d / %% of the (plural) source is in the translation, and nothing else
    wrong = []
    for e in entries:
        if "python-format" not in e["flags"]:
            continue
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        if not any(sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(e["msgstr"][0])) for s in sources):
            wrong.append(e["msgid"])
    assert wrong == []


def test_compiled_catalogue_when_loaded_matches_the_po_file(catalogue):
    # given the .mo that Django loads
    _, entries = catalogue
    with open(LOCALE_DIR / "django.mo", "rb") as fp:
        mo = gettext.GNUTranslations(fp)
    # then every .po entry is in it with the same translation (the .mo is not stale)
    stale = []
    for e in entries:
        key = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        got = mo.ngettext(key, e["msgid_plural"], 1) if "msgid_plural" in e else mo.gettext(key)
        if got != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == []


# --- what a user sees ------------------------------------------------------------------------


def test_login_page_when_browser_asks_for_zh_hans_is_chinese(db, client):
    # when
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in body
    assert "登录" in body
    assert "Sign in" not in body


def test_login_page_when_no_language_is_asked_uses_the_zh_hans_default(db, client, settings):
    # given the product default (the test settings force English)
    settings.LANGUAGE_CODE = "zh-hans"
    # when
    response = client.get(reverse("accounts:login"))
    # then
    assert "登录" in response.content.decode()


def test_dashboard_when_language_cookie_is_zh_hans_is_chinese(client_for, officer):
    # given an officer who chose 简体中文 in the switcher
    client = client_for(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    # when
    response = client.get(reverse("liaison_points:dashboard"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "全县概况" in body
    assert "联勤点" in body


def test_language_cookie_when_english_chosen_shows_english(client_for, officer, settings):
    # given the zh-hans default but an officer who switched to English
    settings.LANGUAGE_CODE = "zh-hans"
    client = client_for(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when
    response = client.get(reverse("liaison_points:dashboard"))
    # then
    assert "County overview" in response.content.decode()


def test_model_names_and_choices_when_zh_hans_active_are_chinese(zh):
    # then
    assert str(LiaisonPoint._meta.verbose_name) == "联勤点"
    assert str(Guard._meta.verbose_name) == "保安员"
    assert str(LiaisonPoint._meta.get_field("latitude").verbose_name) == "纬度"
    assert str(Guard.CertificateStatus.VALID.label) == "有效"


def test_service_validation_message_when_zh_hans_active_is_chinese(zh, company):
    # when a guard is registered with a resident id of the wrong length
    with pytest.raises(ValidationError) as exc:
        guard_create(
            company=company, name="张三", phone="13900000001", national_id="4206251980",
            post="东方家园", post_latitude=Decimal("32.27"), post_longitude=Decimal("111.6"),
        )
    # then the field error is worded in Chinese, with the number filled in
    assert exc.value.message_dict["national_id"] == ["身份证号应为 18 位，此号码为 10 位。"]


def test_api_error_when_zh_hans_requested_is_chinese(api_for, officer, company):
    # when an officer posts a guard with a bad phone number, asking for Chinese
    response = api_for(officer).post(
        "/api/v1/guards/",
        {"company": company.pk, "name": "张三", "phone": "12345", "national_id": "4206251980",
         "post": "东方家园", "post_latitude": "32.27", "post_longitude": "111.6"},
        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    # then
    assert response.status_code == 400
    assert "身份证号应为 18 位" in str(response.json())


def test_admin_when_zh_hans_requested_is_chinese(db, client_for):
    # given a staff account
    from tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    # when
    response = client_for(admin_user).get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the office's own header and its app names are translated too
    body = response.content.decode()
    assert "警保联勤办公室" in body
    assert "联勤点" in body
