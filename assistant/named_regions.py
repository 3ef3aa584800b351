"""Regions a question names: covered regions by any of their names, other gazetteer regions by
full name or (provinces and prefectures) short name, and English names by their pinyin."""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

from assistant.lexicon import vocab
from base.regions import (abbreviations, codes, common_names, contains, english_names, level, name_forms, regions,
                          regions_by_name, short_name)


MAX_READINGS = 6  # readings kept per name when some of its characters have several (闵行: minxing, minhang …)


@lru_cache(maxsize=None)
def readings(name: str) -> tuple[str, ...]:
    """The pinyin spellings of a name, lower case, its usual reading first: pypinyin's reading of
    the name, then those its polyphonic characters allow (闵行 → minxing, minhang, minheng), since
    a place name's reading is often not the word's usual one. Kept: the gazetteer's spelling maps
    and the questions' patterns read the same names."""
    from pypinyin import Style, lazy_pinyin, pinyin

    first = "".join(lazy_pinyin(name)).lower()
    combos = itertools.islice(itertools.product(*pinyin(name, style=Style.NORMAL, heteronym=True)), MAX_READINGS)
    return tuple(dict.fromkeys([first, *("".join(c).lower() for c in combos)]))


@lru_cache(maxsize=1)
def pinyin_regions() -> dict[str, tuple[str, ...]]:
    """'xianning' → ('咸宁市',), 'huancounty' → ('环县',): pinyin of every gazetteer short name, and of
    every name's core followed by the English word for its level (words are joined when matched);
    and the English names that are not pinyin ('shaanxi' → ('陕西省',), 'innermongolia')."""
    out = _spellings(lambda name: readings(name)[:1])
    for name, englishes in english_names().items():  # Shaanxi, Inner Mongolia, Ordos: not their pinyin
        for e in englishes:
            out.setdefault(re.sub(r"[^a-z]", "", e.lower()), []).insert(0, name)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def other_readings() -> dict[str, tuple[str, ...]]:
    """Like ``pinyin_regions``, for the other readings of polyphonic characters (minhang for 闵行).
    They are many and some spell English words (set a → 色达), so they only name covered regions."""
    out = _spellings(lambda name: readings(name)[1:])
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def _spellings(spell) -> dict[str, list[str]]:
    """Spelling → gazetteer names: of each short name, and of each name's core followed by the
    English word for its level; `spell(name)` gives the spellings of a name."""
    suffixes = vocab()["region_suffixes_en"]
    out: dict[str, list[str]] = {}
    for r in regions():
        if r.short:
            for key in spell(r.short):
                out.setdefault(key, []).append(r.name)
        for suf, words in suffixes.items():
            core = r.name[: -len(suf)]
            if r.name.endswith(suf) and core:
                for key in spell(core):
                    for w in words:
                        out.setdefault(key + w, []).append(r.name)
                break
    for alias, full in common_names().items():  # Shizhu County: 石柱县, the common name of 石柱土家族自治县
        for key in spell(alias[:-1]):
            for w in suffixes.get(alias[-1], ()):
                out.setdefault(key + w, []).append(full)
    return out


@lru_cache(maxsize=8)
def _known_names(known: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, str], ...]:
    """(name, full name) pairs of the covered regions, longest name first; computed once per set of
    covered regions (every question of an index asks with the same one)."""
    out: dict[str, str] = {}
    for full, aliases in known:
        for a in [full, *aliases, *abbreviations(full)]:
            if len(a) >= 2:
                out.setdefault(a, full)
    return tuple(sorted(out.items(), key=lambda kv: len(kv[0]), reverse=True))


def find_regions_zh(text: str, known: dict[str, list[str]]) -> list[str]:
    """Regions named in Chinese: covered regions by any of their names; others by full name, or by
    a short name when it is a province or prefecture (深圳, 海南 → 海南省, not a district of that
    name) — county short names alone are too ambiguous."""
    found: list[tuple[int, str]] = []
    taken = [False] * len(text)

    def take(name: str, full: str) -> None:
        i = text.find(name)  # plain substring search: thousands of names, no regex per name
        while i >= 0:
            j = i + len(name)
            if not any(taken[i:j]):
                found.append((i, full))
                for k in range(i, j):
                    taken[k] = True
            i = text.find(name, j)

    for name, full in _known_names(tuple((f, tuple(a)) for f, a in known.items())):
        take(name, full)
    for name in _full_names():
        if name in text:
            take(name, name)
    for short, name in _upper_shorts():
        if short in text:
            take(short, name)
    return list(dict.fromkeys(full for _, full in sorted(found)))


@lru_cache(maxsize=1)
def _full_names() -> tuple[str, ...]:
    """Gazetteer names safe to find in running text (a core of two characters or more), longest first."""
    return tuple(sorted((n for n in regions_by_name() if short_name(n)), key=len, reverse=True))


@lru_cache(maxsize=1)
def _upper_shorts() -> tuple[tuple[str, str], ...]:
    """(short name, full name) of provinces and prefectures (海南 → 海南省, the highest level of a
    short name shared by several), longest first."""
    shorts: dict[str, str] = {}
    for name, regs in regions_by_name().items():
        r = regs[0]
        if r.level <= 2 and r.short and len(r.short) >= 2:
            if r.short not in shorts or (level(shorts[r.short]) or 9) > r.level:
                shorts[r.short] = name
    return tuple(sorted(shorts.items(), key=lambda kv: len(kv[0]), reverse=True))


def find_regions_en(text: str, known: dict[str, list[str]]) -> list[str]:
    """Regions named in English (pinyin): 'Xianning' → 咸宁市; covered regions preferred."""
    words = re.findall(r"[a-z]+", text.lower())
    pmap = pinyin_regions()
    found: list[list[str]] = []  # per name, its readings best first
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            key = "".join(words[i:i + n])
            if len(key) < 4 or (n == 1 and key in vocab()["not_region_words_en"]["words"]):
                continue
            cands = pmap.get(key, ())
            covered = [c for c in cands if c in known or any(a in c for a in known)]
            if not cands:  # another reading names only a covered region (Minhang → 闵行区)
                covered = [c for c in other_readings().get(key, ()) if c in known or any(a in c for a in known)]
                if not covered:
                    continue
            # an uncovered name: the highest level of that name (Hainan → 海南省, not 海南区)
            found.append(covered or sorted(cands, key=lambda c: level(c) or 9))
    sure = [f[0] for f in found if len(f) == 1]
    out = [_beside(f, sure) for f in found]
    return list(dict.fromkeys(out))


def _beside(readings: list[str], sure: list[str]) -> str:
    """Of a name's readings, the one inside a region the question names for sure, holding one, or beside
    one (Lianyuan, Shuangfeng and Xinhua … Loudi: 新化县 of 娄底, not a 新华区 elsewhere; Hengshui …
    Beijing-Tianjin-Hebei: 河北省, which holds 衡水, before the 河北区 of 天津); else the first."""
    if len(readings) > 1:
        for r in readings:
            if any(s != r and (contains(s, r) or contains(r, s) or _same_parent(s, r)) for s in sure):
                return r
    return readings[0]


def _same_parent(a: str, b: str) -> bool:
    """Two counties of one prefecture (涟源市 and 新化县 of 娄底), by their adcodes."""
    return any(x[:4] == y[:4] and not x.endswith("00") and not y.endswith("00") for x in codes(a) for y in codes(b))


@lru_cache(maxsize=1024)
def _english_pattern(region: str) -> re.Pattern[str] | None:
    core = short_name(region) or region
    keys = [k for k in (*readings(core), *(e.lower() for e in english_names().get(region, ())))
            if k.isascii() and len(k) >= 2]
    if not keys:
        return None
    alts = "|".join(r"['’ -]?".join(map(re.escape, k.replace(" ", ""))) for k in keys)
    return re.compile(rf"(?<![a-z])(?:{alts})(?![a-z])", re.I)


def _mentions(text: str, region: str) -> list[tuple[int, int]]:
    """Every place the text names the region: its Chinese names, or its English/pinyin ones."""
    spans = [(m.start(), m.end()) for n in name_forms(region) for m in re.finditer(re.escape(n), text)]
    pat = _english_pattern(region)
    spans += [(m.start(), m.end()) for m in pat.finditer(text)] if pat else []
    # a short name inside the full one (西安 in 西安市) is the same mention
    return sorted(sp for sp in set(spans) if not any(o != sp and o[0] <= sp[0] and sp[1] <= o[1] for o in spans))


def region_spans(text: str, regions: list[str]) -> list[tuple[int, int]]:
    """Every place the text names one of the regions (九江 in 九江是否要求…)."""
    return [sp for r in regions for sp in _mentions(text, r)]


def mention_at(text: str, region: str) -> int | None:
    """Where a question first names a region: by its full or short Chinese name, or in pinyin
    (Xi'an, Bozhou); None when it does not."""
    spans = _mentions(text, region)
    return spans[0][0] if spans else None


_BETWEEN_LOCATIVE = re.compile(r"(?:的|\s*|\s*['’]s\s+)")  # 广西玉林市, 湖北省的咸宁市, Guangxi's Yulin
_AFTER_LOCATIVE = re.compile(r"\s*(?:,|，|\bin\b|\bof\b)\s*", re.I)  # Yulin in Guangxi, Yulin, Guangxi


def _locative(text: str, outer: tuple[int, int], inners: list[tuple[int, int]]) -> bool:
    """Whether this naming of a region only places a region inside it (广西玉林市, Yulin in Guangxi)."""
    for a, b in inners:
        if a >= outer[1] and _BETWEEN_LOCATIVE.fullmatch(text[outer[1]:a]):
            return True
        if b <= outer[0] and _AFTER_LOCATIVE.fullmatch(text[b:outer[0]]):
            return True
    return False


def subjects(text: str, named: list[str]) -> list[str]:
    """The regions a question is about. A region named together with one inside it only locates the
    inner one ("湖北省咸宁市", "Yulin in Guangxi"), unless the question also names it on its own
    ("广西科技强桂行动方案和玉林市分别…", "Guangxi as a whole and … Yulin in Guangxi"): then both are.
    A region the text does not name (inherited by a follow-up) is only a locator too."""
    out = []
    for r in named:
        inner = [o for o in named if o != r and contains(r, o)]
        if inner:
            spans = [sp for o in inner for sp in _mentions(text, o)]
            if not any(not _locative(text, m, spans) for m in _mentions(text, r)):
                continue
        out.append(r)
    return out
