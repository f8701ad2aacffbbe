"""POST /api/v1/auth/token/ with JSON {"username", "password"} → {"token": "..."}; send it back as
`Authorization: Token ...`. A wrong password or an inactive account is a 400 with non_field_errors."""
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token; throttled against password guessing."""

    # Credentials only: no session (so no CSRF dance for scripts), no token needed to get one.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        auth=[],
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("Token", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password, or the account is disabled."),
        },
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
