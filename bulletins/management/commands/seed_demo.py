"""manage.py seed_demo [--seed N] [--scale county|province] [--if-empty]

Builds a demo county modelled on Gucheng county, Hubei (DESIGN.md §1), or a province-sized data set
for load tests. It lives in bulletins, the one app allowed to read every other, and composes the
builders of each app (liaison_points.demo, guards.demo, patrol.demo; later disputes) in one
transaction. Idempotent: a second run finds every natural key and creates nothing."""
import functools
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from accounts.demo import DEMO_PASSWORD
from bulletins.demo import seed_bulletins
from disputes.demo import seed_disputes
from disputes.demo_activity import seed_tip_activity
from guards.demo import seed_guards
from assessments.demo import seed_lifecycle
from guards.models import Guard
from guards.services import guards_reattach
from liaison_points.demo import SCALES, demo_password_hash, seed_liaison_points
from liaison_points.models import LiaisonPoint
from patrol.demo import seed_patrols
from patrol.demo_zones import seed_zone_patrols


# What the demo builders count (the keys of the dicts they return), as the summary names them; a kind
# missing here is shown by its key. "demo data" keeps these apart from the same words elsewhere.
DEMO_KINDS = {
    "townships": pgettext_lazy("demo data", "townships"),
    "zones": pgettext_lazy("demo data", "zones"),
    "police stations": pgettext_lazy("demo data", "police stations"),
    "officer accounts": pgettext_lazy("demo data", "officer accounts"),
    "officers": pgettext_lazy("demo data", "officers"),
    "liaison points": pgettext_lazy("demo data", "liaison points"),
    "security companies": pgettext_lazy("demo data", "security companies"),
    "manager accounts": pgettext_lazy("demo data", "manager accounts"),
    "company managers": pgettext_lazy("demo data", "company managers"),
    "guards": pgettext_lazy("demo data", "guards"),
    "guard accounts": pgettext_lazy("demo data", "guard accounts"),
    "guards re-attached": pgettext_lazy("demo data", "guards re-attached"),
    "patrols": pgettext_lazy("demo data", "patrols"),
    "check-ins": pgettext_lazy("demo data", "check-ins"),
    "checkpoints visited": pgettext_lazy("demo data", "checkpoints visited"),
    "patrol points entries": pgettext_lazy("demo data", "patrol points entries"),
    "venue inspections": pgettext_lazy("demo data", "venue inspections"),
    "recurring plans": pgettext_lazy("demo data", "recurring plans"),
    "disputes": pgettext_lazy("demo data", "disputes"),
    "dispute events": pgettext_lazy("demo data", "dispute events"),
    "mediation sessions": pgettext_lazy("demo data", "mediation sessions"),
    "tips": pgettext_lazy("demo data", "tips"),
    "dispute and tip points entries": pgettext_lazy("demo data", "dispute and tip points entries"),
    "patrols with activity counts": pgettext_lazy("demo data", "patrols with activity counts"),
    "unit-led zone patrols": pgettext_lazy("demo data", "unit-led zone patrols"),
    "zone plan patrols": pgettext_lazy("demo data", "zone plan patrols"),
    "tips with activity counts": pgettext_lazy("demo data", "tips with activity counts"),
    "self-employing units": pgettext_lazy("demo data", "self-employing units"),
    "unit leaders named": pgettext_lazy("demo data", "unit leaders named"),
    "monthly sessions and drills": pgettext_lazy("demo data", "monthly sessions and drills"),
    "session attendances": pgettext_lazy("demo data", "session attendances"),
    "reward rounds": pgettext_lazy("demo data", "reward rounds"),
    "reward round lines": pgettext_lazy("demo data", "reward round lines"),
    "unit assessments": pgettext_lazy("demo data", "unit assessments"),
    "interviews": pgettext_lazy("demo data", "interviews"),
    "training sessions": pgettext_lazy("demo data", "training sessions"),
    "training rosters": pgettext_lazy("demo data", "training rosters"),
    "roster entries": pgettext_lazy("demo data", "roster entries"),
    "training absentees": pgettext_lazy("demo data", "training absentees"),
    "certificate exams": pgettext_lazy("demo data", "certificate exams"),
    "payout lines": pgettext_lazy("demo data", "payout lines"),
    "assessments": pgettext_lazy("demo data", "assessments"),
    "equipment items": pgettext_lazy("demo data", "equipment items"),
    "equipment recalls": pgettext_lazy("demo data", "equipment recalls"),
    "case figures": pgettext_lazy("demo data", "case figures"),
    "bulletin recipients": pgettext_lazy("demo data", "bulletin recipients"),
    "bulletins": pgettext_lazy("demo data", "bulletins"),
    "guards on duty with warnings": pgettext_lazy("demo data", "guards on duty with warnings"),
}
SCALE_LABELS = {"county": pgettext_lazy("demo data", "county"), "province": pgettext_lazy("demo data", "province")}


def demo_summary(created: dict[str, int]) -> str:
    """The counts in the active language: "11 townships, 5 zones, …" (zh: "乡镇 11，片区 5，…")."""
    return pgettext("demo data", ", ").join(
        pgettext("demo data", "%(count)s %(kind)s") % {"count": n, "kind": DEMO_KINDS.get(kind, kind)}
        for kind, n in created.items()
    )


class Command(BaseCommand):
    help = "Create demo data: a county like Gucheng, Hubei (or --scale province for load tests)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024, help="Random seed (default 2024); the same seed gives the same data.")
        parser.add_argument(
            "--scale", choices=sorted(SCALES), default="county",
            help="county (30 points, 700 guards) or province (2,000 points, 50,000 guards, for load tests).",
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when liaison points already exist.")

    def handle(self, *args, seed, scale, if_empty, **options):
        if if_empty and LiaisonPoint.objects.exists():
            self.stdout.write(_("Liaison points already exist; demo data not seeded."))
            return
        started = time.monotonic()
        with transaction.atomic():
            password_hash = functools.cache(demo_password_hash)  # hashed once, and only if an account is new
            guards_before = Guard.objects.exists()
            geography, created = seed_liaison_points(seed=seed, scale=scale, password_hash=password_hash)
            created |= seed_guards(seed=seed, scale=scale, geography=geography, password_hash=password_hash)
            if created["liaison points"] and guards_before:
                # New points change who is nearest for guards seeded (or entered) before.
                created["guards re-attached"] = guards_reattach()
            if scale == "county":
                # A year of activity on top (the province data set is for load tests of the
                # registers; a year of patrols for 2,000 points would take minutes to write).
                created |= seed_patrols(seed=seed)
                created |= seed_disputes(seed=seed)
                today = timezone.localdate()
                created |= seed_zone_patrols(seed=seed, today=today)  # issue 13: unit-led zone patrols, activity counts
                created |= seed_tip_activity(seed=seed)
                created |= seed_lifecycle(seed=seed, today=today)
                created |= seed_bulletins(seed=seed, today=today)
        elapsed = time.monotonic() - started

        made = {kind: n for kind, n in created.items() if n}
        if not made:
            self.stdout.write(_("Demo data already present; nothing created (%(seconds).1f s).") % {"seconds": elapsed})
            return
        self.stdout.write(self.style.SUCCESS(
            _("Demo data (%(scale)s, seed %(seed)d) created in %(seconds).1f s: %(summary)s.")
            % {"scale": SCALE_LABELS.get(scale, scale), "seed": seed, "seconds": elapsed, "summary": demo_summary(made)}
        ))
        if made.get("officer accounts") or made.get("manager accounts") or made.get("guard accounts"):
            self.stdout.write(_("Demo accounts share the password %(password)s; `manage.py demo_logins` lists them.")
                              % {"password": DEMO_PASSWORD})
