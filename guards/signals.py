"""Signals the guards app sends explicitly from its services (never from save())."""
from django.dispatch import Signal

guard_removed = Signal()  # kwargs: guard_id (int). patrol drops the guard from future duty.
