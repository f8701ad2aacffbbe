"""The one signal of this app, sent explicitly by liaison_points.services (never from save()):
the set of active points or their positions changed, so attachments that depend on "the nearest
active point" must be recomputed. guards.apps connects the single receiver."""
from django.dispatch import Signal

coverage_changed = Signal()  # kwargs: point_ids (list[int])
