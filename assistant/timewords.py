"""The times a question names: years (2023年, masked when they are a comparison's base: 比2015年),
plan periods (十四五, the 14th Five-Year Plan), years relative to a document's own (去年, last year),
and whether a period or year names a document rather than the time of the figure asked."""
from __future__ import annotations

import re
from functools import lru_cache

from assistant.lexicon import vocab
from base.regions import genre

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@lru_cache(maxsize=1)
def _baselines() -> tuple[re.Pattern[str], ...]:
    pats = vocab()["baseline_patterns"]
    return tuple([re.compile(p) for p in pats["zh"]] + [re.compile(p, re.I) for p in pats["en"]])


@lru_cache(maxsize=4096)
def mask_baselines(text: str) -> str:
    """`text` with the years and plan periods it names as a comparison's base (比2015年增长, 较“十二五”末,
    compared with the 12th Five-Year Plan) blanked out, same length: what remains dates the figures."""
    for p in _baselines():
        text = p.sub(lambda m: " " * len(m.group(0)), text)
    return text


@lru_cache(maxsize=2)
def relative_year_words(lang: str) -> tuple[re.Pattern[str], dict[str, int]]:
    """The words naming a year relative to a text's own (vocabulary ``relative_years``), longest
    first, and the offset each stands for (去年 → -1). English ones are whole lower-case words."""
    offsets = {w: int(o) for w, o in vocab()["relative_years"][lang].items()}
    alts = "|".join(sorted(map(re.escape, offsets), key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b" if lang == "en" else alts), offsets


def relative_years(text: str, lang: str) -> list[int]:
    """The years a question names relative to the document's own (去年 → -1, this year → 0), as
    offsets: each document's date resolves them (``compose.features``)."""
    pattern, offsets = relative_year_words(lang)
    low = mask_baselines(text.lower() if lang == "en" else text)
    return sorted({offsets[m.group(0)] for m in pattern.finditer(low)})


def find_years(text: str) -> list[int]:
    ys = [int(y) for y in _YEAR.findall(mask_baselines(text))]
    return sorted(set(y for y in ys if 1990 <= y <= 2100))


_EN_PERIOD = re.compile(r"\b(1[1-5])th (?:five[- ]year\b|fyp\b)", re.I)
_EN_PERIOD_NAMES = {"11": "十一五", "12": "十二五", "13": "十三五", "14": "十四五", "15": "十五五"}
# the words an English question dates itself by, which a Chinese one writes as 十三五末 / 2020年底 and
# which are scoped (years, periods), not searched: "by the end of the 13th Five-Year Plan period"
EN_TIME_PHRASE = re.compile(
    r"\b(?:(?:by|at|until|till|before) )?(?:the )?(?:end|close) of (?:the )?(?=(?:1[1-5]th|(?:19|20)\d{2})\b)"
    r"|\b(?:the )?(?P<n>1[1-5])th (?:five[- ]year|fyp)\b(?: plan\b)?(?: period\b)?", re.I)


def en_time_phrases(text: str) -> tuple[str, list[str]]:
    """An English question without its dating words, and the Chinese names of the plan periods they
    name (the 13th Five-Year Plan period → 十三五): the names are matched like terms, as the documents
    write them; the words around them (plan, period, end) are not searched for."""
    names = [_EN_PERIOD_NAMES[m.group("n")] for m in EN_TIME_PHRASE.finditer(text) if m.group("n")]
    return EN_TIME_PHRASE.sub(" ", text), list(dict.fromkeys(names))


def find_period(text: str) -> list[int]:
    """Years of the plan periods a question names: 十四五 / the 14th Five-Year Plan → 2021–2025."""
    periods = genre().get("plan_periods", {})
    text = mask_baselines(text)
    names = [p for p in periods if p in text] + [_EN_PERIOD_NAMES[m.group(1)] for m in _EN_PERIOD.finditer(text)]
    return sorted({y for p in names if p in periods for y in range(periods[p][0], periods[p][1] + 1)})


# a plan period followed, within its noun phrase, by the kind of plan it names (“十三五”科技创新规划,
# the 13th Five-Year S&T innovation plan), or a year followed by a report's or meeting's name
# (2023年全市科技工作会议, its 2023 S&T work conference)
_EN_PLAN_WORDS = r"(?:plan|programme|program|outline|scheme)\b"
_ZH_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年")


@lru_cache(maxsize=2)
def _document_words(lang: str) -> str:
    return "(?:" + "|".join(map(re.escape, vocab()["document_words"][lang])) + ")"


@lru_cache(maxsize=2)
def _plan_name_words(lang: str) -> str:
    """What ends the name of a plan after its period: a plan word or kind, or a report's word."""
    if lang == "en":
        return f"(?:{_EN_PLAN_WORDS}|{_document_words('en')})"
    return "(?:" + "|".join(map(re.escape, [*plan_kinds(), *vocab()["document_words"]["zh"]])) + ")"


def _phrase_ends_in(text: str, ends: list[int], words: str, lang: str) -> bool:
    """Whether the noun phrase after any of `ends` ends in one of `words`."""
    if lang == "en":
        return any(re.match(rf"[^,.;:?!]{{0,40}}?\b{words}\b", text[e:], re.I) for e in ends)
    return any(re.match(rf"[”\"’」』]?[^，,。；;：:？?！!、]{{0,12}}?{words}", text[e:]) for e in ends)


def period_names_plan(text: str, lang: str) -> bool:
    """Whether the plan period the question names is part of a plan's name (江苏省“十三五”科技创新
    规划中说…, Jiangsu's 13th Five-Year S&T innovation plan): it tells which plan, not which years
    the asked figure is about — such a plan also reports the years before it (its review)."""
    text = mask_baselines(text)
    if lang == "en":
        ends = [m.end() for m in _EN_PERIOD.finditer(text)]
    else:
        ends = [m.end() for name in genre().get("plan_periods", {}) for m in re.finditer(re.escape(name), text)]
    return _phrase_ends_in(text, ends, _plan_name_words(lang), lang)


def year_names_report(text: str, lang: str) -> bool:
    """Whether a year the question names is part of a report's or meeting's name (据2023年全市科技工作
    会议…, the report on its 2023 S&T work conference): it tells which document, not which year the
    asked figure is about — such a report also tells the year before it (去年…)."""
    text = mask_baselines(text)
    ends = [m.end() for m in (_YEAR if lang == "en" else _ZH_YEAR).finditer(text)]
    return _phrase_ends_in(text, ends, _document_words(lang), lang)


@lru_cache(maxsize=1)
def plan_kinds() -> tuple[str, ...]:
    """The kinds of plan (genre.json plan_kinds), longest first."""
    return tuple(sorted(genre().get("plan_kinds", ()), key=len, reverse=True))
