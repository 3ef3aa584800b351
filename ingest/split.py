"""Stage 4: split a document along its own structure.

Headings 第X章 / 一、 / （一） / 1. 1、 / （1） / ① open sections; each numbered item (with the
paragraphs under it) becomes a chunk carrying its section path and character span. Items longer
than the size bound are split at sentence ends (。；！？); a sentence still longer than the bound
(text without sentence ends, e.g. one 2 MB line) at clause marks (，、：), then at the bound itself,
so no chunk is ever longer than ``size`` characters. Header lines
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

from dataclasses import dataclass

from base.headings import heading_core, heading_rank, heading_title, is_too_long, states_quantity
from base.text import SENT_END, sentence_spans, trim_span
from base.types import Chunk, Doc, DocMeta


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


CLAUSE_MARKS = "，、,：:"


def bounded_spans(text: str, a: int, b: int, size: int) -> list[tuple[int, int]]:
    """[a, b) cut into spans of at most `size` characters: after the last clause mark (，、：) that
    fits, or at `size` characters when none does."""
    out = []
    while b - a > size:
        cut = max(text.rfind(m, a, a + size) for m in CLAUSE_MARKS)
        cut = cut + 1 if cut > a else a + size
        out.append((a, cut))
        a = cut
    if a < b:
        out.append((a, b))
    return out


def line_kind(p: _Para, nxt: _Para | None) -> str:
    """'heading' (names a section, no content), 'titled' (title + body on the line) or 'item'
    (a numbered list item with content) for a numbered paragraph `p`; `nxt` is the paragraph after it."""
    core = heading_core(p.text)
    if is_too_long(core):
        return "item"  # its first sentence is a sentence, not a title
    if heading_title(p.text) != p.text.rstrip("。；;：: "):
        return "titled"  # "2.强化高新技术产业发展。继续做好…": title + body on the line
    if states_quantity(core):
        return "item"  # "1.新增高新技术企业42家，培育科技型中小企业100家。"
    if nxt is None or (nxt.rank is not None and nxt.rank <= p.rank):
        return "item"  # nothing under it: a one-line item, not a section
    if nxt.rank is None and p.text[-1:] in SENT_END:
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
            for a, b in (sentence_spans(text, p.start, p.end) if p.end - p.start > size else [(p.start, p.end)]):
                spans.extend(bounded_spans(text, a, b, size))
        for a, b in pack_spans(spans, size):
            a, b = trim_span(text, a, b)
            if a >= b:
                continue
            heading = path.split(" > ")[-1] if path else ""
            chunks.append(Chunk(id=f"{prefix}:{len(chunks)}", doc=doc.path, section=path,
                                start=a, end=b, text=text[a:b], heading=heading))
    return chunks
