"""The features of a piece of evidence (``support.FEATURES``), as small pure functions."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

from assistant.compose.context import Context, absent_share, doc_words, key_terms, lowered, nominal_keys
from assistant.evidence import coverage
from assistant.named_regions import subjects
from assistant.query import Query, vocab
from assistant.timewords import mask_baselines, relative_year_words
from base.regions import contains, genre, name_forms
from base.regions import regions as all_regions
from base.text import CLAUSE_END, YEAR_RANGE_DASHES
from base.types import DocMeta
from store import StoredDoc

YEAR_MENTION = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[" + YEAR_RANGE_DASHES + r"]\s*(?:19|20)\d{2})")


def years_named(text: str, now: int | None = None) -> list[tuple[int, int, int]]:
    """(start, end, year) of each year `text` names, in order: 2023年, and, when the text is dated
    (`now`: ``reference_year``), 去年/今年/明年 … as the years they stand for. The caller masks
    comparison bases (比上年) first."""
    out = [(m.start(), m.end(), int(m.group(1))) for m in YEAR_MENTION.finditer(text)]
    if now is not None:
        pattern, offsets = relative_year_words("zh")
        out += [(m.start(), m.end(), now + offsets[m.group(0)]) for m in pattern.finditer(text)]
    return sorted(out)


def reference_year(meta) -> int | None:
    """The year a text's 今年 is: the year it is signed, else dated, else its single plan year."""
    for d in (meta.signed, meta.date):
        if d and d[:4].isdigit():
            return int(d[:4])
    return plan_year(meta.years)


def _period_years(text: str) -> list[int]:
    """Years of the plan periods a text names (“十二五”期间 → 2011–2015)."""
    periods = genre().get("plan_periods", {})
    return [y for name, (a, b) in periods.items() if name in text for y in range(a, b + 1)]


_SENTENCE_END = re.compile(r"[。！？!?]")
_CLAUSE_END = re.compile("[" + re.escape(CLAUSE_END + "：:") + "]")  # a label's colon ends a clause too


def _clause_start(text: str, pos: int) -> int:
    """Where the clause holding `pos` begins: after the last clause end before it."""
    return max((m.end() for m in _CLAUSE_END.finditer(text, 0, pos)), default=0)


def opens_clause(text: str, start: int) -> bool:
    """Whether the year named at `start` opens its clause (“2023年,…”, “到2025年,…”): it dates what
    follows in the sentence. A year inside a clause (颁发2022年度科学技术奖,聘请40位专家) names what
    that clause is about and dates nothing after it."""
    lead = re.sub(r"[\s“”\"（）()、—–‐\-·•●▪◆■]", "", text[_clause_start(text, start):start])  # ——2025年,…
    return not lead or lead in genre().get("year_lead_words", ())


def _dating(text: str, named: list[tuple[int, int, int]], pos: int) -> list[int]:
    """The years named before `pos` that date it: those of its own clause, and those that open theirs."""
    cut = _clause_start(text, pos)
    return [y for s, e, y in named if e <= pos and (s >= cut or opens_clause(text, s))]


class LeadDates(NamedTuple):
    """What the text of a figure's paragraph before its sentence dates it by: the last year named in
    the clauses of its full sentence (a part after ；), and the plan period the paragraph names first."""
    year: int | None = None
    period: list[int] = []


@lru_cache(maxsize=1024)
def _paragraph_dates(text: str, a: int, b: int, now: int | None = None) -> tuple[
        tuple[int, ...], tuple[tuple[int, int, int], ...], tuple[tuple[int, int, int, int], ...]]:
    """The paragraph text[a:b], its comparison bases masked, digested once: where its sentences end,
    the years it names (start, end, year) and the first mention of each plan period it names
    (start, end, first year, last year), offsets from `a`. Small enough to keep for many paragraphs,
    however long they are."""
    masked = mask_baselines.__wrapped__(text[a:b])  # the digest is what is kept, not the masked paragraph
    ends = tuple(m.end() for m in _SENTENCE_END.finditer(masked))
    years = tuple(y for y in years_named(masked, now) if opens_clause(masked, y[0]))
    periods = tuple(sorted((masked.find(name), masked.find(name) + len(name), lo, hi)
                           for name, (lo, hi) in genre().get("plan_periods", {}).items() if name in masked))
    # a paragraph that opens with the year its targets are set for (力争到2020年,…。全市研发投入达到8亿元):
    # lent to its later sentences as a period of that one year
    m = _TARGET_OPENING.match(masked)
    if m:
        y = int(m.group(1))
        periods = tuple(sorted(periods + ((m.start(1), m.end(1), y, y),)))
    return ends, years, periods


_TARGET_OPENING = re.compile(r"\s*(?:力争|争取|预计|计划|确保)?(?:到|至)\s*((?:19|20)\d{2})\s*年(?:底|末)?\s*[,，]")


def lead_dates(text: str, start: int, now: int | None = None) -> LeadDates:
    """The dates the paragraph before `start` (a sentence's start in `text`) lends a figure of that
    sentence: “2019年技术合同交易额19.42亿元；发明专利申请量…1779件” (the sentence's earlier
    clauses), “十三五”期间,… . 全社会…提高至3.98% (the period its opening names; the first one named:
    “十三五”期间,…奠定了“十四五”…的基础 reports the 十三五)."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", start)
    ends, years, periods = _paragraph_dates(text, a, len(text) if b < 0 else b, now)
    rel = start - a
    sentence_from = max((e for e in ends if e <= rel), default=0)
    if text.startswith(tuple(genre().get("continuation_openers", ())), a + sentence_from):
        # 其中,…达7.3亿元: a sentence that goes on from the one before is dated by it too (2022年,…取得长足进步)
        sentence_from = max((e for e in ends if e < sentence_from), default=0)
    year = next((y for s, e, y in reversed(years) if sentence_from <= s and e <= rel), None)
    period = next((list(range(lo, hi + 1)) for s, e, lo, hi in periods if e <= rel), [])
    return LeadDates(year, period)


# the value of a comparison's base, in brackets after it: 比2010年(2440万元), 比“十一五”时期(2300万元)
_BASE_VALUE = re.compile(r"(?:比|较)\s*[“\"]?(?:(?P<y>(?:19|20)\d{2})\s*年?|(?P<p>十[一二三四五]五))[”\"]?"
                         r"(?:年末|年底|末|底|时期|期间)?\s*[（(][^（()）]{0,12}$")


def evidence_year(text: str, pos: int, doc_years: list[int], section: str = "",
                  lead: LeadDates = LeadDates(), now: int | None = None) -> int | list[int] | None:
    """The year(s) a figure at `pos` of `text` (one sentence) is about: the nearest year named before
    it in the sentence (到2025年…, 2020年底已…) or in the clauses of its full sentence before it (a
    part after ；: “2019年技术合同交易额19.42亿元；发明专利申请量…1779件”), else a plan period
    named there, in the sentences of its paragraph before it (`lead`, from ``lead_dates``: “十三五”
    期间,… . 全社会…提高至3.98%) or in its section title (“十二五”期间 → its years), else a year its section title names;
    None when unknown (the caller may infer the plan's own year: ``plan_year``). The base of a
    comparison (比2015年增长30倍, 较“十二五”末增加) dates nothing."""
    base = _BASE_VALUE.search(text[:pos])
    if base:  # 比“十一五”时期(2300万元): the base's own value is about the base's time
        return int(base.group("y")) if base.group("y") else _period_years(base.group("p"))
    text = mask_baselines(text)
    named = years_named(text, now)  # 去年/今年 too, when the text is dated
    before = _dating(text, named, pos)
    if before:
        return before[-1]
    if lead.year is not None:
        return lead.year
    after = [y for b, _, y in named if b >= pos]
    if after and len(after) == 1 and "到" not in text[pos:]:
        return after[0]
    period = _period_years(text[:pos]) or lead.period or _period_years(section)
    if period:
        return period
    in_section = [int(m.group(1)) for m in YEAR_MENTION.finditer(section)]
    if in_section:
        return in_section[-1]
    return None


def review_year(section: str, doc_years: list[int]) -> int | None:
    """The year an undated figure of a section reviewing the years before the plan (一、发展基础与面临
    形势 > (一)发展基础: 高新技术企业总量104家) is about: the last one before the plan's first year
    (an inference, not a statement). None outside such sections."""
    if not doc_years or not any(w in part for part in section.split(" > ") for w in _review_words()):
        return None
    return min(doc_years) - 1


def asks_plan_target(q: Query, doc_years: list[int]) -> bool:
    """The question asks what a plan sets for one of its own years (到2020年…要达到), not what was
    achieved: no figure of a review of the years before the plan answers it."""
    return bool(q.years) and not q.past and bool(doc_years) and max(q.years) >= min(doc_years)


@lru_cache(maxsize=1)
def _review_words() -> tuple[str, ...]:
    return tuple(genre()["section_roles"].get("review", ()))


def plan_year(doc_years: list[int]) -> int | None:
    """The year a single-year plan's undated figures are about (an inference, not a statement)."""
    return doc_years[0] if len(doc_years) == 1 else None


def year_features(q: Query, year: int | list[int] | None, doc_years: list[int],
                  explicit: bool = True) -> tuple[float, float]:
    """(year_ok, year_bad) of evidence about `year` (or a period's years) for a question naming
    years or a period: a conflict the evidence states (its sentence or section names another year)
    is 1, and so is a target asked for a year the plan does not cover; one only inferred otherwise
    (a past year the plan may report) 0.5. Undated evidence is neutral, except for a target asked
    for a year the plan does not cover."""
    asked = set(q.years) | set(q.period)
    got = set() if year is None else set(year) if isinstance(year, list) else {year}
    if not asked:
        if q.target and not q.past and got and doc_years and max(got) < min(doc_years):
            # a target asked; the evidence is a result of the years before the plan's: certain when its
            # text names that year (至“十三五”末…拥有270家 in a 2021 report), else inferred (去年…); a
            # comparison's side may be a result all the same (its sides need not share a basis)
            return 0.0, 1.0 if explicit and q.qtype != "comparison" and len(q.regions) <= 1 else 0.5
        return 0.0, 0.0
    if (q.period_names_plan and not q.years) or q.year_names_report:
        if got & asked:
            return 1.0, 0.0
        if doc_years and not set(doc_years) & asked:
            return 0.0, 0.0  # the period names another document's plan (a comparison's other side)
        if got and max(got) < min(asked):
            # the plan named by its period or year (“十三五”规划, 2023年…工作会议) reports the years
            # before it: what it says of them (去年…) answers a question about what was achieved, and is
            # only doubtful for a target
            return 0.0, 0.0 if q.past else 0.5
    # the question asks a target of a year the plan does not cover (nor does the evidence name it)
    outside = bool(doc_years) and not q.past and not asked & set(doc_years)
    if year is not None:
        return (1.0, 0.0) if got & asked else (0.0, 1.0 if explicit or outside else 0.5)
    if outside:
        return 0.0, 0.5
    return 0.5, 0.0


_SHARE_OF = re.compile(r"占(?!领)[^，,；;。、]*$")  # 占全市获奖总数的49.4%: a share, whatever the whole is


def basis_of(text: str) -> str:
    """What a figure measures (question_vocab facets.basis, Chinese patterns): growth, share, new or
    total, by the basis word nearest the end of `text` (the clause up to the figure); "" when none.
    A figure that ends a 占… phrase is a share: the words inside it (总数) describe the whole."""
    if _SHARE_OF.search(text):
        return "share"
    best, end = "", -1
    for name, pats in vocab()["facets"]["basis"].items():
        for p in pats["zh"]:
            for m in re.finditer(p, text):
                if m.end() > end:
                    best, end = name, m.end()
    return best


def slot_conflict(asked: str, clause: str) -> bool:
    """True when, for an exclusive group of sibling terms (question_vocab ``sibling_terms``: 国家级 /
    省级 / 市级, 申报 / 认定 / 入库, 全社会 / 规上工业; a member may have wordings: 规上工业|规模以上工业),
    the question names members and the member the clause names last (nearest the figure: “国家级企业
    技术中心5家、省级20家”) is another: a 市级 laboratory does not answer a question about 省级 ones."""
    for terms, want in asked_slots(asked):
        last = max(((clause.rfind(w), t) for t in terms for w in t.split("|") if w in clause), default=None)
        if last is not None and last[1] not in want:
            return True
    return False


def asked_slots(asked: str) -> Iterator[tuple[list[str], set[str]]]:
    """(members, members the question names) of each exclusive group of sibling terms it names one of."""
    for group in vocab().get("sibling_terms", ()):
        if group.get("exclusive"):
            want = {t for t in group["terms"] if any(w in asked for w in t.split("|"))}
            if want:
                yield group["terms"], want


def unasked_slot(asked: str, clause: str) -> bool:
    """True when the clause names a member of an exclusive group of sibling terms (国家级 / 省级 …,
    全社会 / 规上工业) and the question names none of that group: the figure counts a narrower kind
    than asked (新增国家级创新平台4家 for "how many innovation platforms", beside 全市664家创新平台).
    Stages (申报 / 认定, groups read over the whole document) say how a thing is counted, not which kind."""
    for group in vocab().get("sibling_terms", ()):
        if not group.get("exclusive") or group.get("whole_document"):
            continue
        words = [w for t in group["terms"] for w in t.split("|")]
        if not any(w in asked for w in words) and any(w in clause for w in words):
            return True
    return False


def stage_unstated(asked: str, doc_text: str) -> bool:
    """For an exclusive group of stages a document states each by its own word (question_vocab
    ``sibling_terms`` marked ``whole_document``: 申报 / 认定 / 入库): the question names one, and the
    document never uses it but uses another (全年认定高新技术企业50家): none of its figures is the
    asked stage's."""
    for group in vocab().get("sibling_terms", ()):
        if not group.get("whole_document"):
            continue
        want = [t for t in group["terms"] if t in asked]
        if want and not any(t in doc_text for t in want) and any(t in doc_text for t in group["terms"]):
            return True
    return False


@lru_cache(maxsize=2)
def _frames(in_clause: bool) -> re.Pattern[str]:
    def words(*keys: str) -> str:
        ws = [w for k in keys for w in genre().get(k, [])]
        return "|".join(map(re.escape, sorted(ws, key=len, reverse=True))) or "(?!)"
    result = words("result_frames", "clause_result_frames") if in_clause else words("result_frames")
    return re.compile(rf"(?P<result>{result})|(?P<target>{words('target_frames')}|到\s*(?:19|20)\d{{2}}\s*年)")


_NAMES = re.compile(r"“[^“”\n]{0,25}”|《[^《》\n]{0,80}》")


def frame(sentence_before: str, clause_before: str) -> str | None:
    """How a sentence frames a figure, from the nearest frame word before it in its clause, else in
    its sentence: "result" (已增至126家, 截至2020年底…), "target" (力争…, 预计到2023年底…将达到400家)
    or None."""
    for text, in_clause in ((clause_before, True), (sentence_before, False)):
        text = _NAMES.sub(" ", text)  # a frame word inside a name frames nothing (河南省“中原英才计划”)
        last = None
        for m in _frames(in_clause).finditer(text):
            last = m
        if last is not None:
            return last.lastgroup
    return None


def frame_at(text: str, sentence_start: int, pos: int) -> str | None:
    """How its sentence frames the figure at `pos` (see `frame`)."""
    before = text[sentence_start:pos]
    return frame(before, before[_clause_start(before, len(before)):])


def sets_targets(meta: DocMeta) -> bool:
    """A document of a kind that sets targets (genre.json target_kinds: 行动方案, 工作要点, 规划 …)
    and whose title names no report (工作总结及2025年工作安排 reports too)."""
    g = genre()
    title = meta.shown_title or ""
    return bool(meta.kind) and meta.kind in g.get("target_kinds", ()) and not any(w in title for w in g.get("report_words", ()))


def announces_plan(meta: DocMeta) -> bool:
    """A news page whose headline names a plan of a kind that sets targets (常州市“十三五”科技创新规划公布),
    not a report of results: the figures it gives without a year of their own are the plan's."""
    g = genre()
    head = meta.headline or ""
    return not meta.title and any(k in head for k in g.get("target_kinds", ())) \
        and not any(w in head for w in g.get("report_words", ()))


def frame_conflict(q: Query, sentence_before: str, clause_before: str, planned: bool = False) -> bool:
    """A result given for a target asked (已增至126家 for "aim to have"), or a target given for the
    state now asked (预计到2023年底将达到400家 for 目前有多少家). `planned`: the figure is for one of
    the plan's own years in a document that sets targets, so it is a target when no word frames it."""
    f = frame(sentence_before, clause_before) or ("target" if planned else None)
    return (f == "result" and q.target and not q.past) or (f == "target" and q.present)


def measure_bad(q: Query, clause: str, sentence_keys: list[str] | None = None) -> float:
    """1 when the evidence measures something else than asked: another basis (a share for "how
    fast should it grow") or another member of an exclusive slot (市级 for 省级, 认定 for 申报).
    `sentence_keys` (the question's key terms): the evidence is a whole sentence, not a figure's
    clause, so a slot member counts only where it qualifies a thing asked (``qualified_slot_conflict``)."""
    got = basis_of(clause) if q.bases else ""
    if got and got not in q.bases:
        return 1.0
    # the question's own words: a follow-up's inherited terms may be the very slot it replaces
    asked = f"{q.text} {' '.join(q.focus)}"
    if sentence_keys is not None:
        return 1.0 if qualified_slot_conflict(asked, clause, sentence_keys) else 0.0
    return 1.0 if slot_conflict(asked, clause) or denominator_conflict(q, clause) else 0.0


_SHARE_OF = re.compile(r"占\s*([^占，,。；;、]{1,15}?)\s*(?:的)?\s*(?:比重|比例|比率|份额|总数|\d)")


_WHOLE_FORMS = ((re.compile(r"规模以上"), "规上"), (re.compile(r"(?:地区)?生产总值|地区GDP"), "GDP"),
                (re.compile(r"^(?:全[市省区县]|全社会|本[市省区县])"), ""))


def denominators(text: str) -> set[str]:
    """What a share is of, in one wording (R&D占GDP比重 → GDP; 占地区生产总值比重 → GDP;
    占规上企业总数的44.44% → 规上企业)."""
    out = set()
    for m in _SHARE_OF.finditer(text):
        whole = m.group(1).removesuffix("的")
        for pat, form in _WHOLE_FORMS:
            whole = pat.sub(form, whole)
        if len(whole) >= 2 and not _NOT_A_WHOLE.search(whole):
            out.add(whole)
    return out


_NOT_A_WHOLE = re.compile(r"^[比了]|多|几|什么|哪|怎")  # 占比, 占了多大比例: a question's words, no whole


def denominator_conflict(q: Query, clause: str) -> bool:
    """A share of another whole than the one asked (有研发活动的规上企业占规上企业总数的44.44% for R&D
    as a share of GDP): the question names what its share is of (占GDP比重, share of GDP through its
    terms), the clause names another, sharing no piece of its wording."""
    asked = denominators(" ".join([q.text, *q.focus]).replace("|", " "))
    got = denominators(clause)
    return bool(asked and got) and not any(_bigrams(a) & _bigrams(g) for a in asked for g in got)


def _bigrams(whole: str) -> set[str]:
    """A whole's two-character pieces: wholes sharing one are taken for wordings of one whole
    (营业收入 / 主营收入, 规上(工业)企业 / 规上工业企业)."""
    w = re.sub(r"[()（）\s]", "", whole)
    return {w[i:i + 2] for i in range(len(w) - 1)} or {w}


QUALIFIER_GAP = 4  # characters a slot member may stand before the thing it qualifies (国家级企业技术中心)


@lru_cache(maxsize=512)
def _qualified_thing(forms: tuple[str, ...]) -> re.Pattern[str]:
    """A few characters, then one of the asked things: what follows a slot member that qualifies it."""
    alts = "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) or "(?!)"
    return re.compile(rf"[\u4e00-\u9fff]{{0,{QUALIFIER_GAP}}}?(?:{alts})")


def qualified_slot_conflict(asked: str, sentence: str, keys: list[str]) -> bool:
    """For a whole sentence: True when, for an exclusive group of sibling terms the question names
    a member of, the sentence qualifies a thing asked by another member (市级重点实验室 for 省级
    重点实验室) and by none of the asked ones. A member before anything else (县级示范点 beside the
    工程 asked about a 国家创新型县) is not the asked thing's."""
    forms = [w for k in keys for w in k.split("|") if len(w) >= 2]
    if not forms:
        return False

    def qualifies(word: str) -> bool:
        thing = _qualified_thing(tuple(f for f in forms if f != word))
        return any(thing.match(sentence, m.end()) for m in re.finditer(re.escape(word), sentence)) if word in sentence else False

    for terms, want in asked_slots(asked):
        named = {t for t in terms if any(qualifies(w) for w in t.split("|"))}
        if named and not named & want:
            return True
    return False


def names_region(text: str, region: str) -> bool:
    return any(n in text for n in name_forms(region))


@lru_cache(maxsize=256)
def parts_of(region: str) -> tuple[str, ...]:
    """The regions inside `region` by the gazetteer (娄底市 → 娄星区, 冷水江市, 涟源市 …)."""
    return tuple(sorted({r.name for r in all_regions() if r.name != region and contains(region, r.name)}))


def another_part(q: Query, stored: StoredDoc, clause: str) -> float:
    """1 when the question asks parts of the document's region (涟源, 双峰 of 娄底's plan) and the
    figure's own clause names other parts only (娄星区将达到32%以上 beside 涟源、双峰、新化达到12%以上)."""
    region = stored.meta.region
    asked = [r for r in q.regions if region and contains(region, r)]
    if not asked or any(names_region(clause, r) for r in asked):
        return 0.0
    return 1.0 if any(names_region(clause, p) for p in parts_of(region) if p not in asked) else 0.0


def region_bad(q: Query, stored: StoredDoc, local: str, wanted: list[str] | None = None) -> float:
    """1 when the question names a region that the evidence's document neither is nor covers by
    naming it near the figure (a city's total given for one of its districts); 0.5 when the document
    is a district's and the question asks its whole city; 0 otherwise."""
    regions = subjects(q.text, wanted if wanted is not None else q.regions)
    # a region named with parts of it (Lianyuan, Shuangfeng and Xinhua … under the Loudi targets):
    # the parts are what is asked, the whole is where
    regions = [r for r in regions if not any(o != r and contains(r, o) for o in regions)]
    if not regions:
        return 0.0
    m = stored.meta
    best = 1.0
    for r in regions:
        if m.region and (m.region == r or r in m.aliases):
            return 0.0
        if m.region and contains(m.region, r):
            best = min(best, 0.0 if names_region(local, r) else 1.0)
        elif m.region and contains(r, m.region):
            best = min(best, 0.5)
        elif not m.region:
            best = min(best, 0.5)
        elif names_region(local, r):
            best = min(best, 0.5)  # another region's document, but the evidence itself names the one asked
    return best


def dated_query(q: Query, stored: StoredDoc) -> Query:
    """`q` with the years it names relative to a document (南昌去年…) read against that document's
    own date; unchanged when it names years of its own or the document is undated."""
    now = reference_year(stored.meta) if q.relative and not q.years else None
    return q if now is None else replace(q, years=sorted({now + o for o in q.relative}))


def evidence_features(ctx: Context, stored: StoredDoc, local: str, sentence: str, section: str, rank: int,
                      year: int | list[int] | None, wanted_regions: list[str] | None = None,
                      dense: float = 0.0, explicit_year: bool = True) -> dict[str, float]:
    """The features every kind of candidate shares (the kind-specific type_ok/type_bad are added by
    the composer)."""
    q = ctx.query
    named = f"{section} {doc_words(stored)} {q.doc_ref}"
    local = f"{local} {q.doc_ref}"  # the words pointing at the document are every passage's
    keys = key_terms(q)
    things = nominal_keys(q)
    year_ok, year_bad = year_features(dated_query(q, stored), year, stored.meta.years, explicit_year)
    return {
        "cov": coverage(q.content_terms, f"{sentence} {named}", q.weights),
        "key_local": coverage(keys, local, q.weights) if keys else 1.0,
        "thing_local": coverage(things, local, q.weights) if things else 1.0,
        "thing_sent": coverage(things, f"{sentence} {section.split(' > ')[-1]} {q.doc_ref}", q.weights) if things else 1.0,
        "key_sent": coverage(keys, f"{sentence} {named}", q.weights) if keys else 1.0,
        "absent": absent_share(q, f"{stored.doc.text} {doc_words(stored)}"),
        "rank": 1.0 / (1 + rank),
        "year_ok": year_ok,
        "year_bad": year_bad,
        "region_bad": region_bad(q, stored, f"{sentence} {section}", wanted_regions),
        "measure_bad": measure_bad(q, local, keys),  # a figure's composer measures its own clause
        "scope": ctx.weights.get(stored.doc.path, 1.0),
        "dense": dense,
    }


def lowered_doc(stored: StoredDoc) -> str:
    return lowered(stored.doc.text)
