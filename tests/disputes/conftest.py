import pytest

from guards.models import PointRule


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def point_rules(db):
    PointRule.objects.create(kind="tip", points=5)
    PointRule.objects.create(kind="dispute", points=3)
