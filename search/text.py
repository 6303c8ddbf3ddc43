"""Text handling shared by the documents and the embedded backend: jieba, bigrams, pinyin.

Chinese has no spaces, so neither SQLite FTS5 nor a plain tokenizer can split it. Documents are
segmented with jieba (``cut_for_search`` gives whole words and their parts) *and* cut into
character bigrams, the same idea as the engines' ``cjk`` bigram filter, so a part of a word
(营商 in 营商环境, 满意度 in 群众满意度) always matches. Pinyin (full and initials) is computed in
Python with pypinyin, so ``gaj`` finds 公安局 on every backend. A query in traditional
characters is searched as simplified (OpenCC), so 滿意度 finds 满意度.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

# CJK Unified Ideographs (+ extension A and compatibility ideographs).
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK}]+")
# What a search can match: runs of Chinese characters, or runs of Latin letters and digits.
# Everything else (quotes, brackets, colons, backslashes, stars...) is a separator, which is
# why no query-syntax character can ever reach an engine's or FTS5's parser.
TOKEN_RUN = re.compile(f"[{CJK}]+|[0-9a-z]+")

_jieba_lock = threading.Lock()
_jieba = None


def jieba_tokenizer():
    """jieba's tokenizer, initialised once per process from the dictionary it ships with.

    Initialising reads the bundled dictionary (about a second); it never downloads anything.
    """
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _jieba = tokenizer
    return _jieba


_t2s_lock = threading.Lock()
_t2s = None


def to_simplified(text: str) -> str:
    """A query in traditional characters as simplified (滿意度 → 满意度; OpenCC's phrase-aware
    t2s), so a visitor from Hong Kong, Taiwan or abroad finds the city's simplified text.
    Only queries are converted: documents are the city's own simplified text, and converting
    every document would add about a quarter of a millisecond per thousand characters to
    indexing."""
    global _t2s
    if _t2s is None:
        with _t2s_lock:
            if _t2s is None:
                import opencc

                _t2s = opencc.OpenCC("t2s")
    return _t2s.convert(text) if text else ""


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case, as visitors type either."""
    return unicodedata.normalize("NFKC", text or "").lower()


def runs(text: str) -> list[str]:
    """The Chinese runs and Latin/digit runs of ``text`` (normalised), in order."""
    return TOKEN_RUN.findall(normalise(text))


MAX_TERMS = 12


def query_terms(text: str) -> list[str]:
    """The whitespace-separated terms of a query that contain something matchable (its
    traditional characters as simplified)."""
    return [t for t in normalise(to_simplified(text)).split() if runs(t)][:MAX_TERMS]


def is_cjk(run: str) -> bool:
    return bool(run) and CJK_RUN.fullmatch(run) is not None


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a Chinese run; a one-character run is itself."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=200_000)
def _run_words(run: str) -> tuple[str, ...]:
    """jieba's search-mode words of one Chinese run (runs repeat a lot, so this is cached)."""
    return tuple(w for w in jieba_tokenizer().cut_for_search(run, HMM=False) if w.strip())


def search_words(text: str) -> tuple[str, ...]:
    """jieba's search-mode words of ``text`` (normalised): Chinese runs segmented, Latin kept."""
    words: list[str] = []
    for run in runs(text):
        if is_cjk(run):
            words.extend(_run_words(run))
        else:
            words.append(run)
    return tuple(words)


@lru_cache(maxsize=16384)
def query_words(run: str) -> tuple[str, ...]:
    """jieba's precise-mode words of one Chinese run of a query (营商环境满意度 → 营商环境, 满意度)."""
    return tuple(w for w in jieba_tokenizer().lcut(run) if w.strip())


@lru_cache(maxsize=200_000)
def _run_tokens(run: str) -> str:
    if not is_cjk(run):
        return run
    tokens = list(_run_words(run))
    tokens.extend(bigrams(run))
    if len(run) > 1:
        tokens.append(run[-1])
    return " ".join(tokens)


def index_text(text: str) -> str:
    """The space-separated tokens FTS5 indexes for ``text``: per Chinese run its jieba words,
    its bigrams and its last character; Latin and digit runs as they are.

    The bigrams of one run are contiguous, so a phrase of bigrams matches exactly the documents
    containing that substring. The trailing single character lets a one-character query (局)
    match a run ending in it; a prefix query on the bigrams covers every other position.
    """
    if not text:
        return ""
    return " ".join(_run_tokens(run) for run in runs(text))


@lru_cache(maxsize=65536)
def pinyin_forms(text: str) -> tuple[str, ...]:
    """Full pinyin and initials of each Chinese run of ``text``, plus the full pinyin of each
    of its words: 市公安局 → shigonganju, sgaj, shi, gonganju ...
    """
    from pypinyin import Style, lazy_pinyin

    forms: list[str] = []
    for run in CJK_RUN.findall(normalise(text)):
        forms.append("".join(lazy_pinyin(run)))
        forms.append("".join(lazy_pinyin(run, style=Style.FIRST_LETTER)))
        for word in query_words(run):
            if CJK_RUN.fullmatch(word) and len(word) > 1 and word != run:
                forms.append("".join(lazy_pinyin(word)))
                forms.append("".join(lazy_pinyin(word, style=Style.FIRST_LETTER)))
    seen: dict[str, None] = {}
    for form in forms:
        if form.isascii() and form.isalnum():
            seen.setdefault(form.lower(), None)
    return tuple(seen)


def pinyin_text(*names: str) -> str:
    """The pinyin field of a document: the forms of every given name, once each."""
    seen: dict[str, None] = {}
    for name in names:
        if name:
            for form in pinyin_forms(name):
                seen.setdefault(form, None)
    return " ".join(seen)


@lru_cache(maxsize=16384)
def full_pinyin(text: str) -> str:
    """The full pinyin of the Chinese in ``text`` (Latin kept), for spelling suggestions."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(normalise(text), errors=lambda chars: list(chars))).replace(" ", "")


SYNONYM_SEPARATORS = re.compile(r"[,，、;；\n]+")


def parse_line(line: str) -> list[str]:
    """The distinct words of one synonym line, normalised: " 满意度，满意率 " → ["满意度", "满意率"]."""
    words: list[str] = []
    for part in SYNONYM_SEPARATORS.split(line or ""):
        word = normalise(part).strip()
        word = re.sub(r"\s+", " ", word)
        if word and word not in words:
            words.append(word)
    return words
