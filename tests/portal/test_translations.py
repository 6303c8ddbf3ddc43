"""The translation catalogs: Chinese (the default) is complete, and both languages reach visitors."""

from __future__ import annotations

import ast
import datetime
import gettext
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from portal import evaluation
from portal.actions import record_measurement
from portal.factories import CycleFactory, DepartmentFactory, GoalFactory, IndicatorFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = ZH_PO.with_suffix(".mo")
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"

# Placeholders a translation must carry over unchanged: %(name)s, %s, %%, {name}, HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|%%|\{\w*\}|</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    """One message of a .po file (the standard library has no .po reader)."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None  # pgettext's context: the same msgid may have two entries
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0
    obsolete: bool = False


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header included, as the entry with an empty msgid)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def start(lineno: int) -> Entry:
        new = Entry(line=lineno)
        entries.append(new)
        return new

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):
            entry = entry or start(lineno)
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            entry = entry or start(lineno)
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            entry = entry or start(lineno)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            rest = line  # a continuation line of the previous keyword
        elif keyword == "msgid":
            if entry is None or entry.msgid or entry.msgstr:
                entry = start(lineno)
            target = ("msgid", None)
        elif keyword == "msgid_plural":
            entry.msgid_plural = ""
            target = ("msgid_plural", None)
        elif keyword == "msgstr":
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            target = ("msgstr", int(keyword[7:-1]))
        elif keyword == "msgctxt":
            entry = entry or start(lineno)
            entry.msgctxt = ""
            target = ("msgctxt", None)
        else:
            raise AssertionError(f"{path}:{lineno}: cannot read {raw!r}")
        text = ast.literal_eval(rest)  # PO strings use the same escapes as Python's
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
        else:
            setattr(entry, name, (getattr(entry, name) or "") + text)
    return entries


def messages(path: Path) -> list[Entry]:
    return [e for e in read_po(path) if e.msgid and not e.obsolete]


def header(path: Path) -> Entry:
    return next(e for e in read_po(path) if e.msgid == "" and not e.obsolete)


def where(entry: Entry) -> str:
    return f"{entry.line}: {entry.msgid!r}"


# --- the catalogs ---------------------------------------------------------------------------


def test_chinese_catalog_translates_every_message_and_has_no_fuzzy_entry():
    entries = messages(ZH_PO)
    assert len(entries) > 300, "the catalog looks empty: run `make messages`"
    untranslated = [where(e) for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [where(e) for e in read_po(ZH_PO) if "fuzzy" in e.flags and not e.obsolete]
    assert untranslated == [], "untranslated:\n" + "\n".join(untranslated)
    assert fuzzy == [], "fuzzy (check and clear the flag):\n" + "\n".join(fuzzy)


GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
APPS = ("portal", "search", "disclosure", "surveys", "opendata")


def source_messages() -> dict[str, str]:
    """Every literal msgid passed to a gettext function in the apps' Python code, with where.

    Walks the syntax tree, so a call inside an f-string counts too: xgettext (makemessages)
    does not look inside f-strings, and a message it misses is never translated."""
    found = {}
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in GETTEXT_NAMES:
                    continue
                index = 1 if name.startswith(("pgettext", "npgettext")) else 0
                args = node.args[index:]
                if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                    found.setdefault(
                        args[0].value, f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}"
                    )
    return found


def test_every_message_in_the_code_is_in_the_chinese_catalog():
    catalog = {e.msgid for e in messages(ZH_PO)}
    missing = [
        f"{where}: {msgid!r}" for msgid, where in source_messages().items() if msgid not in catalog
    ]
    assert missing == [], (
        "not in the catalog (run `make messages`; no gettext inside f-strings):\n"
        + "\n".join(missing)
    )


# Words a Chinese page prints as they are: file formats and the month pattern of a field.
UNTRANSLATED_WORDS = {"CSV", "JSON", "XLSX", "PDF", "API", "YYYY", "MM"}


def untranslatable(text: str) -> bool:
    """True for a message with nothing to translate: only placeholders, punctuation and
    UNTRANSLATED_WORDS (e.g. "CSV", or "%(indicator)s（%(department)s）")."""
    return set(re.findall(r"[A-Za-z]+", PLACEHOLDER.sub("", text))) <= UNTRANSLATED_WORDS


def test_chinese_translations_are_chinese_and_keep_every_placeholder():
    problems = []
    for entry in messages(ZH_PO):
        source = entry.msgid_plural or entry.msgid
        if entry.msgid_plural is not None and set(entry.msgstr) != {0}:
            # Chinese has one plural form (nplurals=1): one msgstr[0], nothing else.
            problems.append(f"{where(entry)} has plural forms {sorted(entry.msgstr)}")
        for text in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                problems.append(f"{where(entry)} placeholders differ in {text!r}")
            if not re.search(r"[\u4e00-\u9fff]", text) and not untranslatable(text):
                problems.append(f"{where(entry)} has no Chinese in {text!r}")
    assert problems == [], "\n".join(problems)


def test_catalog_headers_name_their_language_and_plural_rule():
    zh, en = header(ZH_PO), header(EN_PO)
    assert "fuzzy" not in zh.flags
    assert "Language: zh_Hans" in zh.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in zh.msgstr[0]
    assert "Language: en" in en.msgstr[0]
    # English needs no translation (the msgids are English), but the catalog covers the same
    # messages so that a translator can start from it.
    assert {(e.msgctxt, e.msgid) for e in messages(EN_PO)} == {
        (e.msgctxt, e.msgid) for e in messages(ZH_PO)
    }


def test_compiled_chinese_catalog_matches_the_po_file():
    # A .po edited without `compilemessages` would leave the site showing old or no Chinese.
    with ZH_MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in messages(ZH_PO):
        if entry.msgid_plural is not None:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        elif entry.msgctxt is not None:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = compiled.gettext(entry.msgid)
        if got != entry.msgstr.get(0):
            stale.append(where(entry))
    assert stale == [], "run `make messages`; out of date in django.mo:\n" + "\n".join(stale)


# --- what a visitor sees --------------------------------------------------------------------

# UI strings of every public page (layout, navigation, display controls, footer, status lights).
ZH_EN = {
    "首页": "Home",
    "部门": "Departments",
    "排名": "Rankings",
    "跳到主要内容": "Skip to main content",
    "大字号": "Large text",
    "高对比度": "High contrast",
    "无障碍声明": "Accessibility statement",
    "得分和状态的计算方法": "How scores and statuses are calculated",
    "状态灯含义": "What the status lights mean",
    "正常推进": "On track",
    "口径说明": "Methodology",
}


@pytest.fixture
def city(wagtail_site):
    """A published cycle with one department, a goal and an on-track indicator."""
    cycle = CycleFactory(year=2026)
    department = DepartmentFactory()
    goal = GoalFactory(cycle=cycle, owner=department)
    indicator = IndicatorFactory(goal=goal, baseline=Decimal(0), target=Decimal(12))
    for month in (1, 2, 3):
        record_measurement(indicator, datetime.date(2026, month, 1), Decimal(month * 2))
    evaluation.recompute_cycle(cycle, today=datetime.date(2026, 4, 10))
    return cycle


@pytest.mark.django_db
def test_home_page_speaks_chinese_by_default_and_english_after_the_switch(client, city):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="zh-Hans"' in html
    assert "2026年度全市概况" in html
    for chinese, english in ZH_EN.items():
        assert chinese in html, f"{chinese} missing from the Chinese home page"
        assert f">{english}<" not in html, f"{english!r} left untranslated on the Chinese page"

    switched = client.get("/lang/en/?next=/")
    assert switched.status_code == 302 and switched["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "The city at a glance, 2026" in html
    for english in ZH_EN.values():
        assert english in html, f"{english!r} missing from the English home page"
    for chinese in (
        "跳到主要内容",
        "大字号",
        "无障碍声明",
        "全市概况",
        "正常推进",
        "政府绩效公开平台",
    ):
        assert chinese not in html, f"{chinese} shown on the English page"
    assert "Government Performance Portal" in html  # the site's name, in the header and title

    # And back: the choice is remembered in a cookie, not stuck in a cached page.
    client.get("/lang/zh-hans/?next=/")
    assert "2026年度全市概况" in client.get("/").content.decode()


@pytest.mark.django_db
def test_department_list_and_rankings_show_chinese_labels(client, city):
    departments = client.get("/departments/").content.decode()
    assert "综合管理" in departments  # the department category
    assert "General administration" not in departments
    rankings = client.get("/rankings/?year=2026").content.decode()
    for chinese in ("2026年度部门排名", "目标指标", "群众满意度", "定性评价", "综合得分"):
        assert chinese in rankings, chinese
    assert "Department rankings" not in rankings
