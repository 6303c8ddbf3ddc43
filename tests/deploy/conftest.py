"""A throwaway PostgreSQL cluster, an OpenSearch node and the production app on them, as real
processes: the suite's own database server and search node are never stopped or touched
(scripts/pg.sh and scripts/opensearch.sh on free ports)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builders import free_port
from tests.deploy.processes import APP_LOG_PREFIX, get

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Cluster:
    data: str
    port: int

    def env(self) -> dict:
        return {**os.environ, "PGDATA_DIR": self.data, "PGPORT_TEST": str(self.port)}

    def pg(self, command: str) -> None:
        subprocess.run(
            [str(ROOT / "scripts" / "pg.sh"), command],
            env=self.env(),
            check=True,
            capture_output=True,
        )

    def url(self, database: str = "portal") -> str:
        return f"postgres://portal:portal@127.0.0.1:{self.port}/{database}"


@dataclass
class App:
    cluster: Cluster
    env: dict

    def manage(self, *args: str, database: str = "portal") -> str:
        env = {**self.env, "DATABASE_URL": self.cluster.url(database)}
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout


@pytest.fixture(scope="package")
def cluster():
    # Directly under /tmp: the postgres user must reach it (pg.sh chowns the directory).
    data = tempfile.mkdtemp(prefix="portal-fault-pg-")
    own = Cluster(data=data, port=free_port())
    own.pg("start")
    try:
        yield own
    finally:
        own.pg("stop")
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="package")
def app(cluster, tmp_path_factory):
    """The production settings on the throwaway cluster, migrated, with a small city."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "SEARCH_URL", "DATABASE_URL", "TEST_DB_NAME"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.deploy.fault_settings",
        DJANGO_SECRET_KEY="fault-checks-only",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        DJANGO_SECURE_COOKIES="0",
        PUBLIC_PAGE_CACHE_SECONDS="0",  # every request reads the database
        SEARCH_EMBEDDED_PATH=str(tmp_path_factory.mktemp("search") / "site.sqlite3"),
        PYTHONPATH=str(ROOT),
    )
    running = App(cluster=cluster, env=env)
    running.manage("migrate", "--noinput")
    running.manage("createcachetable")
    running.manage(
        "shell",
        "-c",
        "from tests.builders import build_city, ensure_default_site; "
        "ensure_default_site(); build_city(departments=3)",
    )
    return running


@contextlib.contextmanager
def serving(env: dict, workers: int = 2):
    """gunicorn with ``workers`` workers on ``env``, as production runs it; its base URL."""
    port = free_port()
    # The app's log (warnings such as "search unavailable: ..."), for a failing check to show.
    log = tempfile.NamedTemporaryFile(prefix=APP_LOG_PREFIX, suffix=".log", delete=False)
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "portal.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if get(base + "/")[0] == 200:
                break
            time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        os.unlink(log.name)


@pytest.fixture
def server(app):
    """gunicorn with two workers on the throwaway cluster; its base URL."""
    with serving({**app.env, "DATABASE_URL": app.cluster.url()}) as base:
        yield base


@dataclass
class SearchNode:
    """An OpenSearch node of the deploy checks' own (scripts/opensearch.sh on free ports and a
    data folder of its own): the suite's node on 127.0.0.1:9250 is never stopped."""

    home: str
    port: int
    transport_port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, command: str) -> None:
        env = {
            **os.environ,
            "OPENSEARCH_HOME_DIR": self.home,
            "OPENSEARCH_PORT": str(self.port),
            "OPENSEARCH_TRANSPORT_PORT": str(self.transport_port),
            "OPENSEARCH_HEAP": "512m",
            # A restart keeps the indices, as a real node's does.
            "OPENSEARCH_KEEP_DATA": "1",
        }
        done = subprocess.run(
            [str(ROOT / "scripts" / "opensearch.sh"), command],
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    def start(self) -> None:
        self.run("start")

    def stop(self) -> None:
        self.run("stop")


@pytest.fixture(scope="package")
def search_node():
    node = SearchNode(
        home=tempfile.mkdtemp(prefix="portal-fault-os-"),
        port=free_port(),
        transport_port=free_port(),
    )
    node.start()
    try:
        yield node
    finally:
        node.stop()
        shutil.rmtree(node.home, ignore_errors=True)


@pytest.fixture(scope="package")
def search_app(app, search_node):
    """The same production app, searching on the deploy checks' own OpenSearch node, with
    the city indexed."""
    env = {
        **app.env,
        "SEARCH_URL": search_node.url,
        "SEARCH_ENGINE": "opensearch",
        "SEARCH_INDEX_PREFIX": "fault-portal",
        # Production's default is 2 s; a test machine shared with the whole suite is slower.
        "SEARCH_TIMEOUT": "10",
    }
    running = App(cluster=app.cluster, env=env)
    running.manage("search_index", "rebuild", "--no-progress")
    return running


@pytest.fixture
def search_server(search_app):
    with serving({**search_app.env, "DATABASE_URL": search_app.cluster.url()}) as base:
        yield base
