"""Who may see what, written once. Every selector that lists or fetches records for a user goes
through `scope_for(user).apply(...)`, so a manager who edits an id in a URL gets a 404, never
another company's record.

accounts sits below every domain app, so it reaches the profiles through their reverse relations
(`manager_profile` on guards.CompanyManager, `guard_profile` on guards.Guard) and imports nothing."""
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    company_id: int | None = None
    guard_id: int | None = None

    @property
    def is_officer(self) -> bool:
        return self.everything

    @property
    def is_manager(self) -> bool:
        return self.company_id is not None and self.guard_id is None

    @property
    def is_guard(self) -> bool:
        return self.guard_id is not None

    def apply(self, queryset: QuerySet, *, company: str | None = None, guard: str | None = None) -> QuerySet:
        """Narrow `queryset` to this scope. `company` and `guard` name the lookups that lead from the
        queryset's model to a company id and a guard id; a role whose lookup is not given sees nothing."""
        if self.everything:
            return queryset
        if self.guard_id is not None:
            if guard:
                return queryset.filter(**{guard: self.guard_id})
            return queryset.none()
        if self.company_id is not None and company:
            return queryset.filter(**{company: self.company_id})
        return queryset.none()


NOTHING = Scope()
# guards.Guard.Status values that stop a guard's account (accounts imports no app above it).
_GUARD_BLOCKED = frozenset({"suspended", "removed"})


def scope_for(user) -> Scope:
    """The scope of `user`, computed once per request object (at most one query)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_jpo_scope", None)
    if cached is not None:
        return cached
    if user.is_officer:
        scope = Scope(everything=True)
    elif user.is_manager:
        try:
            scope = Scope(company_id=user.manager_profile.company_id)
        except ObjectDoesNotExist:
            scope = NOTHING
    elif user.is_guard:
        try:
            guard = user.guard_profile
            # A suspended or removed guard's account is deactivated by guards.services; should one
            # still be active (made before that rule, or by hand), it sees and submits nothing.
            if guard.status in _GUARD_BLOCKED:
                scope = NOTHING
            else:
                scope = Scope(company_id=guard.company_id, guard_id=guard.pk)
        except ObjectDoesNotExist:
            scope = NOTHING
    else:
        scope = NOTHING
    user._jpo_scope = scope
    return scope
