"""Numbers as written in Chinese plan documents: parsing, units, and finding mentions.

Conventions (documented choices):
- A range ("2-3", "1～2", "两到三") keeps its written form in `value`; its numeric value is the
  LOWER bound (2.0): a target "2-3家" is met at 2, and a lower bound never overstates a target.
- Magnitude prefixes 亿/万/千万/百万/十万/千/百 in a unit are folded into the number:
  ("8.47", "亿元") → (847000000.0, "元"); a bare magnitude keeps an empty base unit ("1", "亿") → (1e8, "").
- Only quantities count as quantities. Years ("2023年"), dates, durations ("三年"), document numbers
  (〔2021〕6号), index/code numbers (11330208591592561J/2023-25176, 5G), list markers ("1、", "(3)",
  citation marks "[1]"), ordinals ("第二批"), rate bases ("每10万人口"), names in short quotes or book
  titles (“32232”, “十四五”, 《…(2022-2024年)》) and Chinese numerals that are not followed by a
  measure word ("二十大", "一批", "三大") are not.
  A lone Chinese "一" ("一个", "一只") is treated as an article, not a quantity.
- `find_numbers(text)` returns the quantities; `find_numbers(text, quantities_only=False)` returns
  every numeral with its `kind` (see KINDS) so a caller can choose.
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

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN = f"[{_CN_CHARS}]+"
_AR = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
_RANGE_SEP = r"[-~—–至到]"
_CJK = re.compile(r"[\u4e00-\u9fff]")


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
    if not s or any(ch not in _CN_CHARS for ch in s):
        return None
    total, section, digit, last_big = 0, 0, None, None
    for ch in s:
        if ch in _CN_DIGITS:
            if digit not in (None, 0):
                return None  # two digits in a row: "一二三", "十四五"
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        else:
            section += digit or 0
            digit = None
            big = _CN_BIG[ch]
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
    if re.fullmatch(_AR, s):
        try:
            return Decimal(s.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex only admits valid decimals
            return None
    n = parse_chinese_int(s)
    return None if n is None else Decimal(n)


def split_range(value: str) -> tuple[str, str] | None:
    """Split a range as written: "2-3" → ("2", "3"); None when the value is not a range."""
    v = to_halfwidth(value).strip()
    m = re.fullmatch(rf"(.+?)\s*{_RANGE_SEP}\s*(.+)", v)
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
def _unit_pattern() -> str:
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


# ---------------------------------------------------------------- finding numbers


@cache
def _mention_re() -> re.Pattern[str]:
    units = _unit_pattern()
    date = (r"\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?!\d)"
            r"|\d{4}年\d{1,2}月(?:\d{1,2}[日号])?|(?<!\d)\d{1,2}月\d{1,2}[日号]")
    value = (rf"百分之{_CN}"
             rf"|(?:{_AR})(?:\s*{_RANGE_SEP}\s*(?:{_AR}))?"
             rf"|{_CN}(?:[至到~-]{_CN})?")
    return re.compile(
        rf"(?P<date>{date})"
        rf"|(?<![\d.])(?P<value>{value})"
        rf"(?:(?P<approx>多|余)(?=[ ]?(?:{units})))?"
        rf"(?:[ ]?(?P<unit>{units}))?"
        rf"(?P<alt>[（(](?:{units})[）)])?"
    )


_SESSION_RE = re.compile(r"[一二三四五六七八九十]+届(?:[一二三四五六七八九十]+[中次](?:[、和][一二三四五六七八九十]+[中次])*全会)?")
_QUOTED_RE = re.compile(r"“[^“”\n]{0,25}”|《[^《》\n]{0,80}》|「[^「」\n]{0,25}」|『[^『』\n]{0,25}』")
_DOCNO_YEAR_RE = re.compile(r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]")


@cache
def _idiom_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(i) for i in sorted(vocab()["idioms"], key=len, reverse=True)))


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans whose numerals are names: short quotes, book titles, idioms, party-session names."""
    spans = [m.span() for m in _QUOTED_RE.finditer(text)]
    spans += [m.span() for m in _idiom_re().finditer(text)]
    spans += [m.span() for m in _SESSION_RE.finditer(text)]
    return spans


def _line_start_before(text: str, i: int) -> bool:
    """True when only blanks/bullets stand between a sentence or line start and position i."""
    j = i - 1
    while j >= 0 and text[j] in " \t•·●○◆■□":
        j -= 1
    return j < 0 or text[j] in "\n。；;：:！？!?"


@cache
def _post_words() -> tuple[str, ...]:
    return tuple(sorted(vocab()["comparators_post"], key=len, reverse=True))


def _classify_arabic(text: str, m: re.Match[str], unit: str) -> str:
    vs, ve = m.span("value")
    value = m.group("value")
    before = text[vs - 1] if vs > 0 else "\n"
    after = text[ve] if ve < len(text) else "\n"
    first = re.match(r"\d+", value).group(0)  # type: ignore[union-attr]
    if before == "/" or (after == "/" and text[ve + 1:ve + 2].isdigit()):
        return "code"
    if not unit and after.isascii() and after.isalpha():
        return "code"  # 5G, 11330208591592561J
    if not unit and before.isascii() and before.isalpha() and "." not in value:
        return "code"  # CO2, ISO9001
    if len(first) > 1 and first.startswith("0"):
        return "code"
    if not unit and len(first) >= 11:
        return "code"
    if before == "第":
        return "ordinal"
    if before == "每":
        return "per"  # 每10万人口: the base of a rate
    if after == "号" or _DOCNO_YEAR_RE.fullmatch(text, max(0, vs - 1), min(len(text), ve + 1)):
        return "docno"
    if not unit and before in "(（[［【" and after in ")）]］】":
        return "marker"  # (3), and citation marks [1] 【2】
    if not unit and (after in "、．" or (after == "." and not text[ve + 1:ve + 2].isdigit())) \
            and _line_start_before(text, vs):
        return "marker"
    years = re.findall(r"\d+", value)
    if all(len(y) == 4 and 1900 <= int(y) <= 2100 for y in years) and "." not in value and "," not in value \
            and unit in ("", "年"):
        return "year"
    if unit_category(unit) == "duration" or unit == "年":
        return "duration"
    if not unit and after in "月日":
        return "date"
    if not unit and _CJK.match(after) and not text.startswith(_post_words(), ve):
        return "name"  # “32232”科技合作工程 written without quotes
    return "quantity"


def _classify_chinese(text: str, m: re.Match[str], value: str, unit: str) -> str:
    vs, ve = m.span("value")
    before = text[vs - 1] if vs > 0 else "\n"
    after = text[ve] if ve < len(text) else "\n"
    rng = split_range(value)
    parts = rng if rng else (value,)
    if any(parse_chinese_int(p) is None for p in parts):
        return "year" if unit == "年" and len(value) == 4 else "word"
    if before == "第":
        return "ordinal"
    if before == "每":
        return "per"
    if not unit:
        if after == "、" or after == "是" or (before in "(（[［【" and after in ")）]］】"):
            return "marker"
        return "word"
    if not any(ch in _CN_DIGITS for ch in value) or value == "一":
        return "word"  # 百家, 千亿, a lone 一 ("一个", "一只")
    if split_unit(unit)[0] == "":
        return "word"  # 五十亿、百亿企业: adjectival sizes, not quantities
    if unit_category(unit) == "duration" or unit == "年":
        return "duration"
    return "quantity"


def _mention(text: str, m: re.Match[str], protected: list[tuple[int, int]]) -> NumberMention:
    """Build one classified NumberMention from a regex match on half-width text."""
    if m.group("date"):
        return NumberMention(m.group("date"), "", m.start(), m.end(), None, None, "", "date")
    value, unit = m.group("value"), m.group("unit") or ""
    start, end = m.start("value"), m.end()
    if not unit:
        end = m.end("value")  # a parenthesised unit counts only after a unit: 1人(个)
    chinese = value[0] in _CN_CHARS and not value.startswith("百分之")
    if value.startswith("百分之"):
        unit = "%"
    elif chinese:
        # a trailing 万/亿 of a Chinese numeral is a unit prefix: 五千万元 → 五千 + 万元
        tail = re.search(r"[万亿]+$", value)
        if tail and tail.start() > 0:
            value, unit = value[:tail.start()], value[tail.start():] + unit
    if any(a <= start and end <= b for a, b in protected):
        kind = "name"
    elif chinese:
        kind = _classify_chinese(text, m, value, unit)
    else:
        kind = _classify_arabic(text, m, unit)
    number, base = normalise(value, unit)
    return NumberMention(value, unit, start, end, parse_number(value), number, base, kind, m.group("approx") or "")


def find_numbers(text: str, *, quantities_only: bool = True) -> list[NumberMention]:
    """All number mentions in `text` with spans; by default only those that are quantities.

    With quantities_only=False every numeral is returned with its `kind` (year, date, docno, …).
    Spans refer to `text` as given; full-width digits are read in place and reported as written.
    """
    t = to_halfwidth(text)
    protected = _protected_spans(t)
    out = []
    for m in _mention_re().finditer(t):
        mention = _as_written(text, t, _mention(t, m, protected))
        if not quantities_only or mention.is_quantity:
            out.append(mention)
    return out


def _as_written(text: str, t: str, m: NumberMention) -> NumberMention:
    """Re-read value and unit from the original text at the same offsets (t is its half-width copy)."""
    value = text[m.start:m.start + len(m.value)]
    unit_at = t.find(m.unit, m.start + len(m.value), m.end) if m.unit else -1
    unit = text[unit_at:unit_at + len(m.unit)] if unit_at >= 0 else m.unit
    if value == m.value and unit == m.unit:
        return m
    return NumberMention(value, unit, m.start, m.end, m.numeric, m.number, m.base_unit, m.kind, m.approx)


def same_quantity(a: NumberMention, b: NumberMention, rel_tol: float = 1e-9) -> bool:
    """True when two mentions state the same amount (8.47亿元 == 84700万元; "310" matches "310家")."""
    if a.number is not None and b.number is not None and a.base_unit == b.base_unit:
        return abs(a.number - b.number) <= rel_tol * max(1.0, abs(a.number))
    if a.numeric is None or b.numeric is None:
        return a.value == b.value
    if (a.unit and b.unit) and split_unit(a.unit)[0] != split_unit(b.unit)[0]:
        return False
    return abs(a.numeric - b.numeric) <= rel_tol * max(1.0, abs(a.numeric))


def quantity_in(mention: NumberMention, text: str) -> bool:
    """True when `text` states the same quantity as `mention` (for grounding checks)."""
    return any(same_quantity(mention, other) for other in find_numbers(text, quantities_only=False))


# ---------------------------------------------------------------- more numerals: 二〇二四, 三点五, English words


def parse_chinese_numeral(s: str) -> float | None:
    """Any Chinese numeral: positional ("十五", "三千五百万" via ``parse_chinese_int``), digit by digit
    ("二〇二四" → 2024) or with a decimal point ("三点五" → 3.5); None if it is not one ("十四五")."""
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = parse_chinese_numeral(whole) if whole else 0
        if w is None or not frac or any(ch not in _CN_DIGITS for ch in frac):
            return None
        return float(f"{int(w)}." + "".join(str(_CN_DIGITS[ch]) for ch in frac))
    if len(s) > 1 and all(ch in _CN_DIGITS for ch in s):
        return float("".join(str(_CN_DIGITS[ch]) for ch in s))
    n = parse_chinese_int(s)
    return None if n is None else float(n)


@cache
def _english() -> dict[str, Any]:
    return vocab()["english"]


def parse_english_number(text: str) -> float | None:
    """Digits and/or English number words: "three hundred and ten" → 310, "1.5 million" → 1500000,
    "two thousand three hundred" → 2300, "twenty-five" → 25, "2,300" → 2300; None if not a number."""
    words, scales = _english()["words"], _english()["scales"]
    tokens = re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z]+", text.lower().replace("-", " "))
    if not tokens:
        return None
    total, current, seen = 0.0, 0.0, False
    for tok in tokens:
        if tok[0].isdigit():
            if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", tok) is None:
                return None
            current += float(tok.replace(",", ""))
            seen = True
        elif tok in words:
            current += words[tok]
            seen = True
        elif tok == "hundred":
            current = (current or 1) * 100
            seen = True
        elif tok in scales:
            total += (current or 1) * scales[tok]
            current, seen = 0.0, True
        elif tok in ("and", "a", "an"):
            continue
        else:
            return None
    return total + current if seen else None


@cache
def _english_re() -> re.Pattern[str]:
    e = _english()
    word = "|".join(sorted(list(e["words"]) + list(e["scales"]), key=len, reverse=True))
    num = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|(?:{word})\b"
    joint = rf"(?:\s+and\s+|\s+|-)(?:{word})\b"
    lead = r"(?:an?\s+(?=(?:hundred|thousand|million|billion)\b))?"
    after = "|".join(re.escape(u) for u in sorted(e["units_after"], key=len, reverse=True))
    before = "|".join(re.escape(u) for u in sorted(e["units_before"], key=len, reverse=True))
    return re.compile(rf"(?<![\w.,])(?:(?P<before>{before})\s*)?(?P<value>{lead}(?:{num})(?:{joint})*)"
                      rf"(?:\s*(?P<unit>{after})(?![a-z]))?", re.I)


def find_english_numbers(text: str) -> list[NumberMention]:
    """Numbers in English text, digits or words, with the unit they are given in ("3.5 billion yuan" →
    3.5e9 元, "59 percent" → 59 %, "1.5 percentage points" → 1.5 百分点, "three hundred and ten" → 310).

    Kinds as in ``find_numbers``: a 4-digit number 1900–2100 without unit is a "year"; a number after
    per/every is a rate base ("per"); "14th" is an "ordinal"; "five-year" a "duration"; a lone article
    word (a, one) is a "word"; digits written against a Chinese unit ("220亿元") are left to
    ``find_numbers``."""
    e = _english()
    out = []
    for m in _english_re().finditer(text):
        value = m.group("value").strip()
        start, end = m.start(), m.end()
        nxt = text[end:end + 1]
        if nxt and _CJK.match(nxt) and not m.group("unit"):
            continue  # 220亿元: the Chinese unit belongs to find_numbers
        number = parse_english_number(value)
        if number is None:
            continue
        unit = e["units_after"].get((m.group("unit") or "").lower()) or e["units_before"].get(
            (m.group("before") or "").lower(), "")
        before_words = re.findall(r"[a-z]+", text[max(0, start - 12):start].lower())
        rest = text[end:end + 12].lower()
        kind = "quantity"
        if value.lower() in e["articles"]:
            kind = "word"
        elif before_words and before_words[-1] in e["per_before"]:
            kind = "per"
        elif any(rest.startswith(s) for s in e["ordinal_suffixes"]) and value[-1].isdigit() and not m.group("unit"):
            kind = "ordinal"
        elif not unit and any(re.match(rf"\s*{re.escape(d)}\b", rest) for d in e["duration_after"]):
            kind = "duration"
        elif not unit and re.fullmatch(r"(?:19|20)\d{2}", value) and 1900 <= number <= 2100:
            kind = "year"
        base, mult = split_unit(unit)
        out.append(NumberMention(value, unit, start, end, number, number * mult, base, kind))
    return out


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
