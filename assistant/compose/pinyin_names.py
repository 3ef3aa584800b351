"""Proper names an English question writes in pinyin ("the Wolong motor-drive laboratory", "Xiangjiang
Science City", "Qinchuangyuan"): the Chinese words of the passages found (and of the documents in scope,
when they are few) that read exactly so. The glossary cannot list every project, park and company a
plan names; their pinyin is how an English reader writes them. Region names are resolved elsewhere."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from assistant.compose.context import Context, evidence_texts
from assistant.named_regions import pinyin_regions
from assistant.query import Query

_CAPITALISED = re.compile(r"(?<![A-Za-z'’])([A-Z][a-z]{3,})(?![A-Za-z])")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
MIN_CHARS, MAX_CHARS = 2, 6  # a name of two to six characters


def name_words(text: str) -> list[str]:
    """Capitalised words of an English question that may be pinyin (not at its start, not a region's
    pinyin): 'Wolong', 'Xiangjiang'."""
    regions = pinyin_regions()
    out = []
    for m in _CAPITALISED.finditer(text):
        w = m.group(1).lower()
        if m.start() > 0 and w not in regions:
            out.append(w)
    return list(dict.fromkeys(out))


@lru_cache(maxsize=64)
def _syllable_runs(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The text's runs of Chinese characters, each with its toneless pinyin per character. Computed
    once per text (a document or passage asked about again costs nothing the second time)."""
    from pypinyin import lazy_pinyin

    return tuple((m.group(0), tuple(x.lower() for x in lazy_pinyin(m.group(0)))) for m in _CJK_RUN.finditer(text))


def readings(words: list[str], texts: list[str]) -> dict[str, str]:
    """For each word, the Chinese word of `texts` whose toneless pinyin it is (湘江 for 'xiangjiang'),
    the most frequent when several are; words no Chinese word reads as are left out. One pass over
    the texts for all the words."""
    wanted = set(words)
    prefixes = {w[:k] for w in wanted for k in range(1, len(w) + 1)}
    found: dict[str, Counter[str]] = {w: Counter() for w in words}
    for text in texts:
        for run, syl in _syllable_runs(text):
            for i in range(len(run)):
                acc = ""
                for j in range(i, min(len(run), i + MAX_CHARS)):
                    acc += syl[j]
                    if acc not in prefixes:
                        break
                    if acc in wanted and j + 1 - i >= MIN_CHARS:
                        found[acc][run[i:j + 1]] += 1
    return {w: c.most_common(1)[0][0] for w, c in found.items() if c}


def reading_as(word: str, texts: list[str]) -> str | None:
    """The Chinese word of `texts` whose toneless pinyin is `word`; None when none reads so."""
    return readings([word], texts).get(word)


def with_pinyin_names(ctx: Context) -> Query:
    """The question with the Chinese names its pinyin words stand for added to its terms."""
    q = ctx.query
    if q.lang != "en":
        return q
    words = name_words(q.text)
    if not words:
        return q
    found = readings(words, evidence_texts(ctx))
    names = list(dict.fromkeys(found[w] for w in words if w in found and found[w] not in q.terms))
    if not names:
        return q
    return replace(q, terms=q.terms + names, focus=q.focus + names if q.followup else q.focus)
