from django.core.management.base import BaseCommand, CommandError

from bulletins.models import WeeklyBulletin
from bulletins.services import bulletin_compile, bulletin_send, last_week_monday
from config.dates import parse_iso_week


class Command(BaseCommand):
    help = "Send the weekly bulletin to every active recipient (compiling it if needed). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week such as 2026-W47 (default: the week just ended).")

    def handle(self, *args, week=None, **options):
        try:
            monday = parse_iso_week(week) if week else last_week_monday()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        bulletin = WeeklyBulletin.objects.filter(week_start=monday).exclude(figures={}).first() or bulletin_compile(monday=monday)
        created = bulletin_send(bulletin=bulletin)
        stats = {s: bulletin.deliveries.filter(status=s).count() for s in ("pending", "sending", "sent", "failed")}
        self.stdout.write(self.style.SUCCESS(
            f"Bulletin {bulletin.week_label}: {created} new deliveries queued; "
            + ", ".join(f"{n} {s}" for s, n in stats.items())
        ))
