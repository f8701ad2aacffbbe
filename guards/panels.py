"""Panels that apps above guards add to the guard page.

Imports run one way (README, Architecture): guards cannot import training, rewards or assessments,
yet the guard page shows the guard's duty status, last assessment, training and points. Each such
app registers a panel here from its AppConfig.ready(); the page renders whatever is registered."""
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from guards.models import Guard


@dataclass(frozen=True)
class GuardPanel:
    template: str
    context: Callable[[Guard, datetime.date], dict]


_panels: list[GuardPanel] = []


def register_guard_panel(*, template: str, context: Callable[[Guard, datetime.date], dict]) -> None:
    if all(p.template != template for p in _panels):
        _panels.append(GuardPanel(template=template, context=context))


def guard_panels(guard: Guard, *, today: datetime.date) -> list[dict]:
    """[{"template": ..., "panel": {...}}] for the guard page, in registration order."""
    return [{"template": p.template, "panel": p.context(guard, today)} for p in _panels]
