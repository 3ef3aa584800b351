"""Clauses and their wording: a sentence split at ，；、 , ; (and English coordinations of two
figures), the regions a text names, and wording compared on its words without its slots (numerals,
region names), Chinese by char bigrams, English by the Chinese glossary terms it states."""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from assistant.llm.check.figures import figures
from assistant.llm.check.text import MARKER, is_cjk, markers_stay_behind
from assistant.llm.check.vocab import claims, en_rx, free
from assistant.llm.passage import Passage
from base.number_words import find_english_numbers
from base.numbers import indicator_key


def split_clauses(sentence: str, breaks: str | None = None) -> list[str]:
    """A sentence's clauses: split after ，；、 and English commas/semicolons (not a thousands comma
    "2,300", not inside brackets); markers written after the break ("…，[1]") stay with their clause.
    ``breaks`` overrides the break characters (a passage's clauses keep their 、-lists whole)."""
    breaks = claims()["clause_breaks"] if breaks is None else breaks
    parts: list[str] = []
    buf = ""
    depth = 0
    for i, ch in enumerate(sentence):
        buf += ch
        if ch in "(（[【":
            depth += 1
        elif ch in ")）]】":
            depth = max(0, depth - 1)
        elif ch in breaks and depth == 0:
            if ch == "," and i + 1 < len(sentence) and sentence[i - 1:i].isdigit() and sentence[i + 1].isdigit():
                continue
            parts.append(buf)
            buf = ""
    if buf:
        parts.append(buf)
    return [c for part in markers_stay_behind(parts) for c in _split_coordination(part)]


_COORD = re.compile(r"\s+(?:and|while|with|whereas|plus)\s+", re.I)


def _split_coordination(clause: str) -> list[str]:
    """An English clause coordinating two figures ("100 enterprises and 50 bases in Wuhan") is two
    clauses, as 、 makes two in Chinese; "science and technology" (no figure on a side) stays whole."""
    if is_cjk(clause):
        return [clause]
    inside = [(x.start, x.end) for x in find_english_numbers(clause)]
    for m in _COORD.finditer(clause):
        if any(a < m.start() and m.end() < b for a, b in inside):
            continue
        left, right = clause[:m.start()], clause[m.end():]
        if _has_quantity(left) and _has_quantity(right):
            return _split_coordination(left) + _split_coordination(right)
    return [clause]


def _has_quantity(text: str) -> bool:
    return any(f.kind == "quantity" for f in figures(text))


def strip_punct(text: str) -> str:
    return text.strip(" \t\n，,；;、。：:！!？?")


def known_regions(passages: Iterable[Passage]) -> dict[str, list[str]]:
    from base.regions import abbreviations

    return {p.region: abbreviations(p.region) for p in passages if p.region}


def region_forms(region: str, known: dict[str, list[str]]) -> set[str]:
    """How a region may be written: full name, short name (咸宁市 → 咸宁), its aliases (楼区)."""
    from base.regions import short_name

    return {f for f in (region, short_name(region), *known.get(region, [])) if f and len(f) >= 2}


def regions_in(text: str, known: dict[str, list[str]]) -> set[str]:
    """Regions a text names (full names): Chinese names and aliases, English pinyin (Xianning)."""
    from assistant.named_regions import find_regions_en, find_regions_zh

    t = unicodedata.normalize("NFKC", text)
    found = set(find_regions_zh(t, known))
    names = " ".join(re.findall(r"\b[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)*", t))  # proper nouns only ("yuan" is no 裕安)
    if names:
        found |= set(find_regions_en(names, known))
    return found


_NUMERALS = re.compile(r"\d+(?:[.,]\d+)*%?|[零〇一二两三四五六七八九十百千万亿]+(?=[\u3400-\u9fff%])")


def wording(text: str, drop: Iterable[str] = ()) -> str:
    """What wording comparison sees: NFKC, lower case, markers, numerals, the given names (regions)
    and punctuation removed — so a clause is compared with a passage clause on its words, not its slots."""
    t = MARKER.sub("", unicodedata.normalize("NFKC", text)).lower()
    for d in sorted(drop, key=len, reverse=True):
        t = t.replace(d.lower(), " ")
    t = indicator_key(t)  # 高企 → 高新技术企业, 髙 → 高, r&d → 研发
    t = _NUMERALS.sub(" ", t)
    return "".join(ch for ch in t if ch.isalnum())


def grams_of(norm: str) -> frozenset[str]:
    if len(norm) < 2:
        return frozenset({norm} if norm else ())
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1))


def share(grams: frozenset[str], evidence: frozenset[str] | set[str]) -> float:
    return len(grams & evidence) / len(grams) if grams else 1.0


def english_terms(text: str) -> list[tuple[str, ...]]:
    """Chinese terms an English clause states, each as its alternatives: glossary terms
    (``assistant/data/glossary.tsv``, as for retrieval) and the check's basic words (claims.json
    ``en_terms``), longest match first and without overlap ("high-tech" is 高新技术, not also 技术);
    Latin codes the documents write too (GDP, 5G) stand for themselves."""
    from assistant.lexicon import glossary
    from assistant.query import _CODE

    low = unicodedata.normalize("NFKC", text).lower()
    cands = [(m.start(), m.end(), zh) for rx, zh in glossary() for m in rx.finditer(low)]
    cands += [(m.start(), m.end(), tuple(e["zh"])) for e in claims()["en_terms"] if e["zh"]
              for m in en_rx(e["en"]).finditer(low)]
    taken: list[tuple[int, int]] = []
    out: list[tuple[str, ...]] = [(m.group(0).lower(),) for m in _CODE.finditer(text)]
    for a, b, zh in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if not free(a, b, taken):
            continue
        taken.append((a, b))
        alts = tuple(z.lower() for z in zh if z and z != "企业")
        if alts and alts not in out:
            out.append(alts)
    return out


def term_share(terms: list[tuple[str, ...]], low_text: str, context: str = "") -> float:
    """Share of the terms a unit states; a term only its sentence's earlier clauses state counts half
    (认定通过170家 after 申报高企200家 is about 高新技术企业 too)."""
    if not terms:
        return 0.0
    got = 0.0
    for alts in terms:
        if any(a in low_text or _interleaved(a, low_text) for a in alts):
            got += 1
        elif context and any(a in context for a in alts):
            got += 0.5
    return got / len(terms)


def _interleaved(term: str, text: str) -> bool:
    """A long term the text writes with words in between or reordered (技术合同成交额 ~ 技术合同交易成交额):
    the same rule as ``assistant.evidence.soft_in``."""
    from assistant.evidence import soft_in

    return len(term) >= 4 and soft_in(term, text)
