"""What every app's demo builder shares: the fixed reference day, the history reason, one random
stream per builder, and positions around a place."""
import datetime
import math
import random
from decimal import Decimal

HISTORY_REASON = "demo data"
# Births, join dates and opening dates are drawn relative to this fixed day, so that a seed gives
# the same people (and the same resident ids) whatever day it runs.
REFERENCE_DATE = datetime.date(2024, 6, 30)
_SIX_PLACES = Decimal("0.000001")


def demo_rng(seed: int, stream: str) -> random.Random:
    """An independent random stream per builder, so that one builder drawing more numbers never
    shifts what another draws (string seeds are hashed with SHA-512: stable across runs)."""
    return random.Random(f"{seed}:{stream}")


def coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}").quantize(_SIX_PLACES)


def offset_position(rng: random.Random, lat: float, lng: float, *, min_m: float, max_m: float) -> tuple[Decimal, Decimal]:
    """A position between min_m and max_m metres from (lat, lng) in a random direction."""
    distance = rng.uniform(min_m, max_m)
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111_320
    dlng = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return coordinate(lat + dlat), coordinate(lng + dlng)
