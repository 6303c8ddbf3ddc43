"""JavaScript weight of the chart page: gzipped bytes of every <script src> on an indicator page.

    python bench/jssize.py --base-url http://127.0.0.1:PORT

Each script is fetched uncompressed from the running server and gzipped here at level 9, so
the figure does not depend on which precompressed variants the storage serves. A script from
another host counts as a failure: government intranets are often offline (no CDN).
"""

from __future__ import annotations

import argparse
import gzip
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

from benchlib import RESULTS_DIR, check, http_get, read_json, write_section

MAX_GZIP_BYTES = 500 * 1024


class ScriptFinder(HTMLParser):
    """Collects the src of every <script src=...> and the size of inline scripts."""

    def __init__(self):
        super().__init__()
        self.sources: list[str] = []
        self.inline_bytes = 0
        self._in_inline = False

    def handle_starttag(self, tag, attrs):
        if tag != "script":
            return
        src = dict(attrs).get("src")
        if src:
            self.sources.append(src)
        else:
            self._in_inline = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline = False

    def handle_data(self, data):
        if self._in_inline:
            self.inline_bytes += len(data.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")
    targets = read_json(RESULTS_DIR / "targets.json", {})
    page = targets.get("indicator")
    columns = ["script", "bytes", "gzipped bytes"]
    if not page:
        write_section(
            "js",
            "Chart page JavaScript",
            columns,
            [],
            [check("chart-page JS (gzipped)", "no indicator in data", "≤ 500 KB", None)],
            order=40,
        )
        return
    status, _, body = http_get(base_url + page, timeout=120)
    finder = ScriptFinder()
    finder.feed(body.decode("utf-8", "replace"))
    rows, notes = [], []
    total_gzip = 0
    external = []
    for src in finder.sources:
        url = urljoin(base_url + page, src)
        if urlparse(url).netloc != urlparse(base_url).netloc:
            external.append(src)
            rows.append([src, "external", "–"])
            continue
        script_status, _, script = http_get(url)
        if script_status != 200:
            rows.append([urlparse(url).path, f"HTTP {script_status}", "–"])
            notes.append(f"{src} answered HTTP {script_status}.")
            continue
        size = len(gzip.compress(script, compresslevel=9))
        total_gzip += size
        rows.append([urlparse(url).path, len(script), size])
    rows.append(["total", sum(r[1] for r in rows if isinstance(r[1], int)), total_gzip])
    notes.append(
        f"Page {page} (HTTP {status}); {len(finder.sources)} <script src>, plus "
        f"{finder.inline_bytes} bytes of inline script (not counted)."
    )
    if external:
        notes.append("Scripts from another host (not allowed: no CDN): " + ", ".join(external))
    if status != 200:
        ok = None
    else:
        ok = total_gzip <= MAX_GZIP_BYTES and not external
    checks = [
        check(
            "chart-page JS (gzipped)",
            f"{total_gzip / 1024:.1f} KB in {len(finder.sources)} files"
            + (f" (HTTP {status})" if status != 200 else ""),
            "≤ 500 KB, no CDN",
            ok,
        )
    ]
    write_section("js", "Chart page JavaScript", columns, rows, checks, notes, order=40)
    print(f"  chart-page JS: {total_gzip} bytes gzipped in {len(finder.sources)} files")


if __name__ == "__main__":
    main()
