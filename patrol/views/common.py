"""Small helpers shared by the patrol pages."""
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from patrol.models import Patrol
from patrol.selectors import patrol_get_visible_to

PAGE_SIZE = 50


def visible_patrol(request, pk) -> Patrol:
    """The patrol if the user may see it, else 404 (whether it exists or not)."""
    patrol = patrol_get_visible_to(user=request.user, pk=pk)
    if patrol is None:
        raise Http404
    return patrol


def back_to_patrol(patrol: Patrol, anchor: str = ""):
    return redirect(reverse("patrol:detail", kwargs={"pk": patrol.pk}) + anchor)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def officer_profile_id(user) -> int | None:
    profile = getattr(user, "officer_profile", None)
    return profile.pk if profile is not None else None


def geo_labels() -> dict:
    return {"locating": _("Getting your position…"), "none": _("No position available: sending without it.")}


def draw_labels() -> dict:
    return {
        "polygon": _("Draw a grid cell"), "rectangle": _("Draw a rectangular grid cell"), "polyline": _("Draw a route"),
        "cancel": _("Cancel"), "finish": _("Finish"), "undo": _("Delete last point"),
        "edit": _("Edit the shape"), "remove": _("Delete the shape"), "save": _("Save"),
    }
