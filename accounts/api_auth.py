"""POST /api/v1/auth/token/ with JSON {"username", "password"} → {"token": "..."}; send it back as
`Authorization: Token ...`. A wrong password or an inactive account is a 400 with non_field_errors;
an account locked after repeated failures is a 429 (django-axes, the same lockout as the sign-in
page). A token lasts API_TOKEN_TTL_HOURS; signing in again returns the same token until it expires,
then a new one."""
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.audit import Kind, audit_record
from accounts.authentication import token_is_expired
from accounts.lockout import lockout_message


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Username"), max_length=150, write_only=True)
    password = serializers.CharField(label=_("Password"), max_length=4096, style={"input_type": "password"}, trim_whitespace=False, write_only=True)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token; throttled and locked out against password guessing."""

    # Credentials only: no session (so no CSRF dance for scripts), no token needed to get one.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password, or the account is disabled."),
            429: OpenApiResponse(description="Too many failed sign-ins: the account is locked for a while, or the client is throttled."),
        },
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username, password = serializer.validated_data["username"], serializer.validated_data["password"]
        http_request = request._request  # axes marks a lockout on the Django request (AxesMiddleware reads it)
        user = authenticate(request=http_request, username=username, password=password)
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                # Answered here as a JSON 429; AxesMiddleware must not swap it for its own response.
                http_request.axes_locked_out = False
                return Response(
                    {"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                    headers={"Retry-After": str(settings.LOGIN_COOLOFF_MINUTES * 60)},
                )
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]}, code="authorization"
            )
        token = self._token_for(user)
        # A sign-in like the page's: last_login, the lockout counter reset, the audit line.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        audit_record(request=http_request, kind=Kind.TOKEN_ISSUED, user=user, detail={"ttl_hours": settings.API_TOKEN_TTL_HOURS})
        return Response({"token": token.key})

    @staticmethod
    @transaction.atomic
    def _token_for(user) -> Token:
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and token_is_expired(token):
            token.delete()
            token = None
        if token is None:
            token, _created = Token.objects.get_or_create(user=user)
        return token
