"""The office's URLs plus /bench/bare/ (bench/bare.py), for the gunicorn of bench/measure_http.py."""
from django.urls import path

from bare import BareCreateView
from config.urls import handler400, handler404, urlpatterns as office_urlpatterns  # noqa: F401

urlpatterns = [path("bench/bare/", BareCreateView.as_view()), *office_urlpatterns]
