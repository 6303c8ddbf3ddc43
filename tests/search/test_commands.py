"""manage.py search_index as a scheduler runs it: a failure is a CommandError (exit status 1,
the reason on stderr), never a silent success."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from search.backends.embedded import EmbeddedBackend
from search.models import PendingIndexUpdate


@pytest.fixture
def down(tmp_path, monkeypatch) -> EmbeddedBackend:
    """The site's backend is unavailable (its file's directory does not exist)."""
    backend = EmbeddedBackend(tmp_path / "missing" / "x.sqlite3", synonyms=list)
    monkeypatch.setattr("search.indexing.get_backend", lambda: backend)
    return backend


def test_retry_while_the_backend_is_still_down_fails_and_keeps_the_updates(down, city):
    PendingIndexUpdate.objects.create(doc_type="goal", object_id=str(city.goals["safety"].pk))
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Sent 0; the backend is still unavailable .*1 update"):
        call_command("search_index", "retry", stdout=out)
    assert PendingIndexUpdate.objects.count() == 1


def test_rebuild_while_the_backend_is_down_fails(down, city):
    with pytest.raises(CommandError, match="The search backend is unavailable"):
        call_command("search_index", "rebuild", "--no-progress", stdout=io.StringIO())
