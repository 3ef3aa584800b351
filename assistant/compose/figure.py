"""Figures: "how many / how much / what share" — every quantity in the sentences retrieval found is a
candidate (the target table lends its cleaner indicator, year and qualifier where it has one), each
scored by the support model; the best one answers, with further figures the question also asks for."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.compose.context import (CitationBuilder, Context, Sentence, doc_name, key_terms, lowered, nominal_keys,
                                      retrieved_sentences, say)
from assistant.compose.features import (announces_plan, another_part, asks_plan_target, basis_of, evidence_features,
                                        evidence_year, frame_conflict, lead_dates, measure_bad, plan_year, reference_year,
                                        review_year, sets_targets, stage_unstated, unasked_slot)
from assistant.compose.params import params
from assistant.compose.support import finish, model, score
from assistant.evidence import coverage, term_in
from assistant.query import Query, content_terms, is_basis_word, question_parts, vocab
from base.mentions import find_numbers
from base.numbers import CJK, NumberMention, parse_chinese_int, unit_category, vocab as target_vocab
from base.text import CLAUSE_END, clip_around, sentence_bounds
from base.types import Target
from store import StoredDoc


@dataclass
class Figure:
    stored: StoredDoc
    mention: NumberMention  # offsets in the document text
    clause: tuple[int, int]
    sentence: tuple[int, int]
    indicator: str
    year: int | None
    rank: int
    section: str
    target: Target | None = None
    feats: dict[str, float] = field(default_factory=dict)
    p: float = 0.0  # support probability
    r: float = 0.0  # rank score
    own: tuple[int, int] | None = None  # its own part of the clause (own_segment); None: the whole clause
    respective: str = ""  # the member of a 分别 series it counts (respective_subject)

    @property
    def value(self) -> str:
        lead = "第" if self.mention.kind == "ordinal" else ""  # a place in a ranking: 第二位, not 二位
        return f"{lead}{self.mention.value}{self.mention.unit}"

    @property
    def doc(self) -> str:
        return self.stored.doc.path


def _target_at(stored: StoredDoc, a: int, b: int) -> Target | None:
    """The target-table entry whose figure is the mention at [a, b), if the table has one."""
    for t in stored.targets:
        if t.start <= a < t.end or a <= t.start < b:
            return t
    return None


def clause_span(text: str, a: int, b: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause (between ，；。 …) holding [a, b) inside the sentence [lo, hi); a clause whose part
    before the figure is very short takes the clause before it too ("其中，市级以上…15家"), unless it
    names what it counts after the figure (新增2个市级以上创新平台)."""
    s = a
    while s > lo and text[s - 1] not in CLAUSE_END:
        s -= 1
    e = b
    while e < hi and text[e] not in CLAUSE_END:
        e += 1
    if len(text[s:a].strip()) < 4 and s > lo and not _NAMES_AFTER.fullmatch(text[b:e]):
        s -= 1
        while s > lo and text[s - 1] not in CLAUSE_END:
            s -= 1
    return s, e


# what a figure counts written after it (新增2个市级以上创新平台): its clause names its own thing
_NAMES_AFTER = re.compile(r"(?:以上|以下|左右|多|余)?(?!以上|以下|左右)[\u4e00-\u9fffA-Za-z]{2}.*", re.S)


_TOPIC = re.compile(r"(?:在|从|就)([^，,；;。：:在]{2,24}?)(?:方面|领域)\s*[，,：:]")


def topic_before(text: str, lo: int, ca: int) -> str:
    """The topic a part of a sentence names for its later clauses (在高新技术企业增长方面, 增长比例将达到
    16%以上): the words of the last 在…方面, in the semicolon part holding position `ca`, before it."""
    start = max(lo, max(text.rfind(c, lo, ca) for c in "；;") + 1)
    found = list(_TOPIC.finditer(text, start, ca))
    return found[-1].group(1) if found else ""


def whole_of_part(text: str, lo: int, ca: int) -> str:
    """The clause a 其中 clause breaks down (累计实施研发项目413项,其中国家42项、省级295项): what its
    items count; "" for any other clause."""
    if not text.startswith("其中", ca) or ca <= lo:
        return ""
    return _clause_before(text, lo, ca)


def _clause_before(text: str, lo: int, ca: int) -> str:
    """The clause of text[lo:] that ends just before the clause starting at `ca` (ca > lo)."""
    start = ca - 1
    while start > lo and text[start - 1] not in CLAUSE_END:
        start -= 1
    return text[start:ca - 1]


# a clause that only states a change or a share of the thing the clause before it names
# (…研发费用61.92亿元,同比增长7.8%,占营业收入比3.91%)
_SUBJECTLESS = re.compile(r"\s*(?:同比|环比|比上年|较上年|比去年|较去年|年均)?(?:分别)?(?:增长|增加|提高|提升|下降|减少|增幅|增速)"
                          r"(?:了|达到?|为)?\s*$|\s*占[\u4e00-\u9fff]{1,8}(?:的)?(?:比|比重|比例)(?:达到?|为)?\s*$")


def elided_subject(text: str, lo: int, ca: int, before: str) -> str:
    """The clause before one that only states a change or a share (规上工业企业研发费用61.92亿元,|同比增长
    7.8%): the thing its figure is about; "" for any other clause or one opening its sentence."""
    if ca <= lo or not _SUBJECTLESS.fullmatch(before):
        return ""
    return _clause_before(text, lo, ca)


def own_segment(text: str, ca: int, cb: int, a: int) -> tuple[int, int]:
    """The part of the clause [ca, cb) that is the figure at `a`'s own, when the clause is a series of
    figures each with its thing (two characters or more besides the figure), parted by 、
    (新增国家高新技术企业294家、新增…“小巨人”企业25家、…803家): the segment holding it, with the one
    before when it only states a change or a share (…61.92亿元、增长7.8%). The whole clause when some
    segment holds no figure or no thing (研发投入、专利数量分别达到…; 分别29.92、29.64亿元)."""
    cuts = [i for i in range(ca, cb) if text[i] == "、"]
    if not cuts:
        return ca, cb
    bounds = list(zip([ca] + [i + 1 for i in cuts], cuts + [cb]))
    if not all(any(m.is_quantity for m in find_numbers(text[x:y])) and len(CJK.findall(_without_figures(text[x:y]))) >= 2
               for x, y in bounds):
        return ca, cb
    k = next(i for i, (x, y) in enumerate(bounds) if x <= a < y)
    start = bounds[k][0]
    if k > 0 and _SUBJECTLESS.fullmatch(text[start:a]):
        start = bounds[k - 1][0]
    return start, bounds[k][1]


_RESPECTIVELY = "分别"


def respective_subject(text: str, lo: int, ca: int, cb: int, a: int) -> str:
    """The thing a figure of a 分别 series counts: the member holding the same place in the series the
    clause names before 分别 (研发投入和专利数分别达到…) or, when it names none, in the clause before
    (新增国家高新技术企业294家、…小巨人企业25家、…科技型中小企业803家,分别发展到816家、31家和911家:
    816家 counts 国家高新技术企业). The member's own figure and its words of increase (新增) are left
    out: they describe the member's figure, not this one. "" when the figure is in no such series or
    the counts of members and figures differ."""
    i = text.find(_RESPECTIVELY, ca, a)
    if i < 0:
        return ""
    figures = [m for m in find_numbers(text[i:cb]) if m.is_quantity]
    places = [k for k, m in enumerate(figures) if i + m.start == a]
    if len(figures) < 2 or not places:
        return ""
    for head in (text[ca:i], _clause_before(text, lo, ca) if ca > lo else ""):
        members = [x for x in _SERIES_SEP.split(head) if x.strip()]
        if len(members) == len(figures):
            return _without_increase(_without_figures(members[places[0]]))
    return ""


_SERIES_SEP = re.compile(r"[、；;]|(?<=[\u4e00-\u9fffA-Za-z)）”])(?:和|及|与|以及)(?=[\u4e00-\u9fffA-Za-z“])")


def _without_figures(member: str) -> str:
    out, last = [], 0
    for m in find_numbers(member):
        out.append(member[last:m.start])
        last = m.end
    return "".join(out) + member[last:]


@lru_cache(maxsize=1)
def _increase_words() -> re.Pattern[str]:
    words = sorted(vocab()["count_basis"]["增量"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def _without_increase(member: str) -> str:
    return _increase_words().sub("", member)


def measure_kind(word: str) -> str:
    """person / organisation / event / item / group for a count's measure word ("" for 个 and others)."""
    for kind, words in vocab()["measure_kinds"].items():
        if not kind.startswith("_") and word in words:
            return kind
    return ""


@lru_cache(maxsize=1)
def _asked_measure() -> re.Pattern[str]:
    words = [w for kind, ws in vocab()["measure_kinds"].items() if not kind.startswith("_") for w in ws]
    return re.compile(r"(?:多少|几)(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")")


def asked_measure(text: str) -> str:
    """The measure word a Chinese question counts or measures with (多少名院士 → 名, 多少倍 → 倍); ""
    when it does not say."""
    m = _asked_measure().search(text)
    return m.group(1) if m else ""


def counted_measure(q: Query) -> str:
    """The measure word of what a count question counts, said or implied: 多少名 → 名; "How many
    high-tech enterprises" (高新技术企业) → 家, by the last word of its principal thing
    (question_vocab counted_heads); "" when neither tells."""
    said = asked_measure(q.text) if q.lang == "zh" else ""
    if said or "count" not in q.units:
        return said
    counted = _counted_phrase(q.text) if q.lang == "en" else ""
    if counted:  # "How many Shouguang enterprises were selected for … talent projects": enterprises
        named = [t for t in content_terms(counted, "en") if t.split("|")[0]]
        found = _head_measure(named[-1].split("|")[0]) if named else ""
        if found:
            return found
    things = nominal_keys(q)
    if not things:
        return ""
    return _head_measure(max(things, key=lambda t: len(t.split("|")[0])).split("|")[0])


@lru_cache(maxsize=1)
def _counted_heads() -> list[tuple[str, str]]:
    """(last word of a thing, its measure word), longest words first (question_vocab counted_heads)."""
    heads = {w: m for m, ws in vocab().get("counted_heads", {}).items() if not m.startswith("_") for w in ws}
    return sorted(heads.items(), key=lambda kv: -len(kv[0]))


def _head_measure(head: str) -> str:
    """The measure word a thing is counted with, by its last word (高新技术企业 → 家); "" if unknown."""
    return next((m for w, m in _counted_heads() if head.endswith(w)), "")


_COUNTED = re.compile(r"\bhow many\s+(.+?)(?=\s+(?:are|is|were|was|did|does|do|has|have|had|will|would|can|could|"
                      r"should|in|of|for|to|by|under|with|at|on|across|from|that|which)\b|[,?.;]|$)", re.I)


def _counted_phrase(text: str) -> str:
    """The noun phrase an English count question counts: the words after "how many" up to its verb
    or preposition ("How many Shouguang enterprises were …" → "Shouguang enterprises")."""
    m = _COUNTED.search(text)
    return m.group(1) if m else ""


def measure_conflict(asked: str, unit: str) -> bool:
    """A figure of another kind than the question's measure word, within the same category: 多少名院士
    is not answered by 10家 or 10场次, 多少倍 not by 12.7%. Another category (the share a question
    also asks for: 多少项…占多大比例) is the unit categories' business (``type_features``)."""
    want, got = measure_kind(asked) if asked else "", measure_kind(unit)
    return bool(want and got and want != got and unit_category(asked) == unit_category(unit))


def type_features(asked: list[str], unit: str) -> tuple[float, float]:
    """(type_ok, type_bad) of a figure with `unit` for a question asking figures of the `asked` unit
    categories (count, money, ratio …; none said: neutral)."""
    got = unit_category(unit) if unit else ""
    if not asked:
        return 0.5, 0.0
    if not got:
        return 0.0, 0.5
    return (1.0, 0.0) if got in asked else (0.0, 1.0)


def figure_type(asked: list[str], m: NumberMention, before: str) -> tuple[float, float]:
    """`type_features` of a figure, with places in a ranking: a place asked (排第几) adds the ranks as
    figures (第80位, 全省第一, and 前13位 by the character `before` it) and takes nothing from the others."""
    if m.kind == "ordinal" or ("rank" in asked and m.unit in ("位", "名") and before == "前"):
        return 1.0, 0.0
    if asked == ["rank"]:
        return 0.0, 0.5  # a place and nothing else asked: a count or an amount is not one
    return type_features([u for u in asked if u != "rank"], m.unit)


def sibling_owned(things: list[str], own: str, before: str, siblings: list[str]) -> float:
    """1 when the figure's own clause (`own`: 争取建成省级重点企业研究院1家) counts a thing of its own,
    none of those the question asks about (重点实验室), while another figure's clause of the same
    sentence names one (市级重点实验室1家): the sentence counts the asked thing elsewhere, so this
    figure counts another. A clause whose figure follows a verb or comparator (高新技术产业增加值…，
    是“十一五”末的1.57倍; 新增16家) or a bare level (“国家级企业技术中心5家、省级20家”) may speak
    of its neighbour's thing and is never flagged."""
    low = lowered(own)
    before = before.rsplit("、", 1)[-1]  # its own item of a list: 其中国家42项、省级295项 → 省级
    if not things or any(term_in(t, low) for t in things) or not names_own_thing(before):
        return 0.0
    return 1.0 if any(term_in(t, lowered(c)) for t in things for c in siblings) else 0.0


def owning_clause(q: Query, things: list[str], m: NumberMention, text: str,
                  earlier: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Asked how many things and how much money (or what share), an amount whose clause follows the
    one counting an asked thing (立项县级科技项目56项,涉及资金共730万元) is that thing's: the money of the
    projects just counted, not a figure of another thing. That clause, or None."""
    kind = unit_category(m.unit)
    if kind not in ("money", "ratio") or "count" not in q.units or kind not in q.units or not earlier:
        return None
    x, y = max(earlier, key=lambda c: c[1])
    return (x, y) if any(term_in(t, lowered(text[x:y])) for t in things) else None


def names_own_thing(before: str) -> bool:
    """The words before a figure in its clause end in a noun phrase of their own (…企业研究院1家), not
    in a verb, comparator or particle (…达到, …新增, …的) and not in a level alone (省级)."""
    before = before.rstrip(" \t　了第")  # 增加了90家; 跃升至第80位: 第 belongs to the figure
    if len(CJK.findall(before)) <= _ELIDED_CHARS or not CJK.match(before[-1:]):
        return False
    if not before.endswith(_predicate_endings()):
        return True
    # 技术合同成交额达到135.7亿元: a noun phrase of its own before the verb names the clause's thing
    subject = before
    while subject and subject.endswith(_predicate_endings()):
        subject = subject[: -max(len(w) for w in _predicate_endings() if subject.endswith(w))].rstrip(" \t　了")
    return len(CJK.findall(subject)) > _ELIDED_CHARS and bool(CJK.match(subject[-1:])) and _NOUN_PHRASE.fullmatch(subject) is not None


_ELIDED_CHARS = 3  # 省级, 国家级: a level or kind alone, the counted thing left to the clause before
_NOUN_PHRASE = re.compile(r"[\u4e00-\u9fffA-Za-z&()（）、]+")  # no figure, comparator base or quote before the verb


@lru_cache(maxsize=1)
def _predicate_endings() -> tuple[str, ...]:
    """Verbs, comparators, qualifiers and connectors of the target vocabulary (达到, 新增, 的)."""
    keys = ("comparators_level", "comparators_change", "verbs", "strip_trailing", "qualifiers")
    return tuple(w for k in keys for w in target_vocab()[k])


@dataclass(frozen=True)
class _Asked:
    """What every figure is checked against, read from the question once (not once per sentence)."""
    measure: str  # the measure word of what it counts (counted_measure)
    things: list[str]  # the things it asks about (nominal_keys)
    wording: str  # its own words, a follow-up's focus included
    keys: list[str]  # its key terms (研发 where it names no thing: R&D money)
    growth_only: bool  # it asks only how much something grew (asks_growth_only)
    ordinal_units: tuple[str, ...]  # the ordinals that answer a place asked (第几 → 第80位; 第几次 → 第43次)

    @classmethod
    def of(cls, q: Query) -> "_Asked":
        return cls(counted_measure(q), nominal_keys(q), f"{q.text} {' '.join(q.focus)}", key_terms(q),
                   asks_growth_only(q), ordinal_units(q.text))


_ORDINAL_ASKED = re.compile(r"第几\s*([\u4e00-\u9fff])")
RANK_UNITS = ("", "位", "名")


def ordinal_units(question: str) -> tuple[str, ...]:
    """Units of the ordinals a place asked is answered by: a place in a ranking (第80位, 全省第一);
    an ordinal of the kind the question names after 第几 (第几次会议 → 第43次)."""
    m = _ORDINAL_ASKED.search(question)
    unit = m.group(1) if m and unit_category(m.group(1)) == "count" else ""
    return RANK_UNITS + ((unit,) if unit and unit not in RANK_UNITS else ())


def as_years(year: int | list[int]) -> list[int]:
    return year if isinstance(year, list) else [year]


def asks_growth_only(q: Query) -> bool:
    """A figure question asking only how much something grew (比上年增长了多少): a figure whose
    clause states no growth does not answer it. A question asking the amount too (研发投入是多少,
    比上年增长了多少?) is not one."""
    return q.qtype == "numeric" and q.bases == ["growth"] and len(question_parts(q.text, q.lang)) == 1


def _figures_in(ctx: Context, s: Sentence, wanted_regions: list[str] | None, asked: _Asked,
                unstated: bool) -> list[Figure]:
    """The figures of one sentence with their features; `unstated`: the question asks a stage (申报)
    the sentence's document never states, though it states another (认定)."""
    text = s.stored.doc.text
    things = asked.things
    out = []
    now = reference_year(s.stored.meta)  # what its 去年/今年 stand for
    dated = int(s.stored.meta.date[:4]) if s.stored.meta.date and s.stored.meta.date[:4].isdigit() else None
    lead = lead_dates(text, s.start, now)  # once per sentence: its paragraph may be a whole page
    plan_years = s.stored.meta.years
    sets_plan_targets = sets_targets(s.stored.meta) and bool(plan_years)  # once per sentence: a document's kind
    announced = dated is not None and bool(plan_years) and max(plan_years) > dated and announces_plan(s.stored.meta)
    found = []
    mentions = find_numbers(s.text) + (named_counts(s.text) if "count" in ctx.query.units else []) \
        + (durations(s.text) if "duration" in ctx.query.units else []) \
        + (ranks(s.text, asked.ordinal_units) if "rank" in ctx.query.units else [])
    for m0 in mentions:
        if _is_code(s.text, m0):
            continue
        a, b = s.start + m0.start, s.start + m0.end
        found.append((m0, a, b, clause_span(text, a, b, s.start, s.end)))
    clauses = {c for *_, c in found}
    for m0, a, b, (ca, cb) in found:
        m = NumberMention(**{**m0.__dict__, "start": a, "end": b})
        t = _target_at(s.stored, a, b)
        indicator = t.indicator if t else text[ca:a]
        respective = respective_subject(text, s.start, ca, cb, a)
        own = own_segment(text, ca, cb, a)
        local = f"{text[slice(*own)]} {indicator} {topic_before(text, s.start, ca)} {whole_of_part(text, s.start, ca)} " \
                f"{elided_subject(text, s.start, ca, text[ca:a])} {respective}"
        year = evidence_year(s.text, m0.start, s.stored.meta.years, s.section, lead, now)
        explicit = year is not None
        if year is None:
            year = review_year(s.section, s.stored.meta.years)
            # a review of the years before the plan states no target: it conflicts with a target year asked
            explicit = year is not None and asks_plan_target(ctx.query, s.stored.meta.years)
            year = year or plan_year(s.stored.meta.years) or (t.year if t is not None else None)
        feats = evidence_features(ctx, s.stored, local, s.text, s.section, s.rank, year, wanted_regions, s.dense,
                                  explicit)
        feats["type_ok"], feats["type_bad"] = figure_type(ctx.query.units, m, text[a - 1:a])
        if measure_conflict(asked.measure, m.unit):
            feats["type_bad"] = 1.0  # 多少名院士 is not answered by 10家 or 10场次
        owner = owning_clause(ctx.query, things or asked.keys, m, text, [(x, y) for x, y in clauses if y <= ca])
        # what it measures: the words before it (and the clause whose thing it is the money of, or the
        # member of a 分别 series it stands for, without that member's own 新增)
        measured = f"{respective or (text[slice(*owner)] if owner else '')} {indicator} {text[ca:b]}"
        feats["measure_bad"] = measure_bad(ctx.query, measured)
        if asked.growth_only and not basis_of(measured):
            feats["measure_bad"] = 1.0  # 比上年增长了多少 is not answered by 完成技术合同登记18亿元: no growth stated
        if unstated or (sibling_owned(things or asked.keys, local, text[ca:a], [text[x:y] for x, y in clauses if (x, y) != (ca, cb)])
                        and owner is None):
            feats["measure_bad"] = 1.0  # 省级重点企业研究院1家 where the sentence counts 重点实验室 elsewhere
        if another_part(ctx.query, s.stored, text[ca:cb]):
            feats["region_bad"] = 1.0  # 娄星区将达到32%以上 for 涟源 of the same plan
        # a target: a figure for one of the plan's own years in a document that sets targets, or one for a
        # year after the document's own date (a 2016 report's 2020 figures can only be aims) or for a period
        # not over at that date (“十三五”… in 2016), or one with no year of its own in a report of a plan
        # whose period runs past the report's date (提高至3% in 常州市“十三五”科技创新规划公布, 2016)
        planned = (sets_plan_targets and (year is None or min(as_years(year)) >= min(plan_years))) \
            or (dated is not None and year is not None and min(as_years(year)) > dated) \
            or (dated is not None and isinstance(year, list) and max(year) > dated) \
            or (announced and not explicit)
        if frame_conflict(ctx.query, text[s.start:a], text[ca:a], planned):
            feats["measure_bad"] = 1.0  # 已增至126家 for a target asked
        if sizes_listed_group(text, m, ca, cb, asked.keys):
            feats["measure_bad"] = 1.0  # A、B、C三项…指标: the size of the group just listed, not an amount of A
        if qualifies(text, m, [n for n, *_ in found], s.start, (ca, cb)):
            feats["measure_bad"] = 1.0  # 年营收3亿元以上工业企业…114家: a threshold of what is counted, not an amount
        out.append(Figure(s.stored, m, (ca, cb), (s.start, s.end), indicator, year, s.rank, s.section, t,
                          finish(feats, ctx.query.lang), own=own, respective=respective))
    return out


_LIST_SEP = re.compile(r"、|(?<=[\u4e00-\u9fffA-Za-z)）])(?:和|及|与|以及)(?=[\u4e00-\u9fffA-Za-z])")


def sizes_listed_group(text: str, m: NumberMention, ca: int, cb: int, keys: list[str]) -> bool:
    """A small count that follows as many members listed in its clause (确保高新技术企业增长数、高新技术
    产业增加值占GDP比重、全社会R&D投入三项重点科技创新指标): it is the size of that group, not an
    amount of any member. Only when the group's name follows the count; false when the question
    names what the group is of (多少项指标)."""
    n = m.number
    if n is None or not 2 <= n <= 10 or n != int(n) or unit_category(m.unit) != "count":
        return False
    members = [p for p in _LIST_SEP.split(text[ca:m.start]) if p.strip()]
    if len(members) != int(n):
        return False
    after = lowered(re.sub(r"^(?:以上|以下|左右|多|余)", "", text[m.end:cb]))
    if len(CJK.findall(after[:2])) < 2:
        return False  # 国家、自治区级创新平台2个以上: the count of the things the members qualify
    return not any(term_in(k, after) for k in keys)


_QUALIFIER = re.compile(r"(?:及)?(?:以上|以下)的?[\u4e00-\u9fff]|的[\u4e00-\u9fff]")


def qualifies(text: str, m: NumberMention, mentions: list[NumberMention], offset: int,
              clause: tuple[int, int]) -> bool:
    """Whether an amount or share only delimits what a later count of its clause counts (年营收3亿元
    以上工业企业组建研发机构114家, 强度2.5%以上的区县3个, 3亿元以上企业研发机构覆盖率89.68%): it
    is followed by a noun, with 以上/以下 or 的 between, and another figure follows in its clause."""
    if unit_category(m.unit) not in ("money", "ratio"):
        return False
    if not _QUALIFIER.match(text, m.end):
        return False
    return any(clause[0] <= offset + n.start and offset + n.end <= clause[1] and offset + n.start > m.end
               for n in mentions)


# 十大技术攻关项目, never 党的二十大 / 十九大精神 (a party congress) nor 一大批
_NAMED_COUNT = re.compile(r"(?<![一二两三四五六七八九十百千万第党])([二两三四五六七八九十]{1,2})大"
                          r"(?!精神|代表|报告|以来|召开|胜利|部署|批|力|幅|量|型|规模)(?=[\u4e00-\u9fff]{2})")


def durations(sentence: str) -> list[NumberMention]:
    """The lengths of time a sentence states (连续5年, 近五年): figures of a question asking how long."""
    return [m for m in find_numbers(sentence, quantities_only=False) if m.kind == "duration"]


def ranks(sentence: str, units: tuple[str, ...] = RANK_UNITS) -> list[NumberMention]:
    """The places in a ranking a sentence states (跃升至第80位, 居全省第一): figures of a question
    asking a rank (not 第二批, an ordinal of another kind, unless `units` has its unit)."""
    return [m for m in find_numbers(sentence, quantities_only=False) if m.kind == "ordinal" and m.unit in units]


def named_counts(sentence: str) -> list[NumberMention]:
    """The count a group's name states (实施十大技术攻关项目: ten): asked how many of its members
    there are, the name answers. Never a figure otherwise (三大 names a group)."""
    out = []
    for m in _NAMED_COUNT.finditer(sentence):
        n = parse_chinese_int(m.group(1))
        if n and n >= 2:
            out.append(NumberMention(value=m.group(1), unit="大", start=m.start(), end=m.end(), numeric=float(n),
                                     number=float(n), base_unit="个"))
    return out


def _is_code(text: str, m: NumberMention) -> bool:
    """5G, B2B, 3D: a digit glued to Latin letters names a thing, not a figure."""
    before = text[m.start - 1:m.start] if m.start else ""
    after = text[m.end:m.end + 1]
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha() and not m.unit)


def figure_candidates(ctx: Context, docs: set[str] | None = None,
                      wanted_regions: list[str] | None = None) -> list[Figure]:
    """Every quantity in the retrieved sentences (of `docs` when given), scored, best first."""
    out = []
    asked = _Asked.of(ctx.query)
    vetoes = params()["figure"]["vetoes"]  # features that rule a candidate out, not only lower it
    unstated: dict[str, bool] = {}  # per document: each is read whole once, not once per sentence
    for s in retrieved_sentences(ctx):
        path = s.stored.doc.path
        if docs is not None and path not in docs:
            continue
        if path not in unstated:
            unstated[path] = stage_unstated(asked.wording, s.stored.doc.text)
        figs = _figures_in(ctx, s, wanted_regions, asked, unstated[path])
        owned = any(f.feats["key_local"] > 0 for f in figs)  # a clause of the sentence names what is asked
        for f in figs:
            if any(f.feats[v] >= 1.0 for v in vetoes) or (ctx.query.lang == "zh" and f.feats["thing_sent"] == 0.0) \
                    or (ctx.query.content_terms and f.feats["cov"] == 0.0) \
                    or (owned and f.feats["key_local"] == 0 and names_other_subject(f.indicator)):
                # a figure of another year, of another kind (an amount for "how many"), of a region the
                # text does not name (a city's total for its district), or measuring something else
                # (a share for "how fast should it grow", 市级 for 省级), or in a sentence naming none of the things a
                # Chinese question asks about (院士 when the sentence counts 人才), or of a clause naming a
                # subject of its own while another clause names the one asked (研发经费支出占比达3.2%,
                # 高新技术产业增加值达1.6万亿元: an amount asked of R&D is not the second), answers nothing asked
                continue
            a, b = quote_span(f)
            f.r, f.p = score(f.feats, f"{f.value} {f.stored.doc.text[a:b]}", "figure", f"{f.indicator}{f.value}")
            out.append(f)
    q = ctx.query
    inherited = [t for t in q.content_terms if t not in q.focus] if q.followup else []
    # equally supported figures of one sentence: the one whose clause carries the subject a
    # follow-up inherits (增长幅度有什么要求? after 技术合同成交额…: 技术合同交易成交额增长15%)
    # and the state a change reached, before the one it started from (研发强度从1.47%提升到目前的1.91%)
    # and, among those, one counting the thing itself before one counting a narrower kind the question
    # does not name (全市664家创新平台 before 新增国家级创新平台4家 for "how many innovation platforms")
    # and, last, one whose sentence names the thing before the figure (高新技术企业突破80家) before one
    # counting a part of the thing named after it (90%以上规上高新技术企业开展产学研合作), and, asked no
    # year nor a target, the latest state (…2020年的120家,2021年突破130家)
    asked_words = f"{q.text} {' '.join(q.focus)}"
    things = [w for t in (nominal_keys(q) or key_terms(q)) for w in t.split("|") if len(w) >= 2]
    latest = not (q.years or q.period or q.target)
    out.sort(key=lambda f: (-f.r, f.rank, -_carries(inherited, f), change_origin(f.stored.doc.text, f.mention.start,
                                                                                  f.mention.end, f.clause),
                            unasked_slot(asked_words, f.stored.doc.text[f.clause[0]:f.mention.start]),
                            unasked_increase(q, f),
                            bool(things) and not any(w in f.stored.doc.text[f.sentence[0]:f.mention.start] for w in things),
                            -(max(as_years(f.year)) if latest and f.year is not None else 0),
                            f.mention.start))
    return out


def unasked_increase(q: Query, f: Figure) -> bool:
    """A figure counting an increase (新增…“小巨人”企业25家) when the question asks no basis and no
    target: after one counting the thing itself (…分别发展到…31家), for "how many does it have". A
    plan's targets are often increases (新培育国家级孵化器1家): asked a target, neither comes first."""
    if q.bases or q.target:
        return False
    start = (f.own or f.clause)[0]
    return basis_of(f.stored.doc.text[start:f.mention.start]) == "new"


@lru_cache(maxsize=1)
def _change_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    v = target_vocab()["change_span"]
    return (re.compile(rf"(?:{'|'.join(v['from'])})[^，,；;。0-9]{{0,24}}$"),
            re.compile(rf"^[^，,；;。0-9]{{0,6}}(?:{'|'.join(v['to'])})"))


def change_origin(text: str, start: int, end: int, clause: tuple[int, int]) -> bool:
    """Whether the figure at text[start:end] is where a change started (从1.47%提升到…), not where it
    reached: read within its clause."""
    before, after = _change_re()
    return bool(before.search(text[clause[0]:start]) and after.search(text[end:clause[1]]))


OWN_SUBJECT_CHARS = 4


def names_other_subject(indicator: str) -> bool:
    """Whether a figure's indicator names a thing (高新技术产业增加值), not only what a figure measures
    of the thing named before it (占GDP比重, 增长) nor what it says of it (是“十一五”末的1.57倍,
    提前超额完成目标任务134%: target_vocab continuation_starts)."""
    core = "".join(CJK.findall(indicator))
    return len(core) >= OWN_SUBJECT_CHARS and not is_basis_word(core) \
        and not core.startswith(tuple(target_vocab()["continuation_starts"]))


def _carries(terms: list[str], f: Figure) -> float:
    if not terms:
        return 0.0
    text = f.stored.doc.text
    return coverage(terms, f"{text[f.clause[0]:f.clause[1]]} {f.indicator}")


def further_figures(ctx: Context, first: Figure, cands: list[Figure], limit: int = 2) -> list[Figure]:
    """Further figures the question asks for in the same document (申报 … 和认定 …; 数量和占比):
    well supported candidates whose clause carries a specific word of the question that the first
    one's lacks, or that have a kind of figure the question asks and none given so far has (多少项 …
    占多大比例: a count, then the share of the same sentence nearest to it)."""
    q = ctx.query
    keys = key_terms(q)
    text = first.stored.doc.text
    covered = [k for k in keys if term_in(k, text[first.clause[0]:first.clause[1]].lower())]
    kinds = {unit_category(first.mention.unit)}
    floor = max(model().threshold, first.p - params()["figure"]["further_margin"])
    out: list[Figure] = []
    for f in cands:
        if len(out) >= limit:
            break
        if f.doc != first.doc or f.p < floor or f.mention.start == first.mention.start:
            continue
        low = text[f.clause[0]:f.clause[1]].lower()
        new = [k for k in keys if k not in covered and term_in(k, low)]
        kind = unit_category(f.mention.unit)
        asked_kind = len(q.units) >= 2 and kind in q.units and kind not in kinds and f.sentence == first.sentence
        if asked_kind:
            # 预计新增850家,占全省新增数量的55.6%: the share that follows the count, not another one
            # of the sentence (高新技术企业总数达到5902家,占全省的42.1%), when it names the words too
            f = min((g for g in cands if g.doc == first.doc and g.p >= floor and g.sentence == first.sentence
                     and unit_category(g.mention.unit) == kind and g.mention.start != first.mention.start
                     and all(term_in(k, text[g.clause[0]:g.clause[1]].lower()) for k in new)),
                    key=lambda g: abs(g.mention.start - first.mention.end))
        if new or asked_kind:
            out.append(f)
            covered.extend(new)
            kinds.add(kind)
    return sorted(out, key=lambda f: f.mention.start)


def quote_span(f: Figure) -> tuple[int, int]:
    """What an answer quotes for a figure: the clause that states it (the target table's quote when
    it has one), or the sentence around it when the clause alone is too short to read."""
    text = f.stored.doc.text
    p = params()["figure"]
    if f.target is not None and f.target.quote and f.target.start <= f.mention.start < f.target.end:
        a, b = f.target.start, f.target.end
    else:
        a, b = f.clause
    ca, lo = f.clause[0], f.sentence[0]
    if f.respective and text.startswith(_RESPECTIVELY, ca):
        # a 分别 clause naming no members of its own (分别发展到816家、…) is quoted with the clause
        # before, which names them
        a = min(a, ca - len(_clause_before(text, lo, ca)) - 1)
    b = _bound_then_value(text, f, b)
    if b - a >= p["min_clause_chars"]:
        return a, b
    sa, sb = sentence_bounds(text, f.mention.start, f.mention.end)
    return clip_around(text, f.mention.start, f.mention.end, sa, sb, limit=p["quote_chars"])


_LOWER_BOUND = re.compile(r"(?:突破|超过|超|逾|过)\s*$")
_EXACT_NEXT = re.compile(r"[,，]\s*(?:达到|达|为|增至|升至)\s*[\d.]+\s*[\u4e00-\u9fff%]{0,3}")


def _bound_then_value(text: str, f: Figure, end: int) -> int:
    """A bound stated before the value itself (研发经费投入总量突破20亿元,达到21.87亿元): the
    quote runs on to the value, which the clause after the bound gives without a subject."""
    if not _LOWER_BOUND.search(text[max(f.clause[0], f.mention.start - 3):f.mention.start]):
        return end
    m = _EXACT_NEXT.match(text, end)
    return m.end() if m else end


def render(ctx: Context, figs: list[Figure], cb: CitationBuilder) -> str:
    """One document's figures, each cited: the clause in Chinese; in English the figure first."""
    text = figs[0].stored.doc.text
    parts: list[str] = []
    quoted = [quote_span(f) for f in figs]
    spans: list[tuple[int, int]] = []
    for i, (f, (a, b)) in enumerate(zip(figs, quoted)):
        if any(x <= a and b <= y for x, y in spans) or any(
                j != i and x <= a and b <= y and (x, y) != (a, b) for j, (x, y) in enumerate(quoted)):
            continue  # a figure of a clause quoted already, or quoted whole with another figure
        spans.append((a, b))
        n = cb.cite(f.stored, a, b)
        values = [g.value for g, (x, y) in zip(figs, quoted) if a <= x and y <= b]  # every figure it quotes
        values = sorted(dict.fromkeys(values), key=lambda v: text.find(v, a))
        parts.append(f"{', '.join(values)} — “{text[a:b]}” [{n}]" if ctx.query.lang == "en" else f"{text[a:b]}[{n}]")
    return "；".join(parts) if ctx.query.lang == "zh" else "; ".join(parts)


def best_per_doc(cands: list[Figure], floor: float) -> dict[str, Figure]:
    """Each document's best ranked figure, for documents whose best reaches `floor`."""
    out: dict[str, Figure] = {}
    seen: set[str] = set()
    for f in cands:
        if f.doc in seen:
            continue
        seen.add(f.doc)
        if f.p >= floor:
            out[f.doc] = f
    return out


def line(ctx: Context, f: Figure, cands: list[Figure], cb: CitationBuilder) -> str:
    body = render(ctx, [f, *further_figures(ctx, f, cands)], cb)
    return say(ctx.query, f"{doc_name(f.stored, 'zh')}：{body}", f"{doc_name(f.stored, 'en')}: {body}")
