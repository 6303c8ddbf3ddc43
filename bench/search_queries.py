"""Write bench/search_queries.txt: the fixed 200 queries of the search benchmark.

    python bench/search_queries.py            # rewrite the committed list (seeded: same output)
    python bench/search_queries.py --check    # exit 1 if the committed list differs

Run once and committed, so every benchmark run asks exactly the same questions. The words come
from the demo city's vocabulary (``portal/demo/catalogue/``: department names and short names,
goal and indicator titles, districts), cut with jieba, in the mix a visitor types: names,
two-character words, longer words and phrases, two-word queries, full pinyin and initials,
queries narrowed by facets or a year range or sorted by date, and a few homophone typos
(nothing matches; the suggestion path runs).

Line format (tab-separated): ``category  query  options``. Options are space-separated
``key=value``: ``type=indicator``, ``dept=<short name>``, ``year=2025``, ``dim=satisfaction``,
``status=red``, ``from=2025``, ``to=2026``, ``sort=date``. bench/search_bench.py resolves
``dept`` to the department's id in the database it runs against.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUTPUT = BENCH_DIR / "search_queries.txt"
SEED = 20260310
SCALE = 10  # the benchmark's --scale: 200 departments
YEARS = (2024, 2025, 2026)
DIMENSIONS = ("output", "quality", "efficiency", "effectiveness", "satisfaction")
STATUSES = ("green", "yellow", "red")
TYPES = ("goal", "indicator", "result", "department")

# Words the issue names: always in the list.
REQUIRED = {
    "word": ["满意度", "营商环境", "公安局"],
    "word2": ["教育", "营商"],
    "pinyin_initials": ["gaj"],
    "pinyin_full": ["jiaoyuju", "gonganju"],
}
# How many queries of each kind (200 in all).
PLAN = {
    "dept_name": 16,
    "dept_short": 16,
    "word2": 32,
    "word": 32,
    "phrase": 24,
    "multi": 12,
    "pinyin_full": 16,
    "pinyin_initials": 16,
    "filtered": 30,
    "typo": 6,
}
# A character replaced by one that sounds the same (营商环竟): what visitors mistype.
# jieba sometimes cuts a conjunction onto a word (文化和文旅 → 和文): not a word anyone types.
NOT_WORD_START = set("和与及的了并")
HOMOPHONES = {"境": "竟", "意": "义", "务": "物", "率": "律", "安": "按", "育": "欲", "量": "亮"}


def vocabulary():
    """Names, titles and jieba words of the demo city (no database needed)."""
    from portal import demo
    from search.text import CJK_RUN, query_words

    specs = demo.department_specs(demo.DEPARTMENTS_PER_SCALE * SCALE)
    names = [s.name for s in specs]
    shorts = [s.short_name for s in specs]
    goals = [t for _k, t, *_ in demo.CITY_GOALS]
    goals += [t.goal for t in demo.DEPARTMENTS] + [t.task for t in demo.DEPARTMENTS]
    goals += [g for pair in demo.SERVICE_GOALS for g in pair]
    indicators = [i.name for t in demo.DEPARTMENTS for i in t.indicators]
    indicators += [i.name for i in demo.GENERIC_INDICATORS]
    words: dict[str, None] = {}
    for text in [*goals, *indicators, *(t.short_name for t in demo.DEPARTMENTS)]:
        for run in CJK_RUN.findall(text):
            for word in query_words(run):
                if CJK_RUN.fullmatch(word) and len(word) >= 2 and word[0] not in NOT_WORD_START:
                    words.setdefault(word, None)
    return names, shorts, goals, indicators, list(words)


def pinyin(text: str, initials: bool = False) -> str:
    from pypinyin import Style, lazy_pinyin

    style = Style.FIRST_LETTER if initials else Style.NORMAL
    return "".join(lazy_pinyin(text, style=style)).lower()


def pick(rng: random.Random, pool: list[str], n: int, required=(), taken=None) -> list[str]:
    """``required`` first, then distinct random picks from ``pool`` not yet taken."""
    taken = set() if taken is None else taken
    chosen = [w for w in required if w not in taken]
    taken.update(chosen)
    candidates = [w for w in dict.fromkeys(pool) if w not in taken]
    rng.shuffle(candidates)
    for word in candidates:
        if len(chosen) >= n:
            break
        chosen.append(word)
        taken.add(word)
    return chosen[:n]


def substrings(rng: random.Random, texts: list[str], n: int) -> list[str]:
    """Phrases: whole titles of 5–12 characters, or 2–3 consecutive jieba words of a longer one
    (as a visitor would quote part of a title)."""
    from search.text import CJK_RUN, query_words

    found: dict[str, None] = {}
    pool = list(texts)
    rng.shuffle(pool)
    for text in pool:
        run = max(CJK_RUN.findall(text), key=len, default="")
        if len(run) < 5:
            continue
        if len(run) <= 12 and rng.random() < 0.5:
            found.setdefault(run, None)
        else:
            words = list(query_words(run))
            size = min(len(words), rng.randint(2, 3))
            start = rng.randint(0, len(words) - size)
            phrase = "".join(words[start : start + size])
            if len(phrase) >= 4:
                found.setdefault(phrase, None)
        if len(found) >= n:
            break
    return list(found)[:n]


def department_words(template) -> list[str]:
    """jieba words (2+ characters) of one department's goal, task and indicators."""
    from search.text import CJK_RUN, query_words

    texts = [template.goal, template.task, *(i.name for i in template.indicators)]
    words: dict[str, None] = {}
    for text in texts:
        for run in CJK_RUN.findall(text):
            for word in query_words(run):
                if CJK_RUN.fullmatch(word) and len(word) >= 2 and word[0] not in NOT_WORD_START:
                    words.setdefault(word, None)
    return list(words)


def build(rng: random.Random) -> list[tuple[str, str, str]]:
    from portal import demo
    from search.text import query_words

    names, shorts, goals, indicators, words = vocabulary()
    city_shorts = shorts[: len(shorts) // 10 or 1][:22]  # the 22 city departments
    rows: list[tuple[str, str, str]] = []
    taken: set[str] = set()

    def add(category, queries, options=""):
        rows.extend((category, q, options) for q in queries)

    # Half city departments (市公安局), half district offices (青川市东湖区公安分局).
    city_names, district_names = names[:22], names[22:]
    add("dept_name", pick(rng, city_names, 8, taken=taken))
    add("dept_name", pick(rng, district_names, 8, taken=taken))
    add("dept_short", pick(rng, city_shorts, 8, required=["公安局", "教育局"], taken=taken))
    add("dept_short", pick(rng, shorts[22:], 8, taken=taken))
    two = [w for w in words if len(w) == 2]
    longer = [w for w in words if len(w) >= 3]
    add("word2", pick(rng, two, PLAN["word2"], REQUIRED["word2"], taken))
    add("word", pick(rng, longer, PLAN["word"], REQUIRED["word"], taken))
    phrases = [p for p in substrings(rng, goals + indicators, 60) if p not in taken]
    add("phrase", phrases[: PLAN["phrase"]])
    taken.update(phrases[: PLAN["phrase"]])

    # A department and something it measures (公安局 满意度), as people narrow a search.
    multi = ["公安局 满意度"]
    templates = list(demo.DEPARTMENTS)
    rng.shuffle(templates)
    for template in templates:
        query = f"{template.short_name} {rng.choice(department_words(template))}"
        if query not in multi:
            multi.append(query)
    add("multi", multi[: PLAN["multi"]])

    full = [pinyin(s) for s in city_shorts] + [pinyin(w) for w in longer]
    add("pinyin_full", pick(rng, full, PLAN["pinyin_full"], REQUIRED["pinyin_full"], set()))
    initials = [pinyin(s, True) for s in city_shorts] + [
        pinyin(w, True) for w in longer if len(w) >= 3
    ]
    initials = [i for i in initials if len(i) >= 3]
    add(
        "pinyin_initials",
        pick(rng, initials, PLAN["pinyin_initials"], REQUIRED["pinyin_initials"], set()),
    )

    # Narrowed or sorted: the same vocabulary with the search page's facets and options. A
    # department or dimension filter goes with a word of that department or dimension, as a
    # visitor narrows a search that found it.
    pool = pick(rng, city_shorts + longer + two, 60, taken=set())
    filtered = []
    kinds = ["type", "year", "dept", "dim", "status", "range", "sort", "combo"]
    indicator_templates = [i for t in demo.DEPARTMENTS for i in t.indicators]
    for i, query in enumerate(pool[: PLAN["filtered"]]):
        kind = kinds[i % len(kinds)]
        if kind == "type":
            options = f"type={rng.choice(TYPES[:3])}"
        elif kind == "year":
            options = f"year={rng.choice(YEARS)}"
        elif kind == "dept":
            template = rng.choice(demo.DEPARTMENTS)
            query = rng.choice(department_words(template))
            options = f"dept={template.short_name}"
        elif kind == "dim":
            indicator = rng.choice(indicator_templates)
            query = rng.choice([w for w in query_words(indicator.name) if len(w) >= 2])
            options = f"dim={indicator.dimension}"
        elif kind == "status":
            options = f"status={rng.choice(STATUSES)} type=indicator"
        elif kind == "range":
            start = rng.choice(YEARS[:2])
            options = f"from={start} to={start + 1}"
        elif kind == "sort":
            options = "sort=date"
        else:
            options = f"type=result year={rng.choice(YEARS)} sort=date"
        filtered.append((query, options))
    rows.extend(("filtered", q, o) for q, o in filtered)

    typos = []
    for word in pick(rng, [w for w in longer if any(c in HOMOPHONES for c in w)], 20, set()):
        for char, other in HOMOPHONES.items():
            if char in word:
                typos.append(word.replace(char, other, 1))
                break
    add("typo", ["营商环竟", *[t for t in typos if t != "营商环竟"]][: PLAN["typo"]])
    return rows


def render(rows) -> str:
    lines = [
        "# The search benchmark's queries: written by bench/search_queries.py (seed "
        f"{SEED}); do not edit by hand.",
        "# category<TAB>query<TAB>options (type= dept= year= dim= status= from= to= sort=)",
    ]
    lines += ["\t".join(row).rstrip("\t") for row in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    # Only the demo's catalogue is read (no database): the development settings will do.
    sys.path.insert(0, str(BENCH_DIR.parent))
    # An empty DJANGO_SETTINGS_MODULE counts as unset (setdefault would keep it).
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        os.environ.get("DJANGO_SETTINGS_MODULE") or "portal.settings.dev"
    )
    import django

    django.setup()
    rows = build(random.Random(SEED))
    counts = {c: sum(1 for r in rows if r[0] == c) for c in PLAN}
    if len(rows) != 200 or counts != PLAN:
        sys.exit(f"expected 200 queries as planned, got {len(rows)}: {counts}")
    text = render(rows)
    if args.check:
        same = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
        print(
            "bench/search_queries.txt is up to date" if same else "bench/search_queries.txt differs"
        )
        sys.exit(0 if same else 1)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"Wrote {len(rows)} queries to {OUTPUT}")


if __name__ == "__main__":
    main()
