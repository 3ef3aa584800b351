"""Numbers as written in Chinese plan documents: parsing, units and indicator keys.

Conventions (documented choices):
- A range ("2-3", "1～2", "两到三") keeps its written form in `value`; its numeric value is the
  LOWER bound (2.0): a target "2-3家" is met at 2, and a lower bound never overstates a target.
- Magnitude prefixes 亿/万/千万/百万/十万/千/百 in a unit are folded into the number:
  ("8.47", "亿元") → (847000000.0, "元"); a bare magnitude keeps an empty base unit ("1", "亿") → (1e8, "").

Finding numbers in a text is ``base.mentions`` (``find_numbers``, what counts as a quantity); more
numerals (二〇二四, 三点五, English number words) are ``base.number_words``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from base.vocab import BASE_DATA, load_json

VOCAB_PATH = BASE_DATA / "target_vocab.json"

KINDS = ("quantity", "year", "date", "duration", "ordinal", "per", "marker", "docno", "code", "name", "word")

# Full-width ASCII → ASCII, one char for one char (offsets stay valid). The full-width comma stays,
# so "3，100" is never read as a thousands separator.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if c != 0xFF0C}
_FULLWIDTH[0x3000] = 0x20

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10**4, "亿": 10**8}
CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
CN_RUN = f"[{CN_CHARS}]+"
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
RANGE_SEP = r"[-~—–至到]"
CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def vocab() -> dict[str, Any]:
    """The shared numbers/targets vocabulary (ingest/data/target_vocab.json), loaded once."""
    return load_json(VOCAB_PATH)


@dataclass(frozen=True)
class NumberMention:
    """A numeral found in a text; `start`/`end` cover the number, any 多/余 and the unit."""

    value: str  # as written: "8.47", "1,200", "2-3", "十五"
    unit: str  # as written: "亿元", "家", "%", "" when none
    start: int
    end: int
    numeric: float | None  # the value itself (range → lower bound), before unit scaling
    number: float | None = None  # normalised to `base_unit` (8.47亿元 → 847000000.0)
    base_unit: str = ""
    kind: str = "quantity"  # one of KINDS
    approx: str = ""  # 多 / 余 written between number and unit ("80多家")

    @property
    def is_quantity(self) -> bool:
        return self.kind == "quantity"


# ---------------------------------------------------------------- parsing


def to_halfwidth(text: str) -> str:
    """Full-width digits/letters/symbols → ASCII (same length, so offsets are kept)."""
    return text.translate(_FULLWIDTH)


def parse_chinese_int(s: str) -> int | None:
    """Parse a Chinese numeral ("十五", "两", "三百零五", "一万二千"); None if it is not one ("十四五")."""
    if not s or any(ch not in CN_CHARS for ch in s):
        return None
    total, section, digit, last_big = 0, 0, None, None
    for ch in s:
        if ch in CN_DIGITS:
            if digit not in (None, 0):
                return None  # two digits in a row: "一二三", "十四五"
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL:
            section += (1 if digit is None else digit) * CN_SMALL[ch]
            digit = None
        else:
            section += digit or 0
            digit = None
            big = CN_BIG[ch]
            if last_big is not None and big > last_big:
                total = (total + section) * big
            else:
                total += (section or (0 if total else 1)) * big
            section, last_big = 0, big
    return total + section + (digit or 0)


def _parse_decimal(s: str) -> Decimal | None:
    """Exact value of one written number (no range), or None."""
    s = to_halfwidth(s).strip()
    if s.startswith("百分之"):
        s = s[3:]
    s = s.rstrip("%‰")
    if re.fullmatch(ARABIC, s):
        try:
            return Decimal(s.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex only admits valid decimals
            return None
    n = parse_chinese_int(s)
    return None if n is None else Decimal(n)


def split_range(value: str) -> tuple[str, str] | None:
    """Split a range as written: "2-3" → ("2", "3"); None when the value is not a range."""
    v = to_halfwidth(value).strip()
    m = re.fullmatch(rf"(.+?)\s*{RANGE_SEP}\s*(.+)", v)
    if not m or _parse_decimal(m.group(1)) is None or _parse_decimal(m.group(2)) is None:
        return None
    return m.group(1), m.group(2)


def _parse_value(value: str) -> Decimal | None:
    rng = split_range(value)
    return _parse_decimal(rng[0] if rng else value)


def parse_number(value: str) -> float | None:
    """Parse a number as written: "8.47", "1,200", "８", "十五", "两", "2.69%", "2-3" (→ lower bound 2)."""
    d = _parse_value(value)
    return None if d is None else float(d)



# ---------------------------------------------------------------- units


@cache
def _unit_tables() -> tuple[dict[str, str], dict[str, str], frozenset[str], dict[str, int]]:
    """(unit → category, alias map, scalable base units, magnitude prefixes)."""
    v = vocab()
    category = {u: cat for cat, units in v["units"].items() for u in units}
    scalable = frozenset(u for cat in v["scalable_categories"] for u in v["units"][cat])
    return category, dict(v["unit_aliases"]), scalable, {k: int(x) for k, x in v["magnitudes"].items()}


def split_unit(unit: str) -> tuple[str, int]:
    """"亿元" → ("元", 10**8); "万人" → ("人", 10**4); "亿" → ("", 10**8); "家" → ("家", 1)."""
    category, aliases, scalable, mags = _unit_tables()
    unit = to_halfwidth(unit).strip()
    if unit in category or not unit:
        return aliases.get(unit, unit), 1
    for prefix in sorted(mags, key=len, reverse=True):
        rest = unit[len(prefix):]
        if unit.startswith(prefix) and (rest == "" or rest in scalable):
            return aliases.get(rest, rest), mags[prefix]
    return unit, 1


def unit_category(unit: str) -> str:
    """Category of a unit's base ("count", "money", "ratio", "duration", …); "" when unknown or empty."""
    base, _ = split_unit(unit)
    category, aliases, _, _ = _unit_tables()
    inverse = {v: k for k, v in aliases.items()}
    return category.get(base) or category.get(inverse.get(base, ""), "")


def normalise(value: str, unit: str) -> tuple[float | None, str]:
    """("8.47","亿元") → (847000000.0,"元"); ("0.2","万人") → (2000.0,"人"); ("1","亿") → (1e8,"")."""
    base, mult = split_unit(unit)
    d = _parse_value(value)
    return (None if d is None else float(d * mult)), base


@cache
def unit_pattern() -> str:
    """Regex alternation of every unit as written (base units and magnitude-prefixed ones), longest first."""
    category, _, scalable, mags = _unit_tables()
    units = set(category) | set(mags) | {p + b for p in mags for b in scalable}
    parts = []
    for u in sorted(units, key=len, reverse=True):
        part = re.escape(u)
        if re.search(r"[A-Za-z]$", u):
            part += r"(?![A-Za-z])"
        parts.append(part)
    return "|".join(parts)


# ---------------------------------------------------------------- comparing


def same_quantity(a: NumberMention, b: NumberMention, rel_tol: float = 1e-9) -> bool:
    """True when two mentions state the same amount (8.47亿元 == 84700万元; "310" matches "310家")."""
    if a.number is not None and b.number is not None and a.base_unit == b.base_unit:
        return abs(a.number - b.number) <= rel_tol * max(1.0, abs(a.number))
    if a.numeric is None or b.numeric is None:
        return a.value == b.value
    if (a.unit and b.unit) and split_unit(a.unit)[0] != split_unit(b.unit)[0]:
        return False
    return abs(a.numeric - b.numeric) <= rel_tol * max(1.0, abs(a.numeric))


# ---------------------------------------------------------------- indicators


def indicator_key(indicator: str) -> str:
    """Normalised indicator for matching questions: NFKC, lower case, no spaces/quotes, 高企 → 高新技术企业."""
    v = vocab()
    s = unicodedata.normalize("NFKC", indicator).lower()
    s = s.translate(str.maketrans(v["char_variants"]))
    s = re.sub(r"[\s“”\"'‘’《》「」『』]", "", s)
    blocked = v["abbreviation_blocked_before"]
    abbrs = sorted(v["abbreviations"].items(), key=lambda kv: len(kv[0]), reverse=True)
    out, i = [], 0
    while i < len(s):
        for short, full in abbrs:
            if s.startswith(short, i) and not (i > 0 and s[i - 1] in blocked.get(short, "")):
                out.append(full)
                i += len(short)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out)
