import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from guards.models import CompanyManager, Guard, SecurityCompany
from guards.validators import national_id_check_digit
from liaison_points.models import LiaisonPoint, Officer, PoliceStation, Township, Zone


def make_national_id(n: int, *, region: str = "420625", born: datetime.date = datetime.date(1980, 1, 1)) -> str:
    """A valid 18-character resident id, unique for each n below 1000 per birth date."""
    first17 = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return first17 + national_id_check_digit(first17)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"User {n}")
    role = Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = Township

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Township {n}")


class ZoneFactory(DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"Zone {n}")


class PoliceStationFactory(DjangoModelFactory):
    class Meta:
        model = PoliceStation

    name = factory.Sequence(lambda n: f"Station {n}")
    township = factory.SubFactory(TownshipFactory)


class OfficerFactory(DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory, role=Role.OFFICER)
    station = factory.SubFactory(PoliceStationFactory)
    badge_number = factory.Sequence(lambda n: f"B{n:05d}")


class LiaisonPointFactory(DjangoModelFactory):
    class Meta:
        model = LiaisonPoint

    code = factory.Sequence(lambda n: f"LP{n:04d}")
    name = factory.Sequence(lambda n: f"Point {n}")
    township = factory.SubFactory(TownshipFactory)
    station = factory.SubFactory(PoliceStationFactory, township=factory.SelfAttribute("..township"))
    latitude = Decimal("32.270000")
    longitude = Decimal("111.600000")


class SecurityCompanyFactory(DjangoModelFactory):
    class Meta:
        model = SecurityCompany

    name = factory.Sequence(lambda n: f"Company {n}")
    licence_number = factory.Sequence(lambda n: f"LIC-{n:05d}")


class CompanyManagerFactory(DjangoModelFactory):
    class Meta:
        model = CompanyManager

    user = factory.SubFactory(UserFactory, role=Role.MANAGER)
    company = factory.SubFactory(SecurityCompanyFactory)


class GuardFactory(DjangoModelFactory):
    class Meta:
        model = Guard

    company = factory.SubFactory(SecurityCompanyFactory)
    name = factory.Sequence(lambda n: f"Guard {n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    national_id = factory.Sequence(lambda n: make_national_id(n % 1000, born=datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 1000)))
    post = factory.Sequence(lambda n: f"Post {n}")
    post_latitude = Decimal("32.270000")
    post_longitude = Decimal("111.600000")
    certificate_status = Guard.CertificateStatus.VALID
    certificate_number = factory.Sequence(lambda n: f"CERT{n:06d}")
    certificate_expires_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=365))


# patrol -------------------------------------------------------------------------------------
import datetime as _dt  # noqa: E402

from django.utils import timezone as _tz  # noqa: E402

from patrol.models import Checkpoint, Patrol, PatrolMember, VenueInspection  # noqa: E402


def local_dt(*args) -> _dt.datetime:
    """An aware datetime in the office's time zone: local_dt(2026, 11, 17, 19, 0)."""
    return _tz.make_aware(_dt.datetime(*args))


class PatrolFactory(DjangoModelFactory):
    class Meta:
        model = Patrol

    liaison_point = factory.SubFactory(LiaisonPointFactory)
    leader = factory.SubFactory(OfficerFactory)
    planned_start = factory.LazyFunction(lambda: local_dt(2026, 11, 17, 19, 0))
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + _dt.timedelta(hours=3))


class PatrolMemberFactory(DjangoModelFactory):
    class Meta:
        model = PatrolMember

    patrol = factory.SubFactory(PatrolFactory)
    guard = factory.SubFactory(GuardFactory)


class CheckpointFactory(DjangoModelFactory):
    class Meta:
        model = Checkpoint

    liaison_point = factory.SubFactory(LiaisonPointFactory)
    name = factory.Sequence(lambda n: f"Checkpoint {n}")
    latitude = Decimal("32.271000")
    longitude = Decimal("111.601000")


class VenueInspectionFactory(DjangoModelFactory):
    class Meta:
        model = VenueInspection

    venue = factory.Sequence(lambda n: f"Venue {n}")
    trade = VenueInspection.Trade.HOTEL
    township = factory.SubFactory(TownshipFactory)
    inspected_on = _dt.date(2026, 11, 18)


# disputes -----------------------------------------------------------------------------------
from disputes.models import Dispute, DisputeCategory, DisputeParty, Tip  # noqa: E402


class DisputeFactory(DjangoModelFactory):
    """A dispute reported by an officer at the default test position (set liaison_point yourself;
    use disputes.services.dispute_report to exercise routing)."""

    class Meta:
        model = Dispute

    category = DisputeCategory.NEIGHBOURS
    title = factory.Sequence(lambda n: f"Dispute {n}")
    place = factory.Sequence(lambda n: f"Building {n}")
    latitude = Decimal("32.270000")
    longitude = Decimal("111.600000")
    liaison_point = factory.SubFactory(LiaisonPointFactory)
    reported_by_kind = Dispute.ReporterKind.OFFICER
    reported_at = factory.LazyFunction(_tz.now)
    first_response_due = factory.LazyAttribute(lambda o: o.reported_at + _dt.timedelta(hours=24))
    resolution_due = factory.LazyAttribute(lambda o: o.reported_at + _dt.timedelta(days=7))

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):
        """Party rows: `parties=[{"name", "phone", "role"}, …]`, else 张三 (with a phone) and 李四."""
        if not create:
            return
        rows = extracted if extracted is not None else [{"name": "张三", "phone": "13900000001"}, {"name": "李四"}]
        DisputeParty.objects.bulk_create(
            DisputeParty(dispute=obj, position=i, name=p["name"], phone=p.get("phone", ""), role=p.get("role") or "party")
            for i, p in enumerate(rows)
        )


class TipFactory(DjangoModelFactory):
    class Meta:
        model = Tip

    kind = Tip.Kind.CASE_LEAD
    text = factory.Sequence(lambda n: f"Tip text {n}")
    place = factory.Sequence(lambda n: f"Street {n}")
    liaison_point = factory.SubFactory(LiaisonPointFactory)
    source_kind = Tip.SourceKind.VOLUNTEER
    volunteer_name = "王五"
    volunteer_phone = "13800000002"


def party_rows(*parties, spare: int = 0) -> dict:
    """POST data of a dispute form's party rows: each party a name, or (name, role, phone)."""
    data = {"parties-TOTAL_FORMS": str(len(parties) + spare), "parties-INITIAL_FORMS": "0"}
    for i, party in enumerate(parties):
        name, role, phone = (party, "party", "") if isinstance(party, str) else party
        data.update({f"parties-{i}-name": name, f"parties-{i}-role": role, f"parties-{i}-phone": phone})
    return data
