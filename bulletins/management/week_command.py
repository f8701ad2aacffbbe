"""What the bulletin's commands share: a --week option, an ISO week that defaults to the week just
ended (Asia/Shanghai time)."""
import datetime

from django.core.management.base import BaseCommand, CommandError

from bulletins.services import last_week_monday
from config.dates import parse_iso_week


class WeekCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week such as 2026-W47 (default: the week just ended, Asia/Shanghai time).")

    def week_monday(self, week: str | None) -> datetime.date:
        """The Monday of `week`, of the week just ended when it is not given."""
        try:
            return parse_iso_week(week) if week else last_week_monday()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
