"""Every write with a business rule about the register: guards, companies, managers, attachment to
liaison points, removal."""
from collections import defaultdict
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import user_revoke_access, user_set_active
from guards.models import CompanyManager, Guard, SecurityCompany
from guards.signals import guard_removed
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import nearest_active_point_index
from liaison_points.versioning import map_version_bump

_REATTACH_BATCH = 2000


def batched(items, size: int):
    """itertools.batched for Python 3.11: lists of at most `size` items."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def national_id_taken_error(by) -> ValidationError:
    """A resident id already on file: officers (who see the whole county) are told so; anyone else
    (a manager) gets a neutral refusal, which does not reveal that another company employs that person."""
    from accounts.scoping import scope_for

    if by is None or scope_for(by).is_officer:  # no user: a command or a task, nobody to tell
        message = _("A guard with this resident id number already exists.")
    else:
        message = _("This resident id number cannot be used.")
    return ValidationError({"national_id": [ValidationError(message, code="unique")]})


def _full_clean(guard: Guard, *, by) -> None:
    try:
        guard.full_clean(exclude=["liaison_point"])
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", {})
        if any(e.code == "unique" for e in errors.get("national_id", [])):
            errors["national_id"] = national_id_taken_error(by).error_dict["national_id"]
        raise


def _save_unique(guard: Guard, *, by=None) -> None:
    """Save; a resident id taken by a concurrent request between full_clean() and the insert is
    the same field error full_clean() would have given, not a 500."""
    try:
        with transaction.atomic():
            guard.save()
    except IntegrityError:
        if Guard.objects.filter(national_id=guard.national_id).exclude(pk=guard.pk).exists():
            raise national_id_taken_error(by) from None
        raise


def _attach_nearest(guard: Guard) -> None:
    if guard.point_pinned and guard.liaison_point_id:
        return
    guard.point_pinned = False
    guard.liaison_point_id = nearest_active_point_index().nearest(
        float(guard.post_latitude), float(guard.post_longitude)
    )


@transaction.atomic
def guard_create(*, by=None, **fields) -> Guard:
    """Register a guard. Unless an officer pins a point, the guard is attached to the nearest active
    liaison point to the post. Raises ValidationError with field errors; nothing is saved then."""
    guard = Guard(**fields)
    _full_clean(guard, by=by)
    if guard.liaison_point_id:
        guard.point_pinned = True
    _attach_nearest(guard)
    guard._history_user = by
    _save_unique(guard, by=by)
    return guard


@transaction.atomic
def guard_update(*, guard: Guard, by=None, **fields) -> Guard:
    """Change a guard's details. Moving the post re-attaches an unpinned guard to the nearest point."""
    moved = any(
        name in fields and str(fields[name]) != str(getattr(guard, name)) for name in ("post_latitude", "post_longitude")
    )
    old_status = guard.status
    for name, value in fields.items():
        setattr(guard, name, value)
    _full_clean(guard, by=by)
    if moved and not guard.point_pinned:
        _attach_nearest(guard)
    guard._history_user = by
    _save_unique(guard, by=by)
    if guard.status != old_status:
        guard_account_sync(guard=guard, by=by)
    return guard


def guard_account_sync(*, guard: Guard, by=None) -> None:
    """A suspended or removed guard's sign-in account stops working (pages, API, tokens); a
    suspended guard made active again gets it back (with no old token)."""
    if not guard.user_id:
        return
    if guard.status in (Guard.Status.SUSPENDED, Guard.Status.REMOVED):
        user_revoke_access(user=guard.user, reason=f"guard {guard.status}", by=by)
    elif guard.status == Guard.Status.ACTIVE:
        user_set_active(user=guard.user, active=True, reason="guard active", by=by)


@transaction.atomic
def guard_set_point(*, guard: Guard, point: LiaisonPoint | None, by=None) -> Guard:
    """An officer's override: pin the guard to `point` (which must be active), or with None hand
    the guard back to automatic nearest-point attachment."""
    if point is None:
        guard.point_pinned = False
        _attach_nearest(guard)
    else:
        if not point.active:
            raise ValidationError({"liaison_point": "This liaison point is closed; choose an active one."})
        guard.liaison_point = point
        guard.point_pinned = True
    guard._history_user = by
    guard.save(update_fields=["liaison_point", "point_pinned", "updated_at"])
    return guard


@transaction.atomic
def guards_reattach() -> int:
    """Recompute the attachment of every guard who follows the nearest active point, and of pinned
    guards whose point has closed (the override no longer stands). Returns how many changed.

    One query for the points, one streamed query for the guards, bulk updates in batches."""
    index = nearest_active_point_index()
    active_ids = set(index.keys)
    rows = list(
        Guard.objects.exclude(status=Guard.Status.REMOVED)
        .values_list("id", "post_latitude", "post_longitude", "liaison_point_id", "point_pinned")
        .iterator(chunk_size=_REATTACH_BATCH)
    )
    candidates = [r for r in rows if not r[4] or r[3] not in active_ids]
    nearest = index.nearest_many([(r[1], r[2]) for r in candidates])
    new_point = {r[0]: point_id for r, point_id in zip(candidates, nearest) if r[3] != point_id or r[4]}
    # One UPDATE per destination point (cheap WHERE id IN …), not a CASE per row, then the history
    # rows of the moved guards, read back after the update so they record the new state.
    by_point: dict[int | None, list[int]] = defaultdict(list)
    for guard_id, point_id in new_point.items():
        by_point[point_id].append(guard_id)
    now = timezone.now()
    for point_id, guard_ids in by_point.items():
        for chunk in batched(guard_ids, _REATTACH_BATCH):
            Guard.objects.filter(pk__in=chunk).update(liaison_point_id=point_id, point_pinned=False, updated_at=now)
    for chunk in batched(list(new_point), _REATTACH_BATCH):
        Guard.history.bulk_history_create(
            list(Guard.objects.filter(pk__in=chunk)), batch_size=_REATTACH_BATCH, update=True,
            default_change_reason="liaison points changed", default_date=now,
        )
    if new_point:
        map_version_bump()  # the points' guard counts on the map changed behind post_save's back
    return len(new_point)


@transaction.atomic
def manager_bind(*, user, company: SecurityCompany, phone: str = "") -> CompanyManager:
    """Make `user` the manager of `company` (a manager manages exactly one company)."""
    profile, _created = CompanyManager.objects.update_or_create(user=user, defaults={"company": company, "phone": phone})
    return profile


@transaction.atomic
def guard_bind_user(*, guard: Guard, user) -> Guard:
    if guard.user_id and guard.user_id != user.pk:
        raise ValidationError({"guard": "This guard already has a sign-in account."})
    guard.user = user
    guard.save(update_fields=["user", "updated_at"])
    return guard


@transaction.atomic
def guard_remove(*, guard: Guard, reason: str, by=None) -> Guard:
    """Remove a guard from the scheme: status removed, detached from the liaison point. Apps above
    this one act on it through the guard_removed signal, sent explicitly here inside the same
    transaction: patrol drops the guard from future duty, assessments recalls their equipment."""
    guard = Guard.objects.select_for_update().get(pk=guard.pk)
    if guard.status == Guard.Status.REMOVED:
        return guard
    guard.status = Guard.Status.REMOVED
    guard.liaison_point = None
    guard.point_pinned = False
    guard._history_user = by
    guard._change_reason = reason[:100]
    guard.save()
    guard_account_sync(guard=guard, by=by)
    guard_removed.send(sender=Guard, guard_id=guard.pk, reason=reason)
    return guard
