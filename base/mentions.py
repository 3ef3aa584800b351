"""Finding number mentions in Chinese text and telling quantities from every other numeral.

- Only quantities count as quantities. Years ("2023年"), dates, durations ("三年"), document numbers
  (〔2021〕6号), index/code numbers (11330208591592561J/2023-25176, 5G), list markers ("1、", "(3)",
  citation marks "[1]"), ordinals ("第二批"), rate bases ("每10万人口"), names in short quotes or book
  titles (“32232”, “十四五”, 《…(2022-2024年)》) and Chinese numerals that are not followed by a
  measure word ("二十大", "一批", "三大") are not.
  A lone Chinese "一" ("一个", "一只") is treated as an article, not a quantity.
- `find_numbers(text)` returns the quantities; `find_numbers(text, quantities_only=False)` returns
  every numeral with its `kind` (see ``base.numbers.KINDS``) so a caller can choose.

Parsing a value and its unit is ``base.numbers``.
"""
from __future__ import annotations

import re
from functools import cache

from base.numbers import (ARABIC, CJK, CN_CHARS, CN_DIGITS, CN_RUN, RANGE_SEP, NumberMention, normalise,
                          parse_chinese_int, parse_number, split_range, split_unit, to_halfwidth,
                          unit_category, unit_pattern, vocab)


@cache
def _mention_re() -> re.Pattern[str]:
    units = unit_pattern()
    date = (r"\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?!\d)"
            r"|\d{4}年\d{1,2}月(?:\d{1,2}[日号])?|(?<!\d)\d{1,2}月\d{1,2}[日号]")
    value = (rf"百分之{CN_RUN}"
             rf"|(?:{ARABIC})(?:\s*{RANGE_SEP}\s*(?:{ARABIC}))?"
             rf"|{CN_RUN}(?:[至到~-]{CN_RUN})?")
    return re.compile(
        rf"(?P<date>{date})"
        rf"|(?<![\d.A-Za-z])(?P<value>{value})"
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


def _row_start_before(text: str, pos: int) -> bool:
    """Only whitespace or a table cell's border between the line's start and `pos`."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\u3000|":
        i -= 1
    return i < 0 or text[i] == "\n"


_LABEL_NUMBER = re.compile(r"\d{1,2}(?:[-.]\d{1,2})+")
_LABEL_AFTER = re.compile(r"[ \t\u3000]+[\u4e00-\u9fff]")
_PAGE_MARK = re.compile(r"\s?[—–-]\s?\d{1,3}\s?[—–-]\s?|[—–-]\d{1,3}[—–-]..?|.?.?[—–-]\d{1,3}[—–-]")


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
    if not unit and value.isdigit() and _PAGE_MARK.fullmatch(text, max(0, vs - 2), min(len(text), ve + 2)):
        return "marker"  # a page number left in the text by a conversion: —1—, - 12 -
    if not unit and (after in "、．：" or (after in ".:" and not text[ve + 1:ve + 2].isdigit())) \
            and _line_start_before(text, vs):  # 1、 1. 1： at a line's start: an item's number
        return "marker"
    if not unit and value.isdigit() and len(value) <= 3 and after in " \t\u3000|" and _row_start_before(text, vs):
        return "marker"  # "35 强化企业创新主体地位…", "| 35 | …": the number of a table's row
    if not unit and _LABEL_NUMBER.fullmatch(value) and _LABEL_AFTER.match(text, ve):
        return "marker"  # "1-1 十三五时期研发经费投入情况", "1.1 发展回顾": a section's or a table's number
    years = re.findall(r"\d+", value)
    if all(len(y) == 4 and 1900 <= int(y) <= 2100 for y in years) and "." not in value and "," not in value \
            and unit in ("", "年"):
        return "year"
    if unit_category(unit) == "duration" or unit == "年":
        return "duration"
    if not unit and after in "月日":
        return "date"
    if not unit and CJK.match(after) and not text.startswith(_post_words(), ve):
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
    if not any(ch in CN_DIGITS for ch in value) or value == "一":
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
    chinese = value[0] in CN_CHARS and not value.startswith("百分之")
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
