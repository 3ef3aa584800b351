"""A document's own structure, read from its visible text: the numbered headings (一、 （一） 1. …)
as a tree, each with the span of its section. Overviews, goal sections, named groups and lists
of sibling items are answered from it. Computed once per stored document version."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from base.headings import heading_core, heading_rank, heading_title, inline_text_start, reads_as_title, text_after_title
from store import StoredDoc


_TOC_ENTRY = re.compile(r"[\u4e00-\u9fff）)]\s*[.…·]*\s*\d{1,3}\s*$")  # "三、重点任务 10": a contents line


@dataclass
class Node:
    rank: int  # heading pattern rank (0 第X章 … 6 ①)
    depth: int  # 1 = top level of this document
    title: str  # "一、力争全省考评保位"
    core: str  # "力争全省考评保位"
    start: int  # the heading line
    line_end: int
    end: int  # where its section ends (next heading of the same or a higher level, or the text's end)
    titled: bool  # its first sentence reads as a title (else a numbered item with content)
    children: list["Node"] = field(default_factory=list)
    toc: bool = False  # an entry of a table of contents ("三、重点任务 10"), not a heading of the text
    text_start: int | None = None  # its section's text begins on its own line ("一、总体目标 以打造…")

    @property
    def title_end(self) -> int:
        """Where the heading's title ends: its line's end, or where its section's text starts on it."""
        return self.line_end if self.text_start is None else self.text_start

    def body(self, text: str) -> tuple[int, int]:
        """Span of what stands under the heading line (its own line excluded, unless the section's
        text begins on it after a short title)."""
        return self.title_end, self.end


@dataclass
class Outline:
    roots: list[Node]
    nodes: list[Node]  # document order, headings of the text
    contents: list[Node] = field(default_factory=list)  # top entries of a table of contents, if any
    toc_nodes: list[Node] = field(default_factory=list)  # every entry of that table of contents

    def top(self) -> list[Node]:
        """The first level that has two or more headings (a plan with one 一、 wrapper → its children);
        a table of contents when the text itself shows fewer of its parts (an excerpt)."""
        level = self.roots
        while len(level) == 1 and level[0].children:
            level = level[0].children
        if len(self.contents) > len(level) and len(level) < 3:
            return self.contents
        return level

    def siblings(self) -> list[tuple[Node | None, list[Node]]]:
        """Every group of sibling headings, of the text and of its table of contents: (parent or None
        for the top, children in order)."""
        out: list[tuple[Node | None, list[Node]]] = [(None, self.roots)] if self.roots else []
        out += [(n, n.children) for n in self.nodes if n.children]
        if self.contents:
            out.append((None, self.contents))
        out += [(n, n.children) for n in self.toc_nodes if n.children]
        return out

    def at(self, pos: int) -> list[Node]:
        """The headings whose sections contain `pos`, outermost first."""
        return [n for n in self.nodes if n.start <= pos < n.end]


def _lines(text: str, begin: int) -> list[tuple[int, int]]:
    out, pos = [], begin
    for line in text[begin:].split("\n"):
        a = pos + len(line) - len(line.lstrip())
        b = pos + len(line.rstrip())
        if b > a:
            out.append((a, b))
        pos += len(line) + 1
    return out


def build_outline(text: str, begin: int = 0) -> Outline:
    """The heading tree of text[begin:]. A heading opens a section that runs to the next heading of
    the same or a higher rank."""
    body: list[tuple[int, int, int, str, bool]] = []
    toc: list[tuple[int, int, int, str, bool]] = []
    for a, b in _lines(text, begin):
        line = text[a:b]
        rank = heading_rank(line)
        if rank is None:
            continue
        if _TOC_ENTRY.search(line):  # "三、重点任务 10": a contents entry, titled without its page number
            toc.append((rank, a, b, _TOC_ENTRY.sub(lambda m: m.group(0)[0], line).strip(), True))
        else:
            body.append((rank, a, b, line, reads_as_title(line)))
    roots, nodes = _tree(body, len(text), toc=False)
    contents, toc_nodes = _tree(toc, len(text), toc=True)
    return Outline(roots=roots, nodes=nodes, contents=contents, toc_nodes=toc_nodes)


def _tree(lines: list[tuple[int, int, int, str, bool]], text_end: int, toc: bool) -> tuple[list[Node], list[Node]]:
    """Heading lines (rank, start, line end, title line, titled) nested by rank: (roots, all nodes)."""
    nodes: list[Node] = []
    stack: list[Node] = []
    roots: list[Node] = []
    for rank, a, b, line, titled in lines:
        while stack and stack[-1].rank >= rank:
            stack.pop().end = a
        inline = None if toc else inline_text_start(line)
        if inline is None and titled and not toc:
            inline = text_after_title(line)  # "(一)发展基础。“十二五”期间…": the title is its first sentence
        node = Node(rank=rank, depth=len(stack) + 1, title=heading_title(line), core=heading_core(line),
                    start=a, line_end=b, end=text_end, titled=titled, toc=toc,
                    text_start=None if inline is None else a + inline)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        nodes.append(node)
    if toc:
        for n in nodes:
            n.end = n.line_end  # a contents entry covers no text
    return roots, nodes


@lru_cache(maxsize=2048)
def _cached(key: str, text: str, begin: int) -> Outline:
    return build_outline(text, begin)


def outline(stored: StoredDoc) -> Outline:
    return _cached(stored.key, stored.doc.text, stored.meta.header_end or 0)
