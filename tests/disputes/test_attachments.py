"""Tip photos and videos: type by content and extension, size limit, not empty; stored privately."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes.attachments import sniff_content_type, validate_attachment
from disputes.models import Tip, TipAttachment
from disputes.services import tip_attachment_add, tip_report
from tests import factories as f

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
MOV = b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 64


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize("name,content,expected", [
    ("a.jpg", JPEG, "image/jpeg"), ("a.JPEG", JPEG, "image/jpeg"), ("a.png", PNG, "image/png"),
    ("a.webp", WEBP, "image/webp"), ("a.mp4", MP4, "video/mp4"), ("a.mov", MOV, "video/quicktime"),
])
def test_accepted_types(name, content, expected):
    assert validate_attachment(upload(name, content)) == expected


@pytest.mark.parametrize("name,content", [
    ("a.exe", b"MZ\x90\x00" + b"\x00" * 64),          # wrong type
    ("a.jpg", b"<html><script>alert(1)</script>"),      # extension lies about the content
    ("a.png", JPEG),                                     # content of another accepted type
    ("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ("photo", JPEG),                                     # no extension
])
def test_wrong_type_refused(name, content):
    with pytest.raises(ValidationError) as exc:
        validate_attachment(upload(name, content, "image/jpeg"))
    assert exc.value.code == "wrong_type"


def test_empty_refused():
    with pytest.raises(ValidationError) as exc:
        validate_attachment(upload("a.jpg", b""))
    assert exc.value.code == "empty"


def test_too_large_refused(settings):
    settings.TIP_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        validate_attachment(upload("a.jpg", JPEG + b"\x00" * 2000))
    assert exc.value.code == "too_large"


def test_sniff_unknown():
    assert sniff_content_type(b"GIF89a") is None


def test_tip_with_bad_file_saves_nothing(guard, point):
    with pytest.raises(ValidationError) as exc:
        tip_report(by=guard.user, kind="hazard", text="Pothole", place="Road 1", files=[upload("a.jpg", JPEG), upload("b.gif", b"GIF89a....")])
    assert "attachments" in exc.value.message_dict
    assert not Tip.objects.exists() and not TipAttachment.objects.exists()


def test_tip_files_stored_privately(guard, point, settings, tmp_path):
    tip = tip_report(by=guard.user, kind="hazard", text="Pothole", place="Road 1", files=[upload("hole.jpg", JPEG)])
    attachment = tip.attachments.get()
    assert (attachment.content_type, attachment.size, attachment.original_name) == ("image/jpeg", len(JPEG), "hole.jpg")
    path = attachment.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
    assert "hole" not in attachment.file.name  # stored under a random name
    with pytest.raises(ValueError):
        attachment.file.url


def test_attachment_limit_per_tip(officer, point):
    tip = f.TipFactory(liaison_point=point)
    for i in range(10):
        tip_attachment_add(tip=tip, upload=upload(f"{i}.png", PNG), by=officer)
    with pytest.raises(ValidationError):
        tip_attachment_add(tip=tip, upload=upload("x.png", PNG), by=officer)
