"""Question analysis: language, regions, years, question type, content terms, follow-up context.

Pure functions over the question text (and the conversation history); no index access here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from assistant.evidence import alternatives, maximal_terms, term_len
from assistant.lexicon import english_variants, glossary, vocab
from assistant.named_regions import find_regions_en, find_regions_zh
from assistant.timewords import (en_time_phrases, find_period, find_years, period_names_plan, plan_kinds,
                                 relative_years, year_names_report)
from base.mentions import find_numbers
from base.number_words import find_english_numbers
from base.regions import abbreviations, genre
from base.tokenize import STOP, tokens

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_FIGURE = re.compile(r"\d+(?:\.\d+)?%?")  # a figure the question states is a claim, not a search term
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# a Latin word inside a Chinese question (R&D, GDP, 5G): one term, read through the English glossary
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:[&+/.\-][A-Za-z0-9]+)*")


@dataclass
class Query:
    text: str  # the question as asked (NFKC)
    lang: str  # zh | en
    qtype: str  # numeric | entity | list | policy | comparison | date | docno | yes_no | issuer | general
    regions: list[str] = field(default_factory=list)  # full Chinese region names mentioned
    years: list[int] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # Chinese content terms (expanded for English)
    focus: list[str] = field(default_factory=list)  # terms of the current turn (a follow-up's own words)
    enterprise_kinds: list[str] = field(default_factory=list)
    search_text: str = ""  # text sent to the retrievers
    followup: bool = False
    weights: dict[str, float] = field(default_factory=dict)  # per-term weight, set by the composer
    period: list[int] = field(default_factory=list)  # years of a plan period named (十四五 → 2021–2025)
    relative: list[int] = field(default_factory=list)  # years named relative to a document's own (去年 → -1)
    period_names_plan: bool = False  # that period is part of a plan's name (“十三五”科技创新规划): it picks the plan
    year_names_report: bool = False  # a year named is part of a report's name (2023年全市科技工作会议): it picks the report
    units: list[str] = field(default_factory=list)  # unit categories of the figures asked: count, money, ratio
    bases: list[str] = field(default_factory=list)  # what the figures asked measure: growth, share, new, total
    past: bool = False  # asks what was achieved (截至2020年底已…), not a target
    target: bool = False  # asks what a plan sets (目标, 力争, targets)
    present: bool = False  # asks the state now or what was already reached (目前, 现有, so far)
    others: bool = False  # the region or document named is a reference, not the scope (还有哪些文件也提到…)
    doc_ref: str = ""  # the words that point at the document (这份科技创新政策意见): covered by all its passages

    @property
    def content_terms(self) -> list[str]:
        return [t for t in self.terms if t not in GENERIC_TERMS]


GENERIC_TERMS = frozenset(vocab()["generic_terms"])  # words every plan uses: they name no particular thing


@lru_cache(maxsize=4096)
def is_basis_word(term: str) -> bool:
    """增长率, 比重, 总数: a word saying what a figure measures (question_vocab facets.basis), not what
    it is about; evidence states it its own way (占全市的39.2%, 增长10%)."""
    pats = [p for facet in vocab()["facets"]["basis"].values() for p in facet["zh"]]
    return all(any(re.match(p, a) for p in pats) for a in term.split("|"))


# ---------------------------------------------------------------- data


# ---------------------------------------------------------------- pieces
def language(text: str) -> str:
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if cjk and cjk * 3 >= latin * 0.5 else ("en" if latin else "zh")


_MONEY_ITSELF = re.compile(r"\b(?:how much (?:money|funding)|yuan|rmb|amount)\b|元"
                           r"|\bhow much\b(?! of\b)[^?,]{0,60}?\b(?:invest(?:ed|s)?|spen[dt]s?|allocat\w*)\b", re.I)


def without_stated_quantities(text: str) -> str:
    """`text` with the quantities it states blanked (same length): 年营收3亿元以上的企业, firms with
    revenue above 300 million yuan — a condition of what is asked, whose unit is not the one asked."""
    for m in [*find_numbers(text), *find_english_numbers(text)]:
        if m.unit and not _ASKED_BEFORE.search(text[:m.start]):
            text = text[:m.start] + " " * (m.end - m.start) + text[m.end:]
    return text


_HOW_MANY_YUAN = re.compile(r"\bhow many\s+(?:(?:hundred|ten|thousand)\s+)?(?:(?:billion|million|thousand)\s+)?(?:yuan|rmb)\b", re.I)
# "how many billion yuan": a magnitude with no numeral right after the question word is the unit asked
_ASKED_BEFORE = re.compile(r"\bhow (?:many|much)\s*$", re.I)


def asked_units(text: str, lang: str) -> list[str]:
    """The unit categories of the figures asked. A ratio asked of money (R&D investment ratios, 研发
    投入强度) is a ratio: the money words say what it is a ratio of, unless the question asks the
    amount itself too (yuan, how much money)."""
    text = without_stated_quantities(text)
    units = facets(text, lang, "units")
    if "count" in units and _HOW_MANY_YUAN.search(text):
        units.remove("count")  # how many billion yuan: an amount of money, not a count
    if "ratio" in units and "money" in units and not _MONEY_ITSELF.search(text):
        units.remove("money")
    return units


def facets(text: str, lang: str, group: str) -> list[str]:
    """The names of a facet group (question_vocab.json ``facets``) whose patterns match, in order.
    In English, a basis word inside the name of a thing (new R&D institutions → 新型研发机构, total
    factor productivity) is part of that name: the basis counts there only when the thing's Chinese
    name says it too."""
    low = text.lower() if lang == "en" else text
    names = _glossary_names(low) if lang == "en" and group == "basis" else ()
    out = []
    for name, pats in vocab()["facets"][group].items():
        seen = _mask_names(low, names, tuple(pats["zh"])) if names else low
        if any(re.search(p, seen) for p in pats["zh" if lang == "zh" else "en"]):
            out.append(name)
    return out


@lru_cache(maxsize=256)
def _glossary_names(low: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """The several-word glossary names in an English question: (start, end, Chinese forms)."""
    return tuple((*m.span(), zh) for rx, zh in glossary() for m in rx.finditer(low)
                 if re.search(r"[ -]", m.group(0).strip()))


def _mask_names(low: str, names: tuple[tuple[int, int, tuple[str, ...]], ...], zh_pats: tuple[str, ...]) -> str:
    """`low` with the glossary `names` blanked whose Chinese forms match none of `zh_pats`."""
    for a, b, zh in names:
        if not any(re.search(p, z) for p in zh_pats for z in zh):
            low = low[:a] + " " * (b - a) + low[b:]
    return low


def facet(text: str, lang: str, group: str) -> str:
    """The first name of a facet group whose patterns match ("" when none)."""
    return next(iter(facets(text, lang, group)), "")


def matches_patterns(text: str, lang: str, spec: dict, flags: int = 0) -> bool:
    """Whether the question matches one of a vocabulary entry's patterns ({"zh": […], "en": […]};
    English ones match the lower-cased text)."""
    low = text.lower() if lang == "en" else text
    return any(_compiled(p, flags).search(low) for p in spec["zh" if lang == "zh" else "en"])


@lru_cache(maxsize=4096)
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A vocabulary pattern compiled once: the vocabulary holds more patterns than re's own cache keeps."""
    return re.compile(pattern, flags)


def _asks(text: str, lang: str, facet_name: str) -> bool:
    """Whether the question matches one of a facet's patterns (question_vocab ``facets``)."""
    return matches_patterns(text, lang, vocab()["facets"][facet_name])


def asks_target(text: str, lang: str) -> bool:
    """The question asks what a plan sets (目标, 力争, targets, aims for), not what was achieved."""
    return _asks(text, lang, "target")


def asks_present(text: str, lang: str) -> bool:
    """The question asks the state now or what was already reached (目前, 现有, so far), not a target."""
    return _asks(text, lang, "present") and not asks_target(text, lang)


def asks_past(text: str, lang: str) -> bool:
    """The question asks what was achieved (截至2020年底已…, had reached), not a target; a period or a
    deadline (期间, by the end of) asks it only when no target is asked."""
    return _asks(text, lang, "past") or (_asks(text, lang, "past_unless_target") and not asks_target(text, lang))


_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_ORDINAL_EN = re.compile(r"\d+(?:st|nd|rd|th)", re.I)
_CODE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]*\d+[A-Za-z]+|[A-Za-z]+\d+|[A-Z]{2,}(?:&[A-Z])?)(?![A-Za-z0-9])")


def expand_english(text: str) -> list[str]:
    """Chinese terms for an English question (glossary, after its words are brought to the
    glossary's wording: firms → enterprises), plus codes and acronyms the Chinese documents write in
    Latin letters too (5G, GDP, AI)."""
    low = text.lower()
    for rx, word in english_variants():
        low = rx.sub(word, low)
    out = [m.group(0) for m in _CODE.finditer(text) if not _ORDINAL_EN.fullmatch(m.group(0))]  # 11th: no code
    spaced = _WORD_HYPHEN.sub(" ", low)  # investment-attraction amount: the glossary's 'investment attraction'
    for rx, zh in glossary():
        if rx.search(low) or rx.search(spaced):
            out.append("|".join(zh))
    return list(dict.fromkeys(out))


def matches_type(text: str, lang: str, qtype: str) -> bool:
    """Whether the question reads as `qtype` by that type's patterns (question_vocab.json)."""
    return matches_patterns(text, lang, vocab()["types"][qtype], re.I)


_EN_PLAN_NAME_WORDS = re.compile(r"\b(?:work|annual|year[- ]end|government) (?:summary|report|plan)\b", re.I)


def without_plan_names(text: str, lang: str) -> str:
    """`text` with the kinds of plan it names blanked (工作总结, its 2024 work summary): "总结" or
    "summary" there names the document, it does not ask for a summary."""
    if lang == "en":
        return _EN_PLAN_NAME_WORDS.sub(lambda m: " " * len(m.group(0)), text)
    for kind in plan_kinds():
        text = text.replace(kind, " " * len(kind))
    return text


def _alternation(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _document_reference() -> re.Pattern[str]:
    spec = vocab()["document_reference"]
    return re.compile(f"(?:{_alternation(spec['demonstratives'])})"
                      f"[^，,。；;？?！!]{{0,{spec['max_chars']}}}?(?:{_alternation({*plan_kinds(), *spec['nouns']})})")


_ABOUT_THE_DOCUMENT = frozenset({"date", "docno", "issuer", "field"})


@lru_cache(maxsize=1)
def _source_clause() -> re.Pattern[str]:
    spec = vocab()["document_reference"]
    return re.compile(f"^[^，,。；;？?！!]{{0,{spec['max_chars']}}}?(?:{_alternation({*plan_kinds(), *spec['nouns']})})"
                      f"(?:上|中)?(?:{_alternation(spec['source_verbs'])})[，,:：]")


def document_reference(text: str) -> str:
    """The phrases of a question that point at the document (这份科技创新政策意见, 这篇研发投入报道),
    and the clause opening it that names its source (鹰潭市的发布会介绍,…)."""
    found = [m.group(0) for m in _document_reference().finditer(text)]
    source = _source_clause().match(text)
    return " ".join([*found, *([source.group(0)] if source else [])])


def question_type(text: str, lang: str) -> str:
    for qtype in vocab()["types"]["order"]:
        if matches_type(without_plan_names(text, lang) if qtype == "overview" else text, lang, qtype):
            return qtype
    return "general"


def enterprise_kinds(text: str, lang: str) -> list[str]:
    kinds = vocab()["enterprise_kinds"]
    out = []
    low = text.lower()
    for canonical, spec in kinds.items():
        pats = spec["zh"] + (spec["en"] if lang == "en" else [])
        if any(re.search(p, low if lang == "en" else text, re.I) for p in pats):
            out.append(canonical)
    return out


def question_parts(text: str, lang: str) -> list[str]:
    """The parts of a question that asks two things in turn (question_vocab ``compound``): 全市完成专利
    申请多少件,其中发明专利多少件? → two questions; What is its number, and on what date was it
    issued? → two. A part must ask on its own (a question word of its own) and be long enough to
    read; otherwise the question is one part."""
    spec = vocab()["compound"]
    least = spec["min_part_chars"][lang]
    if lang == "zh":
        word = re.compile(spec["zh_question_word"])
        parts: list[str] = []
        for seg in re.split(spec["zh_boundary"], text):
            if parts and word.search(seg) and word.search(parts[-1]):
                parts.append(seg)
            elif parts:
                parts[-1] += seg
            elif seg:
                parts.append(seg)
        parts = [p.strip().rstrip("，,；;") for p in parts if p.strip()]
        parts = [p if p.endswith(("?", "？")) else p + "?" for p in parts]
        return parts if len(parts) > 1 and all(len(p) >= least for p in parts) else [text]
    m = re.search(spec["en_and"], text, re.I) or re.search(r"\?\s+(?=\S)", text)
    if not m:
        return [text]
    first, second = text[:m.start()].strip(" ,;"), text[m.end():].strip()
    if not first.endswith("?"):
        first += "?"
    if not re.search(spec["en_question"], first, re.I) or min(len(first.split()), len(second.split())) < 2 \
            or min(len(first), len(second)) < least:
        return [text]
    return [first, second[0].upper() + second[1:]]


def is_elliptical(text: str, lang: str) -> bool:
    """A follow-up that leans on the previous turn ("那科技型中小企业入库呢？", "And what share …")."""
    v = vocab()["followup"]
    s = text.strip()
    pats = v["zh"] if lang == "zh" else v["en"]
    return any(re.search(p, s, re.I) for p in pats) or (lang == "zh" and len(s) <= 8)


_QUOTED = re.compile(r"[“「『\"‘]([^”」』\"’]{1,20})[”」』\"’]")


_ELLIPSIS = re.compile(r"(?:\.{2,}|…+|⋯+|。{2,})")


def quoted(text: str) -> list[str]:
    """Phrases the user put in quotes (“之都”): they are meant literally and always count. An
    ellipsis marks what the user leaves out (“以学......”): the words around it are the phrase."""
    out = []
    for m in _QUOTED.finditer(text):
        if _CJK.search(m.group(1)):
            out += [p.strip() for p in _ELLIPSIS.split(m.group(1)) if _CJK.search(p)]
    return out


@lru_cache(maxsize=1)
def question_words() -> frozenset[str]:
    return frozenset(vocab().get("question_words", ()))


def without_question_patterns(text: str) -> str:
    """The question with its scaffolding patterns (question_vocab question_patterns: 哪两个, 多少家)
    blanked out."""
    for pat in vocab().get("question_patterns", ()):
        text = re.sub(pat, " ", text)
    return text


def content_terms(text: str, lang: str) -> list[str]:
    """Chinese content words of a question (English ones through the glossary), abbreviations
    expanded (高企 → 高新技术企业); single Chinese characters, years and the question's own
    scaffolding (几家, 准备, 分别 …) dropped; quoted phrases kept whole."""
    if lang == "zh":
        text = without_question_patterns(text)
    # an English question may quote Chinese terms ("commissioners (科技特派员)"): they count as they are
    if lang == "en":
        raw = expand_english(text) + [t for seg in _CJK_RUN.findall(text) for t in tokens(seg)]
    else:  # the segmenter splits R&D into r, &, d
        latin = [w for m in _LATIN_WORD.finditer(text) for w in (expand_english(m.group()) or [m.group()])]
        raw = latin + tokens(_LATIN_WORD.sub(" ", text))
    raw = quoted(text) + raw
    syn = {k.lower(): v for k, v in vocab().get("synonyms", {}).items()}
    skip = question_words()
    out = []
    for t in raw:
        if t in STOP or t in skip or _YEAR.fullmatch(t) or _FIGURE.fullmatch(t) or (len(t) == 1 and _CJK.match(t)):
            continue
        # alternatives of one term travel together as "a|b": any of them counts as a match
        alts = [a for part in t.split("|") for a in [*syn.get(part.lower(), []), *compound_synonyms(part, syn)]]
        out.append("|".join(dict.fromkeys(alts)))
    return list(dict.fromkeys(out))


def compound_synonyms(word: str, syn: dict[str, list[str]]) -> list[str]:
    """A compound whose first part has synonyms takes them too: 研发经费 → R&D经费, 研究与试验发展经费."""
    for k in sorted(syn, key=len, reverse=True):
        if len(k) >= 2 and word.lower().startswith(k) and len(word) > len(k) and _CJK.match(word[len(k)]):
            rest = word[len(k):]
            return [word] + [f"{a}{rest}" for a in syn[k] if a.lower() != k]
    return [word]


def related_forms(term: str) -> list[str]:
    """Words a comparison side may state `term` in (data: ``side_related``): the kinds a category
    counts (创新平台 → 重点实验室, 工程技术研究中心 …) and the other head words of an amount after
    the same prefix (科技资金 → 科技经费, 科技支出, 科技投入)."""
    rel = vocab().get("side_related", {})
    out: list[str] = []
    for a in alternatives(term):
        for cat, members in rel.get("members", {}).items():
            if a.endswith(cat):
                out += members
        for heads in rel.get("heads", ()):
            for h in heads:
                if a.endswith(h) and len(a) >= len(h):
                    out += [a[: len(a) - len(h)] + o for o in heads if o != h]
    return [f for f in dict.fromkeys(out) if f not in alternatives(term)]


# ---------------------------------------------------------------- analysis
def analyse(question: str, known_regions: dict[str, list[str]] | None = None,
            history: list[dict[str, str]] | None = None) -> Query:
    """Analyse a question; a follow-up inherits region, year and subject from the history."""
    known = known_regions or {}
    text = unicodedata.normalize("NFKC", question).strip()
    lang = language(text)
    regions_ = find_regions_zh(text, known) if lang == "zh" else (find_regions_en(text, known) or find_regions_zh(text, known))
    years = find_years(text)
    region_words = {w for r in regions_ for w in (r, *abbreviations(r)) if w} | {a for r in regions_ for a in known.get(r, [])}
    stripped = text
    for w in sorted(region_words | set(genre().get("plan_periods", {})), key=len, reverse=True):
        stripped = stripped.replace(w, " ")  # regions and plan periods are scoped, not searched
    period_names: list[str] = []
    if lang == "en":
        stripped, period_names = en_time_phrases(stripped)
    terms = list(dict.fromkeys(content_terms(stripped, lang) + period_names))
    q = Query(text=text, lang=lang, qtype=question_type(text, lang), regions=regions_, years=years,
              terms=terms, focus=list(terms), enterprise_kinds=enterprise_kinds(text, lang),
              period=find_period(text), units=asked_units(text, lang), bases=facets(text, lang, "basis"),
              past=asks_past(text, lang), target=asks_target(text, lang),
              present=asks_present(text, lang), relative=relative_years(text, lang))
    # (a question about the document's own date, number or issuer asks nothing of its passages)
    q.doc_ref = document_reference(text) if lang == "zh" and q.qtype not in _ABOUT_THE_DOCUMENT else ""
    q.period_names_plan = bool(q.period) and period_names_plan(text, lang)
    q.year_names_report = bool(q.years) and year_names_report(text, lang)
    if q.qtype == "mentions" and _names_others(text, lang):
        q.regions, q.years, q.period, q.others = [], [], [], True  # 除了下陆区2023年的要点…: a reference
    if q.qtype == "general" and q.units:
        q.qtype = "numeric"  # "What was X's turnover in 2019?": it asks for a figure
    if history:
        q = inherit(q, history, known)
    extra = " ".join(q.terms) if lang == "en" or q.followup else ""
    q.search_text = f"{q.text} {extra}".strip()
    return q


def _names_others(text: str, lang: str) -> bool:
    pats = vocab()["mention_object"].get("others", [])
    return any(re.search(p, text.lower() if lang == "en" else text) for p in pats)


def contradicts(new: str, old: str) -> bool:
    """Sibling terms where the follow-up replaces the earlier one: 县级 vs 市级, 认定 vs 申报."""
    if new == old:
        return False
    if len(new) == len(old) <= 3 and new[-1] == old[-1] and new[-1] in "级类型":
        return True
    def member(word: str, g: dict) -> str | None:  # the member a word is one wording of
        return next((t for t in g["terms"] if word in t.split("|")), None)

    return any(member(new, g) and member(old, g) and member(new, g) != member(old, g)
               for g in vocab().get("sibling_terms", ()))


NEW_SUBJECT_CHARS = 3


def names_new_subject(q: Query, last: Query) -> bool:
    """The follow-up names a thing of its own (技术交易额, 传统产业), not only an aspect of the earlier
    one (比例, 增长幅度) nor a word of the earlier question."""
    return any(term_len(t) >= NEW_SUBJECT_CHARS and not is_basis_word(t) and t not in last.terms
               for t in maximal_terms(q.content_terms))


def asks_measure(q: Query) -> bool:
    """The question has a how-much word of its own (多大, 多少, how large, what share): a follow-up
    that has one asks its own measure, not the earlier figure's unit."""
    spec = vocab()["compound"]
    return bool(re.search(spec["zh_measure_word"] if q.lang == "zh" else spec["en_measure_word"], q.text, re.I))


def inherit(q: Query, history: list[dict[str, str]], known: dict[str, list[str]]) -> Query:
    """Fill what the current question leaves out from the most recent turns that state it."""
    prev = [analyse(h.get("q", ""), known) for h in history[-3:] if h.get("q", "").strip()]
    if not prev:
        return q
    last = prev[-1]
    # a short question with no region or subject of its own leans on the previous turn too
    elliptical = is_elliptical(q.text, q.lang) or (not q.regions and len(maximal_terms(q.content_terms)) <= 2)
    if q.qtype in ("compare_all", "mentions"):
        return q  # 各地… / which plans mention …: every document, whatever the chat was about before
    regions_ = q.regions or next((p.regions for p in reversed(prev) if p.regions), [])
    # a follow-up that switches region ("那东宝区呢?") asks the same of that region's plan, whatever
    # years it covers: the earlier year belonged to the earlier region's plan
    switched = bool(q.regions) and q.regions != next((p.regions for p in reversed(prev) if p.regions), q.regions)
    dated = q if q.years or switched else next((p for p in reversed(prev) if p.years), q)
    years = dated.years
    terms = q.terms
    qtype = q.qtype
    kinds = q.enterprise_kinds
    if elliptical:
        # keep the previous subject, but let the current words replace what they contradict
        kept = [t for t in last.terms if t not in q.terms and not any(contradicts(f, t) for f in q.terms)]
        terms = list(dict.fromkeys(q.terms + kept))
        if qtype == "general":
            qtype = last.qtype
        kinds = kinds or last.enterprise_kinds
    # what the earlier figure measured (a share, a growth rate) is not asked of a subject the
    # follow-up names anew ("And the technology transaction volume?" after an R&D share)
    # nor of a follow-up that asks a measure of its own (智算规模多大? after 多少个标准机架?)
    measured = elliptical and not names_new_subject(q, last) and not asks_measure(q)
    units = q.units or (last.units if measured else [])
    bases = q.bases or (last.bases if measured else [])
    source = q if q.period or switched else next((p for p in reversed(prev) if p.period), q)
    return replace(q, regions=regions_, years=years, terms=terms, qtype=qtype, units=units, bases=bases,
                   period=source.period, period_names_plan=source.period_names_plan,
                   year_names_report=dated.year_names_report,
                   enterprise_kinds=kinds, followup=elliptical or q.regions != regions_ or q.years != years)
