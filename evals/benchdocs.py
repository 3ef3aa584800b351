"""Template documents for the scale benchmark: the corpus plans re-issued for other regions.

Document i (i ≥ 0) takes the i-th (cyclically) corpus plan that names its region as its template, replaces every region the template
names (full and short names, e.g. 下陆区 / 下陆) with regions of the same level drawn from the
gazetteer (base/data/regions.tsv, never a region of the real corpus) and scales every figure that
carries a unit (家, 个, 亿元, % …) by a factor in [0.6, 1.8]. Years, dates and item numbers stay.
Everything comes from one seeded random generator: the same seed gives the same documents.
"""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from base.regions import Region, region_pattern, regions, regions_by_name

FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:家|个|项|亿|万|元|%|％|人|件|所|台|次|名|支|座|条|篇|户|平方米|公里))")


def _templates(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix == ".txt")


def _named_regions(text: str) -> list[Region]:
    by_name = regions_by_name()
    seen = dict.fromkeys(m.group(0) for m in region_pattern().finditer(text))
    return [by_name[n][0] for n in seen if n in by_name]


def _scale(m: re.Match, factor: float) -> str:
    s = m.group(1)
    v = float(s) * factor
    if "." in s:
        return f"{v:.{len(s.split('.')[1])}f}"
    return str(max(1, round(v)))


def render(template: str, rng: random.Random, pool: dict[int, list[Region]]) -> tuple[str, str]:
    """(text, name of the new main region) of one generated document."""
    mapping: dict[str, str] = {}
    main = ""
    for r in _named_regions(template):
        new = rng.choice(pool.get(r.level) or pool[3])
        main = main or new.name
        mapping[r.name] = new.name
        if r.short and new.short:
            mapping.setdefault(r.short, new.short)
    text = template
    if mapping:
        pat = re.compile("|".join(map(re.escape, sorted(mapping, key=len, reverse=True))))
        text = pat.sub(lambda m: mapping[m.group(0)], text)
    factor = rng.uniform(0.6, 1.8)
    return FIGURE.sub(lambda m: _scale(m, factor), text), main


def make_corpus(src: Path, dest: Path, n: int, seed: int = 13, extra: int = 0) -> list[Path]:
    """`dest` with the corpus documents of `src` plus generated ones up to `n` documents; returns the
    `extra` further generated documents, written under dest/.extra/ (for the adding benchmark)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    templates = _templates(src)
    for p in src.iterdir():
        if p.is_file():
            shutil.copy(p, dest / p.name)
    texts = [p.read_text(encoding="utf-8") for p in templates]
    used = {r.name for t in texts for r in _named_regions(t)}
    texts = [t for t in texts if _named_regions(t)]  # a plan naming no region would only be duplicated
    pool: dict[int, list[Region]] = {}
    for r in regions():
        if r.name not in used and r.short:
            pool.setdefault(r.level, []).append(r)
    rng = random.Random(seed)
    extras = []
    (dest / ".extra").mkdir()
    for i in range(max(0, n - len(templates)) + extra):
        text, region = render(texts[i % len(texts)], rng, pool)
        folder = dest if i < n - len(templates) else dest / ".extra"
        p = folder / f"gen{i:05d}_{region}.txt"
        p.write_text(text, encoding="utf-8")
        if folder != dest:
            extras.append(p)
    return extras
