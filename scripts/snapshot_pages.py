"""Save the rendered public pages and search API answers of the demo city, to show that a
refactor changed no behaviour: run it before and after, then `diff -r BEFORE AFTER`.

    .venv/bin/python scripts/snapshot_pages.py OUTPUT_DIR [--today 2026-11-27]

It builds the demo city (scale 1, fixed seed, a fixed "today") in a throw-away SQLite database
and embedded search index, then fetches a fixed sample of every public page type in both
languages and the JSON of the search API for a fixed set of queries. What differs on every run
(CSRF tokens, chart ids, times of today) is blanked; nothing else is touched.
"""

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SEARCH_QUERIES = [
    "满意度",
    "公安局",
    "营商环境",
    "gaj",
    "yingshang",
    "2025",
    "报告",
    "整改",
    "教育",
    "不存在的词语组合",
]
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
CHART_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def blank_tokens(text: str) -> str:
    """Blank what differs on every run: CSRF tokens, chart element ids, and the times of today
    (a download's generated_at, corrections the demo build made minutes ago)."""
    import datetime

    today = datetime.date.today()
    text = CSRF.sub(r"\1-\2", text)
    text = CHART_ID.sub("chart-ID", text)
    text = re.sub(rf"{today:%Y-%m-%d}T\d\d:\d\d:\d\d(\.\d+)?\+08:00", "TODAY-TIME", text)
    text = re.sub(rf"{today.year}年{today.month}月{today.day}日 \d\d:\d\d", "TODAY-TIME", text)
    text = re.sub(
        rf"[A-Z][a-z]+\.? {today.day}, {today.year}, \d+(:\d\d)? [ap]\.m\.", "TODAY-TIME", text
    )
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--today", default="2026-11-27")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="portal-snapshot-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["SEARCH_EMBEDDED_PATH"] = str(work / "search.sqlite3")
    os.environ["SEARCH_URL"] = ""
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_demo_data", "--today", args.today, stdout=open(os.devnull, "w"))
    call_command("search_index", "rebuild", stdout=open(os.devnull, "w"))

    urls = sample_urls()
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    from django.test import Client

    for language in ("zh-hans", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies["django_language"] = language
        for number, url in enumerate(urls):
            response = client.get(url)
            body = response.content
            if not response.get("Content-Type", "").startswith("application/vnd"):
                body = blank_tokens(body.decode()).encode()
            name = re.sub(r"[^\w.-]+", "_", url.strip("/"))[:60] or "home"
            (out / f"{language}__{number:03d}_{name}").write_bytes(
                f"{response.status_code} {response.get('Content-Type', '')}\n".encode() + body
            )
    print(f"{len(urls)} URLs x 2 languages written to {out}")
    return 0


def sample_urls() -> list[str]:
    """A fixed sample: every public page type, picked by stable order from the demo data."""
    from disclosure.models import ReportPage
    from portal.models import Cycle, Department, Goal, Indicator, MeasurementCorrection
    from surveys.models import RectificationCase, Survey

    urls = ["/", "/departments/", "/rankings/", "/about/accessibility/", "/about/methodology/"]
    urls += ["/reports/", "/surveys/", "/search/", "/no-such-page/"]
    departments = list(Department.objects.order_by("slug").values_list("slug", flat=True))
    for slug in departments[:3] + departments[-1:]:
        urls += [f"/departments/{slug}/", f"/departments/{slug}/scores.csv"]
        urls.append(f"/departments/{slug}/scores.json")
    years = list(Cycle.objects.filter(published=True).values_list("year", flat=True))
    for year in years:
        urls += [f"/?year={year}", f"/rankings/?year={year}", f"/reports/?year={year}"]
        urls.append(f"/departments/{departments[0]}/?year={year}")
    for goal in Goal.objects.filter(cycle__published=True).order_by("pk")[:4]:
        urls.append(f"/goals/{goal.cycle.year}/{goal.code}/")
    codes = list(
        Indicator.objects.filter(goal__cycle__published=True)
        .order_by("pk")
        .values_list("code", flat=True)[:4]
    )
    corrected = (
        MeasurementCorrection.objects.order_by("pk")
        .values_list("measurement__indicator__code", flat=True)
        .first()
    )
    for code in codes + ([corrected] if corrected else []):
        urls += [f"/indicators/{code}/", f"/indicators/{code}/data.csv"]
        urls.append(f"/indicators/{code}/data.json")
    for report in ReportPage.objects.live().order_by("path")[:6]:
        urls.append(report.url)
    for slug in Survey.objects.order_by("slug").values_list("slug", flat=True)[:4]:
        urls.append(f"/surveys/{slug}/")
    for pk in RectificationCase.objects.order_by("pk").values_list("pk", flat=True)[:4]:
        urls.append(f"/surveys/cases/{pk}/")
    for query in SEARCH_QUERIES:
        urls.append(f"/search/?q={query}")
        urls.append(f"/search/api/?q={query}")
        urls.append(f"/search/api/?q={query}&sort=date&page=2")
    urls.append(f"/search/api/?q=满意度&type=indicator&year={years[-1]}" if years else "/search/")
    urls += ["/search/?q=" + "满意" * 150, "/reports/?kind=nonsense", "/indicators/NOPE/"]
    return [u for u in urls if u]


if __name__ == "__main__":
    sys.exit(main())
