from django.utils.translation import gettext as _

from bulletins.management.week_command import WeekCommand
from bulletins.services import bulletin_compile


class Command(WeekCommand):
    help = "Compile the weekly bulletin for an ISO week (default: the week just ended)."

    def handle(self, *args, week=None, **options):
        bulletin = bulletin_compile(monday=self.week_monday(week))
        f = bulletin.figures
        self.stdout.write(self.style.SUCCESS(
            _("Bulletin %(week)s (%(status)s): %(patrols)s patrols, %(below)s points under the minimum, "
              "%(inspections)s inspections, %(disputes)s new disputes, %(tips)s tips, %(suggestions)s suggestions.")
            % {
                "week": bulletin.week_label, "status": bulletin.get_status_display(), "patrols": f["patrols"]["done"],
                "below": len(f["patrols"]["below_minimum"]), "inspections": f["inspections"]["count"],
                "disputes": f["disputes"]["new"], "tips": f["tips"]["received"], "suggestions": len(f["suggestions"]),
            }
        ))
