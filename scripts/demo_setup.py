"""Prepare the demo database in one process: migrate, cache table, static files, demo city.

`make demo` runs this before serving. Each `manage.py` start costs seconds (Wagtail, pandas
and jieba imports), so doing all steps in one interpreter keeps a second `make demo` quick.
The demo city is built only when the database has none (``--reset`` rebuilds it).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="rebuild the demo city")
    parser.add_argument("--addr", default="127.0.0.1:8000", help="where the demo is served")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    # An empty DJANGO_SETTINGS_MODULE counts as unset (setdefault would keep it).
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        os.environ.get("DJANGO_SETTINGS_MODULE") or "portal.settings.dev"
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from opendata.tasks import forget_marks
    from portal.models import Department

    forget_marks()  # left by a demo stopped during an open-data build
    if args.reset or not Department.objects.exists():
        # Prints every account it creates; the open-data files are built as it commits (no
        # request here: the build runs at once, portal.settings.dev).
        call_command("load_demo_data")
    else:
        print("Demo data already loaded (`make demo-reset` rebuilds it).")
        # Files a build of an older release left, or none yet: quick when nothing changed.
        call_command("build_open_data", verbosity=0)

    # The search index (embedded SQLite FTS5: no search server needed), rebuilt each time so
    # it always matches the database.
    call_command("search_index", "rebuild")

    # Last, so the login is the first thing to read above the server's own output.
    password = os.environ.get("DEMO_ADMIN_PASSWORD", "demo-admin-2026")
    print(f"\nAdmin login: admin / {password} at http://{args.addr}/admin/")
    editor_password = os.environ.get("DEMO_EDITOR_PASSWORD", "demo-editor-2026")
    print(f"Department editors: editor_gonganju, editor_jiaoyuju, … / {editor_password}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
