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
