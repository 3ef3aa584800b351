"""The question vocabulary as data (assistant/data): question types and facets, synonyms, the
English glossary and the English wordings brought to it. Loaded once, read-only."""
from __future__ import annotations

import re
from functools import lru_cache

from base.vocab import data_dir, load_json, load_tsv

DATA = data_dir(__file__)


@lru_cache(maxsize=1)
def glossary() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    out = []
    for en, zh in load_tsv(DATA / "glossary.tsv"):
        out.append((re.compile(rf"(?<![a-z])(?:{en})(?![a-z])", re.I), tuple(z.strip() for z in zh.split(","))))
    return tuple(out)


@lru_cache(maxsize=1)
def vocab() -> dict:
    return load_json(DATA / "question_vocab.json")


@lru_cache(maxsize=1)
def english_variants() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(v), w) for v, w in load_tsv(DATA / "english_variants.tsv"))
