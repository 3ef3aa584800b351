"""The default answerer: extracts the answer from the evidence at clause level, no LLM.

Input: the analysed question, the scoped documents and the retrieved passages (a ``Context``).
Output: an ``Answer`` whose every quote is a verbatim span of a document's visible text and whose
every number comes from a quote. The question type picks the strategy: a figure from the target
table, a named entity, a list of measures, a yes/no, metadata (date, 文号, issuer), policy measures
for an enterprise kind, or a side-by-side comparison. Weak evidence → an honest refusal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from langchain_core.documents import Document

from assistant.evidence import alternatives, coverage, maximal_terms, section_at, term_in, term_len
from base.text import clip_around, sentence_bounds, sentences, tidy_quote
from assistant.policy import measures
from assistant.query import Query, matches_type, quoted, vocab
from base.types import Answer, Citation
from store import StoredDoc
from base.numbers import NumberMention, find_numbers, parse_chinese_int, parse_number, same_quantity
from base.tokenize import is_word
from base.types import Target

MIN_COVERAGE = 0.6  # share of the question's content terms a passage must contain to answer
KEY_COVERAGE = 0.7  # share of its specific words the evidence sentence must contain
MAX_LIST = 6


@dataclass
class Context:
    query: Query
    docs: dict[str, StoredDoc]  # scoped documents by path
    passages: list[Document]  # retrieved, best first
    all_docs: dict[str, StoredDoc] = field(default_factory=dict)
    scope_note: str = ""


class CitationBuilder:
    """Numbers citations [1], [2] … and de-duplicates identical spans."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def cite(self, stored: StoredDoc, a: int, b: int, section: str | None = None) -> int:
        a, b = tidy_quote(stored.doc.text, a, b)
        for c in self.items:
            if c.doc == stored.doc.path and c.start <= a and b <= c.end:
                return c.n
        n = len(self.items) + 1
        self.items.append(Citation(
            n=n, doc=stored.doc.path, title=stored.meta.title, region=stored.meta.region,
            date=stored.meta.date, section=section if section is not None else section_at(stored, a),
            quote=stored.doc.text[a:b], start=a, end=b, issuer=stored.meta.issuer))
        return n


def doc_words(stored: StoredDoc) -> str:
    """What the document says about itself (title, issuer, kind, region): a question may name the
    document ("科创局…") rather than words of the evidence sentence."""
    m = stored.meta
    return " ".join(filter(None, (m.title, m.issuer, m.kind, m.region, *m.aliases)))


def doc_name(stored: StoredDoc, lang: str) -> str:
    m = stored.meta
    title = f"《{m.title}》" if m.title else (f"（{m.kind}）" if m.kind else ("(untitled)" if lang == "en" else "（无标题文件）"))
    region = m.region or ("region not stated" if lang == "en" else "地区未注明")
    return f"{region} {title}" if lang == "en" else f"{region}{title}"


def _t(q: Query, zh: str, en: str) -> str:
    return en if q.lang == "en" else zh


# ---------------------------------------------------------------- scoring helpers
ABSENT_WEIGHT = 0.3  # a question word no scoped document uses (a paraphrase, a mis-segmentation)
FOCUS_WEIGHT = 2.0  # a follow-up's own words weigh more than those inherited from earlier turns
INHERITED_WEIGHT = 0.5


def term_weights(q: Query) -> dict[str, float]:
    return q.weights or ({t: FOCUS_WEIGHT for t in q.focus} if q.followup else {})


def with_weights(q: Query, docs: dict[str, StoredDoc]) -> Query:
    """Weigh the question's terms against the scoped documents: a follow-up's own words count
    double and the words it inherits half; a word that occurs in none of the documents counts little — it cannot tell passages
    apart, and requiring it would refuse every paraphrased question. Only accidental joins of the
    segmenter (项省, 数差) are discounted: a real word the documents lack (外资, 博士) is what makes a
    question unanswerable."""
    texts = [_lowered(s.doc.text) for s in docs.values()]
    quoted_terms = set(quoted(q.text))
    w = {}
    for t in q.terms:
        x = (FOCUS_WEIGHT if t in q.focus else INHERITED_WEIGHT) if q.followup else 1.0
        if texts and not any(term_in(t, d) for d in texts) and t not in quoted_terms \
                and not any(is_word(a) for a in alternatives(t)):
            x *= ABSENT_WEIGHT
        w[t] = x
    return replace(q, weights=w)


@lru_cache(maxsize=512)
def _lowered(text: str) -> str:
    """A document's text in lower case, once per text (not once per question)."""
    return text.lower()


def passage_rank(ctx: Context) -> dict[str, int]:
    return {d.metadata["id"]: i for i, d in enumerate(ctx.passages)}


def key_terms(q: Query) -> list[str]:
    """The question's specific words: maximal, two characters or more, not generic."""
    return [t for t in maximal_terms(q.content_terms) if term_len(t) >= 2]


def key_coverage(q: Query, text: str) -> float:
    """Share of the specific words present, any synonym of an English/abbreviated term counting."""
    keys = key_terms(q)
    if not keys:
        return 1.0
    return coverage(keys, text, term_weights(q))


def score_target(t: Target, stored: StoredDoc, q: Query, ranks: dict[str, int]) -> float:
    terms = q.content_terms
    w = term_weights(q)
    a, b = sentence_bounds(stored.doc.text, t.start, t.end)
    sent = stored.doc.text[a:b]
    if key_coverage(q, " ".join((t.indicator, sent, section_at(stored, t.start), doc_words(stored)))) < KEY_COVERAGE - (0.2 if q.lang == "en" else 0):
        return 0.0
    s = 0.6 * coverage(terms, t.indicator, w) + 0.3 * coverage(terms, t.quote + sent, w)
    matched = sum(term_len(k) for k in maximal_terms(terms) if term_in(k, t.indicator.lower()))
    s += 0.1 * min(1.0, matched / max(1, len(t.indicator)))
    if t.chunk_id in ranks:
        s += 0.15 / (1 + ranks[t.chunk_id])
    if q.years and t.year in q.years:
        s += 0.05
    return s


def best_sentences(ctx: Context, limit: int = 3, pool: int = 6) -> list[tuple[float, StoredDoc, int, int]]:
    """Sentences of the top passages ranked by term coverage (ties: retrieval order)."""
    q = ctx.query
    w = term_weights(q)
    out = []
    for rank, d in enumerate(ctx.passages[:pool]):
        stored = ctx.docs.get(d.metadata["doc"])
        if stored is None:
            continue
        for a, b in sentences(stored.doc.text, d.metadata["start"], d.metadata["end"]):
            text = stored.doc.text[a:b]
            cov = coverage(q.content_terms, text + " " + d.metadata.get("section", "") + " " + doc_words(stored), w)
            out.append((cov + 0.1 / (1 + rank), stored, a, b))
    out.sort(key=lambda x: x[0], reverse=True)
    return out[:limit]


def confident(ctx: Context, text: str, stored: StoredDoc | None = None) -> bool:
    q = ctx.query
    if stored is not None:
        text = f"{text} {doc_words(stored)}"
    terms = maximal_terms(q.content_terms)
    if not terms:
        return bool(ctx.passages)
    threshold = MIN_COVERAGE - (0.15 if q.lang == "en" else 0.0)
    return coverage(terms, text, term_weights(q)) >= threshold


# ---------------------------------------------------------------- refusal
def refuse(ctx: Context, reason: str | None = None) -> Answer:
    q = ctx.query
    cb = CitationBuilder()
    related = []
    for d in ctx.passages[:3]:
        stored = ctx.docs.get(d.metadata["doc"]) or ctx.all_docs.get(d.metadata["doc"])
        if stored is None:
            continue
        a, b = d.metadata["start"], d.metadata["end"]
        a2, b2 = clip_around(stored.doc.text, a, min(b, a + 20), a, b, limit=120)
        cb.cite(stored, a2, b2, d.metadata.get("section"))
    related = cb.items
    text = reason or _t(q, "资料中未找到该问题的答案。", "The documents do not contain the answer to this question.")
    if related:
        text += _t(q, "以下段落可能相关（仅供参考，并非答案）。", " Possibly related passages are listed below (for reference, not an answer).")
    return Answer(question=q.text, answer=text, refused=True, citations=[], related=related)


# ---------------------------------------------------------------- strategies
def answer_numeric(ctx: Context) -> Answer:
    q = ctx.query
    ranks = passage_rank(ctx)
    scored = []
    for stored in ctx.docs.values():
        for t in stored.targets:
            scored.append((score_target(t, stored, q, ranks), t, stored))
    scored.sort(key=lambda x: x[0], reverse=True)
    floor = MIN_COVERAGE - (0.15 if q.lang == "en" else 0)
    good = [s for s in scored if s[0] >= floor]
    if not good:
        return answer_sentence(ctx, need_number=True)
    best_score = good[0][0]
    # one figure per document: the same indicator in several documents → each region's figure
    per_doc: dict[str, tuple[float, Target, StoredDoc]] = {}
    for s, t, stored in good:
        if s >= best_score - 0.1 and stored.doc.path not in per_doc:
            per_doc[stored.doc.path] = (s, t, stored)
    picks = sorted(per_doc.values(), key=lambda x: x[0], reverse=True)[:4]
    cb = CitationBuilder()
    lines = []
    for _, first, stored in picks:
        figures = distinct([figure(q, stored, t, cb) for t in [first, *other_aspects(q, first, [g for g in good if g[2] is stored])]])
        lines.append(_t(q, f"{doc_name(stored, 'zh')}：" + "；".join(figures), f"{doc_name(stored, 'en')}: " + "; ".join(figures)))
    if len(lines) == 1:
        text = lines[0]
    else:
        text = _t(q, "多份文件提到该指标：\n", "Several documents state this figure:\n") + "\n".join(f"- {ln}" for ln in lines)
    return Answer(question=q.text, answer=text, refused=False, citations=cb.items)


def other_aspects(q: Query, first: Target, cands: list[tuple[float, Target, StoredDoc]], limit: int = 2) -> list[Target]:
    """Further figures the question asks for in the same document (申报 … 和认定 …; 数量和增幅):
    targets whose indicator carries a specific word of the question that the first one lacks."""
    keys = [k for k in key_terms(q) if q.weights.get(k, 1.0) >= 1.0]
    covered = [k for k in keys if term_in(k, first.indicator.lower())]
    out: list[Target] = []
    for _, t, _ in cands:
        if len(out) >= limit:
            break
        if t is first or (t.indicator, t.value) == (first.indicator, first.value):
            continue
        low = t.indicator.lower()
        new = [k for k in keys if k not in covered and term_in(k, low)]
        if new:
            out.append(t)
            covered.extend(new)
    return sorted(out, key=lambda t: t.start)


def distinct(parts: list[str]) -> list[str]:
    """Drop a cited clause that another one already contains (two figures of one clause)."""
    core = [re.sub(r"\s*\[\d+\]$", "", p) for p in parts]
    return [p for i, p in enumerate(parts) if not any(j != i and core[i] in core[j] and (core[i] != core[j] or j < i)
                                                      for j in range(len(parts)))]


def figure(q: Query, stored: StoredDoc, t: Target, cb: CitationBuilder) -> str:
    """One cited figure: the target's clause in Chinese; in English the figure, then the clause."""
    text = stored.doc.text
    sa, sb = sentence_bounds(text, t.start, t.end)
    a, b = clip_around(text, t.start, t.end, sa, sb, limit=120)
    n = cb.cite(stored, a, b)
    value = f"{t.value}{t.unit}"
    head = t.quote if t.quote else f"{t.indicator}{value}"
    if t.qualifier and t.qualifier not in head:
        head = f"（{t.qualifier}）{head}"
    return f"{value} — “{head}” [{n}]" if q.lang == "en" else f"{head}[{n}]"


_NUM = re.compile(r"\d")


def answer_sentence(ctx: Context, need_number: bool = False, limit: int = 2) -> Answer:
    """The best matching sentence(s) of the top passages, quoted."""
    q = ctx.query
    cands = best_sentences(ctx, limit=8)
    if need_number:
        cands = [c for c in cands if _NUM.search(c[1].doc.text[c[2]:c[3]])]
    if not cands or not confident(ctx, cands[0][1].doc.text[cands[0][2]:cands[0][3]], cands[0][1]):
        return refuse(ctx)
    cb = CitationBuilder()
    parts = []
    top = cands[0][0]
    for score, stored, a, b in cands[:limit]:
        if score < top - 0.2:
            break
        a, b = clip_around(stored.doc.text, a, b, a, b, limit=160)
        n = cb.cite(stored, a, b)
        parts.append(f"{stored.doc.text[a:b]}[{n}]")
    lead = _t(q, f"据{doc_name(cb_doc(ctx, cb), 'zh')}：", f"According to {doc_name(cb_doc(ctx, cb), 'en')} (quoted in Chinese): ")
    return Answer(question=q.text, answer=lead + "".join(parts), refused=False, citations=cb.items)


def cb_doc(ctx: Context, cb: CitationBuilder) -> StoredDoc:
    return ctx.docs[cb.items[0].doc]


def answer_entity(ctx: Context) -> Answer:
    """Who/which unit: a 牵头单位 named near the best sentence, else the sentence itself."""
    q = ctx.query
    cands = best_sentences(ctx, limit=4)
    if not cands or not confident(ctx, cands[0][1].doc.text[cands[0][2]:cands[0][3]], cands[0][1]):
        return refuse(ctx)
    _, stored, a, b = cands[0]
    text = stored.doc.text
    asks_lead = bool(re.search(r"牵头|负责|lead|in charge|responsible", q.text, re.I))
    if asks_lead:
        chunk = next((c for c in stored.chunks if c.start <= a < c.end), None)
        if chunk:
            m = re.search(r"[（(]\s*(?:牵头单位[:：]\s*)?([^（()）]{2,40}?)(?:牵头|[,，]\s*责任单位)", text[chunk.start:chunk.end])
            if m:
                s0 = chunk.start + m.start()
                e0 = chunk.start + m.end()
                while e0 < chunk.end and text[e0 - 1] not in "）)":
                    e0 += 1
                cb = CitationBuilder()
                n1 = cb.cite(stored, a, b)
                n2 = cb.cite(stored, s0, e0)
                lead_unit = m.group(1).strip()
                return Answer(question=q.text, refused=False, citations=cb.items, answer=_t(
                    q, f"牵头单位：{lead_unit}[{n2}]。相关内容：{text[a:b]}[{n1}]",
                    f"Lead unit: {lead_unit} [{n2}]. Context (Chinese): {text[a:b]} [{n1}]"))
    return answer_sentence(ctx, limit=1)


_EN_COUNT = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ASKED_COUNT = re.compile(r"([两二三四五六七八九十\d])\s*(?:大|个|项|条|类|方面|部分)|\b(two|three|four|five|six|seven|eight|nine|ten)\b", re.I)


def asked_count(text: str) -> int | None:
    """How many parts the question expects ("四大行动", "哪两个", "six major projects")."""
    m = _ASKED_COUNT.search(re.sub(r"[“「\"][^”」\"]*[”」\"]", " ", text))  # “六个一” is a name, not a count
    if not m:
        return None
    if m.group(2):
        return _EN_COUNT[m.group(2).lower()]
    g = m.group(1)
    return int(g) if g.isdigit() else parse_chinese_int(g)


def heading_groups(stored: StoredDoc) -> list[tuple[str, list[str]]]:
    """Sibling headings of a document's outline: (parent path, child headings in order)."""
    groups: dict[str, list[str]] = {}
    for c in stored.chunks:
        parts = [p.strip() for p in c.section.split(" > ") if p.strip()]
        for i in range(len(parts)):
            parent = " > ".join(parts[:i])
            kids = groups.setdefault(parent, [])
            if parts[i] not in kids:
                kids.append(parts[i])
    return [(p, k) for p, k in groups.items() if 2 <= len(k) <= 12]


def answer_outline(ctx: Context) -> Answer | None:
    """"有哪几大行动 / what are the six major projects": the sibling headings of the plan's outline that
    carry the question's words (or whose number matches the number asked), each cited where it
    stands in the text. None when no outline level fits."""
    q = ctx.query
    keys = [k for k in key_terms(q) if q.weights.get(k, 1.0) >= 1.0]
    want = asked_count(q.text)
    literal = quoted(q.text)  # “六个一” must be named by the headings themselves
    best = None
    for stored in ctx.docs.values():
        low_title = doc_words(stored).lower()
        for parent, kids in heading_groups(stored):
            if literal and not any(w in h for w in literal for h in kids):
                continue
            hits = [sum(term_in(k, h.lower()) for k in keys) for h in kids]
            share = sum(1 for x in hits if x) / len(kids)
            parent_hit = any(term_in(k, parent.lower()) for k in keys)
            fits = want == len(kids)
            # the number asked for, at the plan's first or second outline level, is itself evidence
            # ("六大工程" ~ the six headings under 主要任务) even when the headings are worded otherwise
            top = bool(parent) and " > " not in parent
            if not (share >= 0.5 or (fits and (parent_hit or share > 0 or top or any(term_in(k, low_title) for k in keys)))):
                continue
            score = share + (0.5 if fits else 0) + (0.25 if parent_hit else 0) - (0.5 if want and not fits else 0)
            if best is None or score > best[0]:
                best = (score, stored, parent, kids)
    if best is None or best[0] < 0.5:
        return None
    _, stored, parent, kids = best
    text = stored.doc.text
    cb = CitationBuilder()
    items = []
    pos = 0
    for h in kids:
        i = text.find(h, pos)
        if i < 0:
            i = text.find(h)
        if i < 0:
            return None
        a, b = sentence_bounds(text, i, i + len(h))
        a, b = clip_around(text, i, i + len(h), a, b, limit=80)
        n = cb.cite(stored, a, b, parent)
        items.append(f"- {h}[{n}]" if q.lang == "zh" else f"- {h} [{n}]")
        pos = i + len(h)
    under = f"（{parent.split(' > ')[-1]}）" if parent else ""
    lead = _t(q, f"据{doc_name(stored, 'zh')}{under}：\n",
              f"{doc_name(stored, 'en')} lists (headings quoted in Chinese):\n")
    return Answer(question=q.text, answer=lead + "\n".join(items), refused=False, citations=cb.items)


def answer_list(ctx: Context) -> Answer:
    q = ctx.query
    outline = answer_outline(ctx)
    if outline is not None:
        return outline
    cands = best_sentences(ctx, limit=MAX_LIST, pool=4)
    if not cands or not confident(ctx, " ".join(c[1].doc.text[c[2]:c[3]] for c in cands[:3]), cands[0][1]):
        return refuse(ctx)
    cb = CitationBuilder()
    items = []
    for _, stored, a, b in sorted(cands, key=lambda c: (c[1].doc.path, c[2])):
        a, b = clip_around(stored.doc.text, a, b, a, b, limit=160)
        n = cb.cite(stored, a, b)
        items.append(f"- {stored.doc.text[a:b]}[{n}]")
    lead = _t(q, f"据{doc_name(cb_doc(ctx, cb), 'zh')}：\n", f"From {doc_name(cb_doc(ctx, cb), 'en')} (quoted in Chinese):\n")
    return Answer(question=q.text, answer=lead + "\n".join(items), refused=False, citations=cb.items)


_MORE = re.compile(r"超过|突破|以上|多于|高于|不低于|不少于|至少|more than|exceed|over\b|at least|above|beyond", re.I)
_LESS = re.compile(r"低于|少于|不到|不超过|以下|以内|less than|fewer than|below|under\b|at most|within", re.I)


def figures_in(text: str) -> list[NumberMention]:
    """Figures a text states (years, dates, 文号 and codes such as 5G excluded)."""
    return [m for m in find_numbers(text, quantities_only=False)
            if m.kind not in ("year", "date", "docno") and not _is_code(text, m)]


def question_figures(q: Query) -> list[NumberMention]:
    """Figures the question states: "…是350家吗?", "exceed 700?"."""
    return figures_in(q.text)


def _is_code(text: str, m: NumberMention) -> bool:
    """5G, B2B, 3D: a digit glued to Latin letters names a thing, not a figure."""
    before = text[m.start - 1:m.start] if m.start else ""
    after = text[m.start + len(m.value):m.start + len(m.value) + 1]
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


def verdict(q: Query, claimed: NumberMention, value: float | None) -> bool | None:
    """Does a document's figure bear out the figure the question claims? None: not comparable."""
    if value is None or claimed.numeric is None:
        return None
    if _MORE.search(q.text):
        return value >= claimed.numeric if re.search(r"不低于|不少于|至少|at least", q.text, re.I) else value > claimed.numeric
    if _LESS.search(q.text):
        return value <= claimed.numeric if re.search(r"不超过|以内|at most|within", q.text, re.I) else value < claimed.numeric
    return abs(value - claimed.numeric) <= 1e-9 * max(1.0, abs(value))


def yes_no_text(q: Query, yes: bool, stored: StoredDoc, body: str) -> str:
    if q.lang == "en":
        return f"{'Yes' if yes else 'No'}. {doc_name(stored, 'en')} states (Chinese): {body}"
    return f"{'是' if yes else '不是'}。{doc_name(stored, 'zh')}：{body}"


def answer_yes_no_figure(ctx: Context, claimed: NumberMention) -> Answer | None:
    """"…目标是350家吗?": the matching target's figure decides, and is quoted either way."""
    q = ctx.query
    ranks = passage_rank(ctx)
    floor = MIN_COVERAGE - (0.15 if q.lang == "en" else 0)
    best = None
    for stored in ctx.docs.values():
        for t in stored.targets:
            if claimed.unit and claimed.base_unit and t.base_unit and t.base_unit != claimed.base_unit:
                continue
            sc = score_target(t, stored, q, ranks)
            if sc >= floor and (best is None or sc > best[0]):
                best = (sc, t, stored)
    if best is None:
        return None
    _, t, stored = best
    value = t.number / (claimed.number / claimed.numeric) if (claimed.number and claimed.numeric and t.number is not None
                                                               and t.base_unit == claimed.base_unit) else parse_number(t.value)
    yes = verdict(q, claimed, value)
    if yes is None:
        return None
    cb = CitationBuilder()
    body = figure(q, stored, t, cb)
    return Answer(question=q.text, refused=False, citations=cb.items, answer=yes_no_text(q, yes, stored, body))


def answer_yes_no(ctx: Context) -> Answer:
    q = ctx.query
    claims = question_figures(q)
    if claims:
        ans = answer_yes_no_figure(ctx, claims[0])
        if ans is not None:
            return ans
    cands = best_sentences(ctx, limit=1)
    if not cands:
        return refuse(ctx)
    _, stored, a, b = cands[0]
    sent = stored.doc.text[a:b]
    if not confident(ctx, sent, stored):
        return refuse(ctx, _t(q, "资料中没有找到能确认这一点的内容。", "The documents say nothing that confirms this."))
    yes = True
    if claims:
        # the sentence states a figure of the same kind but not the claimed one → no
        stated = figures_in(sent)
        if stated and not any(same_quantity(claims[0], m) or (claims[0].numeric is not None and claims[0].numeric == m.numeric)
                              for m in stated):
            yes = False
    cb = CitationBuilder()
    a, b = clip_around(stored.doc.text, a, b, a, b, limit=160)
    n = cb.cite(stored, a, b)
    body = f"{stored.doc.text[a:b]}[{n}]" if q.lang == "zh" else f"{stored.doc.text[a:b]} [{n}]"
    return Answer(question=q.text, refused=False, citations=cb.items, answer=yes_no_text(q, yes, stored, body))


META_LABEL = {"date": ("日期", "date"), "docno": ("文号", "document number"), "issuer": ("发布机构", "issuer")}


def answer_meta(ctx: Context) -> Answer:
    """Dates, 文号 and issuers come from the documents' metadata, cited where the text states them."""
    q = ctx.query
    if q.qtype == "date" and _ASKS_YEAR.search(q.text):
        # a sentence that matches the question and names years answers it (a cited "三年行动方案
        # (2022-2024年)", "到2022年…目标"); otherwise the years the plan itself covers
        top = best_sentences(ctx, limit=1)
        if top and confident(ctx, top[0][1].doc.text[top[0][2]:top[0][3]], top[0][1]) \
                and re.search(r"(?:19|20)\d{2}", top[0][1].doc.text[top[0][2]:top[0][3]]):
            return answer_sentence(ctx, limit=1)
        return answer_years(ctx)
    field_name = {"date": "date", "docno": "doc_no", "issuer": "issuer"}[q.qtype]
    docs = list(ctx.docs.values())
    if len(docs) > 1 and ctx.passages:
        first = ctx.passages[0].metadata["doc"]
        docs.sort(key=lambda s: s.doc.path != first)
    cb = CitationBuilder()
    lines = []
    for stored in docs[:1] if len(docs) > 1 and not q.regions else docs[:3]:
        value = getattr(stored.meta, field_name)
        if not value:
            continue
        span = locate_value(stored, field_name, value)
        if span is None:
            continue
        n = cb.cite(stored, *span, section="")
        zh, en = META_LABEL[q.qtype]
        lines.append(_t(q, f"{doc_name(stored, 'zh')}的{zh}：{value}[{n}]", f"The {en} of {doc_name(stored, 'en')}: {value} [{n}]"))
    if not lines:
        return refuse(ctx, _t(q, "资料中没有写明这一信息。", "The documents do not state this."))
    return Answer(question=q.text, answer="\n".join(lines), refused=False, citations=cb.items)


_ASKS_YEAR = re.compile(r"哪[一几]?年|什么年份|哪个年份|哪一年度|which years?|what years?", re.I)


def answer_years(ctx: Context) -> Answer:
    """"Which year is this plan for?": the years the plan covers (from its title and targets), cited
    where the text first names the last of them."""
    q = ctx.query
    docs = list(ctx.docs.values())
    if len(docs) > 1 and ctx.passages:
        first = ctx.passages[0].metadata["doc"]
        docs = [s for s in docs if s.doc.path == first] or docs[:1]
    cb = CitationBuilder()
    lines = []
    for stored in docs[:3]:
        years = stored.meta.years
        if not years:
            continue
        text = stored.doc.text
        i = text.find(f"{years[-1]}年")
        if i < 0:
            continue
        a, b = sentence_bounds(text, i, i + 5)
        a, b = clip_around(text, i, i + 5, a, b, limit=80)
        n = cb.cite(stored, a, b)
        span = "、".join(f"{y}年" for y in years) if q.lang == "zh" else ", ".join(str(y) for y in years)
        lines.append(_t(q, f"{doc_name(stored, 'zh')}针对的年份：{span}[{n}]", f"{doc_name(stored, 'en')} covers: {span} [{n}]"))
    if not lines:
        return refuse(ctx, _t(q, "资料中没有写明这一信息。", "The documents do not state this."))
    return Answer(question=q.text, answer="\n".join(lines), refused=False, citations=cb.items)


def locate_value(stored: StoredDoc, field_name: str, value: str) -> tuple[int, int] | None:
    """Span of the line that states a metadata value (the value itself for dates in other forms)."""
    text = stored.doc.text
    probes = [value]
    if field_name == "date":
        y, m, d = value.split("-") if value.count("-") == 2 else (value, "", "")
        if m:
            probes += [f"{y}年{int(m)}月{int(d)}日", f"{y}年{m}月{d}日"]
    for p in probes:
        i = text.find(p)
        if i >= 0:
            ls = text.rfind("\n", 0, i) + 1
            le = text.find("\n", i)
            le = len(text) if le < 0 else le
            if le - ls > 120:
                return i, i + len(p)
            return ls, le
    return None


def answer_policy(ctx: Context) -> Answer:
    """Support measures for the enterprise the question describes, in the scoped documents, each
    cited (the same measures as the web app's policy finder: ``assistant.policy``). Measures naming
    the enterprise's kind or the question's own words come first; measures for enterprises in
    general are added when nothing more specific is found."""
    q = ctx.query
    keywords = [a for t in maximal_terms(q.content_terms) for a in alternatives(t)
                if not any(a in k or k in a for k in q.enterprise_kinds)]
    ranks = {d.metadata["doc"]: i for i, d in reversed(list(enumerate(ctx.passages)))}
    found = []
    for stored in ctx.docs.values():
        for it in measures(stored, q.enterprise_kinds, keywords, include_general=True):
            found.append((it["tier"], -it["score"], ranks.get(stored.doc.path, 99), it["start"], stored, it))
    specific = [f for f in found if f[0] < 2]
    picked = sorted(specific or found)[:MAX_LIST]
    if not picked:
        return refuse(ctx, _t(q, "资料中没有找到适用于该类企业的支持措施。", "The documents list no support measures for this kind of enterprise."))
    cb = CitationBuilder()
    by_doc: dict[str, list[str]] = {}
    for *_, stored, it in sorted(picked, key=lambda f: (f[4].doc.path, f[3])):
        a, b = clip_around(stored.doc.text, it["start"], it["end"], it["start"], it["end"], limit=160)
        n = cb.cite(stored, a, b, it["section"])
        by_doc.setdefault(stored.doc.path, []).append(f"- {stored.doc.text[a:b]}[{n}]")
    who = "、".join(q.enterprise_kinds) or _t(q, "企业", "enterprises")
    if specific or not q.enterprise_kinds:
        head = _t(q, f"适用于{who}的支持措施：", f"Support measures that apply to {who} (quoted in Chinese):")
    else:
        head = _t(q, f"资料中没有专门针对{who}的措施，以下为面向企业普遍适用的支持措施：",
                  f"No measure names {who} specifically; these support measures apply to enterprises in general (quoted in Chinese):")
    parts = [head]
    for path, items in by_doc.items():
        parts.append(f"{doc_name(ctx.docs[path], q.lang)}:")
        parts.extend(items)
    return Answer(question=q.text, answer="\n".join(parts), refused=False, citations=cb.items)


def answer_comparison(ctx: Context) -> Answer:
    """The same indicator side by side: each document's best figure (and any further figure the
    question asks for), the larger one named when the figures share a unit."""
    q = ctx.query
    ranks = passage_rank(ctx)
    floor = MIN_COVERAGE - 0.15
    per_doc: dict[str, list[tuple[float, Target, StoredDoc]]] = {}
    for stored in ctx.docs.values():
        scored = sorted(((score_target(t, stored, q, ranks), t, stored) for t in stored.targets),
                        key=lambda x: x[0], reverse=True)
        good = [x for x in scored if x[0] >= floor]
        if good:
            per_doc[stored.doc.path] = good
    if len(per_doc) < 2:
        return answer_numeric(ctx) if per_doc else refuse(ctx)
    picks = sorted(per_doc.values(), key=lambda g: g[0][0], reverse=True)[:4]
    cb = CitationBuilder()
    lines = []
    firsts = []
    for good in picks:
        _, first, stored = good[0]
        firsts.append((first, stored))
        figures = distinct([figure(q, stored, t, cb) for t in [first, *other_aspects(q, first, good)]])
        lines.append(_t(q, f"- {doc_name(stored, 'zh')}：" + "；".join(figures),
                        f"- {doc_name(stored, 'en')}: " + "; ".join(figures)))
    comparable = [p for p in firsts if p[0].number is not None and p[0].base_unit == firsts[0][0].base_unit]
    verdict = ""
    bases = {measure_basis(p[0].indicator) for p in comparable}
    if len(comparable) >= 2 and len(bases) > 1:
        verdict = _t(q, "\n注意：各文件的指标口径不同（" + " / ".join(sorted(b or "—" for b in bases)) + "），数值不宜直接比较。",
                     "\nNote: the documents measure this differently (" + " / ".join(sorted(b or "—" for b in bases))
                     + "), so the figures are not directly comparable.")
    elif len(comparable) >= 2 and len({p[0].number for p in comparable}) > 1:
        top, stored = max(comparable, key=lambda p: p[0].number)
        region = stored.meta.region or doc_name(stored, q.lang)
        verdict = _t(q, f"\n其中{region}的数值较大（{top.value}{top.unit}）。",
                     f"\n{region} has the larger figure ({top.value}{top.unit}).")
    head = _t(q, "各文件的对应指标：", "The figures side by side:")
    return Answer(question=q.text, answer=head + "\n" + "\n".join(lines) + verdict, refused=False, citations=cb.items)


def measure_basis(indicator: str) -> str:
    """What kind of figure an indicator is — a total, new ones (新增, 认定 …) or a growth rate
    (增幅 …), from the question vocabulary's ``count_basis``. Figures of different kinds must not
    be ranked against each other."""
    for basis, words in vocab().get("count_basis", {}).items():
        if any(w in indicator for w in words):
            return basis
    return "总量"


STRATEGIES = {
    "numeric": answer_numeric,
    "comparison": answer_comparison,
    "entity": answer_entity,
    "list": answer_list,
    "yes_no": answer_yes_no,
    "date": answer_meta,
    "docno": answer_meta,
    "issuer": answer_meta,
    "policy": answer_policy,
    "general": answer_sentence,
}


def compose(ctx: Context) -> Answer:
    if not ctx.docs:
        return refuse(ctx)
    ctx.query = with_weights(ctx.query, ctx.docs)
    qtype = ctx.query.qtype
    regions = ctx.query.regions
    named_apart = len(regions) > 1 or (regions and any(s.meta.region not in regions for s in ctx.docs.values()))
    if qtype == "numeric" and named_apart and len({s.meta.region or p for p, s in ctx.docs.items()}) > 1:
        qtype = "comparison"  # "下陆区和咸宁市……分别是多少", "下陆区和科创局……各是多少"
    elif qtype == "comparison" and len(ctx.query.regions) < 2 and question_figures(ctx.query) and matches_type(ctx.query.text, ctx.query.lang, "yes_no"):
        qtype = "yes_no"  # "Does X aim for more than 300 …?" compares with a figure, not with a region
    ans = STRATEGIES.get(qtype, answer_sentence)(ctx)
    if ctx.scope_note and not ans.refused:
        ans.answer = ctx.scope_note + ans.answer
    return ans
