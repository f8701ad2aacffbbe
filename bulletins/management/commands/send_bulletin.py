from bulletins.management.week_command import WeekCommand
from bulletins.models import WeeklyBulletin
from bulletins.services import bulletin_compile, bulletin_send


class Command(WeekCommand):
    help = "Send the weekly bulletin to every active recipient (compiling it if needed). Idempotent."

    def handle(self, *args, week=None, **options):
        monday = self.week_monday(week)
        bulletin = WeeklyBulletin.objects.filter(week_start=monday).exclude(figures={}).first() or bulletin_compile(monday=monday)
        created = bulletin_send(bulletin=bulletin)
        stats = {s: bulletin.deliveries.filter(status=s).count() for s in ("pending", "sending", "sent", "failed")}
        self.stdout.write(self.style.SUCCESS(
            f"Bulletin {bulletin.week_label}: {created} new deliveries queued; "
            + ", ".join(f"{n} {s}" for s, n in stats.items())
        ))
