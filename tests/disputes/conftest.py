import pytest

from rewards.models import PointRule


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def point_rules(db):
    PointRule.objects.update_or_create(kind="tip", defaults={"points": 5, "active": True})
    PointRule.objects.update_or_create(kind="dispute", defaults={"points": 3, "active": True})
