"""Seating a quarter's rosters for many companies at once (issue 14): each read is one query across
all the companies, and the seating is done in memory, company after company in the order given, so
compiling 60 companies costs the queries of compiling 2. training/services.py (roster_compile,
rosters_compile) locks the rosters and writes the plan."""
import datetime
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count

from config.dates import previous_quarter
from guards.models import Guard
from training.models import RosterEntry, TrainingRoster, TrainingSession


@dataclass
class RosterPlan:
    """What compiling the rosters changes: entries to add, entries to drop (guards no longer active in
    the company, attendance not yet known), each roster's guards without a seat."""

    new: list[RosterEntry] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    unplaced: dict[int, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Entry:
    pk: int
    guard_id: int
    session_id: int
    post: str
    keep: bool


def rosters_plan(*, rosters: list[TrainingRoster], quarter: str, today: datetime.date) -> RosterPlan:
    """Seat every active guard of each roster's company in one of the quarter's rotation sessions
    still to come, by the rules of roster_compile. The rosters are seated in the order given, each
    seeing the seats the ones before it took, as when each company was compiled in turn: so seats
    are counted before any drop, and a company's drops free their seats only when it is seated."""
    company_ids = [r.company_id for r in rosters]
    sessions = list(
        TrainingSession.objects.filter(quarter=quarter, held_on__gte=today, kind=TrainingSession.Kind.ROTATION).order_by("held_on", "id")
    )
    taken = _seats_taken(sessions)
    guards = _active_guards(company_ids)
    entries = _entries(rosters, guards)
    missed = set(
        RosterEntry.objects.filter(roster__company_id__in=company_ids, roster__quarter=previous_quarter(quarter), attended=False)
        .order_by()  # the model's ordering would join sessions and guards for nothing
        .values_list("roster__company_id", "guard_id")
    )
    plan = RosterPlan()
    for roster in rosters:
        _seat_company(roster, guards[roster.company_id], entries[roster.pk], sessions, taken, missed, plan)
    return plan


def _seats_taken(sessions) -> list[int]:
    """Guards seated in each session (in the sessions' order), every company's roster counted."""
    rows = RosterEntry.objects.filter(session__in=sessions).order_by().values("session_id").annotate(n=Count("id"))
    seated = {r["session_id"]: r["n"] for r in rows}
    return [seated.get(s.pk, 0) for s in sessions]


def _active_guards(company_ids) -> dict[int, list[tuple[int, str]]]:
    """(guard id, post) of each company's active guards, by post then id: the order they are seated in."""
    guards = defaultdict(list)
    rows = Guard.objects.filter(company_id__in=company_ids, status=Guard.Status.ACTIVE).order_by("company_id", "post", "id")
    for guard_id, company_id, post in rows.values_list("id", "company_id", "post"):
        guards[company_id].append((guard_id, post))
    return guards


def _entries(rosters, guards) -> dict[int, list[_Entry]]:
    """Each roster's entries; an entry is kept unless its guard is no longer an active guard of the
    company and its attendance is not yet known."""
    active = {(company_id, guard_id) for company_id, rows in guards.items() for guard_id, _post in rows}
    company_of = {r.pk: r.company_id for r in rosters}
    entries = defaultdict(list)
    rows = RosterEntry.objects.filter(roster_id__in=company_of).order_by().values_list(
        "id", "roster_id", "guard_id", "session_id", "attended", "guard__post"
    )
    for pk, roster_id, guard_id, session_id, attended, post in rows:
        keep = attended is not None or (company_of[roster_id], guard_id) in active
        entries[roster_id].append(_Entry(pk, guard_id, session_id, post, keep))
    return entries


def _seat_company(roster, guards, entries, sessions, taken, missed, plan: RosterPlan) -> None:
    """Seat the company's guards not yet placed, in order: at most ROSTER_MAX_SHARE of them in one
    session, each in the session with the fewest of its post, then of its company, then the least
    full, then the earliest. Updates `taken` (seats per session, by index) and adds to `plan`."""
    index = {s.pk: i for i, s in enumerate(sessions)}
    company_in = [0] * len(sessions)
    post_in = defaultdict(lambda: defaultdict(int))  # post → {session index: guards of that post}
    placed = set()
    for e in entries:
        i = index.get(e.session_id)
        if not e.keep:
            plan.dropped.append(e.pk)
            if i is not None:
                taken[i] -= 1
            continue
        placed.add(e.guard_id)
        if i is not None:
            company_in[i] += 1
            post_in[e.post][i] += 1
    seating = _Seating(sessions, taken, company_in, cap=max(1, math.ceil(settings.ROSTER_MAX_SHARE * len(guards))))
    unplaced = plan.unplaced[roster.pk] = []
    for guard_id, post in guards:
        if guard_id in placed:
            continue
        best = seating.take(post_in[post])
        if best is None:
            unplaced.append(guard_id)
            continue
        session = sessions[best]
        plan.new.append(RosterEntry(roster_id=roster.pk, guard_id=guard_id, session_id=session.pk, carried_over=(roster.company_id, guard_id) in missed))


class _Seating:
    """One company's choice of session, guard after guard. A session is open while it has a free seat
    and fewer than `cap` of the company's guards; the best one has the fewest guards of the guard's
    post, then of the company, then the lowest share of its seats taken, then comes first. A heap of
    the open sessions by (company's guards, share taken, index) gives the best session without the
    guard's post at once; only the sessions that already have that post are looked at one by one."""

    def __init__(self, sessions, taken, company_in, *, cap):
        self.capacity = [s.capacity for s in sessions]
        self.taken, self.company_in, self.cap = taken, company_in, cap
        self.heap = [self._key(i) for i in range(len(sessions)) if self._open(i)]
        heapq.heapify(self.heap)

    def _key(self, i):
        return (self.company_in[i], self.taken[i] / self.capacity[i], i)

    def _open(self, i) -> bool:
        return self.taken[i] < self.capacity[i] and self.company_in[i] < self.cap

    def take(self, post_in: dict[int, int]) -> int | None:
        """Index of the best open session for a guard whose post has `post_in` guards per session
        (taking its seat), or None when every session is closed."""
        best, aside = None, []
        while self.heap:
            key = heapq.heappop(self.heap)
            i = key[2]
            if key != self._key(i) or not self._open(i):
                continue  # stale: this session took a guard or closed since the key was pushed
            if i not in post_in:
                best = i
                break
            aside.append(key)
        for key in aside:
            heapq.heappush(self.heap, key)
        if best is None:  # every open session already has this post
            best = min((i for i in post_in if self._open(i)), key=lambda i: (post_in[i], *self._key(i)), default=None)
            if best is None:
                return None
        self.taken[best] += 1
        self.company_in[best] += 1
        post_in[best] += 1
        if self._open(best):
            heapq.heappush(self.heap, self._key(best))
        return best
