"""Ordinary English words of a question that the glossary does not know ('advisers', 'in a row',
'honour'): the Chinese words a general dictionary gives for them that the passages found (or the
documents in scope, when they are few) actually use. The glossary holds the plans' own terms; a
question asked in English also uses everyday words for what the Chinese text says (顾问, 连续,
荣誉), and without them an English question's evidence matches fewer of its words than the same
question asked in Chinese. Only words present in the evidence are added, so a word the documents
never use changes nothing (it neither matches nor counts as absent)."""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.compose.context import Context, evidence_texts
from assistant.compose.params import params
from assistant.evidence import alternatives
from assistant.lexicon import english_chinese, english_stopwords, english_variants, glossary
from assistant.named_regions import pinyin_regions
from assistant.query import Query

_TOKEN = re.compile(r"[a-z]+(?:-[a-z]+)*|[^a-z\s]+")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def lemmas(word: str) -> list[str]:
    """The forms a dictionary may list an inflected English word under: advisers → adviser,
    appointed → appoint, ranking → rank, honour → honor."""
    out = [word]
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    if word.endswith("ed"):
        out += [word[:-2], word[:-1]]
    if word.endswith("ing"):
        out += [word[:-3], word[:-3] + "e"]
    if "our" in word:
        out += [w.replace("our", "or") for w in list(out)]
    return list(dict.fromkeys(out))


def _masked(text: str) -> str:
    """The question in lower case with the glossary's names blanked out (they are matched by the
    glossary) and its wordings brought to the glossary's."""
    low = text.lower()
    for rx, word in english_variants():
        low = rx.sub(word, low)
    for rx, _ in glossary():
        low = rx.sub(lambda m: " | ", low)
    return low


def unknown_words(text: str, max_words: int) -> list[tuple[str, tuple[str, ...]]]:
    """(English word or phrase, its dictionary's Chinese words) for each run of the question the
    glossary does not cover, longest phrase first ('in a row' before 'row'); function words,
    region names and words the dictionary lacks are left out."""
    d = english_chinese(max_words=max_words)
    stop, regions = english_stopwords(), pinyin_regions()
    toks = _TOKEN.findall(_masked(text))
    out, i = [], 0
    while i < len(toks):
        hit = None
        for n in range(max_words, 1, -1):  # a phrase of words (not across a blanked name)
            words = toks[i:i + n]
            if len(words) == n and all(_WORD.fullmatch(w) for w in words) and " ".join(words) in d \
                    and not all(w in stop for w in words):
                hit = (" ".join(words), d[" ".join(words)], n)
                break
        if hit is None:
            w = toks[i]
            if _WORD.fullmatch(w) and len(w) >= 3 and w not in stop and w.replace("-", "") not in regions:
                # every form the dictionary lists it under: 'results' (调查结果) and 'result' (成果, 结果)
                zh = tuple(dict.fromkeys(z for form in lemmas(w) if form not in stop for z in d.get(form, ())))
                if zh:
                    hit = (w, zh, 1)
        if hit is not None:
            out.append(hit[:2])
            i += hit[2]
        else:
            i += 1
    return out


def with_english_words(ctx: Context, q: Query | None = None) -> Query:
    """The question with, for each of its English words the glossary lacks, the Chinese words the
    dictionary gives for it that the evidence uses, as one term of alternatives ("顾问|参谋")."""
    q = q or ctx.query
    if q.lang != "en":
        return q
    p = params()["english_words"]
    words = unknown_words(q.text, p["max_phrase_words"])
    if not words:
        return q
    texts = evidence_texts(ctx, p["passages"])
    known = {a for t in q.terms for a in alternatives(t)}
    added = []
    for _, zh in words:
        used = [z for z in zh if z not in known and any(z in t for t in texts)][:p["max_alternatives"]]
        if used:
            added.append("|".join(used))
            known.update(used)
    if not added:
        return q
    return replace(q, terms=q.terms + added, focus=q.focus + added if q.followup else q.focus)


def soften(q: Query, before: Query) -> Query:
    """`q` (weighed) with the words the dictionary added weighing less than the question's own terms
    (``english_words.weight``): a dictionary sense is a guess that the evidence happens to use."""
    added = set(q.terms) - set(before.terms)
    if not added:
        return q
    w = params()["english_words"]["weight"]
    return replace(q, weights={t: x * w if t in added else x for t, x in q.weights.items()})
