"""Email subjects and plain-text parts are text, not HTML: a company named `A&B <x>` reads as typed
there, and only the HTML part escapes it. The HTML part keeps its look as inline styles (email
clients drop stylesheets), though the same partial carries only classes on the pages."""
from types import SimpleNamespace

from django.template.loader import render_to_string

from bulletins.emails import inline_email_styles, render_bulletin_email
from bulletins.services import bulletin_compile
from tests.bulletins.conftest import MONDAY

NAME = "A&B <x>"


def test_bulletin_subject_and_text_keep_a_company_name_as_typed(known_week):
    # given: a company whose name has HTML characters
    red = known_week["red"]
    red.name = NAME
    red.save()
    bulletin = bulletin_compile(monday=MONDAY)
    # when
    subject, text, html = render_bulletin_email(bulletin=bulletin, company=red, language="en")
    # then
    assert subject.endswith(f"· {NAME}") and "&amp;" not in subject and "&lt;" not in subject
    assert NAME in text
    assert "A&amp;B &lt;x&gt;" in html and NAME not in html


def test_bulletin_email_html_carries_inline_styles(known_week):
    bulletin = bulletin_compile(monday=MONDAY)
    _, _, html = render_bulletin_email(bulletin=bulletin, language="en")
    assert 'class="bl-h2" style="margin:28px 0 8px;' in html
    assert 'class="bl-p bl-bad bl-strong" style="margin:0 0 6px;color:#b42318;font-weight:600;"' in html


def test_inliner_styles_only_our_own_markup():
    # a user's text cannot smuggle a class="" (its quotes are escaped), so it is never styled
    assert inline_email_styles('<p class="bl-muted">x</p>') == '<p class="bl-muted" style="color:#6b7280;">x</p>'
    assert inline_email_styles('<p>class=&quot;bl-muted&quot;</p>') == '<p>class=&quot;bl-muted&quot;</p>'
    assert inline_email_styles('<p class="other">x</p>') == '<p class="other">x</p>'


def test_roster_subject_keeps_a_company_name_as_typed():
    roster = SimpleNamespace(company=SimpleNamespace(name=NAME), quarter="2027Q1")
    subject = render_to_string("emails/roster_awaiting_subject.txt", {"roster": roster}).strip()
    assert NAME in subject and "&amp;" not in subject
