"""A throwaway PostgreSQL cluster and the production app on it, as real processes: the
suite's own database server is never stopped or touched (scripts/pg.sh on a free port)."""

from __future__ import annotations

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
from tests.deploy.processes import get

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


@pytest.fixture
def server(app):
    """gunicorn with two workers, as production runs it; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**app.env, "DATABASE_URL": app.cluster.url()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
