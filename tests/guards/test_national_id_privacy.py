"""A manager never learns from a refusal that a resident id belongs to another company's guard
(issue 10, item 11): officers get the precise message, managers a neutral one, in API and pages."""
import pytest

from guards.models import Guard
from tests.guards.test_api import guard_payload

PRECISE = "A guard with this resident id number already exists."
NEUTRAL = "This resident id number cannot be used."


@pytest.mark.parametrize("who, message", [("officer", PRECISE), ("other_manager", NEUTRAL)])
def test_api_national_id_taken_message_depends_on_role(request, api_for, guard, other_company, who, message):
    user = request.getfixturevalue(who)

    response = api_for(user).post("/api/v1/guards/", guard_payload(company=other_company.pk, national_id=guard.national_id), format="json")

    assert response.status_code == 400
    assert response.json() == {"national_id": [message]}
    assert Guard.objects.filter(national_id=guard.national_id).count() == 1


def test_api_update_to_taken_national_id_is_neutral_for_manager(api_for, other_manager, guard, other_guard):
    response = api_for(other_manager).patch(f"/api/v1/guards/{other_guard.pk}/", {"national_id": guard.national_id}, format="json")

    assert response.status_code == 400 and response.json() == {"national_id": [NEUTRAL]}
    other_guard.refresh_from_db()
    assert other_guard.national_id != guard.national_id


def test_page_national_id_taken_is_neutral_for_manager(client_for, other_manager, guard):
    from tests.guards.test_pages import _guard_form_data

    response = client_for(other_manager).post("/guards/new/", _guard_form_data(national_id=guard.national_id))

    assert response.status_code in (200, 400)
    assert response.context["form"].errors["national_id"] == [NEUTRAL]
    assert PRECISE not in response.content.decode()
    assert Guard.objects.filter(national_id=guard.national_id).count() == 1


def test_page_national_id_taken_is_precise_for_officer(client_for, officer, other_company, guard):
    from tests.guards.test_pages import _guard_form_data

    response = client_for(officer).post("/guards/new/", {**_guard_form_data(national_id=guard.national_id), "company": other_company.pk})

    assert response.context["form"].errors["national_id"] == [PRECISE]
