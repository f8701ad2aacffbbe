"""API tokens that expire: DRF's token, valid API_TOKEN_TTL_HOURS after it was issued. An expired
token is deleted and refused (401); the client signs in again at /api/v1/auth/token/. Tokens are
also deleted when the password changes or the account is deactivated (accounts/receivers.py)."""
import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.token_lookup import token_with_profiles


def token_expires_at(token) -> datetime.datetime:
    return token.created + datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_is_expired(token, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        # The account's guard or manager profile comes with the token (LEFT JOINs on unique keys): the
        # request's scope (accounts/scoping.py) then needs no query of its own.
        model = self.get_model()
        try:
            token = token_with_profiles(key)
        except model.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token_is_expired(token):
            token.delete()
            raise AuthenticationFailed(_("Token has expired; sign in again."))
        return user, token
