"""Admin registrations, imported explicitly (SimpleAdminConfig does no autodiscovery, which keeps
leaflet.admin and its GDAL import out of the process)."""
import importlib

from django.conf import settings

OUR_APPS = ("accounts", "liaison_points", "guards", "rewards", "training", "assessments", "patrol", "disputes", "bulletins")


def load_admin_modules() -> None:
    import axes.admin  # noqa: F401  (failed sign-ins; delete an attempt to unlock the account)
    import django_celery_beat.admin  # noqa: F401
    import rest_framework.authtoken.admin  # noqa: F401

    for app in OUR_APPS:
        if app in settings.INSTALLED_APPS:
            try:
                importlib.import_module(f"{app}.admin")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.admin":
                    raise
