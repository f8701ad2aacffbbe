"""`{% office_policy as policy %}`: the office policy (cached, guards.policy) for navigation that
hides the reward schemes the office does not run."""
from django import template

from guards.policy import duty_policy

register = template.Library()


@register.simple_tag
def office_policy():
    return duty_policy()
