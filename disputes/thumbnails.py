"""Small thumbnails of tip photos, made with Pillow the first time one is shown and kept beside the
photo in the private storage (never a public URL: served by the same permission check as the photo,
disputes.views.tip_attachment_thumbnail). Videos and unreadable images have none.

When an attachment row goes (deleted itself, or with its tip), its file and its thumbnail(s) are
deleted from the storage once the deletion is committed (receiver at the end)."""
import io
import logging
import os
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from PIL import Image, ImageOps, UnidentifiedImageError

from disputes.storage import private_storage

log = logging.getLogger("disputes.thumbnails")
_UNREADABLE = (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError)


def thumbnail_name(attachment) -> str:
    return f"thumbs/{attachment.file.name}.jpg"


def has_thumbnail(attachment) -> bool:
    """Whether a thumbnail can be shown (a photo; made on first request)."""
    return attachment.content_type.startswith("image/")


def thumbnail_make(data: bytes, *, pixels: int) -> bytes:
    """A JPEG at most `pixels` on its longest side, turned upright as the camera noted."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (pixels * 2, pixels * 2))  # JPEG: decode at a reduced size, cheaply
        image = ImageOps.exif_transpose(image)
        image.thumbnail((pixels, pixels))
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, optimize=True)
        return out.getvalue()


def attachment_thumbnail(attachment) -> str | None:
    """The storage name of the attachment's thumbnail, made and kept on first use; None when it has
    none (a video, a missing or unreadable file)."""
    if not has_thumbnail(attachment):
        return None
    name = thumbnail_name(attachment)
    if private_storage.exists(name):
        return name
    try:
        with attachment.file.open("rb") as handle:
            data = thumbnail_make(handle.read(), pixels=settings.TIP_THUMBNAIL_PIXELS)
    except FileNotFoundError:
        return None
    except _UNREADABLE:
        log.warning("No thumbnail for tip attachment %s: the image cannot be read", attachment.pk, exc_info=True)
        return None
    return private_storage.save(name, ContentFile(data))


def thumbnail_names(file_name: str) -> list[str]:
    """The stored thumbnails of the attachment file `file_name`: thumbnail_name's, and any copy the
    storage renamed on a collision (two first views at once): Django puts 7 random characters before
    the name's suffixes ("<uuid>_<7>.jpg.jpg"; before the last one in older versions)."""
    directory, base = os.path.split(f"thumbs/{file_name}.jpg")
    try:
        _dirs, files = private_storage.listdir(directory)
    except FileNotFoundError:
        return []
    renamed = r"_[A-Za-z0-9]{7}"
    root, dot, suffixes = base.partition(".")
    last_root, last_ext = os.path.splitext(base)
    made = re.compile("|".join([
        re.escape(base),
        re.escape(root) + renamed + re.escape(dot + suffixes),
        re.escape(last_root) + renamed + re.escape(last_ext),
    ]))
    return [f"{directory}/{name}" for name in files if made.fullmatch(name)]


def attachment_files_delete(file_name: str) -> None:
    """Delete an attachment's file and its thumbnail(s); files already gone are no error, and a file
    that cannot be deleted is logged, never raised (the row is gone either way)."""
    for name in [file_name, *thumbnail_names(file_name)]:
        try:
            private_storage.delete(name)
        except OSError:
            log.warning("Could not delete %s of a deleted tip attachment", name, exc_info=True)


@receiver(post_delete, sender="disputes.TipAttachment", dispatch_uid="tip_attachment_files_delete")
def _delete_files_after_commit(sender, instance, using, **kwargs):
    name = instance.file.name
    if name:  # after the commit: a rolled-back deletion keeps its files
        transaction.on_commit(lambda: attachment_files_delete(name), using=using, robust=True)
