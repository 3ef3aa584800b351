"""Which documents a question is about. Scoping is soft: the regions, years and documents a question
names raise or lower each document's weight; the composers weigh the evidence itself (the year of
a figure, whether a district is named in its city's plan). A question is refused at this stage only
when the corpus truly has no document for a region it names — or when the explicit CLI/UI filters
exclude everything."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.named_regions import subjects
from assistant.query import GENERIC_TERMS, Query
from base.regions import contains, genre, level_word, name_forms, own_level, short_name
from store import StoredDoc

# weights of a document for a region the question names (data: the strength of each relation)
SAME, INSIDE_ASKED, NAMES_ASKED, COVERS_ASKED = 1.0, 0.7, 0.8, 0.4
UNKNOWN_NAMES = 0.4  # the metadata cannot tell the document's region, and its text names the one asked
MENTIONS_ASKED = 0.3  # no document is the region's by its metadata, but a text names it again and again
MIN_MENTIONS = 3
UNNAMED_LEVEL = 0.2  # no text names the region, but a page that names none speaks of itself at its level
YEAR_MISS = 0.6  # the document's plan years do not include a year the question names
REVIEW_YEARS = 5  # a plan reports the period before it (a 十四五 plan's 十三五 results): no year miss


@dataclass
class Scope:
    docs: dict[str, StoredDoc]
    weights: dict[str, float] = field(default_factory=dict)
    groups: list[dict[str, StoredDoc]] = field(default_factory=list)  # one per region/document named
    refusal: str | None = None  # region | filters | no_docs_for_filters
    note: str = ""


class FilterNote(str):
    """The note of a "filters" refusal: what the question asks for (咸宁市, 2024) that the corpus
    has but the explicit CLI/UI filters exclude; ``filters`` are those filters (only set ones)."""

    filters: dict

    def __new__(cls, text: str, filters: dict | None = None) -> "FilterNote":
        obj = super().__new__(cls, text)
        obj.filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
        return obj


def region_matches(doc_region: str | None, aliases: list[str], wanted: str) -> bool:
    """Same region (or alias), or the document's region lies inside the wanted one (黄石 ⊃ 下陆区)."""
    if not doc_region:
        return False
    return wanted == doc_region or wanted in aliases or contains(wanted, doc_region)


def names_region(stored: StoredDoc, region: str) -> bool:
    """Whether the document's text names `region` (full name or a usual short form)."""
    text = stored.doc.text
    return any(n in text for n in name_forms(region))


def mentions(stored: StoredDoc, region: str) -> int:
    """How many times the document's text names the region (its full name, else its short form)."""
    text = stored.doc.text
    return max((text.count(n) for n in name_forms(region)), default=0)


def region_weight(stored: StoredDoc, region: str, whole: bool) -> float:
    """How strongly a document is about a region the question names (0: not at all)."""
    m = stored.meta
    if not m.region:
        # a page that says only 全区 … 在瑶海: its region is unknown, so it is not ruled out; it is
        # in scope, below any document known to be the region's, when its text names the region
        return UNKNOWN_NAMES if names_region(stored, region) else 0.0
    if m.region == region or region in m.aliases:
        return SAME
    if contains(region, m.region):  # asked 黄石市, the document is 下陆区's
        return 0.0 if whole else INSIDE_ASKED
    if contains(m.region, region):  # asked 赤壁市, the document is 咸宁市's plan
        return NAMES_ASKED if names_region(stored, region) else COVERS_ASKED
    return 0.0


def _year_ok(stored: StoredDoc, years: list[int]) -> bool:
    return not stored.meta.years or any(y in stored.meta.years for y in years)


def _year_near(stored: StoredDoc, years: list[int]) -> bool:
    """The document covers a year asked, or reports it: a plan's review of the period before it."""
    ys = stored.meta.years
    return _year_ok(stored, years) or any(min(ys) - REVIEW_YEARS <= y < min(ys) for y in years)


def _distinct(hits: set[str], docs: dict[str, StoredDoc], piece: str = "") -> bool:
    """A reference names one document (or two versions of it), never a large share of the library;
    and the words are rare in the documents' texts too (重点任务 is in every plan; 科创局 in one)."""
    if not hits or len(hits) >= len(docs) or len(hits) > max(2, len(docs) // 5):
        return False
    used = sum(1 for s in docs.values() if piece and piece in s.doc.text)
    return used <= max(2, len(docs) // 5)


def doc_references(q: Query, docs: dict[str, StoredDoc]) -> set[str]:
    """Documents the question points at by a distinctive piece of their title or issuer
    (科创局 …): the longest such piece (≥ 3 characters, not only generic plan words) that only one or
    two documents have."""
    if q.lang != "zh":
        return _doc_references_en(q, docs)
    text = q.text
    for r in q.regions:  # regions are scoped separately; their names are no document reference
        for w in filter(None, (r, short_name(r))):
            text = text.replace(w, " ")
    for period in genre().get("plan_periods", {}):  # so are plan periods (十四五): many plans share one
        text = text.replace(period, " ")
    kinds = {s.meta.kind for s in docs.values() if s.meta.kind}
    names = {p: f"{s.meta.title or ''} {s.meta.issuer or ''}" for p, s in docs.items()}
    every_name = "\n".join(names.values())  # one search rules out a piece no document's name has
    best: tuple[int, set[str]] = (0, set())
    for n in range(8, 2, -1):
        for i in range(len(text) - n + 1):
            piece = text[i:i + n]
            if piece not in every_name:
                continue
            if any(ch.isdigit() or ch in "，。？?！!、 ,.()（）“”\"" for ch in piece):  # years are scoped apart
                continue
            if any(piece in k for k in kinds):
                continue  # a genre word (行动方案, 工作要点) names a kind of plan, not one document
            if _generic(piece):
                continue
            hits = {p for p, name in names.items() if piece in name}
            if _distinct(hits, docs, piece) and n > best[0]:
                best = (n, hits)
        if best[1]:
            break
    return best[1]


def _doc_references_en(q: Query, docs: dict[str, StoredDoc]) -> set[str]:
    """English questions name a document through the glossary's Chinese terms ("the Science and
    Innovation Bureau's plan" → 科创局): the longest such term found in some, not all, documents'
    title or issuer."""
    best: tuple[int, set[str]] = (0, set())
    for t in q.terms:
        for a in t.split("|"):
            if len(a) < 3 or not any("\u4e00" <= ch <= "\u9fff" for ch in a):
                continue
            if _generic(a) or any(s.meta.kind and a in s.meta.kind for s in docs.values()):
                continue  # a genre word (工作思路, 行动方案) names a kind of plan, not one document
            if not a.endswith(tuple(genre()["issuer_suffixes"])):
                continue  # an English question names a document by its issuer (the bureau), not by a topic word
            hits = {p for p, s in docs.items() if a in f"{s.meta.title or ''} {s.meta.issuer or ''}"}
            if _distinct(hits, docs, a) and len(a) > best[0]:
                best = (len(a), hits)
    return best[1]


def _generic(piece: str) -> bool:
    """A piece made of generic plan words only (科技创新, 工作要点 …) names no document."""
    rest = piece
    for w in sorted(GENERIC_TERMS, key=len, reverse=True):
        rest = rest.replace(w, "")
    return len(rest) < 2


def apply_filters(docs: dict[str, StoredDoc], filters: dict) -> dict[str, StoredDoc]:
    """The explicit CLI/UI filters (doc, region, year) restrict hard: the user chose them."""
    pool = dict(docs)
    if filters.get("doc"):
        want = set(filters["doc"]) if isinstance(filters["doc"], (list, set, tuple)) else {filters["doc"]}
        pool = {p: s for p, s in pool.items() if p in want}
    if filters.get("region"):
        pool = {p: s for p, s in pool.items() if region_matches(s.meta.region, s.meta.aliases, filters["region"])}
    if filters.get("year"):
        y = int(filters["year"])
        pool = {p: s for p, s in pool.items() if _year_ok(s, [y])}
    return pool


_SIDES = re.compile(r"[和与及、跟同]|分别|各自|\b(?:and|versus|vs\.?|compare[ds]?|both)\b", re.I)
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")  # 县(市、区): a name's own 、
_WHOLE = re.compile(r"全(?:省|市|州|盟|区|县)(?!域内)")


def _region_groups(q: Query, pool: dict[str, StoredDoc]) -> tuple[list[dict[str, StoredDoc]], dict[str, float], str]:
    """One group of documents per region asked, with each document's weight, and how the groups were
    found when no document is any asked region's by its metadata: "region_mentions" (the texts that
    keep naming one) or "region_unnamed" (pages that name no region and speak of themselves at the
    asked one's level); "" otherwise."""
    whole = bool(_WHOLE.search(q.text))  # 黄石市全市: the city's own plan, not a district's
    groups, weights, missing = [], {}, []
    owners: list[str] = []  # the region of each group, so a group found later still stands in asked order
    asked = subjects(q.text, q.regions)
    for r in asked:
        g = {}
        for p, s in pool.items():
            w = region_weight(s, r, whole)
            if w > 0:
                g[p] = s
                weights[p] = max(weights.get(p, 0.0), w)
        if not g:
            missing.append(r)
        else:
            # the documents of the region itself come first; a covering plan only when there is none
            best = max(weights[p] for p in g)
            g = {p: s for p, s in g.items() if weights[p] >= min(best, NAMES_ASKED)} or g
            if not any(set(g) == set(h) for h in groups):
                groups.append(g)
                owners.append(r)
    if not missing:
        return groups, weights, ""
    if not groups:
        # no document is any asked region's by its metadata: before saying the corpus has none, the
        # texts that keep naming one (metadata read wrong, or a page about it posted by another body)
        for r in asked:
            g = {p: s for p, s in pool.items() if mentions(s, r) >= MIN_MENTIONS
                 and not (s.meta.region and (contains(r, s.meta.region) or contains(s.meta.region, r)))}
            if g and not any(set(g) == set(h) for h in groups):
                groups.append(g)
                weights.update({p: max(weights.get(p, 0.0), MENTIONS_ASKED) for p in g})
        if groups:
            return groups, weights, "region_mentions"
    # a region no document is known to be, nor keeps naming: the pages that name no region at all but
    # speak of themselves at its level (区科技局…全区… on a district's site) may be its own, so they are
    # read for it, and the answer says that no document names the region
    note = ""
    unnamed = {p: own_level(s.doc.text) for p, s in pool.items() if not s.meta.region}  # each text read once
    for r in missing:
        lw = level_word(r)
        g = {p: pool[p] for p, level in unnamed.items() if lw and level == lw}
        if g and not any(set(g) == set(h) for h in groups):
            at = sum(asked.index(o) < asked.index(r) for o in owners)
            groups.insert(at, g)
            owners.insert(at, r)
            weights.update({p: max(weights.get(p, 0.0), UNNAMED_LEVEL) for p in g})
            note = "region_unnamed"
    return groups, weights, note


def _scope(q: Query, docs: dict[str, StoredDoc], filters: dict) -> Scope:
    pool = apply_filters(docs, filters)
    if not pool:
        return Scope({}, refusal="no_docs_for_filters")
    refs = set() if q.others else doc_references(q, pool)  # "besides X's plan, which others …": all of them
    weights = {p: 1.0 for p in pool}
    note = ""
    if q.regions:
        groups, rw, note = _region_groups(q, pool)
        if not groups:
            return Scope({}, refusal="region", note="、".join(q.regions))
        weights = rw
        named = {p for g in groups for p in g}
        if refs and not refs & named and _SIDES.search(_BRACKETED.sub("", q.text)):
            # a region and another document named side by side ("下陆区和科创局……"); a document's
            # words in a question about one region only (创建国家级创新型县(市、区)) name no side
            groups.append({p: s for p, s in pool.items() if p in refs})
            weights.update({p: 1.0 for p in refs})
        elif refs:
            groups = [{p: s for p, s in g.items() if p in refs} or g for g in groups]
    elif refs:
        groups = [{p: s for p, s in pool.items() if p in refs}]
    else:
        groups = [pool]
    if len(q.years) >= 2:
        groups = _split_by_year(groups, q.years)
    years = q.years or q.period
    if years:
        for p, s in pool.items():
            if p in weights and not _year_near(s, years):
                weights[p] *= YEAR_MISS
    in_scope = {p: s for g in groups for p, s in g.items()}
    return Scope(in_scope, weights={p: weights.get(p, 1.0) for p in in_scope}, groups=groups, note=note)


def _split_by_year(groups: list[dict[str, StoredDoc]], years: list[int]) -> list[dict[str, StoredDoc]]:
    """"西安2023年和2024年的…分别是多少": one group per year asked, when a region's plans of those
    years are different documents."""
    out = []
    for g in groups:
        parts = [{p: s for p, s in g.items() if s.meta.years and y in s.meta.years} for y in years]
        parts = [d for d in parts if d]
        distinct = len({frozenset(d) for d in parts}) == len(parts)
        out += parts if len(parts) >= 2 and distinct else [g]
    return out


def scope(q: Query, docs: dict[str, StoredDoc], filters: dict | None = None) -> Scope:
    """Documents in scope for `q` under the explicit filters; when the question's own region is
    covered by the corpus but not by the filters, the refusal blames the filters."""
    sc = _scope(q, docs, filters or {})
    if sc.refusal == "region" and any(v not in (None, "", [], ()) for v in (filters or {}).values()):
        unfiltered = _scope(q, docs, {})
        if unfiltered.docs:
            return Scope({}, refusal="filters", note=FilterNote("、".join(q.regions), filters))
    if sc.docs and (filters or {}).get("year") is None and q.years and not any(_year_near(s, q.years) for s in sc.docs.values()):
        sc.note = "year"  # no plan in scope covers the year asked: said when the answer is a refusal
    return sc
