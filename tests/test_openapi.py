"""The OpenAPI schema and the Swagger UI render, and the UI loads nothing from a CDN."""
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/townships/",
    "/api/v1/zones/",
    "/api/v1/stations/",
    "/api/v1/officers/",
    "/api/v1/liaison-points/",
    "/api/v1/liaison-points/{id}/",
    "/api/v1/liaison-points/geojson/",
    "/api/v1/companies/",
    "/api/v1/guards/",
    "/api/v1/guards/{id}/",
    "/api/v1/guards/{id}/set-point/",
]


def test_schema_when_officer_lists_the_paths(api_for, officer):
    response = api_for(officer).get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in PATHS:
        assert path in paths
    assert "delete" not in paths["/api/v1/guards/{id}/"]
    geojson_params = {p["name"] for p in paths["/api/v1/liaison-points/geojson/"]["get"]["parameters"]}
    assert {"township", "zone", "kind", "active", "station", "search", "ordering"} <= geojson_params


def test_schema_when_anonymous_is_refused(api_for):
    assert api_for(None).get("/api/schema/").status_code == 401  # anonymous: 401 with WWW-Authenticate, not 403


def test_docs_page_renders_from_local_static_files(client_for, officer):
    response = client_for(officer).get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html


def test_schema_validates_without_warnings(tmp_path):
    # raises (SystemExit) on any warning or an invalid schema
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
