"""Every viewset of /api/v1/, in one place."""
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
