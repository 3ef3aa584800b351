"""Stage 4: split a document along its own structure.

Headings 第X章 / 一、 / （一） / 1. 1、 / （1） / ① open sections; each numbered item (with the
paragraphs under it) becomes a chunk carrying its section path and character span. Items longer
than the size bound are split at sentence ends (。；！？), never inside a sentence. Header lines
(索引号, 发布机构 …, before ``meta.header_end``) are metadata, not content, and are not chunked.

A numbered line is one of three things:
- a heading only ("2.强化高新技术产业发展", with something under it): names the section, no content;
- a heading with body on the same line ("2.强化高新技术产业发展。继续做好…"): the title (up to the
  first sentence end) names the section, the whole line is content;
- a list item ("1.新增高新技术企业42家，培育科技型中小企业100家。", or any numbered line that has
  nothing under it, or whose first sentence does not read as a title — longer than
  ``heading_max_chars`` or stating a quantity in digits): content under its parent's section; it
  does not add a title to the section path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .genre import genre
from .numbers import find_numbers
from .types import Chunk, Doc, DocMeta

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
    m = re.search(r"[。；;！？!?]", s)
    if m:
        s = s[: m.start()]
    s = s.rstrip("。；;：:，, ")
    if len(s) > HEADING_TITLE_MAX:
        s = s[:HEADING_TITLE_MAX] + "…"
    return s


def heading_core(line: str) -> str:
    """The title of a heading line without its number: '(三)推进成果转化,加快融合。…' → '推进成果转化,加快融合'."""
    s = line.strip()
    m = re.search(r"[。；;！？!?]", s)
    if m:
        s = s[: m.start()]
    rank = heading_rank(s)
    if rank is not None:
        s = _heading_patterns()[rank][1].sub("", s.lstrip(), count=1)
    return s.strip().rstrip("：:，, ")


def _title_too_long(core: str) -> bool:
    return not core or len(core) > int(genre().get("heading_max_chars", 30))


def _states_quantity(core: str) -> bool:
    """A quantity written in digits ("42家", "2.5%"); counts in words ("举办两场创新活动",
    "深化三项科技合作") are the genre's titles."""
    return any(m.is_quantity and re.search(r"\d", m.value) for m in find_numbers(core))


def reads_as_title(line: str) -> bool:
    """Whether a numbered line's first sentence reads as a section title rather than as content:
    at most heading_max_chars characters without the number and no quantity in digits."""
    core = heading_core(line)
    return not _title_too_long(core) and not _states_quantity(core)


@dataclass
class _Para:
    start: int
    end: int
    text: str
    rank: int | None


def paragraphs(text: str, begin: int = 0) -> list[_Para]:
    """Non-empty lines of text[begin:] with absolute offsets (leading/trailing spaces trimmed)."""
    out = []
    pos = begin
    for line in text[begin:].split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            s = pos + lead
            out.append(_Para(s, s + len(stripped), stripped, heading_rank(stripped)))
        pos += len(line) + 1
    return out


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of sentences in text[start:end], each ending at a sentence end (。；！？) or at `end`."""
    ends = genre()["sentence_ends"]
    spans = []
    s = start
    i = start
    while i < end:
        if text[i] in ends:
            # keep closing quotes/brackets with the sentence
            j = i + 1
            while j < end and text[j] in "”’\"）)】」":
                j += 1
            spans.append((s, j))
            s = j
            i = j
            continue
        i += 1
    if s < end:
        spans.append((s, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def pack_spans(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Greedily join consecutive spans into pieces of at most `size` characters (a single longer
    span stays whole)."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and b - out[-1][0] <= size:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def trim_span(text: str, a: int, b: int) -> tuple[int, int]:
    """Shrink [a, b) so it neither starts nor ends with white space."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def line_kind(p: _Para, nxt: _Para | None) -> str:
    """'heading' (names a section, no content), 'titled' (title + body on the line) or 'item'
    (a numbered list item with content) for a numbered paragraph `p`; `nxt` is the paragraph after it."""
    core = heading_core(p.text)
    if _title_too_long(core):
        return "item"  # its first sentence is a sentence, not a title
    if heading_title(p.text) != p.text.rstrip("。；;：: "):
        return "titled"  # "2.强化高新技术产业发展。继续做好…": title + body on the line
    if _states_quantity(core):
        return "item"  # "1.新增高新技术企业42家，培育科技型中小企业100家。"
    if nxt is None or (nxt.rank is not None and nxt.rank <= p.rank):
        return "item"  # nothing under it: a one-line item, not a section
    if nxt.rank is None and p.text[-1:] in genre()["sentence_ends"]:
        return "titled"  # "2.强化…。" + paragraphs: keep the sentence with its paragraphs
    return "heading"


def split(doc: Doc, meta: DocMeta, size: int = 360, prefix: str | None = None) -> list[Chunk]:
    """Chunks of a document's body, each with its section path and span in ``doc.text``.

    Chunk ids are ``<prefix>:<n>``; the prefix defaults to the document hash.
    """
    text = doc.text
    paras = paragraphs(text, meta.header_end)
    # drop the title line(s): the title travels as metadata and as the chunk label
    if meta.title:
        paras = [p for p in paras if not (p.text == meta.title or (meta.title in p.text and len(p.text) <= len(meta.title) + 20 and p.rank is None and "《" in p.text))]

    stack: list[tuple[int, str]] = []  # (rank, title); "" = a list item, no title in the path
    groups: list[tuple[str, list[_Para]]] = []  # (section path, paragraphs)
    for i, p in enumerate(paras):
        if p.rank is not None:
            while stack and stack[-1][0] >= p.rank:
                stack.pop()
            kind = line_kind(p, paras[i + 1] if i + 1 < len(paras) else None)
            stack.append((p.rank, heading_title(p.text) if kind != "item" else ""))
            path = " > ".join(t for _, t in stack if t)
            groups.append((path, [] if kind == "heading" else [p]))
        else:
            path = " > ".join(t for _, t in stack if t)
            if groups and groups[-1][0] == path:
                groups[-1][1].append(p)
            else:
                groups.append((path, [p]))

    chunks: list[Chunk] = []
    prefix = prefix or doc.sha256[:16]
    for path, ps in groups:
        if not ps:
            continue
        spans: list[tuple[int, int]] = []
        for p in ps:
            spans.extend(sentence_spans(text, p.start, p.end) if p.end - p.start > size else [(p.start, p.end)])
        for a, b in pack_spans(spans, size):
            a, b = trim_span(text, a, b)
            if a >= b:
                continue
            heading = path.split(" > ")[-1] if path else ""
            chunks.append(Chunk(id=f"{prefix}:{len(chunks)}", doc=doc.path, section=path,
                                start=a, end=b, text=text[a:b], heading=heading))
    return chunks
