"""Which documents a question is about: region, year and document references, or an honest
"the corpus has no plan for that" when none match."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.query import Query
from base.regions import regions_by_name, short_name
from store import StoredDoc


@dataclass
class Scope:
    docs: dict[str, StoredDoc]
    refusal: str | None = None  # region | year | filters | no_docs_for_filters
    note: str = ""


class FilterNote(str):
    """The note of a "filters" refusal: what the question asks for (咸宁市, 2024) that the corpus
    has but the explicit CLI/UI filters exclude; ``filters`` are those filters (only set ones)."""

    filters: dict

    def __new__(cls, text: str, filters: dict | None = None) -> "FilterNote":
        obj = super().__new__(cls, text)
        obj.filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
        return obj


def _codes(name: str) -> list[str]:
    return [r.code for r in regions_by_name().get(name, ())]


def region_matches(doc_region: str | None, aliases: list[str], wanted: str) -> bool:
    """Same region (or alias), or the document's region lies inside the wanted one (黄石 ⊃ 下陆区)."""
    if not doc_region:
        return False
    if wanted == doc_region or wanted in aliases:
        return True
    for dc in _codes(doc_region):
        for wc in _codes(wanted):
            if wc.endswith("0000") and dc[:2] == wc[:2] and dc != wc:
                return True
            if wc.endswith("00") and not wc.endswith("0000") and dc[:4] == wc[:4] and dc != wc:
                return True
    return False


def mentions(stored: StoredDoc, name: str) -> bool:
    return name in stored.doc.text


def _year_ok(stored: StoredDoc, years: list[int]) -> bool:
    return not stored.meta.years or any(y in stored.meta.years for y in years)


def doc_references(q: Query, docs: dict[str, StoredDoc]) -> set[str]:
    """Documents the question points at by a distinctive piece of their title or issuer
    (科创局, 行动方案 …): the longest such piece (≥ 3 characters) that not every document shares."""
    if q.lang != "zh":
        return _doc_references_en(q, docs)
    text = q.text
    for r in q.regions:  # regions are scoped separately; their names are no document reference
        for w in filter(None, (r, short_name(r))):
            text = text.replace(w, " ")
    best: tuple[int, set[str]] = (0, set())
    for n in range(8, 2, -1):
        for i in range(len(text) - n + 1):
            piece = text[i:i + n]
            if any(ch.isdigit() or ch in "，。？?！!、 ,.()（）“”\"" for ch in piece):  # years are scoped apart
                continue
            if any(s.meta.kind and piece in s.meta.kind for s in docs.values()):
                continue  # a genre word (行动方案, 工作要点) names a kind of plan, not one document
            hits = {p for p, s in docs.items() if piece in f"{s.meta.title or ''} {s.meta.issuer or ''}"}
            if hits and len(hits) < len(docs) and n > best[0]:
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
            hits = {p for p, s in docs.items() if a in f"{s.meta.title or ''} {s.meta.issuer or ''}"}
            if hits and len(hits) < len(docs) and len(a) > best[0]:
                best = (len(a), hits)
    return best[1]


def scope(q: Query, docs: dict[str, StoredDoc], filters: dict | None = None) -> Scope:
    """Documents in scope for `q` under the explicit filters; when the question's own region or
    year is covered by the corpus but not by the filters, the refusal blames the filters."""
    sc = _scope(q, docs, filters or {})
    if sc.refusal in ("region", "year") and any(v not in (None, "", [], ()) for v in (filters or {}).values()):
        unfiltered = _scope(q, docs, {})
        if unfiltered.docs:
            asked = "、".join(q.regions)
            if sc.refusal == "year":
                asked += "、".join(f"{y}年" for y in q.years)
            return Scope({}, refusal="filters", note=FilterNote(asked, filters))
    return sc


def _scope(q: Query, docs: dict[str, StoredDoc], filters: dict) -> Scope:
    pool = dict(docs)
    # explicit filters from the CLI/UI restrict first
    if filters.get("doc"):
        want = set(filters["doc"]) if isinstance(filters["doc"], (list, set, tuple)) else {filters["doc"]}
        pool = {p: s for p, s in pool.items() if p in want}
    if filters.get("region"):
        pool = {p: s for p, s in pool.items() if region_matches(s.meta.region, s.meta.aliases, filters["region"])}
    if filters.get("year"):
        y = int(filters["year"])
        pool = {p: s for p, s in pool.items() if _year_ok(s, [y])}
    if not pool:
        return Scope({}, refusal="no_docs_for_filters")

    note = ""
    refs = doc_references(q, pool)
    groups: list[dict[str, StoredDoc]] = []
    if q.regions:
        whole = bool(_WHOLE.search(q.text))  # 黄石市全市: the city's own plan, not a district's
        for r in q.regions:
            matched = {p: s for p, s in pool.items()
                       if (s.meta.region == r or r in s.meta.aliases) or (not whole and region_matches(s.meta.region, s.meta.aliases, r))}
            if not matched and not whole:
                # a sub-region named inside a covering region's plan (赤壁市 in the 咸宁市 plan)
                matched = {p: s for p, s in pool.items() if s.meta.region and mentions(s, r) and _inside(r, s.meta.region)}
            if matched:
                groups.append(matched)
        if not groups:
            return Scope({}, refusal="region", note="、".join(q.regions))
        matched_all = {p: s for g in groups for p, s in g.items()}
        if refs and not refs & set(matched_all):
            # a region and another document named side by side ("下陆区和科创局……")
            groups.append({p: s for p, s in pool.items() if p in refs})
        elif refs:
            groups = [{p: s for p, s in g.items() if p in refs} or g for g in groups]
    elif refs:
        groups = [{p: s for p, s in pool.items() if p in refs}]
    else:
        groups = [pool]
    if q.years:
        # each named region/document keeps its plans for the year; when several are compared, one
        # whose plan covers other years still takes part rather than silencing the comparison
        dated = [{p: s for p, s in g.items() if _year_ok(s, q.years)} for g in groups]
        if not any(dated):
            return Scope({}, refusal="year", note="、".join(str(y) for y in q.years))
        groups = [d or g for d, g in zip(dated, groups)] if len(groups) > 1 else dated
    return Scope({p: s for g in groups for p, s in g.items()}, note=note)


_WHOLE = re.compile(r"全(?:省|市|州|盟|区|县)(?!域内)")


def _inside(child: str, parent: str) -> bool:
    return region_matches(child, [], parent)
