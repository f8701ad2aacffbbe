"""Small thumbnails of tip photos, made with Pillow the first time one is shown and kept beside the
photo in the private storage (never a public URL: served by the same permission check as the photo,
disputes.views.tip_attachment_thumbnail). Videos and unreadable images have none."""
import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
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
