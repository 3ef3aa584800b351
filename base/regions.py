"""Loads the genre vocabulary and the region gazetteer (data files under ingest/data/)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from base.vocab import BASE_DATA, load_json, load_tsv


REGION_SUFFIXES = ("自治区", "自治县", "自治州", "自治旗", "新区", "林区", "特区", "省", "市", "区", "县", "州", "旗", "盟")


@lru_cache(maxsize=1)
def genre() -> dict:
    """The genre vocabulary (meta field keys, plan kinds, heading patterns …)."""
    return load_json(BASE_DATA / "genre.json")


@dataclass(frozen=True)
class Region:
    code: str  # 6-digit adcode
    name: str  # full name, e.g. 下陆区

    @property
    def level(self) -> int:
        """1 province, 2 prefecture, 3 county."""
        if self.code.endswith("0000"):
            return 1
        if self.code.endswith("00"):
            return 2
        return 3

    @property
    def short(self) -> str:
        """Name without its administrative suffix (下陆区 → 下陆); '' when too short to be safe."""
        return short_name(self.name)


def short_name(name: str) -> str:
    """The name without its administrative suffix, and for an autonomous region or prefecture
    without the ethnic groups it is named after (广西壮族自治区 → 广西, 黔东南苗族侗族自治州 → 黔东南).
    An autonomous county keeps them (新平彝族傣族自治县 → 新平彝族傣族): its bare core is too often
    an ordinary word (新平台, 打通通道)."""
    for suf in REGION_SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            core = name[: -len(suf)]
            return _without_ethnic_names(core) if suf in ("自治区", "自治州") else core
    return ""


@lru_cache(maxsize=1)
def _ethnic_endings() -> tuple[str, ...]:
    """Endings an autonomous area's core may have: 苗族, and the longer names also without 族 (维吾尔)."""
    names = genre().get("ethnic_names", [])
    endings = [n + "族" for n in names] + [n for n in names if len(n) >= 2]
    return tuple(sorted(endings, key=len, reverse=True))


def _without_ethnic_names(core: str) -> str:
    while True:
        ending = next((e for e in _ethnic_endings() if core.endswith(e)), None)
        if ending is None:
            return core
        if len(core) - len(ending) < 2:
            return core.removesuffix("族") if len(core.removesuffix("族")) >= 2 else core
        core = core[: -len(ending)]


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    out = []
    for code, name in load_tsv(BASE_DATA / "regions.tsv"):
        out.append(Region(code, name))
    return tuple(out)


@lru_cache(maxsize=1)
def english_names() -> dict[str, tuple[str, ...]]:
    """Gazetteer name → its English names that are not its pinyin (陕西省 → Shaanxi, 鄂尔多斯市 → Ordos),
    from regions_en.tsv; a line naming no gazetteer region is an error of the data file."""
    known = {r.name for r in regions()}
    out: dict[str, list[str]] = {}
    for english, name in load_tsv(BASE_DATA / "regions_en.tsv"):
        if name not in known:
            raise ValueError(f"regions_en.tsv: {name} ({english}) is not in regions.tsv")
        out.setdefault(name, []).append(english)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def region_pattern() -> re.Pattern[str]:
    """Alternation of full region names whose core is ≥ 2 characters, and of the common names of
    autonomous counties and prefectures (石柱县), longest first."""
    names = sorted({r.name for r in regions() if r.short} | set(common_names()), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


_COMMON_SUFFIX = {"自治县": "县", "自治州": "州"}


@lru_cache(maxsize=1)
def common_names() -> dict[str, str]:
    """How running text commonly names an autonomous county or prefecture: its core without the ethnic
    groups and the plain level word (石柱土家族自治县 → 石柱县, 楚雄彝族自治州 → 楚雄州), mapped to the
    gazetteer name; only forms no gazetteer region has as its own name."""
    own = {r.name for r in regions()}
    out: dict[str, str] = {}
    for r in regions():
        for suf, plain in _COMMON_SUFFIX.items():
            if r.name.endswith(suf):
                core = _without_ethnic_names(r.name[: -len(suf)])
                alias = core + plain
                if len(core) >= 2 and alias not in own and core != r.name[: -len(suf)]:
                    out.setdefault(alias, r.name)
    return out


@lru_cache(maxsize=1)
def _common_names_of() -> dict[str, list[str]]:
    """Gazetteer name → its common names (the inverse of ``common_names``)."""
    out: dict[str, list[str]] = {}
    for alias, full in common_names().items():
        out.setdefault(full, []).append(alias)
    return out


def region_named(name: str) -> Region:
    """The gazetteer region a matched name stands for: its own name, or a common name (石柱县)."""
    by_name = regions_by_name()
    return by_name[name][0] if name in by_name else by_name[common_names()[name]][0]


@lru_cache(maxsize=1)
def regions_by_name() -> dict[str, tuple[Region, ...]]:
    out: dict[str, list[Region]] = {}
    for r in regions():
        out.setdefault(r.name, []).append(r)
    return {k: tuple(v) for k, v in out.items()}


def codes(name: str) -> list[str]:
    return [r.code for r in regions_by_name().get(name, ())]


def level(name: str) -> int | None:
    """1 province, 2 prefecture, 3 county (the highest level a name has); None when unknown."""
    levels = [r.level for r in regions_by_name().get(name, ())]
    return min(levels) if levels else None


@lru_cache(maxsize=65536)
def contains(parent: str, child: str) -> bool:
    """Whether region `child` lies inside region `parent` by their adcodes (湖北省 ⊃ 黄石市 ⊃ 下陆区).
    Cached: scoping asks it for every document of the index and every region a question names."""
    for pc in codes(parent):
        for cc in codes(child):
            if cc == pc:
                continue
            if pc.endswith("0000") and cc[:2] == pc[:2]:
                return True
            if pc.endswith("00") and not pc.endswith("0000") and cc[:4] == pc[:4]:
                return True
    return False


def name_forms(region: str) -> list[str]:
    """How running text names a region for sure: its full name and its short name (下陆区, 下陆), at
    least two characters each."""
    return [n for n in (region, *abbreviations(region)[:1]) if n and len(n) >= 2]


def abbreviations(name: str) -> list[str]:
    """Forms a region's name takes in running text: its short name (下陆区 → 下陆) and, for districts
    and counties with a longer core, the first or last character with the suffix (昆都仑区 → 昆区,
    岳阳楼区 → 楼区); for an autonomous county or prefecture, its common name (石柱县)."""
    out = []
    short = short_name(name)
    if short:
        out.append(short)
        suffix = name[len(short):]
        if suffix in ("区", "县") and len(short) >= 2:
            out += [short[0] + suffix, short[-1] + suffix]
    out += _common_names_of().get(name, [])  # 石柱县 for 石柱土家族自治县
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- how a text speaks of itself
def level_usage(body: str) -> dict[str, int]:
    """How often the text speaks of itself at each level (我县, 全县 …). A 全省 that ranks or counts
    (列全省第3, 全省首个, 全省四个) compares the region with the rest of the province: not self-reference."""
    return {suffix: sum(not comparative(body, m.start(), m.end())
                        for w in words for m in re.finditer(re.escape(w), body))
            for suffix, words in genre()["region_level_words"].items()}


def comparative(text: str, start: int, end: int) -> bool:
    """Whether the region word at text[start:end] is the frame a ranking or a list compares in
    (列全省第3, 嘉兴市唯一, 入选全省…清单), rather than the region the text is about."""
    g = genre()
    return bool(re.match(g["region_compare_after"], text[end:end + 6])
                or re.search(g["region_compare_before"], text[max(0, start - 3):start]))


def own_level(text: str) -> str | None:
    """The level a text speaks of itself at most (区 for a page saying 全区, 区政府), None when it never
    does."""
    usage = level_usage(text)
    return max(usage, key=usage.get) if any(usage.values()) else None


def level_word(name: str) -> str | None:
    """The level word (区, 县, 市, 州, 省) a region's full name ends with, among those a text speaks of
    itself with (genre.json region_level_words); None for other suffixes (旗, 盟)."""
    for suffix in sorted(genre()["region_level_words"], key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return None
