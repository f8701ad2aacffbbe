"""The version of the liaison-points map (the GeoJSON API's ETag is built on it).

The GeoJSON shows each point's own fields, its township's name, its responsible officer's name and
phone and the number of its active guards. A version token in the shared cache is replaced whenever
any of those rows is saved or deleted (receivers below; guards are reached by their label, this app
never imports guards) and by the services that write them with queryset.update() (they call
map_version_bump()). Each change bumps twice: at once, and again after the commit, so a request that
read the old rows between the two cannot keep its ETag for the new ones.

Bulk loads that send no signals (seed_demo, the bench) call routing_invalidate(), whose version is
also part of the ETag (liaison_points.routing)."""
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from liaison_points.models import LiaisonPoint, Officer, Township

log = logging.getLogger(__name__)
VERSION_KEY = "liaison_points:map:version"
# A user's save changes the map only when it may change the officer's name (str(user)).
_USER_NAME_FIELDS = {"name", "username"}


def map_version() -> str | None:
    """The current token (made on first use); None with the cache down (no conditional GET then)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY)
        return version
    except Exception:
        log.warning("The map version cannot be read from the cache.", exc_info=True)
        return None


def _replace() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        log.warning("The map version could not be replaced; the GeoJSON ETag may lag until it expires.", exc_info=True)


def map_version_bump() -> None:
    """Something the GeoJSON shows changed: replace the token now and once more after the commit
    (once per transaction, however many rows it writes)."""
    _replace()
    connection = transaction.get_connection()
    if not any(entry[1] is _replace for entry in getattr(connection, "run_on_commit", ())):
        transaction.on_commit(_replace, robust=True)


def _bump_on_change(sender, **kwargs):
    map_version_bump()


def _bump_on_user_change(sender, update_fields=None, **kwargs):
    if update_fields is not None and not _USER_NAME_FIELDS & set(update_fields):
        return  # e.g. last_login on every sign-in
    map_version_bump()


for _sender in (LiaisonPoint, Township, Officer, "guards.Guard"):
    post_save.connect(_bump_on_change, sender=_sender, dispatch_uid=f"map_version_save_{_sender}")
    post_delete.connect(_bump_on_change, sender=_sender, dispatch_uid=f"map_version_delete_{_sender}")
post_save.connect(_bump_on_user_change, sender=settings.AUTH_USER_MODEL, dispatch_uid="map_version_user_save")
