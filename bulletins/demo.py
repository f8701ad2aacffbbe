"""Demo bulletins: twelve weeks of preventable-case figures per township (small counts, trending
down as the joint patrols take hold), a recipient list, last week's bulletin compiled as a draft and
the week before's as sent. Called by seed_demo after every other app's demo data:

    from bulletins.demo import seed_bulletins
    created |= seed_bulletins(seed=seed, today=timezone.localdate())

Idempotent: existing figures, recipients and bulletins are left as they are.

The "sent" bulletin is a demo record: no email leaves. It is compiled like any other, then marked
sent with one delivery per active recipient marked sent, so the archive and the delivery table show
what a sent week looks like. A real send goes through bulletins.services.bulletin_send."""
import datetime

from django.db import transaction
from django.utils import timezone

from bulletins.models import BulletinDelivery, BulletinRecipient, CaseFigure, WeeklyBulletin
from bulletins.services import bulletin_compile, last_week_monday, recipients_sync
from config.dates import local_day_start
from liaison_points.demo import demo_rng
from liaison_points.models import Township

WEEKS = 12
EXTRA_RECIPIENTS = [
    ("谷城县公安局城关派出所", "paichusuo@gucheng.example", BulletinRecipient.Kind.STATION),
    ("谷城县公安局指挥中心", "zhihui@gucheng.example", BulletinRecipient.Kind.EXTRA),
    ("谷城县警保联勤办公室", "jingbao@gucheng.example", BulletinRecipient.Kind.EXTRA),
]


def _case_figures(*, seed: int, last_monday: datetime.date) -> int:
    """Counts per township for the WEEKS weeks up to `last_monday`: a township-sized base that falls
    by about a third over the period, with week-to-week noise."""
    rng = demo_rng(seed, "case-figures")
    mondays = [last_monday - datetime.timedelta(weeks=k) for k in range(WEEKS - 1, -1, -1)]  # oldest first
    have = set(CaseFigure.objects.filter(week_start__in=mondays).values_list("township_id", "week_start"))
    new = []
    for township in Township.objects.order_by("code"):
        base = rng.uniform(3, 10)
        for i, monday in enumerate(mondays):
            trend = base * (1 - 0.35 * i / (WEEKS - 1))
            count = max(0, round(trend + rng.uniform(-1.6, 1.6)))
            if (township.pk, monday) not in have:
                new.append(CaseFigure(township=township, week_start=monday, count=count))
    CaseFigure.objects.bulk_create(new)
    return len(new)


def _recipients() -> int:
    have = set(BulletinRecipient.objects.values_list("email", flat=True))
    new = [BulletinRecipient(name=name, email=email, kind=kind) for name, email, kind in EXTRA_RECIPIENTS if email not in have]
    BulletinRecipient.objects.bulk_create(new)
    return len(new) + recipients_sync()


def _mark_sent_without_email(bulletin: WeeklyBulletin, *, at: datetime.datetime) -> None:
    """Demo only: record the bulletin as sent to every active recipient, sending nothing."""
    have = set(bulletin.deliveries.values_list("email", flat=True))
    BulletinDelivery.objects.bulk_create([
        BulletinDelivery(
            bulletin=bulletin, recipient=r, email=r.email.lower(), company_id=r.company_id, language=r.language,
            status=BulletinDelivery.Status.SENT, attempts=1, sent_at=at,
        )
        for r in BulletinRecipient.objects.filter(active=True)
        if r.email.lower() not in have
    ])
    WeeklyBulletin.objects.filter(pk=bulletin.pk).update(status=WeeklyBulletin.Status.SENT, sent_at=at)


@transaction.atomic
def seed_bulletins(*, seed: int, today: datetime.date) -> dict[str, int]:
    last_monday = last_week_monday(today)
    before_monday = last_monday - datetime.timedelta(days=7)
    created = {
        "case figures": _case_figures(seed=seed, last_monday=last_monday),
        "bulletin recipients": _recipients(),
        "bulletins": 0,
    }
    # The week before last: compiled on its Monday at 07:00 and "sent" at 08:00 (demo record).
    if not WeeklyBulletin.objects.filter(week_start=before_monday).exists():
        bulletin = bulletin_compile(monday=before_monday)
        sent_at = local_day_start(before_monday + datetime.timedelta(days=7)) + datetime.timedelta(hours=8)
        WeeklyBulletin.objects.filter(pk=bulletin.pk).update(compiled_at=sent_at - datetime.timedelta(hours=1))
        _mark_sent_without_email(bulletin, at=min(sent_at, timezone.now()))
        created["bulletins"] += 1
    # Last week: a draft waiting for the officer's suggestions.
    if not WeeklyBulletin.objects.filter(week_start=last_monday).exists():
        bulletin_compile(monday=last_monday)
        created["bulletins"] += 1
    created["guards on duty with warnings"] = _guards_on_duty_with_warnings(today=today)
    return {kind: n for kind, n in created.items() if n}


def _guards_on_duty_with_warnings(*, today: datetime.date, patrols: int = 12) -> int:
    """Issue 13: under the default office policy a guard without a valid certificate patrols with a
    warning. Adds one such guard of the same point to each of the next few planned patrols, through
    the patrol service (which records the warning on the membership), until `patrols` carry one.
    Kept here, in the one app that may use both guards and patrol, until patrol's demo takes it over."""
    from guards.models import Guard
    from guards.selectors import guard_deployability
    from patrol.models import Patrol, PatrolMember
    from patrol.services import patrol_set_team

    added = 0
    patrols -= PatrolMember.objects.filter(duty_warning__isnull=False).values("patrol_id").distinct().count()
    if patrols <= 0:
        return 0
    upcoming = Patrol.objects.filter(status=Patrol.Status.PLANNED, planned_start__gte=local_day_start(today)).order_by("planned_start")
    for patrol in upcoming[: patrols * 4]:
        day = timezone.localtime(patrol.planned_start).date()
        members = list(patrol.members.all())
        taken = {m.guard_id for m in members}
        candidates = Guard.objects.filter(liaison_point_id=patrol.liaison_point_id, status=Guard.Status.ACTIVE).exclude(
            certificate_status=Guard.CertificateStatus.VALID, certificate_expires_on__gte=day).exclude(pk__in=taken).order_by("pk")
        warned = next((g for g in candidates if guard_deployability(guard=g, on=day).status == "with warnings"), None)
        if warned is None:
            continue
        patrol_set_team(patrol=patrol, guard_ids=[*taken, warned.pk], lead_guard_ids=[m.guard_id for m in members if m.role == "lead"])
        added += 1
        if added >= patrols:
            break
    return added
