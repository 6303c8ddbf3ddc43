"""Create or drop the benchmark's own PostgreSQL database on the test server.

    python bench/pgdb.py ensure|drop postgres://portal:portal@127.0.0.1:54329/portal_bench

Connects to the server's maintenance database ("postgres") with the same credentials, so the
bench never touches the "portal" database or anyone's test databases.
"""

from __future__ import annotations

import sys
from urllib.parse import urlparse

import psycopg
from psycopg import sql


def main() -> None:
    action, url = sys.argv[1], sys.argv[2]
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if action == "ensure" and not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
        elif action == "drop" and exists:
            # WITH (FORCE): a gunicorn left by a killed run may still hold connections.
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
            print(f"dropped database {name}")
        elif action not in ("ensure", "drop"):
            sys.exit(f"unknown action {action}")


if __name__ == "__main__":
    main()
