from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class ObtainTokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token": "..."}; throttled against password guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
