"""The server's error pages: a database that cannot be reached is a 503 asking to retry, any
other failure the plain 500 page — never Django's technical page, never a traceback."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_rankings(monkeypatch, client):
    client.raise_request_exception = False

    def fail_with(error):
        def choose_cycle(request):
            raise error

        monkeypatch.setattr("portal.views.choose_cycle", choose_cycle)

    return fail_with


def test_an_unreachable_database_is_a_503_asking_to_retry(client, failing_rankings):
    failing_rankings(OperationalError("connection refused"))
    response = client.get("/rankings/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "网站暂时无法访问" in html and "briefly unavailable" in html
    assert "connection refused" not in html


def test_any_other_failure_is_the_plain_500_page(client, failing_rankings):
    failing_rankings(RuntimeError("a bug"))
    response = client.get("/rankings/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert "a bug" not in response.content.decode()
