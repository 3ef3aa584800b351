"""Which documents a question is about: region, year and document references, or an honest
"the corpus has no plan for that" when none match."""
from __future__ import annotations

from dataclasses import dataclass

from assistant.query import Query
from ingest.genre import regions_by_name, short_name
from ingest.index import StoredDoc


@dataclass
class Scope:
    docs: dict[str, StoredDoc]
    refusal: str | None = None
    note: str = ""


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
    if q.lang != "zh" or len(q.regions) > 1:
        return set()
    text = q.text
    for r in q.regions:  # regions are scoped separately; their names are no document reference
        for w in filter(None, (r, short_name(r))):
            text = text.replace(w, " ")
    best: tuple[int, set[str]] = (0, set())
    for n in range(8, 2, -1):
        for i in range(len(text) - n + 1):
            piece = text[i:i + n]
            if piece.isdigit() or any(ch in piece for ch in "，。？?！!、 "):
                continue
            hits = {p for p, s in docs.items() if piece in f"{s.meta.title or ''} {s.meta.issuer or ''} {s.meta.kind or ''}"}
            if hits and len(hits) < len(docs) and n > best[0]:
                best = (n, hits)
        if best[1]:
            break
    return best[1]


def scope(q: Query, docs: dict[str, StoredDoc], filters: dict | None = None) -> Scope:
    filters = filters or {}
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
    if q.regions:
        matched = {p: s for p, s in pool.items() if any(region_matches(s.meta.region, s.meta.aliases, r) for r in q.regions)}
        if not matched:
            # a sub-region named inside a covering region's plan (赤壁市 in the 咸宁市 plan)
            matched = {p: s for p, s in pool.items() if s.meta.region and any(mentions(s, r) for r in q.regions)
                       and any(_inside(r, s.meta.region) for r in q.regions)}
        if not matched:
            return Scope({}, refusal="region", note="、".join(q.regions))
        pool = matched
    if q.years:
        dated = {p: s for p, s in pool.items() if _year_ok(s, q.years)}
        if not dated:
            return Scope({}, refusal="year", note="、".join(str(y) for y in q.years))
        pool = dated
    refs = doc_references(q, pool)
    if refs:
        pool = {p: s for p, s in pool.items() if p in refs}
    return Scope(pool, note=note)


def _inside(child: str, parent: str) -> bool:
    return region_matches(child, [], parent)
