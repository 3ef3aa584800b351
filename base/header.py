"""The header block of a government web page: 索引号, 发布机构, 发文字号, 成文日期 … as key/value pairs.

Pages lay the block out in many ways, and the loader keeps each as text:

    索引号: 11330208591592561J/2023-25176  主题分类: 科技        (pairs on one line)
    索引号:；kjj-2023-00020；发布机构:；中共环县委办公室            (table cells joined with ；)
    [ 发文字号 ] | 大渡口府发〔2021〕17号 |                        (bracketed labels, | cells)
    索引号；11341703003250048P/202305-00023；组配分类；政策文件    (bare known labels)

``header_pairs(text)`` reads them all into ``HeaderField``s with the span of each value in the text,
so a value can be cited and any label — known or not — can be asked about. Pure functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from base.numbers import CN_DIGITS, parse_chinese_int
from base.regions import genre

HEADER_SCAN_LINES = 40  # header fields are looked for in the first lines only
MAX_VALUE = 80  # a longer "value" is body text, not a header field
_CELL_SEP = re.compile(r"\s*[；|｜]\s*")
_BRACKETS = re.compile(r"^[\[【［(（]\s*|\s*[\]】］)）]$")
_LABEL = re.compile(r"^[\u4e00-\u9fff](?:\s*[\u4e00-\u9fff]){1,5}$")


@dataclass(frozen=True)
class HeaderField:
    key: str  # the label as a compact string: 索引号, 发文字号 …
    field: str  # the canonical field it names (issuer, date, doc_no, title, other) or "" when unknown
    value: str
    start: int  # span of the value in the text
    end: int
    line_start: int  # span of the whole line
    line_end: int


def compact(label: str) -> str:
    """'[ 文  号 ]:' → '文号'."""
    s = _BRACKETS.sub("", label.strip())
    s = s.rstrip(":：").strip()
    s = _BRACKETS.sub("", s)
    return re.sub(r"\s+", "", s)


@lru_cache(maxsize=1)
def known_keys() -> dict[str, str]:
    """Every known header label → its canonical field (genre.json meta_fields)."""
    return {k: f for f, keys in genre()["meta_fields"].items() for k in keys}


def _key_regex(key: str) -> str:
    """'文号' → '文\\s*号' (scraped pages pad labels with spaces: '文       号')."""
    return r"\s*".join(map(re.escape, key))


@lru_cache(maxsize=1)
def _inline_re() -> re.Pattern[str]:
    keys = sorted(known_keys(), key=len, reverse=True)
    alts = "|".join(_key_regex(k) for k in keys)
    return re.compile(rf"(?:^|(?<=\s))(?P<k>{alts})\s*[:：]")


def _is_label(cell: str) -> bool:
    """A cell that names a field: a known label, a bracketed label, or a short label with a colon."""
    raw = cell.strip()
    key = compact(raw)
    if not key:
        return False
    if key in known_keys():
        return True
    bracketed = bool(re.match(r"^[\[【［]", raw)) and bool(re.search(r"[\]】］]\s*[:：]?$", raw))
    colon = raw.endswith((":", "："))
    return (bracketed or colon) and bool(_LABEL.match(key))


def _cells(line: str) -> list[tuple[int, int]]:
    """Spans of the cells of a line split at ；|｜ (white space trimmed, empty cells dropped)."""
    out, pos = [], 0
    for m in list(_CELL_SEP.finditer(line)) + [None]:
        end = m.start() if m else len(line)
        a, b = pos, end
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
        pos = m.end() if m else len(line)
    return out


def _pairs_in_cells(line: str) -> list[tuple[str, int, int]]:
    """(label, value start, value end) from a line of cells; a label followed by a label is empty."""
    cells = _cells(line)
    out = []
    for i, (a, b) in enumerate(cells):
        if not _is_label(line[a:b]):
            continue
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if nxt and not _is_label(line[nxt[0]:nxt[1]]):
            out.append((compact(line[a:b]), nxt[0], nxt[1]))
        else:
            out.append((compact(line[a:b]), b, b))
    return out


def _pairs_inline(line: str) -> list[tuple[str, int, int]]:
    """'索引号: X 主题分类: Y' → label/value pairs (values end where the next label starts)."""
    ms = list(_inline_re().finditer(line))
    out = []
    for i, m in enumerate(ms):
        stop = ms[i + 1].start() if i + 1 < len(ms) else len(line)
        a, b = m.end(), stop
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        out.append((compact(m.group("k")), a, b))
    return out


def _lines(text: str, max_lines: int):
    """(offset, line) of the first lines."""
    offset = 0
    for n, line in enumerate(text.split("\n")):
        if n >= max_lines:
            break
        yield offset, line
        offset += len(line) + 1


def _pairs_of(line: str) -> list[tuple[str, int, int]]:
    pairs = _pairs_in_cells(line) if _CELL_SEP.search(line) else []
    return pairs or _pairs_inline(line)


# a date as pages write it (2021-04-26, 2021/4/26, 2021年4月26日), and the 年月日 form alone
DATE = r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
CN_DATE = r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
DATE_TIME = DATE + r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"  # 2021-04-26 10:23(:08)
_LEADING_DATE = re.compile(DATE_TIME)
# a date in Chinese numerals, as official documents sign them (二○一○年二月二十六日; 〇, ○ or 零 for 0)
_CN_ZERO = "〇○零"
CN_NUMERAL_DATE = (rf"(?P<cy>[{_CN_ZERO}一二三四五六七八九]{{4}})\s*年\s*(?P<cm>[一二三四五六七八九十]{{1,2}})\s*月"
                   rf"\s*(?P<cd>[一二三四五六七八九十]{{1,3}})\s*日")
_CN_NUMERAL_DATE = re.compile(CN_NUMERAL_DATE)
_CN_DIGIT = {**CN_DIGITS, **{z: 0 for z in _CN_ZERO}}  # a year's digits one by one (二○一○)
_CN_DIGIT_CHARS = "〇一二三四五六七八九"


def arabic_dates(text: str) -> str:
    """`text` with its dates in Chinese numerals written in Arabic ones (二○一○年二月二十六日 →
    2010年2月26日), so that one date pattern reads both."""
    def repl(m: re.Match[str]) -> str:
        y = "".join(str(_CN_DIGIT[c]) for c in m["cy"])
        mo, d = parse_chinese_int(m["cm"]), parse_chinese_int(m["cd"])
        return m.group(0) if mo is None or d is None else f"{y}年{mo}月{d}日"
    return _CN_NUMERAL_DATE.sub(repl, text)


def chinese_date_forms(y: int, m: int, d: int) -> list[str]:
    """The ways a document signs a date in Chinese numerals (二○一○年二月二十六日, 二〇一〇年…)."""
    def small(n: int) -> str:
        digits = _CN_DIGIT_CHARS
        return digits[n] if n < 10 else ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")
    out = []
    for zero in _CN_ZERO:
        year = "".join(_CN_DIGIT_CHARS[int(c)] for c in f"{y:04d}").replace("〇", zero)
        out.append(f"{year}年{small(m)}月{small(d)}日")
    return out
_UNLABELLED_DATE = re.compile(r"^[\s|｜]*(?P<date>" + DATE_TIME + r")\s+(?=[\u4e00-\u9fff]{2,4}\s*[:：])"
                              # or a line of its own giving a day in figures and a time (2022-04-07 15:40:38)
                              r"|^\s*(?P<stamp>(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?)\s*$")


def header_pairs(text: str, max_lines: int = HEADER_SCAN_LINES) -> list[HeaderField]:
    """Every label/value pair of the header block (the first ``max_lines`` lines), in order.
    Empty values (无, -, a label followed by another label) are dropped."""
    empty = set(genre()["empty_values"])
    out: list[HeaderField] = []
    for offset, line in _lines(text, max_lines):
        pairs = _pairs_of(line)
        # 2022-01-24 09:58:08 来源: 科技日报; || 2022-10-21 16:40:03 编辑: … 审核人: …: the line's date has no
        # label, and the labels after it may be ones no list knows
        lead = _UNLABELLED_DATE.match(line)
        if not pairs and not lead:
            continue
        if lead and not any(a < lead.end() for _, a, _ in pairs):
            g = "date" if lead.group("date") else "stamp"
            out.append(HeaderField(key="日期", field="date", value=lead.group(g), start=offset + lead.start(g),
                                   end=offset + lead.end(g), line_start=offset, line_end=offset + len(line)))
        for key, a, b in pairs:
            value = re.sub(r"\s+", " ", line[a:b]).strip()
            if len(value) > MAX_VALUE and known_keys().get(key) == "date":
                lead = _LEADING_DATE.match(value)  # 发布时间:2021-04-26 10:23 作者:… then the body on the same line
                value = lead.group(0) if lead else value
            elif len(value) > MAX_VALUE:
                lead = _VALUE_BEFORE_LABEL.match(value)  # 信息来源:鹰潭日报 作者:段菡蓉6月6日,… then the body
                value = lead.group(1) if lead else value
            if not value or value in empty or len(value) > MAX_VALUE:
                continue
            out.append(HeaderField(key=key, field=known_keys().get(key, ""), value=value,
                                   start=offset + a, end=offset + b, line_start=offset, line_end=offset + len(line)))
    return out


_VALUE_BEFORE_LABEL = re.compile(r"(\S{1,30})\s+[\u4e00-\u9fff]{2,4}[:：]")
_LEADING_TOKEN = re.compile(r"[0-9A-Za-z:./\-]+|[^\s]{1,20}(?=\s)")
_SHORT_PAIR = re.compile(r"\s*[\u4e00-\u9fff]{2,4}[:：]\s*(?:[0-9A-Za-z./\-]+|[^\s:：]{1,12}(?=\s))")


def _line_header_end(line: str, pairs: list[tuple[str, int, int]]) -> int:
    """Where a header line's header ends: its end, unless its last value runs on into the body (a PDF
    or page that put 日期:… 评论:0 and the article's lead on one line): then the end of that value's
    leading date or token."""
    _, a, b = pairs[-1]
    if len(re.sub(r"\s+", " ", line[a:b]).strip()) <= MAX_VALUE:
        return len(line)
    lead = _LEADING_DATE.match(line, a) or _LEADING_TOKEN.match(line, a)
    end = lead.end() if lead else a
    while more := _SHORT_PAIR.match(line, end):  # 作者:南昌采茶戏 浏览:65 评论:0, labels no list knows
        end = more.end()
    return end


_BODY_LINE = re.compile(r"[。；;！!？?]")
BODY_LINE_CHARS = 60


def _is_body_line(line: str) -> bool:
    """A paragraph of running text (long, with a sentence end): once one has come, the header is over."""
    return len(line.strip()) >= BODY_LINE_CHARS and bool(_BODY_LINE.search(line))


def header_end(text: str, max_lines: int = HEADER_SCAN_LINES) -> int:
    """Offset of the end of the header: the end of the last line that holds a header label, or of
    that line's last value when the body runs on after it (0 when there is no label). Labels after
    the body has begun (a short page's closing 来源:… line) are no part of the header."""
    end = 0
    for offset, line in _lines(text, max_lines):
        pairs = _pairs_of(line)
        if pairs:
            end = max(end, offset + _line_header_end(line, pairs))
        elif _is_body_line(line):
            break
    return end
