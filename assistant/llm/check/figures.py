"""Figures a text states — quantities and years with their units and magnitudes, Chinese or English,
in digits or number words — and when two figures are the same (310家 ≠ 310万家, 35亿元 = 3.5 billion
yuan, % ≠ 百分点)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.grounding import numbers as arabic_numbers
from assistant.llm.check.text import MARKER, is_cjk
from assistant.llm.check.vocab import claims
from base.mentions import find_numbers
from base.number_words import find_english_numbers, parse_chinese_numeral
from base.numbers import NumberMention, split_range


_CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN_RUN = re.compile(f"[{_CN_NUM_CHARS}]+")
MEASURE_WORDS = set("家个项所名人次件台座条种类批户倍元年月日天届期位篇部支套亩平方公吨辆只大")
_CJK = re.compile(r"[\u3400-\u9fff]")


def cn_to_int(run: str) -> int | None:
    """一百二十 → 120, 十五 → 15, 两万 → 20000, 二〇二四 → 2024 (``base.number_words.parse_chinese_numeral``)."""
    v = parse_chinese_numeral(run)
    return None if v is None else int(v)


def chinese_numbers(text: str, claims_only: bool = True) -> list[tuple[str, int]]:
    """Chinese numeral runs as (run + following measure word, value).

    ``claims_only``: only runs followed by a measure word (三家, 十五个, 二十项); a lone 一 (一批, 进一步,
    统一) and runs right after an Arabic digit (100万) are not counted as claims."""
    out = []
    for m in _CN_RUN.finditer(text):
        run = m.group(0)
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before.isdigit() or (before and before in "第"):
            continue
        if claims_only and (run == "一" or after not in MEASURE_WORDS):
            continue
        if all(ch in "万亿" for ch in run):
            continue
        v = cn_to_int(run)
        if v is not None:
            out.append((run + after, v))
    return out


def allowed_numbers(evidence: str) -> set[str]:
    """Numbers a sentence may state given this evidence: its Arabic numerals and Chinese numerals' values."""
    allowed = set(arabic_numbers(evidence))
    allowed.update(str(v) for _, v in chinese_numbers(evidence, claims_only=False))
    return allowed


@dataclass(frozen=True)
class Figure:
    """A figure stated in a text: its value(s) in the base unit (a range gives both bounds)."""

    text: str  # as written, with its unit
    values: tuple[float, ...]
    base: str  # base unit: 家, 元, %, 百分点, 人 … or "" when none is written
    kind: str  # quantity | year


def _mention_values(m: NumberMention) -> tuple[float, ...]:
    if m.number is None:
        return ()
    rng = split_range(m.value)
    if not rng or not m.numeric:
        return (m.number,)
    hi = parse_chinese_numeral(rng[1]) if _CN_RUN.fullmatch(rng[1]) else _float(rng[1])
    scale = m.number / m.numeric
    return (m.number,) + ((hi * scale,) if hi is not None else ())


def _float(s: str) -> float | None:
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _as_figure(m: NumberMention) -> Figure | None:
    vals = _mention_values(m)
    if not vals:
        return None
    if m.kind == "year":
        years = tuple(float(y) for y in re.findall(r"(?:19|20)\d{2}", m.value))
        return Figure(m.value, years or vals, "年", "year")
    return Figure(m.value + m.unit, vals, m.base_unit, "quantity")


def figures(text: str, quoted: bool = True) -> list[Figure]:
    """Quantities and years stated in a text, Chinese or English (markers ignored).

    Chinese text: ``base.mentions.find_numbers`` (三百一十家, 8.47亿元, 2024年). English text: its
    numbers in digits or words with their units (3.5 billion yuan, three hundred, 59 percent) plus any
    number written against a Chinese unit (220亿元). Rate bases (每万人, per 10,000), ordinals, list
    markers and durations are not figures. Numbers inside quotes and book titles (names to
    ``find_numbers``: “32232”, 《…(2022-2024年)》) count when ``quoted`` — an answer may not slip a
    figure through by quoting it — and, as a passage's, only as names (never as the year it states)."""
    t = MARKER.sub(lambda m: " " * len(m.group(0)), unicodedata.normalize("NFKC", text))
    mentions = [m for m in find_numbers(t, quantities_only=False)
                if m.kind in ("quantity", "year") or (m.kind == "name" and (quoted or m.unit != "年"))]
    mentions = [m if m.kind != "name" else _named(m) for m in mentions]
    if not is_cjk(t):
        chinese = [m for m in mentions if _CJK.search(m.unit) or _CN_RUN.fullmatch(m.value or "-")]
        english = [m for m in find_english_numbers(t) if m.kind in ("quantity", "year")]
        english = [e for e in english if not any(c.start < e.end and e.start < c.end for c in chinese)]
        mentions = sorted(chinese + english, key=lambda m: m.start)
    return [f for f in (_as_figure(m) for m in mentions) if f is not None]


def _named(m: NumberMention) -> NumberMention:
    """A number inside a quote or title read as what it would be outside: a year or a quantity."""
    from dataclasses import replace

    is_year = m.unit in ("", "年") and bool(re.fullmatch(r"(?:19|20)\d{2}(?:\s*[-~—–至到]\s*(?:19|20)\d{2})?", m.value))
    return replace(m, kind="year" if is_year else "quantity")


def unit_class(base: str) -> str:
    for cls, units in claims()["unit_classes"].items():
        if isinstance(units, list) and base in units:
            return cls
    return base


def same_figure(a: Figure, b: Figure, rel_tol: float = 1e-9) -> bool:
    """Same value (after magnitudes: 8.47亿元 = 847 million yuan) in a compatible unit: the same base
    unit, a measure word of the same class (个 = 家, 名 = 人), or no unit written on one side."""
    if a.kind != b.kind:
        return False
    if a.base and b.base and a.base != b.base and unit_class(a.base) != unit_class(b.base):
        return False
    return any(abs(x - y) <= rel_tol * max(1.0, abs(x)) for x in a.values for y in b.values)


def ungrounded_numbers(sentence: str, evidence: str) -> list[str]:
    """Figures of the sentence (quantities and years) that no figure of the evidence equals."""
    have = figures(evidence)
    return list(dict.fromkeys(f.text for f in figures(sentence) if not any(same_figure(f, g) for g in have)))
