"""Headings of Chinese plan documents: 第X章 / 一、 / （一） / 1. 1、 / （1） / ① (patterns in
base/data/genre.json). Pure functions over one line of text, shared by the splitter (ingest) and the
answer composers (assistant)."""
from __future__ import annotations

import re
from functools import lru_cache

from base.mentions import find_numbers
from base.regions import genre
from base.text import SENT_END

HEADING_TITLE_MAX = 40  # characters of a heading kept in a section path


@lru_cache(maxsize=1)
def _heading_patterns() -> tuple[tuple[int, re.Pattern[str]], ...]:
    return tuple((rank, re.compile(h["pattern"])) for rank, h in enumerate(genre()["headings"]))


def heading_rank(line: str) -> int | None:
    """Rank of the heading pattern a line starts with (0 = 第X章 … 6 = ①), or None."""
    s = line.lstrip()
    for rank, pat in _heading_patterns():
        if pat.match(s):
            return rank
    return None


_GAP = re.compile(r"[ \t\u3000]+")
_TITLE_PUNCT = re.compile(r"[，,。；;：:、]")
INLINE_TITLE_MAX = 12  # "一、总体目标 以打造…": a short title, then a gap, then the section's text
INLINE_REST_MIN = 10


@lru_cache(maxsize=1)
def _part_names() -> tuple[str, ...]:
    """What a plan's parts are called (目标, 任务, 措施 …, genre.json inline_title_ends): a short title
    ending so is a heading even when its text follows on the same line."""
    return tuple(genre().get("inline_title_ends", ()))


def inline_text_start(line: str) -> int | None:
    """Where the text of a heading's section starts on the heading's own line ("一、总体目标 以打造…"
    → the offset of 以), or None when the line is a heading alone or a numbered item."""
    s = line.lstrip()
    end = _title_end(s)
    if end == _sentence_end(s):
        return None
    g = _GAP.match(s, end)
    return len(line) - len(s) + (g.end() if g else end)


def text_after_title(line: str) -> int | None:
    """Where a titled heading's section text starts when it follows the title's own sentence on the
    same line ("(一)发展基础。“十二五”期间,江苏…" → the offset of “), or None when nothing follows."""
    s = line.lstrip()
    end = _sentence_end(s)
    if end >= len(s):
        return None
    g = _GAP.match(s, end + 1)
    start = g.end() if g else end + 1
    return len(line) - len(s) + start if start < len(s) else None


_SENTENCE_MARK = re.compile(f"[{re.escape(SENT_END[:-1])}]")


def _sentence_end(s: str) -> int:
    """Where the first sentence of a line ends (its length when it has no sentence mark)."""
    m = _SENTENCE_MARK.search(s)
    return m.start() if m else len(s)


def _title_end(s: str) -> int:
    """Where the title of a heading line ends: at its first sentence end, or, for a top-level
    heading (第X章, 第X节, 一、), at a gap after a short title naming a part of the plan when running
    text follows on the same line (pages converted from PDF: "一、总体目标 以打造“三个高地”为目标，…";
    never "一、强化 企业创新主体地位", a word broken by the conversion)."""
    end = _sentence_end(s)
    rank = heading_rank(s)
    if rank is not None and rank <= 2:
        num = _heading_patterns()[rank][1].match(s)
        after = num.end() if num else 0
        after += len(s[after:]) - len(s[after:].lstrip())
        g = _GAP.search(s, after)
        if g and 2 <= g.start() - after <= INLINE_TITLE_MAX and g.start() < end \
                and not _TITLE_PUNCT.search(s, after, g.start()) and len(s) - g.end() >= INLINE_REST_MIN \
                and s[after:g.start()].endswith(_part_names()):
            return g.start()
    return end


def heading_title(line: str) -> str:
    """The title part of a heading line, for the section path: '2.强化高新技术产业发展。继续…' →
    '2.强化高新技术产业发展'."""
    s = line.strip()
    s = s[:_title_end(s)]
    s = s.rstrip("。；;：:，, ")
    if len(s) > HEADING_TITLE_MAX:
        s = s[:HEADING_TITLE_MAX] + "…"
    return s


def heading_core(line: str) -> str:
    """The title of a heading line without its number: '(三)推进成果转化,加快融合。…' → '推进成果转化,加快融合'."""
    s = line.strip()
    s = s[:_title_end(s)]
    rank = heading_rank(s)
    if rank is not None:
        s = _heading_patterns()[rank][1].sub("", s.lstrip(), count=1)
    return s.strip().rstrip("：:，, ")


def is_too_long(core: str) -> bool:
    return not core or len(core) > int(genre().get("heading_max_chars", 30))


def states_quantity(core: str) -> bool:
    """A quantity written in digits ("42家", "2.5%"); counts in words ("举办两场创新活动",
    "深化三项科技合作") are the genre's titles."""
    return any(m.is_quantity and re.search(r"\d", m.value) for m in find_numbers(core))


def reads_as_title(line: str) -> bool:
    """Whether a numbered line's first sentence reads as a section title rather than as content:
    at most heading_max_chars characters without the number and no quantity in digits."""
    core = heading_core(line)
    return not is_too_long(core) and not states_quantity(core)
