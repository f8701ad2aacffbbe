"""manage.py compile_rosters [--quarter 2027Q1]

Compiles every active company's training roster for a quarter (default: the current one, Asia/Shanghai
time), as the quarterly Celery task does. Rerunnable: a second run places only guards not yet placed
and leaves submitted, approved and locked rosters alone. Prints what it placed."""
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from config.dates import parse_quarter, quarter_of
from training.models import RosterEntry, TrainingRoster, TrainingSession
from training.services import rosters_compile


class Command(BaseCommand):
    help = "Compile every active company's training roster for a quarter (rerunnable)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="A quarter such as 2027Q1 (default: the current quarter).")

    def handle(self, *args, quarter=None, **options):
        try:
            label = parse_quarter(quarter)[0] if quarter else quarter_of(timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not TrainingSession.objects.filter(quarter=label).exists():
            raise CommandError(_("Quarter %(q)s has no training sessions: add sessions first.") % {"q": label})
        before = RosterEntry.objects.filter(roster__quarter=label).count()
        rosters = rosters_compile(quarter=label)
        rows = (
            TrainingRoster.objects.filter(pk__in=[r.pk for r in rosters])
            .annotate(placed=Count("entries"))
            .select_related("company")
            .order_by("company__name")
        )
        for roster in rows:
            self.stdout.write(
                _("%(company)s: %(placed)d placed, %(unplaced)d without a seat (%(status)s)")
                % {"company": roster.company.name, "placed": roster.placed, "unplaced": len(roster.unplaced), "status": roster.get_status_display()}
            )
        added = RosterEntry.objects.filter(roster__quarter=label).count() - before
        self.stdout.write(
            _("%(q)s: %(rosters)d rosters, %(added)d guards newly placed.") % {"q": label, "rosters": len(rosters), "added": added}
        )
