"""Role checks for views and viewsets, built on accounts.scoping. Listing/fetching is scoped by the
selectors (404 outside the scope); these classes decide what a role may *do* (403 when it may not)."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.scoping import scope_for


def is_officer(user) -> bool:
    return scope_for(user).is_officer


def is_manager(user) -> bool:
    return scope_for(user).is_manager


def is_guard(user) -> bool:
    return scope_for(user).is_guard


def require_officer(by) -> None:
    """Services' check on who acts: None is the system (tasks, commands); anyone else must be an officer."""
    if by is not None and not scope_for(by).is_officer:
        raise PermissionDenied(_("Only officers may do this."))


def require_officer_or_manager_of(company_id: int, by) -> None:
    """Services' check: the system, an officer, or the manager of company `company_id`."""
    if by is None:
        return
    scope = scope_for(by)
    if not (scope.is_officer or (scope.is_manager and scope.company_id == company_id)):
        raise PermissionDenied(_("Only an officer or this company's manager may do this."))


_CHECKS = {"officer": is_officer, "manager": is_manager, "guard": is_guard}


def role_required(*roles: str):
    """View decorator: signed in, and one of `roles` ("officer", "manager", "guard"), else 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(_CHECKS[role](request.user) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin:
    """Class-based view counterpart of role_required."""

    allowed_roles: tuple[str, ...] = ("officer",)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not any(_CHECKS[role](request.user) for role in self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class IsOfficer(BasePermission):
    message = "Only officers may do this."

    def has_permission(self, request, view):
        return is_officer(request.user)


class IsOfficerOrReadOnly(BasePermission):
    """Everyone signed in may read (within their scope); only officers write."""

    message = "Only officers may change this."

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or is_officer(request.user)


class IsOfficerOrManagerWrite(BasePermission):
    """Officers write anything; managers write within their company (the queryset is scoped);
    guards only read."""

    message = "Your role may not change this."

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return is_officer(request.user) or is_manager(request.user)
