"""manage.py create_account USERNAME --role officer|manager|guard|admin [--company ID] [--guard ID]
[--password P] [--name NAME] [--email E] [--station ID] [--badge B]

Creates a sign-in account and binds it: a manager to the company they manage, a guard account to
its guard record, an officer to an Officer profile. It lives in guards because those bindings need
guards models, and accounts must not import guards. Everything happens in one transaction: a weak
password or a failed binding saves nothing."""
import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.services import account_create
from guards.models import Guard, SecurityCompany
from guards.services import guard_bind_user, manager_bind
from liaison_points.models import Officer, PoliceStation


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "\n".join(f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages)
    return "\n".join(exc.messages)


class Command(BaseCommand):
    help = "Create a sign-in account for an officer, a company manager, a guard or an administrator."
    stealth_options = ("stdin",)  # tests pass a stand-in terminal

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--company", type=int, metavar="ID", help="Company a manager manages (required for --role manager).")
        parser.add_argument("--guard", type=int, metavar="ID", help="Guard record the account signs in as (required for --role guard).")
        parser.add_argument("--password", help="Password; asked for twice on a terminal when left out.")
        parser.add_argument("--name", default="", help="Full name.")
        parser.add_argument("--email", default="")
        parser.add_argument("--station", type=int, metavar="ID", help="Police station of an officer.")
        parser.add_argument("--badge", default="", help="Badge number of an officer.")

    def handle(self, *args, username, role, company, guard, password, name, email, station, badge, **options):
        self.stdin = options.get("stdin", sys.stdin)
        company_obj, guard_obj, station_obj = self._check(
            username=username, role=role, company=company, guard=guard, station=station, badge=badge
        )
        if password is None:
            password = self._ask_password()
        try:
            with transaction.atomic():
                user = account_create(username=username, role=role, password=password, name=name, email=email)
                if role == Role.MANAGER:
                    manager_bind(user=user, company=company_obj)
                elif role == Role.GUARD:
                    guard_bind_user(guard=Guard.objects.select_for_update().get(pk=guard_obj.pk), user=user)
                elif role == Role.OFFICER:
                    profile = Officer(user=user, station=station_obj, badge_number=badge or None)
                    profile.full_clean()
                    profile.save()
        except ValidationError as exc:
            raise CommandError(_("Account not created:\n%(errors)s") % {"errors": _messages(exc)}) from None

        bound = {
            Role.MANAGER: _(" (manager of %(company)s)") % {"company": company_obj} if company_obj else "",
            Role.GUARD: _(" (guard %(guard)s)") % {"guard": guard_obj} if guard_obj else "",
        }.get(role, "")
        self.stdout.write(self.style.SUCCESS(
            _("Created %(role)s account %(username)s%(bound)s.")
            % {"role": user.get_role_display(), "username": user.username, "bound": bound}
        ))

    def _check(self, *, username, role, company, guard, station, badge):
        """Refuse contradictory or unknown input before asking for a password."""
        if User.objects.filter(username=username).exists():
            raise CommandError(_("A user named %(username)s already exists.") % {"username": username})
        if company is not None and role != Role.MANAGER:
            raise CommandError(_("--company applies to --role manager only."))
        if guard is not None and role != Role.GUARD:
            raise CommandError(_("--guard applies to --role guard only."))
        if (station is not None or badge) and role != Role.OFFICER:
            raise CommandError(_("--station and --badge apply to --role officer only."))

        company_obj = guard_obj = station_obj = None
        if role == Role.MANAGER:
            if company is None:
                raise CommandError(_("A manager needs --company ID, the security company they manage."))
            company_obj = SecurityCompany.objects.filter(pk=company).first()
            if company_obj is None:
                raise CommandError(_("There is no security company with id %(id)s.") % {"id": company})
        if role == Role.GUARD:
            if guard is None:
                raise CommandError(_("A guard account needs --guard ID, the guard record it signs in as."))
            guard_obj = Guard.objects.filter(pk=guard).first()
            if guard_obj is None:
                raise CommandError(_("There is no guard with id %(id)s.") % {"id": guard})
            if guard_obj.user_id is not None:
                raise CommandError(_("Guard %(guard)s (id %(id)s) already has a sign-in account.") % {"guard": guard_obj, "id": guard})
        if station is not None:
            station_obj = PoliceStation.objects.filter(pk=station).first()
            if station_obj is None:
                raise CommandError(_("There is no police station with id %(id)s.") % {"id": station})
        return company_obj, guard_obj, station_obj

    def _ask_password(self) -> str:
        if not (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
            raise CommandError(_("No --password given and no terminal to ask on: pass --password, or run this in a terminal."))
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The two passwords do not match; nothing was created."))
        if not password:
            raise CommandError(_("The password must not be empty; nothing was created."))
        return password
