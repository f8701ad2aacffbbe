"""accounts.token_lookup: one statement gives the token, its account and the account's profile,
exactly as the ORM's select_related would, so the request's scope needs no query of its own."""
import pytest
from rest_framework.authtoken.models import Token

from accounts.scoping import scope_for
from accounts.token_lookup import token_with_profiles

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _same_as_the_orm(token_key, django_assert_num_queries):
    orm = Token.objects.select_related("user", "user__guard_profile", "user__manager_profile").get(key=token_key)
    with django_assert_num_queries(1):
        fast = token_with_profiles(token_key)
    assert _fields(fast) == _fields(orm) and _fields(fast.user) == _fields(orm.user)
    return fast, orm


def test_a_guard_account_comes_with_its_guard(guard, django_assert_num_queries):
    key = Token.objects.create(user=guard.user).key
    fast, orm = _same_as_the_orm(key, django_assert_num_queries)
    with django_assert_num_queries(0):
        assert _fields(fast.user.guard_profile) == _fields(orm.user.guard_profile)
        assert fast.user.guard_profile.user is fast.user
        assert not hasattr(fast.user, "manager_profile")  # none: cached as missing, no query
        assert scope_for(fast.user).guard_id == guard.pk


def test_a_manager_account_comes_with_its_company_link(manager, django_assert_num_queries):
    key = Token.objects.create(user=manager).key
    fast, orm = _same_as_the_orm(key, django_assert_num_queries)
    with django_assert_num_queries(0):
        assert fast.user.manager_profile.company_id == orm.user.manager_profile.company_id
        assert not hasattr(fast.user, "guard_profile")
        assert scope_for(fast.user).company_id == manager.manager_profile.company_id


def test_an_officer_has_neither_profile(officer, django_assert_num_queries):
    fast, _orm = _same_as_the_orm(Token.objects.create(user=officer).key, django_assert_num_queries)
    with django_assert_num_queries(0):
        assert not hasattr(fast.user, "guard_profile") and not hasattr(fast.user, "manager_profile")
        assert scope_for(fast.user).everything


def test_an_unknown_key_is_does_not_exist(db):
    with pytest.raises(Token.DoesNotExist):
        token_with_profiles("0" * 40)
