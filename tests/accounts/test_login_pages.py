"""The sign-in page, sign-out, the language switcher and the error pages."""
import pytest

pytestmark = pytest.mark.django_db


def test_login_page_renders_for_anonymous(client_for):
    response = client_for(None).get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert 'action="/i18n/setlang/"' in body


def test_login_sends_officer_home(client_for, officer):
    response = client_for(None).post("/accounts/login/", {"username": "officer", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_with_wrong_password_shows_error(client_for, officer):
    response = client_for(None).post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_login_page_redirects_signed_in_user(client_for, officer):
    assert client_for(officer).get("/accounts/login/").status_code == 302


def test_logout_is_a_post_form(client_for, officer):
    client = client_for(officer)
    body = client.get("/dashboard/").content.decode()
    assert 'action="/accounts/logout/" method="post"' in body
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 302


def test_navigation_follows_role(client_for, officer, manager, guard):
    officer_nav = client_for(officer).get("/dashboard/").content.decode()
    manager_nav = client_for(manager).get("/guards/").content.decode()
    guard_nav = client_for(guard.user).get(f"/guards/{guard.pk}/").content.decode()
    assert 'href="/guards/companies/"' in officer_nav and 'href="/api/docs/"' in officer_nav
    assert 'href="/guards/companies/"' not in manager_nav and 'href="/points/"' not in manager_nav
    assert 'href="/guards/"' not in guard_nav


def test_language_switcher_sets_english(client_for, officer):
    client = client_for(officer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/dashboard/").content.decode()


def test_unknown_page_uses_404_template(client_for, officer):
    response = client_for(officer).get("/no-such-page/")
    assert response.status_code == 404
    assert "error-page" in response.content.decode()


def test_home_sends_each_role_to_its_start_page_keeping_the_query(client_for, officer, manager, guard):
    assert client_for(officer).get("/").headers["Location"] == "/dashboard/"
    company_page = f"/guards/companies/{manager.manager_profile.company_id}/"
    assert client_for(manager).get("/").headers["Location"] == company_page
    assert client_for(manager).get("/?page=2").headers["Location"] == f"{company_page}?page=2"
    assert client_for(guard.user).get("/").headers["Location"] == f"/guards/{guard.pk}/"
