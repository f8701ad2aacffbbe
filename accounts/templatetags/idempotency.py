"""`{% idempotency_field %}`: the hidden `idempotency_key` input of a create form, a fresh key on
every render, so a double-tap or a phone's retry of that one submission runs once
(accounts/idempotency.py), while the form shown again after an error gets a new key."""
import uuid

from django import template
from django.utils.html import format_html

from accounts.idempotency import FIELD

register = template.Library()


@register.simple_tag
def idempotency_field() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
