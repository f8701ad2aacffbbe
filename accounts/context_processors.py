from accounts.scoping import scope_for


def role(request):
    user = getattr(request, "user", None)
    return {"scope": scope_for(user)} if user is not None else {}
