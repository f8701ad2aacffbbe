"""A dispute's parties (rows) and its place when the caller gives no map position: the township said
or found in the address routes it to that township's liaison point, and it waits for a position
(`Dispute.needs_position`) that an officer adds later; adding it routes the dispute again by that
position (dispute_set_position). Private to the services package."""
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from disputes.models import Dispute, DisputeEvent, DisputeParty
from disputes.parties import MAX_PARTIES
from disputes.services._shared import enqueue, event, full_clean, lock, save
from disputes.services.notices import INBOX
from liaison_points.models import LiaisonPoint, Township
from liaison_points.selectors import liaison_point_for_township, liaison_point_route, township_in_address


def clean_parties(parties: Iterable[dict], errors: dict, *, required: bool) -> list[DisputeParty]:
    """Unsaved party rows from dicts {name, role, phone}; every bad row adds a message naming its
    row and field under "parties"."""
    rows: list[DisputeParty] = []
    for i, party in enumerate(parties or []):
        if not isinstance(party, dict):
            errors.setdefault("parties", []).append(_("Party %(n)s must have a name, a role and an optional phone.") % {"n": i + 1})
            continue
        row = DisputeParty(
            position=i, name=str(party.get("name") or "").strip(), role=party.get("role") or DisputeParty.Role.PARTY,
            phone=str(party.get("phone") or "").strip(),
        )
        try:
            row.full_clean(exclude=["dispute"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                label = DisputeParty._meta.get_field(field).verbose_name if field in ("name", "role", "phone") else field
                errors.setdefault("parties", []).extend(
                    _("Party %(n)s, %(field)s: %(message)s") % {"n": i + 1, "field": label, "message": m} for m in messages
                )
            continue
        rows.append(row)
    if required and not rows and "parties" not in errors:
        errors["parties"] = [_("Name at least one party (a name or a description such as 摊主张某（男，约50岁）).")]
    if len(rows) > MAX_PARTIES:
        errors.setdefault("parties", []).append(_("At most %(n)s parties.") % {"n": MAX_PARTIES})
    return rows


def save_parties(dispute: Dispute, rows: list[DisputeParty]) -> None:
    for i, row in enumerate(rows):
        row.dispute, row.position = dispute, i
    DisputeParty.objects.bulk_create(rows)


def merge_parties(*, into: Dispute, duplicate: Dispute) -> None:
    """The duplicate's parties not already on the target are copied to it, after the target's own."""
    known = {(p.name, p.phone) for p in into.party_rows.all()}
    start = into.party_rows.count()
    new = [p for p in duplicate.party_rows.all() if (p.name, p.phone) not in known]
    DisputeParty.objects.bulk_create(
        DisputeParty(dispute=into, position=start + i, name=p.name, role=p.role, phone=p.phone) for i, p in enumerate(new)
    )


def township_point(*, township: Township | None, place: str, errors: dict) -> tuple[Township | None, LiaisonPoint | None]:
    """Without a position: the township given, else the one named in the address; its liaison point.
    Adds field errors (latitude and township) when there is neither."""
    township = township or township_in_address(place)
    if township is None:
        message = _("Give the position of the dispute (click the map or type the coordinates), or its township when the caller does not know it.")
        errors["latitude"] = [message]
        errors["township"] = [message]
        return None, None
    point = liaison_point_for_township(township)
    if point is None:
        errors["township"] = [_("%(township)s has no open liaison point: give the position instead.") % {"township": township}]
    return township, point


def _reroute(locked: Dispute) -> str:
    """The dispute's position was just added: send it to the point the intake routing picks for that
    position, unless an officer already moved it by hand, it is no longer open, or no point takes
    it. Returns the sentence for the timeline; a move is recorded as a transfer ("reassigned" event,
    from one point to the other) and the new point's inbox gets the dispute, as at intake."""
    current = locked.liaison_point
    if DisputeEvent.objects.filter(dispute_id=locked.pk, kind=DisputeEvent.Kind.REASSIGNED).exists():
        return _("It stays at %(point)s, where an officer transferred it by hand.") % {"point": current or "—"}
    if locked.status not in Dispute.OPEN_STATUSES:
        return _("It is no longer open and stays at %(point)s.") % {"point": current or "—"}
    routed = liaison_point_route(latitude=locked.latitude, longitude=locked.longitude)
    if routed is None:
        return _("No open liaison point takes this position: it stays at %(point)s.") % {"point": current or "—"}
    if routed.pk == locked.liaison_point_id:
        return _("%(point)s is also the point nearest to it: it stays there.") % {"point": routed}
    locked.liaison_point = routed
    for field, value in INBOX.reset().items():  # the new point has not been told yet
        setattr(locked, field, value)
    return _("Moved from point %(old)s to %(new)s, routed by the position added.") % {"old": current or "—", "new": routed}


@transaction.atomic
def dispute_set_position(*, dispute: Dispute, by, latitude, longitude) -> Dispute:
    """Add (or correct) the map position of a dispute taken from an address or a township.

    Adding it (the dispute was "position to be added") routes the dispute again as intake routes a
    dispute with a position (liaison_point_route): if that is another point, the dispute moves
    there, the timeline records the transfer (from point → to point) and the new point's inbox is
    emailed; a dispute an officer already transferred by hand, or no longer open, stays where it
    is and the timeline says so. Correcting a position keeps the point: reassign it by hand."""
    errors: dict[str, list[str]] = {}
    if latitude in (None, ""):
        errors["latitude"] = [_("Give the latitude.")]
    if longitude in (None, ""):
        errors["longitude"] = [_("Give the longitude.")]
    locked = lock(dispute)
    had_position = locked.latitude is not None
    locked.latitude, locked.longitude = latitude, longitude
    full_clean(locked, errors, exclude=["liaison_point", "township"])
    old_point = locked.liaison_point
    routing = "" if had_position else _reroute(locked)
    moved = locked.liaison_point_id != getattr(old_point, "pk", None)
    save(locked, by, reason="position")
    note = (_("Position corrected: %(lat)s, %(lng)s.") if had_position else _("Position added: %(lat)s, %(lng)s.")) % {"lat": latitude, "lng": longitude}
    if moved:
        event(locked.pk, DisputeEvent.Kind.NOTE, by, note=note)
        event(locked.pk, DisputeEvent.Kind.REASSIGNED, by, note=routing, from_point=old_point, to_point=locked.liaison_point)
        from disputes.tasks import dispute_notify_point_task

        enqueue(dispute_notify_point_task, dispute_id=locked.pk)
    else:
        event(locked.pk, DisputeEvent.Kind.NOTE, by, note=f"{note} {routing}".strip())
    dispute.refresh_from_db()
    dispute.routing_note = routing  # what became of its point, for the page's message
    return dispute
