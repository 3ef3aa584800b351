"""What a cited passage states, read once per check: its clauses and sentences as Units (wording
bigrams, figures, regions, claim words), its lead and responsible units, and the figures and years
of its title and date."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.llm.check.claims import Orgs, claim_tokens, org_claims
from assistant.llm.check.clauses import grams_of, region_forms, regions_in, split_clauses, wording
from assistant.llm.check.figures import Figure, figures
from assistant.llm.check.text import bigrams, injection_free, split_sentences
from assistant.llm.check.vocab import claims
from assistant.llm.passage import Passage
from base.numbers import indicator_key


@dataclass(frozen=True)
class Unit:
    """A clause (or sentence) of a cited passage, with what it states."""

    n: int
    text: str
    low: str  # NFKC lower case, abbreviations written out (高企 → 高新技术企业): for English term lookup
    context: str  # … of the clauses before it in its sentence (what an elliptic clause is about)
    grams: frozenset[str]  # bigrams of its wording (slots removed)
    figs: tuple[Figure, ...]
    regions: frozenset[str]
    tokens: tuple[tuple[str, str, str], ...]  # claim tokens: (kind, token, next char)


def _unit(n: int, text: str, known: dict[str, list[str]], context: str = "",
          candidates: dict[str, set[str]] | None = None) -> Unit:
    """``candidates``: the regions of the whole passage with their forms (found once, not per unit)."""
    t = unicodedata.normalize("NFKC", text)
    if candidates is None:
        regs = regions_in(t, known)
    else:
        regs = {r for r, fs in candidates.items() if any(f in t for f in fs)}
    forms = set().union(*(region_forms(r, known) for r in regs)) if regs else set()
    toks = tuple((k, tok, nxt) for k, tok, _, _, nxt in claim_tokens(t))
    return Unit(n, t, indicator_key(t), indicator_key(context), grams_of(wording(t, forms)),
                tuple(figures(t, quoted=False)), frozenset(regs), toks)


@dataclass
class Evidence:
    """What one passage states: its clauses and sentences as Units, lead/duty units, roles, meta."""

    passage: Passage
    body: str  # passage text without injected instructions
    clauses: list[Unit]
    sentences: list[Unit]
    label_grams: frozenset[str]
    meta_figs: tuple[Figure, ...]
    meta_years: frozenset[float]
    orgs: "Orgs"


def build_evidence(p: Passage, known: dict[str, list[str]]) -> Evidence:
    body = injection_free(p.text)
    sents = split_sentences(body)
    candidates = {r: region_forms(r, known) for r in regions_in(body, known)}
    clauses = []
    for s in sents:
        parts = split_clauses(s, claims()["passage_clause_breaks"])
        clauses += [_unit(p.n, c, known, "".join(parts[:i]), candidates) for i, c in enumerate(parts)]
    sentences = [_unit(p.n, s, known, candidates=candidates) for s in sents]
    meta = unicodedata.normalize("NFKC", p.meta_text)
    years = frozenset(float(y) for y in re.findall(r"(?:19|20)\d{2}", meta))
    return Evidence(p, body, clauses, sentences, grams_of(wording(p.label_text)), tuple(figures(meta)), years,
                    org_claims(body))


def passage_evidence(p: Passage) -> tuple[str, set[str]]:
    """(text that may ground numbers, bigrams that may ground wording) of one passage."""
    body = injection_free(p.text)
    grams: set[str] = set()
    for s in split_sentences(body):  # per sentence: no bigram spans a removed sentence
        grams |= bigrams(s)
    grams |= bigrams(p.label_text)
    return body + "\n" + p.meta_text, grams
