"""The office's own error pages (400, 403, 404, 500) in the user's language, with the site's icon;
the 500 page renders without a database query or context processor; `make run` never shows Django's
debug page (which lists the URL patterns) to the people using it."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import include, path

from tests import factories as f


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("", include("config.urls"))]


@pytest.fixture
def boom_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize("language, text", [("en", "Page not found"), ("zh-hans", "页面不存在")])
def test_404_in_the_users_language_inside_the_site(client_for, officer, language, text):
    client = client_for(officer)
    response = client.get("/guards/999999/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 404
    assert text in page and 'class="mainnav"' in page and "favicon.svg" in page


def test_403_for_a_page_outside_the_role(client_for, manager):
    response = client_for(manager).get("/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert "无权打开此页面" in response.content.decode()


def test_500_is_in_the_users_language_and_never_the_debug_page(client, db, boom_urls):
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错" in page and "favicon.svg" in page and "Traceback" not in page
    assert response["Content-Security-Policy"]


def test_500_page_renders_without_a_request_or_the_database(db, django_assert_num_queries):
    from django.template import loader
    from django.utils import translation

    # as django.views.defaults.server_error renders it: no request, no context processors
    with translation.override("zh-hans"), django_assert_num_queries(0):
        page = loader.get_template("500.html").render()
    assert "服务器出错" in page and 'lang="zh-hans"' in page


def test_400_for_a_bad_host(client, db):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The request could not be understood" in response.content.decode()


def test_csrf_failure_page_is_ours(db, settings):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_favicon_is_served_and_linked(client, db):
    assert Path(settings.BASE_DIR, "static", "favicon.svg").read_text().startswith("<svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
    assert 'rel="icon"' in client.get("/accounts/login/").content.decode()


def test_make_run_serves_with_debug_off_and_static_files_collected():
    makefile = Path(settings.BASE_DIR, "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "$(RUN_ENV) $(PY) manage.py runserver" in recipe and "collectstatic" in recipe
    assert re.search(r"^RUN_DEBUG \?= false$", makefile, re.M)
    assert "SECURE_SSL_REDIRECT=false" in makefile and "SECRET_KEY_FILE=" in makefile
