"""Checks on tip photos and videos: the declared extension and the file's first bytes must agree
on one of the accepted types, the file must not be empty and must not exceed the size limit."""
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# content type → extensions accepted for it
ACCEPTED = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "video/mp4": (".mp4", ".m4v"),
    "video/quicktime": (".mov", ".qt"),
}
ACCEPT_ATTR = ",".join(sorted({ext for exts in ACCEPTED.values() for ext in exts} | set(ACCEPTED)))
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff_content_type(head: bytes) -> str | None:
    """The content type the first bytes of a file prove, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    if head[4:8] in _QUICKTIME_ATOMS:
        return "video/quicktime"
    return None


def validate_attachment(upload) -> str:
    """Return the content type of `upload` (an UploadedFile), or raise ValidationError."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": name}, code="empty")
    limit = settings.TIP_ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file %(name)s is too large (%(size)s); the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    ext = os.path.splitext(name)[1].lower()
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    sniffed = sniff_content_type(head)
    if sniffed is None or ext not in ACCEPTED[sniffed]:
        raise ValidationError(
            _("%(name)s is not an accepted photo or video (JPEG, PNG, WebP, MP4 or QuickTime).") % {"name": name},
            code="wrong_type",
        )
    return sniffed
