"""The search engine stopped while the site serves, and an upgrade that rebuilds the index —
with real processes: gunicorn on the production settings, a task worker run and the deploy
checks' own OpenSearch node (never the suite's).

While the node is down every page answers, search says it is unavailable, and an edit is saved
and waits in the outbox (docs/decisions/0001); once the node is back, ``search_index retry``
(cron in production) sends it and search finds the edit. During an upgrade (``migrate``, then
``search_index rebuild``, which fills a new index and swaps the alias) searches issued without
pause all answer, with results.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.deploy.processes import app_log

PAGES = ["/", "/rankings/", "/departments/", "/reports/"]
NEW_NAME = "夜间施工噪声投诉办结率"


def fetch(url: str, timeout: float = 10) -> tuple[int, str]:
    """(status, body) of a GET in English; 0 when nothing answered."""
    request = urllib.request.Request(url, headers={"Accept-Language": "en"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def search(base: str, text: str) -> tuple[int, dict]:
    status, body = fetch(f"{base}/search/api/?{urllib.parse.urlencode({'q': text})}")
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {}


def warm_up(base: str) -> None:
    """Wait until the new node answers a search (a cold JVM's first ones are slow), bounded."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if search(base, "企业开办")[0] == 200:
            return
        time.sleep(1)


def aliases(node) -> dict[str, str]:
    """alias -> index on the node."""
    with urllib.request.urlopen(f"{node.url}/_cat/aliases?format=json", timeout=10) as reply:
        return {row["alias"]: row["index"] for row in json.load(reply)}


def test_search_engine_stopped_while_the_site_serves(search_app, search_node, search_server):
    code = search_app.manage(
        "shell", "-c", "from portal.models import Indicator; print(Indicator.objects.first().code)"
    ).split()[-1]
    warm_up(search_server)
    status, found = search(search_server, "企业开办")
    assert status == 200 and found["total"] > 0, (found, app_log())

    search_node.stop()
    try:
        for path in [*PAGES, f"/indicators/{code}/"]:
            status, _body = fetch(search_server + path)
            assert status == 200, path
        status, body = fetch(search_server + "/search/?q=" + urllib.parse.quote("企业开办"))
        assert status in (200, 503) and "Search is temporarily unavailable" in body
        status, answer = search(search_server, "企业开办")
        assert status == 503 and answer["error"] == "search_unavailable"

        # An editor's change is saved; the worker cannot index it and it waits in the outbox.
        search_app.manage(
            "shell",
            "-c",
            f"from portal.models import Indicator; i = Indicator.objects.get(code='{code}'); "
            f"i.name = '{NEW_NAME}'; i.save()",
        )
        search_app.manage("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
        status, page = fetch(search_server + f"/indicators/{code}/")
        assert status == 200 and NEW_NAME in page
        state = search_app.manage("search_index", "status")
        assert "available: no" in state
        assert "pending:   0" not in state, state
    finally:
        search_node.start()
    warm_up(search_server)

    sent = search_app.manage("search_index", "retry")
    assert "0 update(s) waiting" in sent, sent
    assert "pending:   0" in search_app.manage("search_index", "status")
    status, found = search(search_server, NEW_NAME)
    assert status == 200
    assert any(NEW_NAME in hit["title"] for hit in found["results"]), found


def test_an_upgrade_rebuilds_the_index_while_searches_keep_answering(
    search_app, search_node, search_server
):
    warm_up(search_server)
    before = aliases(search_node)["fault-portal"]
    answers: list[tuple[int, int]] = []  # (status, total)
    stop = threading.Event()

    def visitor() -> None:
        deadline = time.monotonic() + 240  # bounded, whatever happens to the upgrade
        while not stop.is_set() and time.monotonic() < deadline:
            status, found = search(search_server, "企业开办")
            answers.append((status, found.get("total", 0)))

    visitors = [threading.Thread(target=visitor) for _ in range(2)]
    for thread in visitors:
        thread.start()
    try:
        time.sleep(0.5)
        # The upgrade as docs/operations.md gives it: migrations, then the index rebuilt beside
        # the live one and swapped in (twice: the swap lands while searches are in flight).
        search_app.manage("migrate", "--noinput")
        for _ in range(2):
            search_app.manage("search_index", "rebuild", "--no-progress")
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in visitors:
            thread.join(timeout=30)

    after = aliases(search_node)["fault-portal"]
    assert after != before, "the alias did not move to a new index"
    assert len(answers) >= 10
    failed = [answer for answer in answers if answer[0] != 200 or answer[1] == 0]
    assert not failed, f"{len(failed)} of {len(answers)} searches failed: {failed[:5]}"
