"""Every viewset of /api/v1/, in one place."""
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

# liaison_points
from liaison_points.api import LiaisonPointViewSet, OfficerViewSet, StationViewSet, TownshipViewSet, ZoneViewSet  # noqa: E402

router.register("townships", TownshipViewSet, basename="townships")
router.register("zones", ZoneViewSet, basename="zones")
router.register("stations", StationViewSet, basename="stations")
router.register("officers", OfficerViewSet, basename="officers")
router.register("liaison-points", LiaisonPointViewSet, basename="liaison-points")

# guards
from guards.api import CompanyViewSet, GuardViewSet  # noqa: E402

router.register("companies", CompanyViewSet, basename="companies")
router.register("guards", GuardViewSet, basename="guards")

# training, rewards, assessments
from assessments.api import AssessmentViewSet, EquipmentRecallViewSet, EquipmentViewSet  # noqa: E402
from assessments.api_joint import InterviewViewSet, UnitAssessmentViewSet  # noqa: E402
from rewards.api import PointEntryViewSet, PointRuleViewSet  # noqa: E402
from rewards.api_payouts import PayoutRunViewSet  # noqa: E402
from rewards.api_rounds import RewardRoundViewSet  # noqa: E402
from training.api import ExamViewSet, RosterViewSet, TrainingSessionViewSet  # noqa: E402
from training.api_attendance import SessionAttendanceViewSet  # noqa: E402

router.register("training-sessions", TrainingSessionViewSet, basename="training-sessions")
router.register("rosters", RosterViewSet, basename="rosters")
router.register("session-attendance", SessionAttendanceViewSet, basename="session-attendance")
router.register("points", PointEntryViewSet, basename="points")
router.register("point-rules", PointRuleViewSet, basename="point-rules")
router.register("payouts", PayoutRunViewSet, basename="payouts")
router.register("reward-rounds", RewardRoundViewSet, basename="reward-rounds")
router.register("assessments", AssessmentViewSet, basename="assessments")
router.register("unit-assessments", UnitAssessmentViewSet, basename="unit-assessments")
router.register("interviews", InterviewViewSet, basename="interviews")
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("equipment-recalls", EquipmentRecallViewSet, basename="equipment-recalls")
router.register("exams", ExamViewSet, basename="exams")

# patrol
from patrol.api import CheckInViewSet, CheckpointViewSet, InspectionViewSet, PatrolViewSet, PlanViewSet  # noqa: E402

router.register("patrols", PatrolViewSet, basename="patrols")
router.register("check-ins", CheckInViewSet, basename="check-ins")
router.register("checkpoints", CheckpointViewSet, basename="checkpoints")
router.register("patrol-plans", PlanViewSet, basename="patrol-plans")
router.register("inspections", InspectionViewSet, basename="inspections")

# disputes
from disputes.api import DisputeViewSet, TipViewSet  # noqa: E402

router.register("disputes", DisputeViewSet, basename="disputes")
router.register("tips", TipViewSet, basename="tips")

# bulletins
from bulletins.api import BulletinViewSet, CaseFigureViewSet, RecipientViewSet  # noqa: E402

router.register("bulletins", BulletinViewSet, basename="bulletins")
router.register("case-figures", CaseFigureViewSet, basename="case-figures")
router.register("bulletin-recipients", RecipientViewSet, basename="bulletin-recipients")


def grouped_urls(urls: list) -> list:
    """The router's URL patterns nested under one pattern per resource (`^tips/` holding `^$`,
    `^(?P<pk>[^/.]+)/$`, ...); the rest (the format suffixes such as /tips.json, the root) as they are. Django
    tries URL patterns one by one: flat, /api/v1/tips/ was matched against some 250 regular
    expressions, 0.4 ms of every tip and check-in (issue #14); nested, against one per resource
    before its own few. The same routes, names and reverse URLs; the schema reads the same paths."""
    import re
    from collections import defaultdict

    from django.urls import URLPattern, include, re_path
    from django.urls.resolvers import RegexPattern

    leading = re.compile(r"^\^([a-z0-9-]+/)")  # a resource's literal prefix; nothing to escape in it
    groups: dict[str, list] = defaultdict(list)
    grouped = []
    for url in urls:
        found = leading.match(url.pattern.regex.pattern) if isinstance(url, URLPattern) else None
        if found is None:
            grouped.append(url)
            continue
        prefix = found.group(1)
        if prefix not in groups:
            grouped.append(prefix)  # the group's place, filled below
        rest = RegexPattern("^" + url.pattern.regex.pattern[found.end():], name=url.pattern.name, is_endpoint=True)
        groups[prefix].append(URLPattern(rest, url.callback, url.default_args, url.name))
    return [re_path(f"^{item}", include(groups[item])) if isinstance(item, str) else item for item in grouped]
