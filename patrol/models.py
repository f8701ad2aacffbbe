import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.activity import ActivityCounts
from guards.models import Guard, SecurityCompany
from liaison_points.geo import latitude_validators, longitude_validators
from liaison_points.models import LiaisonPoint, Officer, Zone

WEEKDAY_CHOICES = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]


class PatrolKind(models.TextChoices):
    FOOT = "foot", _("Foot")
    VEHICLE = "vehicle", _("Vehicle")
    BICYCLE = "bicycle", _("Bicycle")


class PublicityTopic(models.TextChoices):
    ANTI_FRAUD = "anti_fraud", _("Anti-fraud")
    DROWNING = "drowning", _("Drowning prevention")
    TRAFFIC = "traffic", _("Traffic safety")
    FIGHTING_COST = "fighting_cost", _("The cost of fighting")
    ANTI_GAMBLING = "anti_gambling", _("Anti-gambling")
    OTHER = "other", _("Other")


class PositionState(models.TextChoices):
    """How a phone's position checks out against where the guard should be. Blank: not from a
    phone (an officer's mark, an automatic absence)."""

    OK = "ok", _("Position confirmed")
    FAR = "far", _("Far from the patrol")
    INACCURATE = "inaccurate", _("Position too inaccurate")
    NONE = "none", _("No position")


def _new_checkpoint_token() -> str:
    return secrets.token_urlsafe(24)


class Checkpoint(models.Model):
    """A place on a liaison point's beat that a patrol must visit; its printed QR code carries a
    signed link to its unguessable token (the checkpoint's secret). A scan counts only for the
    guard's patrol under way, inside its window, from within `radius` metres."""

    liaison_point = models.ForeignKey(LiaisonPoint, on_delete=models.CASCADE, related_name="checkpoints", verbose_name=_("liaison point"))
    name = models.CharField(_("name"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=latitude_validators)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=longitude_validators)
    token = models.CharField(_("token"), max_length=64, unique=True, default=_new_checkpoint_token, editable=False)
    token_replaced_at = models.DateTimeField(_("QR code replaced at"), null=True, blank=True, editable=False)
    radius = models.PositiveIntegerField(
        _("radius (m)"), null=True, blank=True, help_text=_("How near a scan must be; empty: the office's default."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["liaison_point", "name"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [models.UniqueConstraint(fields=["liaison_point", "name"], name="checkpoint_name_per_point")]

    def __str__(self) -> str:
        return self.name


def _one_lead(*, plan: bool) -> models.CheckConstraint:
    """A patrol is led by an officer or by a unit (its guard team leader leads on the ground), never
    both, never neither; a plan may instead rotate the lead among a zone's units."""
    officer = models.Q(leader__isnull=False, lead_company__isnull=True)
    unit = models.Q(leader__isnull=True, lead_company__isnull=False)
    if plan:
        zone = models.Q(leader__isnull=True, lead_company__isnull=True, zone__isnull=False)
        return models.CheckConstraint(
            condition=((officer | unit) & models.Q(zone__isnull=True)) | zone, name="plan_one_lead",
            violation_error_message=_("Choose a leading officer, a lead unit or a zone's rotation — exactly one."),
        )
    return models.CheckConstraint(
        condition=officer | unit, name="patrol_one_lead",
        violation_error_message=_("Choose a leading officer or a lead unit — exactly one."),
    )


class RecurringPlan(models.Model):
    """"Every Tue/Thu/Sat 19:00–22:00": generates patrols for the coming weeks. Led by an officer, by
    one unit, or (a zone patrol, the Yanghe pattern) by the zone's units in turn: each day the next
    unit of `lead_rotation` leads with `lead_count` guards and every other unit sends one guard."""

    liaison_point = models.ForeignKey(LiaisonPoint, on_delete=models.CASCADE, related_name="patrol_plans", verbose_name=_("liaison point"))
    leader = models.ForeignKey(Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="patrol_plans", verbose_name=_("leading officer"))
    lead_company = models.ForeignKey(
        SecurityCompany, on_delete=models.PROTECT, null=True, blank=True, related_name="led_plans", verbose_name=_("lead unit"),
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="patrol_plans", verbose_name=_("zone (lead rotates)"),
    )
    lead_rotation = models.JSONField(
        _("lead unit rotation"), default=list, blank=True,
        help_text=_("Unit ids in the order they lead, one a day; empty: the zone's units by name."),
    )
    lead_count = models.PositiveSmallIntegerField(_("guards of the lead unit"), default=2)
    kind = models.CharField(_("kind"), max_length=16, choices=PatrolKind.choices, default=PatrolKind.FOOT)
    weekdays = models.JSONField(_("weekdays"), help_text=_("0 = Monday … 6 = Sunday"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"), help_text=_("Earlier than the start time means the next day."))
    area = models.JSONField(_("grid cell or route (GeoJSON)"), null=True, blank=True)
    members = models.ManyToManyField(Guard, blank=True, related_name="patrol_plans", verbose_name=_("team"))
    checkpoints = models.ManyToManyField(Checkpoint, blank=True, related_name="plans", verbose_name=_("checkpoints"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["liaison_point", "start_time"]
        verbose_name = _("recurring patrol plan")
        verbose_name_plural = _("recurring patrol plans")
        constraints = [_one_lead(plan=True)]

    def __str__(self) -> str:
        days = ", ".join(str(dict(WEEKDAY_CHOICES)[d]) for d in sorted(self.weekdays or []))
        return f"{self.liaison_point} · {days} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Patrol(ActivityCounts):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    liaison_point = models.ForeignKey(LiaisonPoint, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("liaison point"))
    leader = models.ForeignKey(Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="led_patrols", verbose_name=_("leading officer"))
    lead_company = models.ForeignKey(
        SecurityCompany, on_delete=models.PROTECT, null=True, blank=True, related_name="led_patrols", verbose_name=_("lead unit"),
    )
    team_leader = models.ForeignKey(
        Guard, on_delete=models.PROTECT, null=True, blank=True, related_name="led_patrols", verbose_name=_("team leader"),
        help_text=_("The lead unit's guard who leads a patrol without an officer."),
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.SET_NULL, null=True, blank=True, related_name="patrols", verbose_name=_("zone"),
        help_text=_("A zone patrol counts toward every liaison point of its zone."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PatrolKind.choices, default=PatrolKind.FOOT)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    area = models.JSONField(_("grid cell or route (GeoJSON)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    publicity_topics = models.JSONField(_("publicity done"), default=list, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    overdue_flagged_at = models.DateTimeField(
        _("flagged for the leader at"), null=True, blank=True,
        help_text=_("Still under way after its end and the grace period; the leading officer should finish it."),
    )
    plan = models.ForeignKey(RecurringPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="patrols", verbose_name=_("plan"))
    checkpoints = models.ManyToManyField(Checkpoint, through="PatrolCheckpoint", blank=True, related_name="patrols")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-planned_start", "-id"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        indexes = [
            models.Index(fields=["liaison_point", "planned_start"], name="patrol_point_start"),
            models.Index(fields=["status", "planned_start"], name="patrol_status_start"),
            models.Index(fields=["planned_start"], name="patrol_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gt=models.F("planned_start")),
                name="patrol_end_after_start",
                violation_error_message=_("The planned end must be after the planned start."),
            ),
            models.UniqueConstraint(fields=["plan", "planned_start"], name="patrol_once_per_plan_slot"),
            _one_lead(plan=False),
        ]

    def __str__(self) -> str:
        return f"{self.liaison_point.name} {self.planned_start:%Y-%m-%d %H:%M}"


class PatrolMember(models.Model):
    class Role(models.TextChoices):
        LEAD_UNIT = "lead", _("Lead unit")
        MEMBER = "member", _("Member")

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="members", verbose_name=_("patrol"))
    guard = models.ForeignKey(Guard, on_delete=models.PROTECT, related_name="patrol_memberships", verbose_name=_("guard"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    # Set when the guard joined deployable only with warnings under the office's duty policy (issue 13).
    duty_warning = models.TextField(_("duty warning"), null=True, blank=True)

    class Meta:
        ordering = ["patrol", "role", "guard__name"]
        verbose_name = _("patrol member")
        verbose_name_plural = _("patrol members")
        constraints = [models.UniqueConstraint(fields=["patrol", "guard"], name="patrol_member_once")]
        indexes = [models.Index(fields=["guard", "patrol"], name="member_guard_patrol")]

    def __str__(self) -> str:
        return f"{self.guard} @ {self.patrol_id}"


class CheckIn(models.Model):
    """Roll-call: one row per guard per patrol, by the guard's phone or marked by the leading officer."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")

    class Source(models.TextChoices):
        GUARD = "guard", _("Guard's phone")
        OFFICER = "officer", _("Marked by officer")
        AUTO = "auto", _("No show at finish")

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("patrol"))
    guard = models.ForeignKey(Guard, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("guard"))
    # The company the guard had when the check-in was written (save() and the bulk writers set it): roll-call by company reads it.
    company = models.ForeignKey(SecurityCompany, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+", verbose_name=_("company"))
    at = models.DateTimeField(_("time"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=latitude_validators)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=longitude_validators)
    accuracy = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    distance = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True, help_text=_("From the patrol's area, route or liaison point."))
    position_state = models.CharField(_("position"), max_length=16, choices=PositionState.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(
        _("received at"), null=True, blank=True,
        help_text=_("When it reached the office, if the phone sent it later (kept offline); the time above is when it was made."),
    )

    class Meta:
        ordering = ["patrol", "at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["patrol", "guard"], name="checkin_once_per_patrol")]
        indexes = [
            models.Index(fields=["guard", "at"], name="checkin_guard_at"),
            models.Index(fields=["at"], name="checkin_at"),
            models.Index(fields=["patrol"], include=["company", "status"], name="checkin_patrol_company"),  # covering on PostgreSQL
        ]

    def save(self, *args, **kwargs):
        if self.company_id is None and self.guard_id is not None:
            self.company_id = self.guard.company_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.guard} {self.get_status_display()}"

    @property
    def flagged(self) -> bool:
        """A phone check-in whose position does not check out, not (yet) confirmed by an officer."""
        return self.source == self.Source.GUARD and self.position_state in (PositionState.FAR, PositionState.INACCURATE)


class RollCallEvent(models.Model):
    """Every manual roll-call mark and every override: who, when, why, and what it changed."""

    class Kind(models.TextChoices):
        MARK = "mark", _("Marked")
        OVERRIDE = "override", _("Override")

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="roll_call_events", verbose_name=_("patrol"))
    guard = models.ForeignKey(Guard, on_delete=models.PROTECT, related_name="+", verbose_name=_("guard"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=CheckIn.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CheckIn.Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("roll-call change")
        verbose_name_plural = _("roll-call changes")
        indexes = [models.Index(fields=["patrol", "at"], name="rollcall_event_patrol_at")]

    def __str__(self) -> str:
        return f"{self.guard_id} {self.from_status or '—'} → {self.to_status}"


class PatrolCheckpoint(models.Model):
    """A checkpoint planned for a patrol: visited (time, position, by whom) or missed with a reason."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="planned_checkpoints")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="visits")
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    visited_by = models.ForeignKey(Guard, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("visited by"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, validators=latitude_validators)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, validators=longitude_validators)
    accuracy = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    distance = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True, help_text=_("From the checkpoint."))
    position_state = models.CharField(_("position"), max_length=16, choices=PositionState.choices, blank=True)
    missed_reason = models.CharField(_("reason missed"), max_length=200, blank=True)
    received_at = models.DateTimeField(
        _("received at"), null=True, blank=True,
        help_text=_("When the scan reached the office, if the phone sent it later (kept offline)."),
    )

    class Meta:
        ordering = ["patrol", "checkpoint__name"]
        verbose_name = _("patrol checkpoint")
        verbose_name_plural = _("patrol checkpoints")
        constraints = [models.UniqueConstraint(fields=["patrol", "checkpoint"], name="patrol_checkpoint_once")]

    @property
    def counts(self) -> bool:
        """Visited from where the checkpoint is (a flagged or position-less scan is shown, not counted)."""
        return self.visited_at is not None and self.position_state in ("", PositionState.OK)


from patrol.inspections import VenueInspection  # noqa: E402,F401  (a model of this app, in its own module)
