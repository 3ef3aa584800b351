"""Does each clause of an answer say only what its cited passages state? Figures, years and regions
must be bound where the passage states them (not to another indicator, year or region), claim words
must be the passage's own, and a Chinese clause must share enough wording with its passages."""
from __future__ import annotations

import re
import unicodedata
from typing import Callable

from assistant.llm.check.claims import claim_tokens, english_claims, english_orgs, org_claims, same_org
from assistant.llm.check.clauses import (english_terms, grams_of, region_forms, regions_in, share, strip_punct,
                                         term_share, wording)
from assistant.llm.check.evidence import Evidence, Unit
from assistant.llm.check.figures import Figure, figures, same_figure, unit_class
from assistant.llm.check.text import MARKER, is_cjk, norm_text
from assistant.llm.check.vocab import claims, en_rx


CLAUSE_MIN = 0.35  # share of a cited clause's char bigrams found in the passages it cites
TRIVIAL_CHARS = 8  # a sentence with at most this many letters/CJK chars and no number claims nothing
MARGIN = 0.15  # a figure/year/region bound to a passage clause that matches the answer's clause this much worse
CLAIM_MIN = 0.6  # share of a claim clause's wording found in the passage clause that states the claim
EN_ANCHOR_MIN = 0.5  # share of an English clause's glossary terms a passage clause must hold to anchor a claim
_CJK_RUN = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff\d.%％]*[\u3400-\u9fff%％]|[\u3400-\u9fff]{2,}")


def bind(score: Callable[[Unit], float], units: list[Unit], holds: Callable[[Unit], bool],
         competes: Callable[[Unit], bool]) -> str:
    """Does a slot (figure, year, region) of the answer's clause belong where the passage states it?

    "absent": no unit holds it; "other": a unit holding a competing slot (another figure of the same
    kind, another region, another year) matches the clause's wording better by more than ``MARGIN``
    than every unit that holds it — the passage says it of another indicator; "ok" otherwise."""
    match = [u for u in units if holds(u)]
    if not match:
        return "absent"
    rivals = [u for u in units if not holds(u) and competes(u)]
    if rivals and max(map(score, rivals)) - max(map(score, match)) > MARGIN:
        return "other"
    return "ok"


def bind_or_document(score: Callable[[Unit], float], units: list[Unit], holds: Callable[[Unit], bool],
                     competes: Callable[[Unit], bool], of_document: bool) -> str:
    """``bind``, where a slot no sentence states may still be the cited document's own (its year or
    region, from its metadata): then it holds unless a sentence stating a competing slot fits better."""
    verdict = bind(score, units, holds, competes)
    if verdict == "absent" and of_document:
        return "ok" if bind(score, units, lambda u: not competes(u), competes) != "other" else "other"
    return verdict


def comparable(f: Figure, g: Figure) -> bool:
    return g.kind == f.kind and (not f.base or not g.base or unit_class(f.base) == unit_class(g.base))


def scorer(body: str, forms: set[str], en: bool) -> Callable[[Unit], float]:
    if en:
        terms = english_terms(body)
        return lambda u: term_share(terms, u.low, u.context)
    g = grams_of(wording(body, forms))
    return lambda u: share(g, u.grams)


def figure_problems(body: str, figs: list[Figure], units: list[Unit], evs: list[Evidence],
                    score: Callable[[Unit], float], ns: list[int], regs: set[str] = frozenset()) -> list[str]:
    """Each figure: equal (value, unit) to one the cited passages state, in the passage clause the
    answer's clause paraphrases, and — when the clause names regions — not stated there for another region."""
    out = []
    for f in figs:
        holding = [u for u in units if any(same_figure(f, g) for g in u.figs)]
        if regs and holding and all(u.regions and not (u.regions & regs) for u in holding):
            out.append(f"figure the cited passage(s) {ns} give for another region: {f.text}")
            continue
        verdict = bind(score, units, lambda u: any(same_figure(f, g) for g in u.figs),
                       lambda u: any(comparable(f, g) and not any(same_figure(g, h) for h in figs) for g in u.figs))
        if verdict == "absent" and not any(same_figure(f, g) for e in evs for g in e.meta_figs):
            out.append(f"numbers not in cited passage(s) {ns}: {f.text}")
        elif verdict == "other":
            out.append(f"figure the cited passage(s) {ns} give for another indicator: {f.text}")
    return out


def year_problems(body: str, ns: list[int], evs: list[Evidence], known: dict[str, list[str]]) -> list[str]:
    """Years of a sentence: stated by the sentence of the passage it paraphrases, or the document's
    own year (title, date) when that passage sentence names no other year."""
    years = {v for f in figures(body) if f.kind == "year" for v in f.values}
    if not years:
        return []
    units = [u for e in evs for u in e.sentences]
    regs = regions_in(body, known)
    forms = set().union(*(region_forms(r, known) for r in regs)) if regs else set()
    score = scorer(body, forms, not is_cjk(body))

    def states(u: Unit, y: float) -> bool:
        return any(g.kind == "year" and y in g.values for g in u.figs)

    def other_year(u: Unit) -> bool:
        return any(g.kind == "year" and not set(g.values) & years for g in u.figs)

    out = []
    meta_years = set().union(*(e.meta_years for e in evs))
    for y in sorted(years):
        verdict = bind_or_document(score, units, lambda u: states(u, y), other_year, y in meta_years)
        if verdict == "absent":
            out.append(f"numbers not in cited passage(s) {ns}: {int(y)}")
        elif verdict == "other":
            out.append(f"year the cited passage(s) {ns} give for another statement: {int(y)}")
    return out


def region_problems(regs: set[str], units: list[Unit], evs: list[Evidence], score: Callable[[Unit], float],
                    ns: list[int]) -> list[str]:
    out = []
    for r in sorted(regs):
        def rival(u: Unit) -> bool:
            return bool(u.regions - regs)

        verdict = bind_or_document(score, units, lambda u: r in u.regions, rival,
                                   any(e.passage.region == r for e in evs))
        if verdict == "absent":
            out.append(f"region not in cited passage(s) {ns}: {r}")
        elif verdict == "other":
            out.append(f"the cited passage(s) {ns} say this of another region, not {r}")
    return out


def zh_claim_problems(body: str, units: list[Unit], evs: list[Evidence], forms: set[str], ns: list[int]) -> list[str]:
    """Negations, ranks, comparisons and qualifiers of a Chinese clause: the same word (a negation with
    the word it negates) in a passage clause that holds the rest of the clause's wording (≥ ``CLAIM_MIN``)."""
    out = []
    label = frozenset().union(*(e.label_grams for e in evs)) if evs else frozenset()
    figs = [f for f in figures(body) if f.kind == "quantity"]
    for kind, tok, a, b, nxt in claim_tokens(body):
        if kind == "qualifier":  # a level/scale word goes with the figure it qualifies, if any
            holding = [u for u in units if any(same_figure(f, g) for f in figs for g in u.figs)] if figs else units
            if not any(k == kind and t == tok for u in holding for k, t, _ in u.tokens):
                out.append(f"{kind} not stated by the cited passage(s) {ns}: {tok}")
            continue
        rest = grams_of(wording(body[:a], forms)) | grams_of(wording(body[b:], forms))
        ok = any(any(k == kind and t == tok and (kind != "negation" or n == nxt) for k, t, n in u.tokens)
                 and share(rest, u.grams | label) >= CLAIM_MIN for u in units)
        if not ok:
            out.append(f"{kind} not stated by the cited passage(s) {ns}: {tok}{nxt if kind == 'negation' else ''}")
    return out


def en_claim_problems(body: str, figs: list[Figure], evs: list[Evidence], ns: list[int]) -> list[str]:
    """Negations, ranks and comparisons of an English clause: a Chinese word stating them in a passage
    clause that holds the clause's figure, or in a passage sentence that holds its glossary terms."""
    found = english_claims(body)
    if not found:
        return []
    if figs:
        anchored = [u for e in evs for u in e.clauses if any(same_figure(f, g) for f in figs for g in u.figs)]
    else:
        terms = english_terms(body)
        sents = [u for e in evs for u in e.sentences]
        anchored = [u for u in sents if term_share(terms, u.low) >= EN_ANCHOR_MIN] if terms else sents
    out = []
    for kind, words, zh in found:
        if kind == "negation":
            ok = any(k == "negation" for u in anchored for k, _, _ in u.tokens)
        elif kind in ("rank", "qualifier"):
            ok = any(k == kind and t in zh for u in anchored for k, t, _ in u.tokens) or (
                kind == "qualifier" and any(z in u.text for u in anchored for z in zh))
        else:
            ok = any(z in u.text for u in anchored for z in zh)
        if not ok:
            out.append(f"{kind} not stated by the cited passage(s) {ns}: {words}")
    return out


def org_problems(body: str, en: bool, evs: list[Evidence], ns: list[int]) -> list[str]:
    """Lead and responsible units and role holders must be the passage's own."""
    lead = set().union(*(e.orgs.lead for e in evs))
    duty = set().union(*(e.orgs.duty for e in evs))
    roles = set().union(*(e.orgs.roles for e in evs))
    out = []
    if en:
        o = claims()["organisations"]
        is_lead = bool(en_rx(o["en_lead"]).search(body))
        is_duty = bool(en_rx(o["en_duty"]).search(body))
        text = "\n".join(e.body for e in evs)
        for name, stems in english_orgs(body):
            pool = lead if is_lead else (lead | duty) if is_duty else {text}
            if not any(s in x for s in stems for x in pool):
                what = "lead unit" if is_lead else "responsible unit" if is_duty else "unit"
                out.append(f"{what} not stated by the cited passage(s) {ns}: {name}")
        return out
    mine = org_claims(body)
    for o_ in sorted(mine.lead):
        if not any(same_org(o_, x) for x in lead):
            out.append(f"lead unit not stated by the cited passage(s) {ns}: {o_}")
    for o_ in sorted(mine.duty - mine.lead):
        if not any(same_org(o_, x) for x in lead | duty):
            out.append(f"responsible unit not stated by the cited passage(s) {ns}: {o_}")
    for title, role in sorted(mine.roles - roles):
        out.append(f"role not stated by the cited passage(s) {ns}: {title}任{role}")
    return out


def clause_problems(clause: str, ns: list[int], ev: dict[int, Evidence], known: dict[str, list[str]]) -> list[str]:
    """Everything a clause claims must be stated by the passages it (or its sentence) cites."""
    body = strip_punct(MARKER.sub("", clause).strip())
    if not norm_text(body):
        return []
    evs = [ev[n] for n in ns if n in ev]
    units = [u for e in evs for u in e.clauses]
    en = not is_cjk(body)
    regs = regions_in(body, known)
    forms = set().union(*(region_forms(r, known) for r in regs)) if regs else set()
    score = scorer(body, forms, en)
    figs = [f for f in figures(body) if f.kind == "quantity"]
    out = figure_problems(body, figs, units, evs, score, ns, regs)
    out += region_problems(regs, units, evs, score, ns)
    out += org_problems(body, en, evs, ns)
    if en:
        out += en_claim_problems(body, figs, evs, ns)
        for run in _CJK_RUN.findall(unicodedata.normalize("NFKC", body)):  # Chinese quoted in English
            out += zh_claim_problems(run, units, evs, forms, ns) + org_problems(run, False, evs, ns)
            run_norm = norm_text(run)
            if len(run_norm) >= 2 and not any(run_norm in norm_text(e.body + e.passage.label_text) for e in evs):
                out.append(f"Chinese text not in the cited passage(s) {ns}: {run}")
        return out
    out += zh_claim_problems(body, units, evs, forms, ns)
    norm = wording(body, forms)
    if len(norm) > TRIVIAL_CHARS:
        allgrams = set().union(*(u.grams for u in units), *(e.label_grams for e in evs))
        if share(grams_of(norm), allgrams) < CLAUSE_MIN:
            out.append(f"clause not supported by its cited passage(s) {ns}: {body[:60]}")
    return out
