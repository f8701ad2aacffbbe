"""Session policy (MLPS level 3): a signed-in session ends after SESSION_IDLE_MINUTES without a
request and SESSION_MAX_HOURS after sign-in, whichever comes first.

The sign-in time and the last-seen time are kept in the session (set at sign-in by
accounts/receivers.py). Last-seen is written at most once a minute, so a busy page does not save
the session on every request."""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SIGNED_IN_AT = "_jpo_signed_in_at"
SEEN_AT = "_jpo_seen_at"
SEEN_REFRESH_SECONDS = 60


def session_start(session) -> None:
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id") is not None:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session) -> None:
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT)
        seen_at = session.get(SEEN_AT)
        if signed_in_at is None or seen_at is None:
            # A session from before this policy: start counting now.
            session_start(session)
            return
        expired = None
        if now - seen_at > settings.SESSION_IDLE_MINUTES * 60:
            expired = "idle"
        elif now - signed_in_at > settings.SESSION_MAX_HOURS * 3600:
            expired = "lifetime"
        if expired is None:
            if now - seen_at >= SEEN_REFRESH_SECONDS:
                session[SEEN_AT] = now
            return
        request._jpo_logout_reason = expired  # read by the sign-out audit receiver
        logout(request)
        if hasattr(request, "_messages"):
            messages.info(request, _("Your session has expired; please sign in again."))
