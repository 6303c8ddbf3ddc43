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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django
    from django.core.management import call_command, get_commands

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from portal.models import Department

    if args.reset or not Department.objects.exists():
        call_command("load_demo_data")  # prints the accounts it creates
    else:
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "demo-admin-2026")
        print("Demo data already loaded (`make demo-reset` rebuilds it).")
        print(f"Admin login: admin / {password} at http://{args.addr}/admin/")
        print("(the password is the one in force when the data was built)")

    # The search index arrives with later work; build it when its command exists.
    if "search_index" in get_commands():
        call_command("search_index", "rebuild")
    return 0


if __name__ == "__main__":
    sys.exit(main())
