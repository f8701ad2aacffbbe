from django.core.management.base import BaseCommand, CommandError

from bulletins.services import bulletin_compile, last_week_monday
from config.dates import parse_iso_week


class Command(BaseCommand):
    help = "Compile the weekly bulletin for an ISO week (default: the week just ended)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week such as 2026-W47 (Asia/Shanghai time).")

    def handle(self, *args, week=None, **options):
        try:
            monday = parse_iso_week(week) if week else last_week_monday()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        bulletin = bulletin_compile(monday=monday)
        f = bulletin.figures
        self.stdout.write(self.style.SUCCESS(
            f"Bulletin {bulletin.week_label} ({bulletin.get_status_display()}): {f['patrols']['done']} patrols, "
            f"{len(f['patrols']['below_minimum'])} points under the minimum, {f['inspections']['count']} inspections, "
            f"{f['disputes']['new']} new disputes, {f['tips']['received']} tips, {len(f['suggestions'])} suggestions."
        ))
