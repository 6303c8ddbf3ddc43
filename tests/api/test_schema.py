"""The OpenAPI document validates, and a property-based run (schemathesis) over every read
endpoint, with the values it generates from the document, never gets a 500."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db

DOCUMENT = SchemaGenerator(api_version="1").get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(DOCUMENT)
application = get_wsgi_application()


def test_the_served_document_validates(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # drf-spectacular's check against the OpenAPI 3 JSON schema
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {"/api/v1/measurements/", "/api/v1/evaluations/{slug}/{year}/"} <= paths
    assert not any(path.startswith("/admin/") for path in paths)
    assert "cursor" in document["info"]["description"]


def test_the_docs_page_loads_only_our_own_files(api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "//cdn" not in html and "<script>" not in html.replace(" ", "")


@pytest.fixture
def wsgi_in_test_transaction(settings):
    """The WSGI application inside the test's transaction, as Django's test client runs it:
    a request must not close the connection that holds the test's data; no rate limit."""
    settings.API_RATE_LIMIT = "100000/60"
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    phases=[Phase.generate],  # no shrinking: a 500 is reported as found
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case, api_world, wsgi_in_test_transaction):
    case.call_and_validate(app=wsgi_in_test_transaction, checks=[not_a_server_error])


def test_the_site_links_to_the_api_docs(client, api_world):
    response = client.get("/rankings/")
    assert b'href="/api/v1/docs/"' in response.content
