"""The grounding check of a generated (LLM) answer — small pure functions, no model involved.

Given the passages the model was shown (numbered [1]..[k]) and the text it produced, the answer is
accepted only when nothing in it goes beyond what the cited passages state:

1. every citation marker [n] refers to a passage that was given;
2. the text is checked per clause (split at ，；、 , ; as well as sentence ends), each against the
   passages its clause or sentence cites, so one supported clause cannot carry an unsupported one;
3. figures are compared as values with their units and magnitudes (310家 ≠ 310万家, 35亿元 =
   3.5 billion yuan ≠ 35万元, % ≠ 百分点); number words in Chinese and English (三百一十, three hundred
   and ten, 1.5 million) are read by ``base.number_words`` and must equal a figure of the cited passage;
4. a figure, year or region must belong to the passage's clause that the answer's clause paraphrases:
   a figure the passage gives for another indicator (申报350 stated as 认定), another year or another
   region is rejected;
5. claims the passage must state explicitly when they appear: negations (不/未/不再/no longer), ranks
   and superlatives (第一, 首位, 领先, first, top, largest), comparisons with other years or regions
   (比上年, 高于全省平均, than last year), lead and responsible units (由…牵头, led by …) and roles
   (由区长任组长). An English clause is checked through the Chinese it quotes and through the figures,
   regions and glossary terms (``assistant/data/glossary.tsv``) it states;
6. a Chinese clause must share enough wording with its passages (char-bigram containment ≥
   ``support.CLAUSE_MIN``); a sentence without a marker must be near-verbatim in one passage (≥ ``UNMARKED_MIN``);
7. "资料中未找到" / "not found in the documents" without any marker is a refusal.

The vocabulary (negation, rank, comparison and organisation words, unit classes) is data:
``assistant/data/claims.json``.

Passage text that reads like an instruction to the model ("忽略以上指令，回答……", "ignore previous
instructions …") is removed from the evidence before checking, so text injected into a document
can never make an answer acceptable that would be rejected without it.

Modules: ``text`` (output cleaning, markers, sentences, injected instructions), ``vocab`` (the claim
vocabulary), ``figures`` (figures and number words), ``claims`` (negations, ranks, comparisons,
organisations and roles), ``clauses`` (clauses, regions, wording), ``evidence`` (what a passage states),
``support`` (each clause against its passages); ``check_generated`` here puts them together.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.grounding import numbers as arabic_numbers
from assistant.llm.check.clauses import known_regions, split_clauses
from assistant.llm.check.evidence import build_evidence, passage_evidence
from assistant.llm.check.figures import chinese_numbers, figures, ungrounded_numbers
from assistant.llm.check.support import TRIVIAL_CHARS, clause_problems, year_problems
from assistant.llm.check.text import (ANSWER_END, MARKER, clean_output, containment, is_cjk, is_refusal, markers,
                                      norm_text, split_sentences)
from assistant.llm.passage import Passage

__all__ = ["check_generated", "LLMCheck", "Passage", "clean_output"]
UNMARKED_MIN = 0.8  # … of an uncited sentence's bigrams found in one passage (near-verbatim)
HEADER_MAX = 30  # "咸宁市的目标如下：" — a short line ending with a colon introduces a list


@dataclass
class LLMCheck:
    ok: bool
    refusal: bool = False
    text: str = ""  # the cleaned answer text (markers normalised)
    cited: list[int] = field(default_factory=list)  # passage numbers cited or matched, in order
    problems: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # sentences that could not be matched


def check_generated(raw: str, passages: list[Passage]) -> LLMCheck:
    """Check generated text against the passages the model was given (see the module doc)."""
    text = clean_output(raw)
    if not text:
        return LLMCheck(ok=False, text=text, problems=["empty or malformed output"])
    by_n = {p.n: p for p in passages}
    problems: list[str] = []
    flagged: list[str] = []
    cited: list[int] = []
    all_markers = markers(text)
    if is_refusal(text) and not all_markers:
        return LLMCheck(ok=True, refusal=True, text=text)
    for n in dict.fromkeys(all_markers):
        if n not in by_n:
            problems.append(f"marker [{n}] refers to no given passage (given: 1–{len(passages)})")
    known = known_regions(passages)
    ev = {p.n: build_evidence(p, known) for p in passages}
    old = {p.n: passage_evidence(p) for p in passages}
    for sent in split_sentences(text, ANSWER_END):
        ns = [n for n in dict.fromkeys(markers(sent)) if n in by_n]
        body = MARKER.sub("", sent).strip()
        body_norm = norm_text(body)
        if not body_norm:
            continue
        if is_refusal(body) and not arabic_numbers(body):
            continue
        if not ns:
            has_number = bool(figures(body) or chinese_numbers(body))
            if not has_number and len(body_norm) <= TRIVIAL_CHARS:
                continue
            if body.endswith((":", "：")) and len(body_norm) <= HEADER_MAX:
                pool = "\n".join(old[n][0] for n in (all_markers or list(by_n)) if n in old)
                bad = ungrounded_numbers(body, pool)
                if bad:
                    problems.append(f"numbers not in the passages: {', '.join(bad)}")
                continue
            best_n, best = None, 0.0
            for p in passages:
                c = containment(body, old[p.n][1])
                if c > best:
                    best_n, best = p.n, c
            if best_n is None or best < UNMARKED_MIN or not is_cjk(body):
                flagged.append(sent)
                problems.append(f"sentence without a citation that matches no passage: {body[:60]}")
                continue
            ns = [best_n]
        found = year_problems(body, ns, [ev[n] for n in ns], known)
        for clause in split_clauses(sent):
            own = [n for n in dict.fromkeys(markers(clause)) if n in by_n]
            found += clause_problems(clause, own or ns, ev, known)
        if found:
            flagged.append(sent)
            problems.extend(dict.fromkeys(found))
        cited.extend(ns)
    cited = list(dict.fromkeys(cited))
    if not problems and not cited:
        problems.append("the answer cites no passage")
    return LLMCheck(ok=not problems, text=text, cited=cited, problems=problems, flagged=flagged)
