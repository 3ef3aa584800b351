"""Composers built on figures: how many / how much, yes-or-no about a figure, X versus Y, and the
same indicator across every plan."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from assistant.compose.context import (CitationBuilder, Context, answer, doc_name, doc_words, key_terms, say,
                                       with_weights)
from assistant.evidence import coverage, term_in
from assistant.compose.features import basis_of
from assistant.compose.figure import Figure, best_per_doc, figure_candidates, line, render
from assistant.compose.params import params
from assistant.compose.refusal import refuse
from assistant.compose.support import model, passing
from assistant.named_regions import mention_at, region_spans
from assistant.query import Query, content_terms, facets, is_basis_word, related_forms, vocab, without_question_patterns
from assistant.timewords import find_years
from base.mentions import find_numbers
from base.numbers import NumberMention, parse_number, unit_category
from base.types import Answer


def compose_numeric(ctx: Context) -> Answer:
    q = ctx.query
    cands = figure_candidates(ctx)
    th = model().threshold
    supported = passing(cands, th)
    if not supported:
        return refuse(ctx)
    best = supported[0]
    picks = [best]
    if not q.regions and len(ctx.docs) > 1:
        # the same indicator in several documents and nothing in the question picks one: each one's figure
        per_doc = best_per_doc(cands, max(th, best.p - params()["figure"]["multi_doc_margin"]))
        picks = list(per_doc.values())[: params()["figure"]["max_docs"]]
    cb = CitationBuilder()
    each: list[Figure] = []
    if len(picks) == 1 and asks_each(q):
        # "哪几类平台，各多少家" / "how many of each": every figure of the kind asked in that sentence
        each = [best, *(f for f in cands if f.doc == best.doc and f.sentence == best.sentence and f is not best
                        and unit_category(f.mention.unit) == unit_category(best.mention.unit))]
    elif len(picks) == 1:
        # "工程研究中心和技术创新中心呢?": one figure for each thing the question names side by side
        each = figure_per_thing(q, best, supported)
    if each:
        body = render(ctx, sorted(each, key=lambda f: f.mention.start), cb)
        return answer(q, say(q, f"{doc_name(best.stored, 'zh')}：{body}", f"{doc_name(best.stored, 'en')}: {body}"), cb)
    lines = [line(ctx, f, cands, cb) for f in picks]
    if len(lines) == 1:
        return answer(q, lines[0], cb)
    head = say(q, "多份文件提到该指标：\n", "Several documents state this figure:\n")
    return answer(q, head + "\n".join(f"- {ln}" for ln in lines), cb)


_JOINED = re.compile(r"[和与及、]")
_ASKING_TAIL = re.compile(r"(?:呢|吗|么)?\s*[?？]?\s*$")


def joined_things(q: Query) -> list[str]:
    """The things a Chinese question names side by side with 和/与/及/、 (工程研究中心和技术创新中心呢?),
    each as it is written; [] when it names fewer than two. Regions and the question's scaffolding
    (多少家, 分别是) are left out first."""
    if q.lang != "zh":
        return []
    text = q.text
    for a, b in sorted(region_spans(text, q.regions), reverse=True):
        text = text[:a] + " " + text[b:]
    text = _ASKING_TAIL.sub("", without_question_patterns(text))
    parts = [re.sub(r"[\s，,。？?]", "", p) for p in _JOINED.split(text)]
    parts = [p for p in parts if len(p) >= 2]
    return parts if len(parts) >= 2 else []


def figure_per_thing(q: Query, best: Figure, supported: list[Figure]) -> list[Figure]:
    """For a question naming things side by side, the best supported figure of `best`'s document whose
    own clause names each one, written as asked, when every thing has a figure of its own; else []."""
    things = joined_things(q)
    if not things:
        return []
    out: list[Figure] = []
    for thing in things:
        f = next((f for f in supported if f.doc == best.doc and f not in out
                  and thing in f.stored.doc.text[f.clause[0]:f.clause[1]]), None)
        if f is None:
            return []
        out.append(f)
    return out


_EACH = re.compile(r"各(?:多少|几|是|有|为|自)|分别|哪几类|哪些类|每类|\beach\b|\brespectively\b|\bhow many of each\b", re.I)


def asks_each(q: Query) -> bool:
    """A question asking a figure for each of several things (哪几类…各多少家, how many of each)."""
    return bool(_EACH.search(q.text))


# ---------------------------------------------------------------- yes / no about a figure
def _claim_pattern(kind: str) -> re.Pattern[str]:
    return re.compile("|".join(vocab()["claim_comparators"][kind]), re.I)


def question_figures(q: Query) -> list[NumberMention]:
    """Figures the question states: "…是350家吗?", "exceed 700?" (years, dates, 文号 and the numerals
    of a region's name — 九江, 三亚 — excluded)."""
    text = q.text
    names = region_spans(text, q.regions)
    out = []
    for m in find_numbers(text, quantities_only=False):
        if m.kind in ("year", "date", "docno", "code") or any(a < m.end and m.start < b for a, b in names):
            continue
        if m.kind in ("name", "word") and not m.value[0].isdigit():
            continue  # 翻一番, “三个一批”, 八大指标: a Chinese numeral of a set phrase or a name claims no figure
        before = text[m.start - 1:m.start] if m.start else ""
        after = text[m.end:m.end + 1]
        if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha() and not m.unit):
            continue  # 5G, B2B: a code, not a figure
        out.append(m)
    return out


CLAIM_BEFORE, CLAIM_AFTER = 12, 4  # characters around a claimed figure where its comparator stands


def claim_context(text: str, claimed: NumberMention) -> str:
    """The words right around a figure the question claims: its comparator stands there (超过350家,
    350家以上, more than 700), not further on (15项核心技术取得突破)."""
    return text[max(0, claimed.start - CLAIM_BEFORE):claimed.end + CLAIM_AFTER]


def verdict(q: Query, claimed: NumberMention, value: float | None) -> bool | None:
    """Does a document's figure bear out the figure the question claims? None: not comparable."""
    if value is None or claimed.numeric is None:
        return None
    around = claim_context(q.text, claimed)  # "突破15项", "350家以上"; not "15项核心技术取得突破"
    inclusive = bool(_claim_pattern("inclusive").search(around))
    if _claim_pattern("more").search(around):
        return value >= claimed.numeric if inclusive else value > claimed.numeric
    if _claim_pattern("less").search(around):
        return value <= claimed.numeric if inclusive else value < claimed.numeric
    return abs(value - claimed.numeric) <= 1e-9 * max(1.0, abs(value))


def _value_in_claim_units(f: Figure, claimed: NumberMention) -> float | None:
    m = f.mention
    if claimed.number and claimed.numeric and m.number is not None and m.base_unit == claimed.base_unit:
        return m.number / (claimed.number / claimed.numeric)
    return parse_number(m.value)


def yes_no_text(q: Query, yes: bool, f: Figure, body: str) -> str:
    if q.lang == "en":
        return f"{'Yes' if yes else 'No'}. {doc_name(f.stored, 'en')} states (Chinese): {body}"
    return f"{'是' if yes else '不是'}。{doc_name(f.stored, 'zh')}：{body}"


def compose_yes_no_figure(ctx: Context) -> Answer | None:
    """"…目标是350家吗?": the best supported figure of the claimed kind decides, quoted either way.
    A question claiming several figures ("实施了20个重大专项、有15项核心技术取得突破,对吗?") is
    borne out only when each is: every claim is checked against the figure whose clause best
    names the words the question puts beside that claim."""
    q = ctx.query
    claims = question_figures(q)
    if not claims:
        return None
    th = model().threshold
    if any(c.kind == "ordinal" for c in claims) and "rank" not in q.units:
        # "…是全球第一吗?": a place the question claims is checked against the places the text states
        ctx = replace(ctx, query=replace(q, units=[*q.units, "rank"]))
    cands = figure_candidates(ctx)
    if len(claims) == 1:
        checked = _check_claim(q, claims[0], cands, th)
        return None if checked is None else _yes_no_answer(ctx, [checked])
    supported = [f for f in cands if f.p >= th]
    results = []
    for claim, words in zip(claims, claim_words(q, claims)):
        ranked = supported
        if words:
            cover = {id(f): coverage(words, _clause(f)) for f in supported}
            ranked = sorted((f for f in supported if cover[id(f)] > 0), key=lambda f: -cover[id(f)]) or supported
        checked = _check_claim(q, claim, ranked, th)
        if checked is None:
            return None
        results.append(checked)
    return _yes_no_answer(ctx, results)


def _clause(f: Figure) -> str:
    return f"{f.stored.doc.text[f.clause[0]:f.clause[1]]} {f.indicator}"


def claim_words(q: Query, claims: list[NumberMention]) -> list[list[str]]:
    """For each figure the question claims, the content words of its own part of the question
    (from the previous claimed figure to the next one)."""
    out = []
    for i, c in enumerate(claims):
        lo = claims[i - 1].end if i else 0
        hi = claims[i + 1].start if i + 1 < len(claims) else len(q.text)
        out.append(content_terms(q.text[lo:hi], q.lang))
    return out


def _check_claim(q: Query, claimed: NumberMention, cands: list[Figure], th: float) -> tuple[bool, Figure] | None:
    for f in cands:
        if claimed.base_unit and f.mention.base_unit and f.mention.base_unit != claimed.base_unit:
            continue
        if (claimed.kind == "ordinal") != (f.mention.kind == "ordinal"):
            continue  # a place in a ranking against a place, a quantity against a quantity
        if f.p < th:
            return None
        yes = verdict(q, claimed, _value_in_claim_units(f, claimed))
        if yes is not None:
            return yes, f
    return None


def _yes_no_answer(ctx: Context, checked: list[tuple[bool, Figure]]) -> Answer:
    q = ctx.query
    cb = CitationBuilder()
    yes = all(y for y, _ in checked)
    figs = list({id(f): f for _, f in checked}.values())
    by_doc: dict[str, list[Figure]] = {}
    for f in figs:
        by_doc.setdefault(f.stored.doc.path, []).append(f)
    bodies = [render(ctx, fs, cb) for fs in by_doc.values()]
    body = ("；" if q.lang == "zh" else "; ").join(bodies)
    return answer(q, yes_no_text(q, yes, figs[0], body), cb)


# ---------------------------------------------------------------- side by side
def _side_candidates(ctx: Context, docs: dict, regions: list[str], strict: bool = False,
                     widen: bool = False, any_frame: bool = False) -> list[Figure]:
    """One side of a comparison, its candidates best first: the question asked of `docs` alone,
    without the words that name the other sides' documents (科创局 means nothing in 东宝区's plan).
    `widen`: the question's words that the side's documents never use are read in their related
    forms (a second reading, for a side the first one found nothing for). `any_frame`: a target or a
    result alike, whichever the question asks (a third reading: "Hengshui's number with Xingtai's
    target", where Hengshui reports only results)."""
    others = " ".join(doc_words(s) for p, s in ctx.docs.items() if p not in docs).lower()
    own = " ".join(doc_words(s) for s in docs.values()).lower()
    q = ctx.query
    terms = [t for t in q.terms if not (term_in(t, others) and not term_in(t, own))]
    low = [s.doc.text.lower() for s in docs.values()] if widen else []  # once per side, not once per term
    said = {t: widened(t, low) if widen else t for t in terms}
    terms = list(said.values())
    # a year named with another side ("the bureau's 2023 plan or Dongbao's plan") is not this side's
    side_years, bases = side_view(q, regions[0]) if len(regions) == 1 else (q.years, q.bases)
    years = [y for y in side_years if any(not s.meta.years or y in s.meta.years for s in docs.values())]
    sub = ctx.sub(docs)
    framed = {"target": False, "present": False, "past": False} if any_frame else {}
    sub.query = with_weights(replace(q, terms=terms, focus=[said[t] for t in q.focus if t in said], years=years,
                                     bases=bases, **framed), docs)
    # each side was named by the user: its best figure needs less support than an answer on its own
    th = model().threshold * params()["figure"]["side_threshold_factor"]
    cands = figure_candidates(sub, wanted_regions=regions)
    if strict:  # a row of an all-plans table must be about the asked indicator itself
        cands = [f for f in cands if names_indicator(sub.query, f)]
    return same_basis_first(sub.query, [f for f in cands if f.p >= th])


def widened(term: str, low: list[str]) -> str:
    """A term the side's texts (`low`: lower-cased) never use, with the related forms they do use as
    alternatives (the side was named, so 省级以上工程技术中心180家 answers 陕西's 创新平台)."""
    if any(term_in(term, t) for t in low):
        return term
    extra = [f for f in related_forms(term) if any(f.lower() in t for t in low)]
    return "|".join([term, *extra]) if extra else term


def names_indicator(q: Query, f: Figure) -> bool:
    """A row of an all-plans table: the words around the figure name at least part of the asked
    indicator's specific words (the other documents' rows show which part is usual). Basis words
    (增长率, 比重) are left to the basis check: a document states a growth rate as 增长10%."""
    terms = [t for t in key_terms(q) if not is_basis_word(t)]
    local = f"{f.stored.doc.text[f.clause[0]:f.clause[1]]} {f.indicator}".lower()
    return not terms or coverage(terms, local, q.weights) >= params()["figure"]["row_min_cover"]


def same_basis_first(q: Query, cands: list[Figure]) -> list[Figure]:
    """Candidates whose clause states the asked basis (总数, 增幅, 占比 …) before the others: each
    side of a comparison is answered on the basis the question asks when its document has one, and
    on the stock rather than the year's additions when it asks none."""
    if not q.bases:
        # no basis asked: a count's stock (总数达到5902家) before its flow (预计新增850家), so that the
        # sides and rows compare like with like
        return stock_first(cands)
    if not cands:
        return cands
    # a stated basis does not outweigh the asked words: 总数79家 of 国家级科技创新平台 is no answer to
    # 各级各类创新平台, whose 1710个 states no basis word
    floor = cands[0].feats.get("key_local", 0.0) - params()["figure"]["basis_key_margin"]
    same = [f for f in cands if _basis(f) in q.bases and f.feats.get("key_local", 0.0) >= floor]
    return same + [f for f in cands if f not in same]


def _basis(f: Figure) -> str:
    return basis_of(f.stored.doc.text[f.clause[0]:f.mention.start])


def stock_first(cands: list[Figure]) -> list[Figure]:
    """When the best candidate is a year's additions (预计新增高新技术企业850家), a stated total of the
    same kind that names the asked words as fully (高新技术企业总数达到5902家) goes first."""
    if not cands or _basis(cands[0]) != "new":
        return cands
    top = cands[0]
    kind = unit_category(top.mention.unit)
    stock = next((f for f in cands[1:] if _basis(f) == "total" and unit_category(f.mention.unit) == kind
                  and f.stored.doc.path == top.stored.doc.path
                  and f.feats.get("key_local", 0.0) >= top.feats.get("key_local", 0.0)), None)
    return cands if stock is None else [stock] + [f for f in cands if f is not stock]


def side_segments(text: str, regions: list[str]) -> list[tuple[str, str]]:
    """Each region's own part of a question naming several, in the order named ("沈阳现有的…平台数量和
    | 南阳2024年计划新建的…"; "Compare Xi'an's 2024 … target with | Bozhou's … figure"): from its
    name to the next region's name. The last part also holds what the question says of every side."""
    at = {r: i for r in regions if (i := mention_at(text, r)) is not None}
    order = sorted(at, key=at.get)
    return [(r, text[at[r]:(at[order[i + 1]] if i + 1 < len(order) else len(text))]) for i, r in enumerate(order)]


def side_view(q: Query, region: str | None) -> tuple[list[int], list[str]]:
    """The years and bases one side asks for: those its own part of the question names (现有 … vs
    计划新建 …; "Xi'an's 2024 target with Bozhou's figure"), else those of the last part, which speaks
    for every side (西安和宣州2023年的…: 2023 for both)."""
    parts = side_segments(q.text, q.regions)
    own = dict(parts).get(region or "")
    if own is None or len(parts) < 2:
        return q.years, q.bases
    shared = parts[-1][1]
    years = q.years
    if find_years(q.text):  # (a follow-up's years come from the conversation: every side's)
        named = find_years(own) or find_years(shared)
        years = [y for y in q.years if y in named]
    bases = q.bases
    if facets(q.text, q.lang, "basis"):
        bases = facets(own, q.lang, "basis") or facets(shared, q.lang, "basis")
    return years, bases


def compose_comparison(ctx: Context) -> Answer:
    """The same indicator for each region or document named, side by side, each from its own
    documents; the larger named only when both figures measure the same thing in the same unit."""
    q = ctx.query
    groups = ctx.groups if len(ctx.groups) >= 2 else [{p: s} for p, s in ctx.docs.items()]
    regions = q.regions + [None] * max(0, len(groups) - len(q.regions))
    sides, missing, company, related, reframed = [], [], {}, set(), set()
    for g, r in zip(groups, regions):
        cands = _side_candidates(ctx, g, [r] if r else [])
        if not cands:  # a side the user named and nothing answers as asked: read in the words its documents use
            cands = _side_candidates(ctx, g, [r] if r else [], widen=True)
            related |= {id(f) for f in cands}
        if not cands and (q.target or q.present or q.past):
            # … or as a result where a target is asked (or the reverse): shown, labelled, never ranked
            cands = _side_candidates(ctx, g, [r] if r else [], any_frame=True)
            reframed |= {id(f) for f in cands}
        f = cands[0] if cands else None
        if f is not None:
            sides.append(f)
            company[id(f)] = companions(f, cands)
        else:
            missing.append(r or "、".join(doc_name(s, q.lang) for s in g.values()))
    if len(sides) < 2:
        if not sides:
            return refuse(ctx)
        ans = compose_numeric(ctx)
        if not ans.refused and missing and len(groups) >= 2:
            # a side the user named and no document of it states: said, not left out silently
            names = "、".join(missing)
            ans.answer += say(q, f"\n{names}：未在其文件中找到与该指标对应的数值。",
                              f"\n{names}: no matching figure was found in its documents.")
        return ans
    return _side_by_side(ctx, sides, say(q, "各文件的对应指标：", "The figures side by side:"), company, related,
                         reframed)


COMPANIONS = 3  # other figures of a side's sentence shown beside its best one


def _stated_basis(f: Figure) -> str:
    """What a shown figure measures, as its indicator or else its clause says (总数, 新增, 增长 …)."""
    return basis_of(f.indicator) or basis_of(f.stored.doc.text[f.clause[0]:f.clause[1]])


def companions(best: Figure, cands: list[Figure]) -> list[Figure]:
    """Figures of the side's best sentence that also carry the question's words in their own clause
    and are of the unit and basis asked (申报350家 beside 通过认定310家 for "申报和认定数量"): the side states
    them together, and a question about a whole area ("平台方面给出了什么数字") asks for them all."""
    out = [c for c in cands if c is not best and c.sentence == best.sentence and c.mention.start != best.mention.start
           and c.feats.get("key_local", 0) > 0 and c.feats.get("type_ok", 0) >= best.feats.get("type_ok", 0)
           and _stated_basis(c) == _stated_basis(best)]  # not 新增120家 beside 总数达到980家
    return out[:COMPANIONS]


def _side_by_side(ctx: Context, sides: list[Figure], head: str, company: dict[int, list[Figure]] | None = None,
                  related: set[int] | None = None, reframed: set[int] | None = None) -> Answer:
    """`related`: sides answered in related words (创新平台 by 工程技术中心): labelled so, and never ranked;
    `reframed`: sides answered by a result where a target was asked, or the reverse: likewise."""
    q = ctx.query
    cb = CitationBuilder()
    rows, lines = [], []
    related = related or set()
    reframed = reframed or set()
    for f in sides:
        shown = sorted([f, *(company or {}).get(id(f), [])], key=lambda x: x.mention.start)
        body = render(ctx, shown, cb)
        tag = say(q, "（未直接提及该指标，相关数字）", " (the indicator itself is not stated; related figures)") \
            if id(f) in related else ""
        if id(f) in reframed:
            tag += say(q, "（非所问口径：该文件给出的是实际数）", " (not what was asked: the document states a result)") \
                if q.target else say(q, "（非所问口径：该文件给出的是目标数）", " (not what was asked: the document states a target)")
        lines.append(say(q, f"- {doc_name(f.stored, 'zh')}{tag}：{body}", f"- {doc_name(f.stored, 'en')}{tag}: {body}"))
        basis = _stated_basis(f)
        label = vocab()["facets"]["basis_labels"].get(basis, ["—", "—"])[0 if q.lang == "zh" else 1]
        rows.append([f.stored.meta.region or doc_name(f.stored, q.lang), f.value, label, f"[{cb.items[-1].n}]"])
    ans = answer(q, head + "\n" + "\n".join(lines) + _verdict(q, sides, any(id(f) in related for f in sides),
                                                                  any(id(f) in reframed for f in sides)), cb)
    ans.parts = [{"kind": "table", "columns": say(q, "地区|数值|口径|出处", "region|figure|basis|source").split("|"),
                  "rows": rows}]
    return ans


_SHARE_WHOLE = re.compile(r"占(?!领)([^，,；;。%\d]{1,16}?)(?:的)?(?:比重|比例|比|达到|达|为|\d|$)")


def share_of_what(clause: str) -> str:
    """The whole a share is of: 占主营收入 → 主营收入; an intensity (研发强度, 研发投入强度) is a share of
    GDP; "" when the clause does not say."""
    m = _SHARE_WHOLE.search(clause)
    if m:
        whole = m.group(1).strip()
        return "GDP" if re.search(r"GDP|生产总值", whole) else whole
    return "GDP" if "强度" in clause else ""


def _different_basis(q: Query) -> str:
    return say(q, "\n注意：各文件的指标口径不同，数值不宜直接比较。",
               "\nNote: the documents measure this differently, so the figures are not directly comparable.")


def _verdict(q: Query, sides: list[Figure], related: bool = False, reframed: bool = False) -> str:
    if reframed:  # a target beside a result: no ranking
        return _different_basis(q)
    if related:
        return say(q, "\n注意：有的文件只给出相关指标，数值不宜直接比较。",
                   "\nNote: some documents give only related figures, so the figures are not directly comparable.")
    base = sides[0].mention.base_unit
    comparable = [f for f in sides if f.mention.number is not None and f.mention.base_unit == base]
    if any(f.mention.kind == "ordinal" for f in sides):
        return ""  # places in rankings: a smaller number ranks higher, and each ranks within its own field
    if len(comparable) < 2:
        return ""
    clauses = [f.stored.doc.text[f.clause[0]:f.clause[1]] for f in comparable]
    bases = {basis_of(c) or "total" for c in clauses}
    if len(bases) > 1 or (bases == {"share"} and len({share_of_what(c) for c in clauses}) > 1):
        return _different_basis(q)
    if len({f.mention.number for f in comparable}) < 2:
        return ""
    top = max(comparable, key=lambda f: f.mention.number or 0)
    region = top.stored.meta.region or doc_name(top.stored, q.lang)
    return say(q, f"\n其中{region}的数值较大（{top.value}）。", f"\n{region} has the larger figure ({top.value}).")


def compose_compare_all(ctx: Context) -> Answer:
    """One row per document that states the indicator (the documents retrieval finds for it)."""
    q = ctx.query
    passages = ctx.wide(params()["figure"]["compare_all_passages"])
    docs = list(dict.fromkeys(d.metadata["doc"] for d in passages))[: params()["figure"]["max_compare_docs"]]
    per_doc = [c for c in (_side_candidates(ctx, {p: ctx.docs[p]}, [], strict=True) for p in docs if p in ctx.docs) if c]
    if not per_doc:
        return refuse(ctx)
    head = say(q, "各文件提到该指标的情况：", "The documents that state this figure:")
    return _side_by_side(ctx, comparable_rows(per_doc), head)


def comparable_rows(per_doc: list[list[Figure]]) -> list[Figure]:
    """Each document's best figure, except that a row in another kind of unit than most rows (an
    area beside counts of incubators) takes its document's best figure of that kind, when it has one."""
    firsts = [c[0] for c in per_doc]
    kinds = Counter(unit_category(f.mention.unit) for f in firsts)
    usual, n = kinds.most_common(1)[0]
    if n * 2 <= len(firsts):
        return firsts  # no kind of unit most rows share
    return [next((f for f in c if unit_category(f.mention.unit) == usual), c[0]) for c in per_doc]
