"""manage.py demo_logins — print the demo URL and the demo sign-ins (`make run` calls it).

Lists only the demo accounts that exist and still have the demo password, so a database whose
passwords were changed never shows a password that no longer works."""
import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_URL
from accounts.models import User


class Command(BaseCommand):
    help = "Print the demo URL and the demo accounts' usernames, passwords and roles."

    def handle(self, *args, **options):
        usernames = [username for username, _role in DEMO_LOGINS]
        users = User.objects.filter(username__in=usernames, is_active=True).in_bulk(field_name="username")
        if not users:
            self.stdout.write(_("No demo accounts. `manage.py seed_demo` creates them; `manage.py create_account` creates one."))
            return

        # Hashing is slow on purpose; the seeded accounts share one hash, so check each hash once.
        demo_hash: dict[str, bool] = {}
        rows = []
        for username, _role in DEMO_LOGINS:
            user = users.get(username)
            if user is None:
                continue
            if user.password not in demo_hash:
                demo_hash[user.password] = user.check_password(DEMO_PASSWORD)
            password = DEMO_PASSWORD if demo_hash[user.password] else _("(changed)")
            rows.append((username, str(password), str(user.get_role_display())))

        self.stdout.write(_("Joint Patrol Office demo: %(url)s") % {"url": DEMO_URL})
        table = [(_("username"), _("password"), _("role")), *rows]
        widths = [max(_width(row[i]) for row in table) for i in range(3)]
        for row in table:
            self.stdout.write("  " + "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
