"""What every composer works from (a ``Context``) and the pieces every answer is built with:
citations, document names, the question's term weights and the evidence sentences retrieval found."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

from langchain_core.documents import Document

from assistant.evidence import alternatives, coverage, match_text, maximal_terms, term_in, term_len
from assistant.query import Query, is_basis_word, quoted, vocab
from assistant.compose.members import item_head
from assistant.compose.params import params
from base.text import sentences, tidy_quote
from base.tokenize import is_nominal, is_word
from base.types import Answer, Citation
from store import StoredDoc

LOWERED_CACHE = 8192  # document texts kept in matching form (≈ 2 bytes a character: ~30 MB at 1,000 plans)


@dataclass
class Context:
    query: Query
    docs: dict[str, StoredDoc]  # documents in scope, by path
    passages: list[Document]  # retrieved, best first
    all_docs: dict[str, StoredDoc] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)  # scope weight of each document in scope
    note: str = ""  # what scoping found that a refusal should say ("year": no plan covers the year)
    groups: list[dict[str, StoredDoc]] = field(default_factory=list)  # one per region/document named
    # retrieval for a narrower (or wider) set of documents: (document paths or None for all, k)
    search: Callable[[frozenset[str] | None, int | None], list[Document]] | None = None

    def sub(self, docs: dict[str, StoredDoc], k: int | None = None) -> "Context":
        """The same question over `docs` only, with passages retrieved from them."""
        passages = (self.search(frozenset(docs), k) if self.search is not None
                    else [d for d in self.passages if d.metadata["doc"] in docs])
        return replace(self, docs=docs, passages=passages, groups=[docs])

    def wide(self, k: int) -> list[Document]:
        """Passages over every document in scope, more of them (for answers spanning documents)."""
        return self.search(frozenset(self.docs), k) if self.search is not None else self.passages

    def rank_of_chunk(self) -> dict[str, int]:
        return {d.metadata["id"]: i for i, d in enumerate(self.passages)}

    def rank_of_doc(self) -> dict[str, int]:
        return {d.metadata["doc"]: i for i, d in reversed(list(enumerate(self.passages)))}


class CitationBuilder:
    """Numbers citations [1], [2] … and de-duplicates spans already cited."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def cite(self, stored: StoredDoc, a: int, b: int, section: str | None = None) -> int:
        a, b = tidy_quote(stored.doc.text, a, b)
        for c in self.items:
            if c.doc == stored.doc.path and c.start <= a and b <= c.end:
                return c.n
        n = len(self.items) + 1
        self.items.append(Citation(
            n=n, doc=stored.doc.path, title=stored.meta.shown_title, region=stored.meta.region,
            date=stored.meta.date, section=section if section is not None else section_at(stored, a),
            quote=stored.doc.text[a:b], start=a, end=b, issuer=stored.meta.issuer))
        return n

    def mark(self, n: int, lang: str) -> str:
        return f" [{n}]" if lang == "en" else f"[{n}]"


def section_at(stored: StoredDoc, pos: int) -> str:
    """The section path of the chunk of a stored document that holds offset `pos` ("" outside any)."""
    for c in stored.chunks:
        if c.start <= pos < c.end:
            return c.section
    return ""


def doc_words(stored: StoredDoc) -> str:
    """What the document says about itself (title, issuer, kind, region): a question may name the
    document ("科创局…") rather than words of the evidence sentence."""
    m = stored.meta
    return " ".join(filter(None, (m.title, m.issuer, m.kind, m.region, *m.aliases)))


def doc_name(stored: StoredDoc, lang: str) -> str:
    m = stored.meta
    title = f"《{m.shown_title}》" if m.shown_title else (f"（{m.kind}）" if m.kind else ("(untitled)" if lang == "en" else "（无标题文件）"))
    region = m.region or ("region not stated" if lang == "en" else "地区未注明")
    return f"{region} {title}" if lang == "en" else f"{region}{title}"


def say(q: Query, zh: str, en: str) -> str:
    return en if q.lang == "en" else zh


def answer(q: Query, text: str, cb: CitationBuilder, **kw) -> Answer:
    return Answer(question=q.text, answer=text, refused=False, citations=cb.items, **kw)


# ---------------------------------------------------------------- the question's terms
def term_weights(q: Query) -> dict[str, float]:
    return q.weights


@lru_cache(maxsize=LOWERED_CACHE)
def lowered(text: str) -> str:
    """A document's text in the form terms are matched in (``match_text``), once per text. Every
    question weighs its terms against every document in scope, so the cache holds more texts than
    an index has documents: a smaller one is emptied by each pass over a large index."""
    return match_text(text)


def with_weights(q: Query, docs: dict[str, StoredDoc]) -> Query:
    """Weigh the question's terms: a follow-up's own words count more than inherited ones; a word
    that no document in scope uses counts little when it is a segmentation accident, a paraphrase
    or a facet word (it cannot tell passages apart); a real word the documents lack stays whole — it is what makes a
    question unanswerable. Done once per question."""
    p = params()["terms"]
    texts = [lowered(s.doc.text) for s in docs.values()]
    quoted_terms = set(quoted(q.text))
    w = {}
    for t in q.terms:
        x = (p["focus_weight"] if t in q.focus else p["inherited_weight"]) if q.followup else 1.0
        # a word no document uses: little when it cannot be what is asked about — a segmentation
        # accident, or a follow-up's own facet word (目前总数是多少?) that evidence states its own way
        # (分别发展到816家): the follow-up asks that facet of the earlier subject
        if texts and not any(term_in(t, d) for d in texts) and t not in quoted_terms \
                and (not any(is_word(a) for a in alternatives(t)) or (q.followup and t in q.focus and _facet_word(t))):
            x *= p["absent_weight"]
        w[t] = x
    return replace(q, weights=w)


def key_terms(q: Query) -> list[str]:
    """The question's specific words: maximal, two characters or more, not generic, and weighing at
    least half as much as its heaviest word (a follow-up's inherited subject counts when the
    follow-up adds none of its own; a paraphrase no document uses does not)."""
    return list(_key_terms(tuple(q.content_terms), tuple(sorted(q.weights.items()))))


@lru_cache(maxsize=1024)
def _key_terms(content: tuple[str, ...], weights: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    w = dict(weights)
    terms = [t for t in maximal_terms(list(content)) if term_len(t) >= 2]
    top = max((w.get(t, 1.0) for t in terms), default=1.0)
    return tuple(t for t in terms if w.get(t, 1.0) >= 0.5 * top)


def nominal_keys(q: Query) -> list[str]:
    """The question's specific words that name things (外资, 院士, 高新技术企业), not actions."""
    return [k for k in key_terms(q) if _nominal(k)]


@lru_cache(maxsize=4096)
def _nominal(term: str) -> bool:
    return any(is_word(a) and is_nominal(a) for a in alternatives(term))


@lru_cache(maxsize=4096)
def _facet_word(term: str) -> bool:
    """总数, 比重, 目前: what a figure measures or when (question_vocab facets), not what it is about."""
    return is_basis_word(term) or all(
        any(re.fullmatch(p, a) for p in vocab()["facets"]["present"]["zh"]) for a in alternatives(term))


def absent_share(q: Query, text: str) -> float:
    """Length-weighted share of the question's specific dictionary words that `text` (a whole
    document) never uses: what the question asks about that the document does not speak of."""
    keys = nominal_keys(q)
    if not keys:
        return 0.0
    low = lowered(text)
    total = sum(term_len(k) for k in keys)
    return sum(term_len(k) for k in keys if not term_in(k, low)) / total


# ---------------------------------------------------------------- sentences retrieval found
@dataclass(frozen=True)
class Sentence:
    stored: StoredDoc
    start: int
    end: int
    rank: int  # retrieval rank of the passage it came from
    section: str
    dense: float = 0.0  # the dense retriever's similarity of its passage to the question (0: not found by it)

    @property
    def text(self) -> str:
        return self.stored.doc.text[self.start:self.end]


def retrieved_sentences(ctx: Context, pool: int | None = None) -> list[Sentence]:
    """The sentences of the top passages, in retrieval order (each once)."""
    pool = pool or params()["retrieval"]["pool"]
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, d in enumerate(ctx.passages[:pool]):
        stored = ctx.docs.get(d.metadata["doc"])
        if stored is None:
            continue
        for a, b in sentences(stored.doc.text, d.metadata["start"], d.metadata["end"]):
            if (stored.doc.path, a) in seen:
                continue
            seen.add((stored.doc.path, a))
            section = d.metadata.get("section", "")
            head = item_head(stored.doc.text, a)
            if head:
                section = f"{section} > {head}" if section else head
            out.append(Sentence(stored, a, b, rank, section, float(d.metadata.get("dense_score", 0.0))))
    return out


FEW_DOCS = 3  # whole documents are read too when scope holds at most this many


def evidence_texts(ctx: Context, passages: int | None = None) -> list[str]:
    """The texts a question's own words are looked for in: the retrieved passages (the first
    `passages` of them when given) and, when scope holds few documents, those documents whole."""
    texts = [d.page_content for d in ctx.passages[:passages]]
    if len(ctx.docs) <= FEW_DOCS:
        texts += [s.doc.text for s in ctx.docs.values()]
    return texts


def sentence_coverage(q: Query, s: Sentence) -> float:
    return coverage(q.content_terms, f"{s.text} {s.section} {doc_words(s.stored)} {q.doc_ref}", q.weights)
