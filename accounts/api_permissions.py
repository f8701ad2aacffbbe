"""DRF permission classes shared by several apps' APIs."""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.permissions import is_manager, is_officer


class IsOfficerOrManager(BasePermission):
    message = _("Only officers and company managers may see this.")

    def has_permission(self, request, view):
        return is_officer(request.user) or is_manager(request.user)
