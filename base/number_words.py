"""More numerals: Chinese digit strings and decimals (二〇二四, 三点五) and English numbers in digits or
words ("three hundred and ten", "1.5 million", "3.5 billion yuan"), as the grounding check of
generated answers reads them. Positional Chinese numerals (十五, 三千五百万) are ``base.numbers``."""
from __future__ import annotations

import re
from functools import cache
from typing import Any

from base.numbers import CJK, CN_DIGITS, NumberMention, parse_chinese_int, split_unit, vocab


def parse_chinese_numeral(s: str) -> float | None:
    """Any Chinese numeral: positional ("十五", "三千五百万" via ``parse_chinese_int``), digit by digit
    ("二〇二四" → 2024) or with a decimal point ("三点五" → 3.5); None if it is not one ("十四五")."""
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = parse_chinese_numeral(whole) if whole else 0
        if w is None or not frac or any(ch not in CN_DIGITS for ch in frac):
            return None
        return float(f"{int(w)}." + "".join(str(CN_DIGITS[ch]) for ch in frac))
    if len(s) > 1 and all(ch in CN_DIGITS for ch in s):
        return float("".join(str(CN_DIGITS[ch]) for ch in s))
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
        if nxt and CJK.match(nxt) and not m.group("unit"):
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
