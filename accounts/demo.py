"""The demo sign-in accounts that `seed_demo` creates and `demo_logins` prints.

They live here, in the lowest app, because both the seeding code (liaison_points, guards) and the
accounts command read them. The password passes the project's validators (length, not common, not
numeric); it is a demo password and printed on purpose."""
from accounts.models import Role

DEMO_URL = "http://127.0.0.1:8000"
DEMO_PASSWORD = "patrol-demo-2024"

# (username, role) in the order they are printed.
DEMO_LOGINS: list[tuple[str, str]] = [
    ("officer", Role.OFFICER),
    ("manager", Role.MANAGER),
    ("guard", Role.GUARD),
    ("admin", Role.ADMIN),
]
