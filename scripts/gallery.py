"""Screenshots of the main public pages at a phone's and a laptop's width, for reviewers.

    make gallery            # builds the demo city if needed, then writes gallery/*.png
    GALLERY_BASE_URL=http://127.0.0.1:8000 .venv/bin/python scripts/gallery.py   # a running site

Without GALLERY_BASE_URL it prepares the demo database (scripts/demo_setup.py), serves it on a
free port for the duration, and stops it. Debian's chromium draws the pages (Playwright cannot
download its own browser here) with Debian's Noto CJK fonts, in Chinese and in English, in the
normal and the high-contrast display modes. gallery/index.html shows them side by side.
"""

from __future__ import annotations

import html
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gallery"
SIZES = {"phone": (390, 844), "laptop": (1366, 900)}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pages(base: str) -> list[tuple[str, str]]:
    """(name, path) of the pages to show, the department and indicator read from the site."""
    found = [("home", "/"), ("departments", "/departments/"), ("rankings", "/rankings/")]
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        os.environ.get("DJANGO_SETTINGS_MODULE") or "portal.settings.dev"
    )
    import django

    django.setup()
    from portal.models import Indicator

    indicator = (
        Indicator.objects.filter(measurements__isnull=False, goal__cycle__published=True)
        .order_by("-goal__cycle__year", "code")
        .select_related("goal__owner")
        .first()
    )
    if indicator is not None:
        found += [
            ("department", indicator.goal.owner.get_absolute_url()),
            ("indicator", indicator.get_absolute_url()),
        ]
    found += [
        ("reports", "/reports/"),
        ("surveys", "/surveys/"),
        ("search", "/search/?q=%E6%BB%A1%E6%84%8F%E5%BA%A6"),  # 满意度
    ]
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve() -> tuple[str, subprocess.Popen]:
    subprocess.run([sys.executable, "scripts/demo_setup.py"], cwd=ROOT, check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=5)
            return base, server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the demo server did not start")


def shoot(base: str) -> list[tuple[str, str, str, str]]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for language in ("zh-hans", "en"):
            for mode in ("normal", "high-contrast"):
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        extra_http_headers={"Accept-Language": language},
                    )
                    if mode == "high-contrast":
                        context.add_init_script("localStorage.setItem('portal-high-contrast', '1')")
                    page = context.new_page()
                    for name, path in _PAGES:
                        page.goto(base + path, wait_until="networkidle")
                        file = f"{name}-{language}-{mode}-{size}.png"
                        page.screenshot(path=str(OUT / file), full_page=True)
                        shots.append((name, language, mode, size))
                    context.close()
        browser.close()
    return shots


_PAGES: list[tuple[str, str]] = []


def write_index(shots) -> None:
    rows = []
    for name, _path in _PAGES:
        cells = []
        for language in ("zh-hans", "en"):
            for mode in ("normal", "high-contrast"):
                for size in SIZES:
                    file = f"{name}-{language}-{mode}-{size}.png"
                    label = html.escape(f"{language} · {mode} · {size}")
                    cells.append(
                        f'<figure><a href="{file}"><img src="{file}" alt="{html.escape(name)}: '
                        f'{label}" loading="lazy"></a><figcaption>{label}</figcaption></figure>'
                    )
        rows.append(f"<section><h2>{html.escape(name)}</h2>{''.join(cells)}</section>")
    (OUT / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><meta charset='utf-8'><title>Gallery</title>"
        "<style>section{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}"
        "figure{margin:0;width:200px}img{width:100%;border:1px solid #ccc}</style>"
        "<h1>The portal's main pages</h1>" + "".join(rows) + "</html>",
        encoding="utf-8",
    )


def main() -> int:
    server = None
    base = os.environ.get("GALLERY_BASE_URL", "").rstrip("/")
    if not base:
        base, server = serve()
    try:
        _PAGES.extend(pages(base))
        shots = shoot(base)
        write_index(shots)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    print(f"{len(shots)} screenshots in {OUT}/ (open gallery/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
