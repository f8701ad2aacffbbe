"""The guard's reports sent later from the phone's outbox (config/offline.py): kept with the time the
guard pressed "Send", marked as arrived late for the officer, stored once however often resent, a
bad time a field error; and tip photos shown as thumbnails (disputes/thumbnails.py) to exactly the
people who may see the photo."""
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Role
from disputes.models import Dispute, Tip
from disputes.services import tip_report
from disputes.storage import private_storage
from disputes.thumbnails import thumbnail_name
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

NOW = local_dt(2026, 11, 17, 21, 0)
OUTBOX = {"HTTP_X_OUTBOX": "1"}


@pytest.fixture(autouse=True)
def _clock(time_machine, settings):
    settings.OFFLINE_MAX_AGE_HOURS = 24
    settings.OFFLINE_CLOCK_SKEW_SECONDS = 120
    settings.TIP_THUMBNAIL_PIXELS = 320
    time_machine.move_to(NOW, tick=False)


def iso(moment):
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def photo(name="lamp.jpg", size=(1200, 800), kind="JPEG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{kind.lower()}")


def tip_data(recorded, key="tip-key-1"):
    return {"kind": "hazard", "text": "Street lamp broken", "place": "East gate", "recorded_at": recorded,
            "idempotency_key": key, "attachments": [photo()]}


def test_a_tip_sent_later_keeps_its_time_and_the_officer_sees_it_arrived_late(client_for, guard, officer, point):
    recorded = NOW - datetime.timedelta(hours=2)
    response = client_for(guard.user).post("/disputes/tips/report/", tip_data(iso(recorded)), **OUTBOX)
    answer = json.loads(response.content)
    tip = Tip.objects.get()
    assert response.status_code == 200 and answer["ok"] is True and answer["url"] == f"/disputes/tips/{tip.pk}/"
    assert tip.received_at == recorded and tip.created_at == NOW and tip.sent_late_at == NOW
    page = client_for(officer).get(f"/disputes/tips/{tip.pk}/").content.decode()
    assert "sent from the phone later" in page


def test_a_resent_tip_is_stored_once(client_for, guard, point):
    client = client_for(guard.user)
    recorded = iso(NOW - datetime.timedelta(minutes=30))
    first = client.post("/disputes/tips/report/", tip_data(recorded, key="outbox-1"), **OUTBOX)
    again = client.post("/disputes/tips/report/", tip_data(recorded, key="outbox-1"), **OUTBOX)
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert Tip.objects.count() == 1 and Tip.objects.get().attachments.count() == 1


@pytest.mark.parametrize(("recorded", "words"), [
    ("yesterday evening", "not a date and time"),
    (iso(NOW + datetime.timedelta(minutes=10)), "in the future"),
    (iso(NOW - datetime.timedelta(hours=25)), "more than 24 hours ago"),
])
def test_a_bad_time_is_a_field_error_and_nothing_is_stored(client_for, guard, point, recorded, words):
    client = client_for(guard.user)
    response = client.post("/disputes/tips/report/", tip_data(recorded), **OUTBOX)
    answer = json.loads(response.content)
    assert response.status_code == 400 and answer["ok"] is False and words in answer["message"]
    assert words in answer["errors"]["__all__"][0]
    # the page (no outbox) shows the same error and keeps what was typed
    page = client.post("/disputes/tips/report/", tip_data(recorded, key="other")).content.decode()
    assert words in page and "Street lamp broken" in page
    assert not Tip.objects.exists()


def test_a_dispute_sent_later_keeps_its_time(client_for, guard, point):
    recorded = NOW - datetime.timedelta(minutes=45)
    response = client_for(guard.user).post("/disputes/report/", {
        "category": "neighbours", "title": "Parking row", "place": "Gate 2", "latitude": "32.270000", "longitude": "111.600000",
        "recorded_at": iso(recorded), "idempotency_key": "d-1", "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0",
        "parties-0-name": "摊主张某", "parties-0-role": "party",
    }, **OUTBOX)
    answer = json.loads(response.content)
    assert answer["ok"] is True, answer
    dispute = Dispute.objects.get()
    assert dispute.reported_at == recorded and dispute.sent_late_at == NOW
    assert answer["url"] == f"/disputes/{dispute.pk}/"


def test_officer_forms_ignore_the_phone_time(client_for, officer, point):
    client_for(officer).post("/disputes/tips/new/", {
        "kind": "hazard", "text": "Wall", "place": "School", "volunteer_name": "王五", "attachments": [photo()],
        "recorded_at": "not a time",
    })
    assert Tip.objects.get().received_at == NOW


# --- thumbnails ----------------------------------------------------------------------------------


@pytest.fixture
def tip(guard, point):
    return tip_report(by=guard.user, kind="hazard", text="Lamp", place="East gate", files=[photo()])


def thumb_url(tip):
    return f"/disputes/tips/attachments/{tip.attachments.get().pk}/thumbnail/"


def test_a_photo_gets_a_small_thumbnail_kept_beside_it(client_for, guard, tip):
    response = client_for(guard.user).get(thumb_url(tip))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (320, 213)
    name = thumbnail_name(tip.attachments.get())
    assert private_storage.exists(name)
    kept = private_storage.open(name).read()
    assert b"".join(client_for(guard.user).get(thumb_url(tip)).streaming_content) == kept  # made once, then kept


def test_thumbnails_follow_the_photo_permissions(client_for, guard, officer, manager, company, point, tip):
    stranger = f.GuardFactory(company=company, liaison_point=point, user=f.UserFactory(username="guard_b", role=Role.GUARD))
    assert client_for(officer).get(thumb_url(tip)).status_code == 200
    assert client_for(stranger.user).get(thumb_url(tip)).status_code == 404
    assert client_for(manager).get(thumb_url(tip)).status_code == 403
    assert client_for().get(thumb_url(tip)).status_code == 302  # to the sign-in page


def test_videos_and_broken_images_have_no_thumbnail(client_for, guard, point):
    video = tip_report(by=guard.user, kind="hazard", text="Film", place="Gate", files=[
        SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, content_type="video/mp4")])
    broken = tip_report(by=guard.user, kind="hazard", text="Bad", place="Gate", files=[
        SimpleUploadedFile("bad.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40, content_type="image/png")])
    assert client_for(guard.user).get(thumb_url(video)).status_code == 404
    assert client_for(guard.user).get(thumb_url(broken)).status_code == 404


def test_my_reports_and_detail_pages_show_thumbnails(client_for, guard, officer, tip):
    url = thumb_url(tip)
    assert f'src="{url}"' in client_for(guard.user).get("/disputes/").content.decode()
    assert f'src="{url}"' in client_for(guard.user).get(f"/disputes/tips/{tip.pk}/").content.decode()
    assert f'src="{url}"' in client_for(officer).get(f"/disputes/tips/{tip.pk}/").content.decode()


def test_my_reports_query_count_does_not_grow_with_photos(client_for, guard, point, django_assert_max_num_queries):
    client = client_for(guard.user)
    tip_report(by=guard.user, kind="hazard", text="One", place="A", files=[photo()])
    client.get("/disputes/")
    with django_assert_max_num_queries(30) as first:
        client.get("/disputes/")
    for n in range(3):
        tip_report(by=guard.user, kind="hazard", text=f"More {n}", place="B", files=[photo(), photo("b.jpg")])
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/disputes/")


# --- deleting an attachment or its tip deletes the photo and its thumbnail(s), after the commit --


def _photo_and_thumbs(client_for, guard, tip) -> list[str]:
    """The attachment's file and its thumbnail, plus a second thumbnail as a collision would name it."""
    from django.core.files.base import ContentFile

    attachment = tip.attachments.get()
    assert client_for(guard.user).get(thumb_url(tip)).status_code == 200
    twin = private_storage.save(thumbnail_name(attachment), ContentFile(b"jpeg"))  # taken: renamed
    names = [attachment.file.name, thumbnail_name(attachment), twin]
    assert len(set(names)) == 3 and all(private_storage.exists(n) for n in names)
    return names


def test_deleting_an_attachment_deletes_its_file_and_thumbnails_after_commit(
    client_for, guard, tip, django_capture_on_commit_callbacks
):
    # given
    names = _photo_and_thumbs(client_for, guard, tip)
    other = tip_report(by=guard.user, kind="hazard", text="Lamp 2", place="West gate", files=[photo()]).attachments.get()
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tip.attachments.get().delete()
    # then: nothing is deleted before the commit, everything after it, and nobody else's files
    assert all(private_storage.exists(n) for n in names)
    for callback in callbacks:
        callback()
    assert [n for n in names if private_storage.exists(n)] == []
    assert private_storage.exists(other.file.name)


def test_deleting_a_tip_deletes_its_attachments_files(client_for, guard, tip, django_capture_on_commit_callbacks):
    names = _photo_and_thumbs(client_for, guard, tip)
    with django_capture_on_commit_callbacks(execute=True):
        Tip.objects.filter(pk=tip.pk).delete()  # the attachments go by cascade
    assert not any(private_storage.exists(n) for n in names)


def test_a_rolled_back_deletion_keeps_the_files(client_for, guard, tip, django_capture_on_commit_callbacks):
    from django.db import transaction

    names = _photo_and_thumbs(client_for, guard, tip)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            tip.delete()
            raise RuntimeError("rolled back")
    assert callbacks == [] and all(private_storage.exists(n) for n in names)


def test_an_attachment_whose_files_are_already_gone_deletes_cleanly(guard, tip, django_capture_on_commit_callbacks):
    attachment = tip.attachments.get()
    private_storage.delete(attachment.file.name)  # no thumbnail was ever made either
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
    assert not tip.attachments.exists()
