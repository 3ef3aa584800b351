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


def heading_title(line: str) -> str:
    """The title part of a heading line, for the section path: '2.强化高新技术产业发展。继续…' →
    '2.强化高新技术产业发展'."""
    s = line.strip()
    m = re.search(f"[{re.escape(SENT_END[:-1])}]", s)
    if m:
        s = s[: m.start()]
    s = s.rstrip("。；;：:，, ")
    if len(s) > HEADING_TITLE_MAX:
        s = s[:HEADING_TITLE_MAX] + "…"
    return s


def heading_core(line: str) -> str:
    """The title of a heading line without its number: '(三)推进成果转化,加快融合。…' → '推进成果转化,加快融合'."""
    s = line.strip()
    m = re.search(f"[{re.escape(SENT_END[:-1])}]", s)
    if m:
        s = s[: m.start()]
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
