"""The province-scale data set of the benchmark: `manage.py seed_demo --scale province`, or a plain
bulk_create generator (`--data builtin`) when that command is missing."""
import random

POINTS = 2_000
GUARDS = 50_000
# Hubei, roughly: where the builtin generator scatters points and posts.
LAT_RANGE = (29.05, 33.25)
LNG_RANGE = (108.40, 116.10)


def build_with_seed_demo() -> None:
    import io

    from django.core.management import call_command

    call_command("seed_demo", scale="province", seed=2024, verbosity=0, stdout=io.StringIO())


def build_builtin(seed: int = 2024) -> None:
    """Plain bulk_create: townships, stations, 2,000 points, 60 companies, 50,000 guards."""
    import datetime
    from decimal import Decimal

    from accounts.models import Role, User
    from guards.models import Guard, SecurityCompany
    from guards.validators import national_id_check_digit
    from liaison_points.models import LiaisonPoint, PoliceStation, Township
    from liaison_points.routing import routing_invalidate

    rng = random.Random(seed)

    def coord(lo_hi) -> Decimal:
        return Decimal(f"{rng.uniform(*lo_hi):.6f}")

    townships = Township.objects.bulk_create(Township(code=f"BT{i:03d}", name=f"Bench township {i}") for i in range(200))
    stations = PoliceStation.objects.bulk_create(
        PoliceStation(name=f"Bench station {i}", township=townships[i]) for i in range(len(townships))
    )
    LiaisonPoint.objects.bulk_create(
        LiaisonPoint(code=f"BP{i:05d}", name=f"Bench point {i}", township=townships[i % 200], station=stations[i % 200],
                     latitude=coord(LAT_RANGE), longitude=coord(LNG_RANGE))
        for i in range(POINTS)
    )
    routing_invalidate()  # bulk_create sends no post_save
    companies = SecurityCompany.objects.bulk_create(
        SecurityCompany(name=f"Bench company {i}", licence_number=f"BLIC{i:05d}") for i in range(60)
    )
    born0, today = datetime.date(1965, 1, 1), datetime.date.today()

    def national_id(n: int) -> str:
        first17 = f"420625{born0 + datetime.timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
        return first17 + national_id_check_digit(first17)

    Guard.objects.bulk_create(
        (Guard(company=companies[i % 60], name=f"Guard {i:05d}", phone=f"139{i:08d}", national_id=national_id(i),
               post=f"Post {i}", post_latitude=coord(LAT_RANGE), post_longitude=coord(LNG_RANGE),
               certificate_status=Guard.CertificateStatus.VALID if i % 5 else Guard.CertificateStatus.NONE,
               certificate_expires_on=today + datetime.timedelta(days=365) if i % 5 else None,
               status=Guard.Status.ACTIVE if i % 50 else Guard.Status.SUSPENDED)
         for i in range(GUARDS)),
        batch_size=2000,
    )
    if not User.objects.filter(username="officer").exists():
        User.objects.create_user(username="officer", password=None, role=Role.OFFICER, name="Bench officer")
