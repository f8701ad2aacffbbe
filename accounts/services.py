from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role, User


@transaction.atomic
def account_create(*, username: str, role: str, password: str, name: str = "", email: str = "") -> User:
    """Create a sign-in account. Raises ValidationError (with the validators' messages) on a taken
    username, an unknown role or a weak password; nothing is saved then."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."})
    user = User(username=username, role=role, name=name, email=email)
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    return user
