from bulletins.management.week_command import WeekCommand
from bulletins.services import bulletin_compile


class Command(WeekCommand):
    help = "Compile the weekly bulletin for an ISO week (default: the week just ended)."

    def handle(self, *args, week=None, **options):
        bulletin = bulletin_compile(monday=self.week_monday(week))
        f = bulletin.figures
        self.stdout.write(self.style.SUCCESS(
            f"Bulletin {bulletin.week_label} ({bulletin.get_status_display()}): {f['patrols']['done']} patrols, "
            f"{len(f['patrols']['below_minimum'])} points under the minimum, {f['inspections']['count']} inspections, "
            f"{f['disputes']['new']} new disputes, {f['tips']['received']} tips, {len(f['suggestions'])} suggestions."
        ))
