"""Where tip attachments are kept: outside MEDIA_ROOT, with no public URL."""
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files kept outside MEDIA_ROOT (settings.PRIVATE_MEDIA_ROOT) and without a public URL: tip
    photos and videos are only ever streamed by an authorised view."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no public URL; use the attachment view.")


private_storage = PrivateStorage()


def _private_storage():
    # Named by migrations (as disputes.models._private_storage, which imports it from here).
    return private_storage
