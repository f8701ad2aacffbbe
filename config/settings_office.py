"""The office's rules: patrol windows and minimums, dispute deadlines, certificates, rosters,
payouts, assessments, duty policy and the bulletin. Read from the environment like the rest of
config/settings.py, which imports everything here; kept apart so the framework settings and the
office's own rules each read in one screen or two."""
from celery.schedules import crontab

from config.env import env_bool, env_choice, env_float, env_int, env_list, env_str, env_time

PATROLS_PER_WEEK_MIN = env_int("PATROLS_PER_WEEK_MIN", 3)

PATROL_CHECKIN_EARLY_MINUTES = env_int("PATROL_CHECKIN_EARLY_MINUTES", 30)
PATROL_LATE_AFTER_MINUTES = env_int("PATROL_LATE_AFTER_MINUTES", 10)
# Patrol records that can be trusted (issue 12): roll-call marks until the end plus this grace, then
# the patrol is closed by `patrols_close_overdue_task` ("finish", or "flag" it for the leader).
PATROL_ROLLCALL_GRACE_MINUTES = env_int("PATROL_ROLLCALL_GRACE_MINUTES", 30)
PATROL_AUTO_CLOSE = env_choice("PATROL_AUTO_CLOSE", "finish", ("finish", "flag"))
# A phone position farther than this from the patrol's area/route/point (plus the phone's accuracy),
# or with an accuracy worse than the maximum, is recorded but flagged.
PATROL_FAR_METRES = env_int("PATROL_FAR_METRES", 500)
PATROL_ACCURACY_MAX_METRES = env_int("PATROL_ACCURACY_MAX_METRES", 100)
PATROL_CHECKPOINT_RADIUS_METRES = env_int("PATROL_CHECKPOINT_RADIUS_METRES", 100)
# Night hours: only patrols started within them count toward PATROLS_PER_WEEK_MIN.
PATROL_NIGHT_START = env_time("PATROL_NIGHT_START", "18:00")
PATROL_NIGHT_END = env_time("PATROL_NIGHT_END", "06:00")

# Disputes and tips (disputes app).
DISPUTE_FIRST_RESPONSE_HOURS = env_int("DISPUTE_FIRST_RESPONSE_HOURS", 24)
DISPUTE_RESOLUTION_DAYS = env_int("DISPUTE_RESOLUTION_DAYS", 7)
# Per-category overrides of the two deadlines, e.g. land disputes take a month.
DISPUTE_DUE_BY_CATEGORY = {
    "land": {"resolution_days": env_int("DISPUTE_LAND_RESOLUTION_DAYS", 30)},
    "labour": {"resolution_days": env_int("DISPUTE_LABOUR_RESOLUTION_DAYS", 15)},
}
DISPUTE_FOLLOW_UP_DAYS = [int(d) for d in env_list("DISPUTE_FOLLOW_UP_DAYS", ["7", "30"])]
DISPUTE_DUPLICATE_METRES = env_int("DISPUTE_DUPLICATE_METRES", 300)
DISPUTE_DUPLICATE_DAYS = env_int("DISPUTE_DUPLICATE_DAYS", 3)
TIP_ATTACHMENT_MAX_BYTES = env_int("TIP_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
TIP_THUMBNAIL_PIXELS = env_int("TIP_THUMBNAIL_PIXELS", 320)  # longest side of a photo's thumbnail

# A guard's phone keeps what was done offline and sends it later with its own time (config/offline.py):
# accepted up to this many hours old (at most IDEMPOTENCY_KEY_TTL_HOURS, so a resend is still
# recognised) and this many seconds ahead of the server's clock; older than the skew on arrival,
# the record is marked as arrived late.
OFFLINE_MAX_AGE_HOURS = env_int("OFFLINE_MAX_AGE_HOURS", 24)
OFFLINE_CLOCK_SKEW_SECONDS = env_int("OFFLINE_CLOCK_SKEW_SECONDS", 120)

# Guard lifecycle (issue 6).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
CERT_EXAM_PASS_MARK = env_int("CERT_EXAM_PASS_MARK", 60)
CERT_VALID_YEARS = env_int("CERT_VALID_YEARS", 3)
ROSTER_MAX_SHARE = env_float("ROSTER_MAX_SHARE", 0.4)
PAYOUT_YUAN_PER_POINT = env_str("PAYOUT_YUAN_PER_POINT", "5.00")
ASSESSMENT_PATROL_TARGET = env_int("ASSESSMENT_PATROL_TARGET", 8)
ASSESSMENT_PASS_SCORE = env_int("ASSESSMENT_PASS_SCORE", 60)
ASSESSMENT_WARNING_SCORE = env_int("ASSESSMENT_WARNING_SCORE", 45)
# Joint (unit) assessment: points off a unit's score per failed venue inspection in the quarter, and at most.
ASSESSMENT_FAILED_INSPECTION_POINTS = env_int("ASSESSMENT_FAILED_INSPECTION_POINTS", 5)
ASSESSMENT_FAILED_INSPECTION_MAX = env_int("ASSESSMENT_FAILED_INSPECTION_MAX", 20)

# Office policy (issue 13): defaults until the office saves its own row (admin: "Office policy").
# Each duty gate blocks a guard from patrol teams or only warns.
_GATE_MODES = ("block", "warn")
DUTY_POLICY_DEFAULTS = {
    "removed": env_choice("DUTY_GATE_REMOVED", "block", _GATE_MODES),
    "suspended": env_choice("DUTY_GATE_SUSPENDED", "block", _GATE_MODES),
    "failed_assessment": env_choice("DUTY_GATE_FAILED_ASSESSMENT", "block", _GATE_MODES),
    "certificate": env_choice("DUTY_GATE_CERTIFICATE", "warn", _GATE_MODES),
    "training": env_choice("DUTY_GATE_TRAINING", "warn", _GATE_MODES),
}
REWARD_PAYOUTS_ENABLED = env_bool("REWARD_PAYOUTS_ENABLED", True)
REWARD_ROUNDS_ENABLED = env_bool("REWARD_ROUNDS_ENABLED", True)
TRAINING_MONTHLY_MINIMUM = env_int("TRAINING_MONTHLY_MINIMUM", 3)

# Weekly bulletin (issue 5).
BULLETIN_CERTIFICATE_TARGET = env_int("BULLETIN_CERTIFICATE_TARGET", 90)
BULLETIN_DELIVERY_MAX_ATTEMPTS = env_int("BULLETIN_DELIVERY_MAX_ATTEMPTS", 5)
BULLETIN_MESSAGE_ID_DOMAIN = env_str("BULLETIN_MESSAGE_ID_DOMAIN", "jpo.localhost")

# The periodic jobs, all in one place (django-celery-beat copies them into its tables on start).
CELERY_BEAT_SCHEDULE = {
    "patrol-plans-generate": {"task": "patrol.tasks.plans_generate_task", "schedule": crontab(hour=1, minute=15)},
    # Patrols past their end plus the grace: finished (or flagged for the leader), never started → missed.
    "patrol-close-overdue": {"task": "patrol.tasks.patrols_close_overdue_task", "schedule": 10 * 60},
    "disputes-flag-overdue": {"task": "disputes.tasks.disputes_flag_overdue_task", "schedule": 15 * 60},
    "disputes-send-pending-notices": {"task": "disputes.tasks.disputes_send_pending_notices_task", "schedule": 5 * 60},
    # First day of each quarter, 06:00: draft training rosters for every company.
    "guards-rosters-compile": {
        "task": "training.tasks.rosters_compile_task",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
    },
    "guards-roster-notifications-sweep": {"task": "training.tasks.roster_notifications_sweep_task", "schedule": crontab(minute="*/15")},
    # Second day of each month, 06:30: last month's payout, for officer approval.
    "guards-payout-compute": {"task": "rewards.tasks.payout_compute_task", "schedule": crontab(day_of_month=2, hour=6, minute=30)},
    # The weekly bulletin: compiled Monday 07:00 for the week just ended, sent at 08:00.
    "bulletin-compile": {"task": "bulletins.tasks.bulletin_compile_task", "schedule": crontab(day_of_week="mon", hour=7, minute=0)},
    "bulletin-send": {"task": "bulletins.tasks.bulletin_send_task", "schedule": crontab(day_of_week="mon", hour=8, minute=0)},
    "bulletin-deliveries-sweep": {"task": "bulletins.tasks.bulletin_deliveries_sweep_task", "schedule": crontab(minute="*/10")},
    "idempotency-keys-expire": {"task": "accounts.tasks.idempotency_keys_expire_task", "schedule": crontab(minute=40)},
    # Nightly 03:20: audit events older than AUDIT_RETENTION_DAYS, deleted in bounded batches.
    "accounts-audit-purge": {"task": "accounts.tasks.audit_purge_task", "schedule": crontab(hour=3, minute=20)},
}
