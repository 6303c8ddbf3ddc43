"""Render every result section into one Markdown report: printed and written to latest.md.

    python bench/report.py [--strict]

With --strict (BENCH_STRICT=1 in run.sh) the exit status is 1 when a target is missed, so
CI can gate on it; a target that could not be judged (page not built yet) does not fail.
"""

from __future__ import annotations

import argparse
import json
import sys

from benchlib import RESULTS_DIR, SECTIONS_DIR, read_json

VERDICT = {True: "PASS", False: "FAIL", None: "n/a"}


def table(columns: list[str], rows: list[list]) -> list[str]:
    """A Markdown table; numbers right-aligned."""
    if not rows:
        return ["(no rows)"]

    def cell(value) -> str:
        return str(value).replace("|", "\\|")

    numeric = [
        all(isinstance(r[i], int | float) or r[i] in ("–", "") for r in rows if i < len(r))
        for i in range(len(columns))
    ]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return lines


def load_sections() -> list[dict]:
    sections = []
    for path in sorted(SECTIONS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["name"] = path.stem
        sections.append(data)
    return sorted(sections, key=lambda s: (s.get("order", 50), s["name"]))


def render() -> tuple[str, list[dict]]:
    info = read_json(RESULTS_DIR / "run-info.json", {})
    sections = load_sections()
    lines = ["# Benchmark results", ""]
    if info:
        lines += [
            "| " + " | ".join(info) + " |",
            "|" + "|".join("---" for _ in info) + "|",
            "| " + " | ".join(str(v) for v in info.values()) + " |",
            "",
        ]
    checks = [c for s in sections for c in s.get("checks", [])]
    lines += ["## Targets", ""]
    lines += table(
        ["check", "measured", "target", "verdict"],
        [[c["name"], c["value"], c["target"], VERDICT[c["ok"]]] for c in checks],
    )
    for section in sections:
        lines += ["", f"## {section['title']}", ""]
        lines += table(section["columns"], section["rows"])
        for note in section.get("notes", []):
            lines += ["", f"- {note}"]
    return "\n".join(lines) + "\n", checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    text, checks = render()
    (RESULTS_DIR / "latest.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"Written to {RESULTS_DIR / 'latest.md'}")
    failed = [c["name"] for c in checks if c["ok"] is False]
    unjudged = [c["name"] for c in checks if c["ok"] is None]
    if unjudged:
        print(f"Not judged (page missing or erroring): {', '.join(unjudged)}")
    if failed:
        print(f"Targets missed: {', '.join(failed)}")
        if args.strict:
            sys.exit(1)


if __name__ == "__main__":
    main()
