"""Photos and videos attached to a tip: checked (type, size, count) before anything is written."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from disputes.attachments import validate_attachment
from disputes.models import Tip, TipAttachment

MAX_ATTACHMENTS_PER_TIP = 10


def _too_many() -> str:
    return _("At most %(n)s files per tip.") % {"n": MAX_ATTACHMENTS_PER_TIP}


def attachments_validate(files, errors: dict) -> list[tuple[object, str]]:
    """(upload, content type) for each acceptable file; what is wrong goes to errors["attachments"]."""
    files = [f for f in (files or []) if f]
    checked = []
    if len(files) > MAX_ATTACHMENTS_PER_TIP:
        errors.setdefault("attachments", []).append(_too_many())
        return []
    for upload in files:
        try:
            checked.append((upload, validate_attachment(upload)))
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(exc.messages)
    return checked


def attachment_save(tip: Tip, upload, content_type: str, by, purpose: str) -> TipAttachment:
    attachment = TipAttachment(
        tip=tip, original_name=(upload.name or "")[:200], content_type=content_type, size=upload.size,
        purpose=purpose, uploaded_by=by if getattr(by, "pk", None) else None,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def tip_attachment_add(*, tip: Tip, upload, by, purpose: str = TipAttachment.Purpose.REPORT) -> TipAttachment:
    errors: dict[str, list[str]] = {}
    if tip.attachments.count() >= MAX_ATTACHMENTS_PER_TIP:
        raise ValidationError({"attachments": [_too_many()]})
    checked = attachments_validate([upload], errors)
    if errors or not checked:
        raise ValidationError(errors or {"attachments": [_("Choose a file.")]})
    return attachment_save(tip, upload, checked[0][1], by, purpose)
