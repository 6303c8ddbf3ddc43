"""Time to a visible chart on a mid-range phone over slow 4G, and the indicator page's weight.

    python bench/chart_visible.py --base-url http://127.0.0.1:PORT

Debian's chromium (Playwright, ``executable_path=/usr/bin/chromium``) opens the heaviest
indicator page (bench/targets.py) at 390 × 844 with Chrome DevTools' throttling: the network
of Lighthouse's "slow 4G" (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up) and the CPU
slowed 4×. Each run starts with an empty cache. It measures, from the start of navigation:

* **chart visible** — the chart's box holds a drawn SVG with a non-zero size on screen: the
  server-drawn chart (portal/chart_svg.py) or, where there is none, plotly's;
* **chart interactive** — plotly.js has replaced it (``.js-plotly-plot``);
* the page's requests and bytes over the wire (what the phone downloads).

The median of ``BENCH_CHART_RUNS`` (3) runs is reported. Target: chart visible in under 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from benchlib import RESULTS_DIR, check, read_json, write_section

TARGET_SECONDS = 2.0
SLOW_4G = {
    "offline": False,
    "latency": 150,  # ms
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,  # bytes per second
    "uploadThroughput": 750 * 1024 / 8,
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

VISIBLE = """() => {
  const box = document.querySelector('[data-chart-source]');
  if (!box) return false;
  for (const svg of box.querySelectorAll('svg')) {
    const r = svg.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && getComputedStyle(svg).display !== 'none') return true;
  }
  return false;
}"""


def one_run(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    transferred = {"bytes": 0, "requests": 0}

    def finished(event):
        transferred["bytes"] += int(event.get("encodedDataLength", 0))
        transferred["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(VISIBLE, polling=20, timeout=60_000)
    visible = time.perf_counter() - started
    page.wait_for_selector(".js-plotly-plot", timeout=120_000)
    interactive = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    context.close()
    return {"visible": visible, "interactive": interactive, **transferred}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--path", help="the page (default: the heaviest indicator's)")
    args = parser.parse_args()
    path = args.path or read_json(RESULTS_DIR / "targets.json", {}).get("indicator")
    columns = ["run", "chart visible (s)", "chart interactive (s)", "requests", "KB transferred"]
    if not path:
        write_section(
            "chart_visible",
            "Indicator chart on a throttled phone",
            columns,
            [],
            [check("chart visible, slow 4G + 4× CPU", "no indicator in data", "< 2 s", None)],
            order=42,
        )
        return
    runs = int(os.environ.get("BENCH_CHART_RUNS", "3"))
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        one_run(browser, args.base_url.rstrip("/") + path)  # warms the server's page cache
        for _ in range(runs):
            results.append(one_run(browser, args.base_url.rstrip("/") + path))
        browser.close()
    rows = [
        [
            n + 1,
            f"{r['visible']:.2f}",
            f"{r['interactive']:.2f}",
            r["requests"],
            f"{r['bytes'] / 1024:.0f}",
        ]
        for n, r in enumerate(results)
    ]
    visible = statistics.median(r["visible"] for r in results)
    interactive = statistics.median(r["interactive"] for r in results)
    kb = statistics.median(r["bytes"] for r in results) / 1024
    requests = statistics.median(r["requests"] for r in results)
    checks = [
        check(
            "chart visible, slow 4G + 4× CPU (390 px)",
            f"{visible:.2f} s (interactive {interactive:.2f} s; {requests:.0f} requests, "
            f"{kb:.0f} KB)",
            f"< {TARGET_SECONDS:.0f} s",
            visible < TARGET_SECONDS,
        )
    ]
    notes = [
        f"{path}, median of {runs} runs with an empty browser cache; Chromium's throttling: "
        "150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4× slower. 'Visible' is the first "
        "drawn chart (the server's SVG); 'interactive' is plotly.js's."
    ]
    write_section(
        "chart_visible",
        "Indicator chart on a throttled phone",
        columns,
        rows,
        checks,
        notes,
        order=42,
    )
    print(f"  chart visible {visible:.2f} s, interactive {interactive:.2f} s, {kb:.0f} KB")


if __name__ == "__main__":
    main()
