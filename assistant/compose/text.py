"""Composers that answer with sentences: a general question, who/which unit (with the unit in charge
when a clause names it), and the support measures that apply to an enterprise."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.compose.context import (CitationBuilder, Context, Sentence, answer, doc_name, retrieved_sentences,
                                       say)
from assistant.compose.features import (evidence_features, evidence_year, lead_dates, plan_year, reference_year,
                                        review_year, years_named)
from assistant.compose.params import params
from assistant.compose.refusal import refuse
from assistant.compose.support import finish, model, passing, score
from assistant.compose.tables import cell
from assistant.evidence import alternatives, maximal_terms
from assistant.policy import measures
from assistant.query import matches_patterns, vocab
from assistant.timewords import mask_baselines
from base.regions import region_named, region_pattern
from base.text import clip_around
from base.types import Answer


@dataclass
class Scored:
    sentence: Sentence
    feats: dict[str, float] = field(default_factory=dict)
    p: float = 0.0
    r: float = 0.0


@lru_cache(maxsize=1)
def entity_pattern() -> re.Pattern[str]:
    """A unit, place or named thing: a name ending with one of entity_marks' suffixes."""
    sufs = sorted(vocab()["entity_marks"]["suffixes"], key=len, reverse=True)
    return re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,24}?(?:" + "|".join(map(re.escape, sufs)) + r")")


@lru_cache(maxsize=1)
def _lead_re() -> re.Pattern[str]:
    words = "|".join(map(re.escape, sorted(vocab()["entity_marks"]["lead"], key=len, reverse=True)))
    return re.compile(rf"[（(]\s*(?:(?:{words})(?:单位)?[:：]\s*)?([^（()）]{{2,60}}?)\s*(?:{words})[^（()）]{{0,40}}[）)]"
                      rf"|(?:{words})(?:单位)?[:：\s]\s*([^。；;\n]{{2,60}})")


def scored_sentences(ctx: Context, type_of=None) -> list[Scored]:
    """The retrieved sentences scored by the support model, best first; `type_of(sentence)` gives
    (type_ok, type_bad) for the kind of answer asked (default: neutral)."""
    out = []
    for s in retrieved_sentences(ctx):
        text = s.text
        now = reference_year(s.stored.meta)
        named = [y for *_, y in years_named(mask_baselines(text), now)]
        year = named or evidence_year(text, len(text), s.stored.meta.years, s.section,
                                      lead_dates(s.stored.doc.text, s.start, now), now=now)
        explicit = year is not None
        if year is None:
            year = review_year(s.section, s.stored.meta.years) or plan_year(s.stored.meta.years)
        feats = evidence_features(ctx, s.stored, text, text, s.section, s.rank, year, dense=s.dense,
                                  explicit_year=explicit)
        feats["type_ok"], feats["type_bad"] = type_of(s) if type_of else (0.5, 0.0)
        sc = Scored(s, finish(feats, ctx.query.lang))
        sc.r, sc.p = score(sc.feats, text, "sentence")
        out.append(sc)
    out.sort(key=lambda x: (-x.r, x.sentence.rank, x.sentence.start))
    return out


def quote(ctx: Context, s: Sentence, cb: CitationBuilder, limit: int | None = None) -> str:
    limit = limit or params()["text"]["quote_chars"]
    text = s.stored.doc.text
    a, b = clip_around(text, s.start, s.end, s.start, s.end, limit=limit)
    n = cb.cite(s.stored, a, b, s.section or None)
    return f"{text[a:b]}{cb.mark(n, ctx.query.lang)}"


def compose_sentence(ctx: Context, type_of=None, limit: int | None = None,
                     ranked: list[Scored] | None = None) -> Answer:
    """The best supported sentence(s), quoted, with the document they come from (`ranked`: the
    sentences as ``scored_sentences(ctx, type_of)`` ranks them, when the caller has them already)."""
    q = ctx.query
    ranked = scored_sentences(ctx, type_of) if ranked is None else ranked
    th = model().threshold
    ranked = passing(ranked, th)
    if not ranked:
        return refuse(ctx)
    limit = limit or params()["text"]["max_sentences"]
    picks = [ranked[0]] + [r for r in ranked[1:] if r.p >= max(th, ranked[0].p - params()["text"]["second_margin"])
                           and r.sentence.stored is ranked[0].sentence.stored][: limit - 1]
    picks.sort(key=lambda r: r.sentence.start)
    cb = CitationBuilder()
    body = "".join(quote(ctx, r.sentence, cb) for r in picks)
    stored = picks[0].sentence.stored
    return answer(q, say(q, f"据{doc_name(stored, 'zh')}：{body}",
                         f"According to {doc_name(stored, 'en')} (quoted in Chinese): {body}"), cb)


@lru_cache(maxsize=1)
def _person_re() -> re.Pattern[str]:
    marks = vocab()["entity_marks"]
    titles = "|".join(map(re.escape, sorted(marks["person_titles"], key=len, reverse=True)))
    not_first = re.escape(marks["person_not_first"])
    return re.compile(rf"(?:{titles})[ \u3000]?([^{not_first}\W\d\sA-Za-z][\u4e00-\u9fff]{{1,2}}?)"
                      r"(?=表示|介绍|说|指出|出席|强调|称|认为|透露|谈到|主持|报道|作|在|就|等|[,，、。;；:：\s)）]|$)")


# a news byline closing its line: 本报记者 赵雪峰 李 宇 (a two-character name padded to three with a space)
_BYLINE = re.compile(r"(?:记者|通讯员)[ \u3000]+((?:[\u4e00-\u9fff][ \u3000]?[\u4e00-\u9fff]{1,2}(?:[ \u3000]+|(?=\n)|$))+)\s*$",
                     re.M)
_BYLINE_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}(?=[ \u3000]|$)|[\u4e00-\u9fff][ \u3000][\u4e00-\u9fff](?=[ \u3000]|$)")


def persons(text: str) -> list[tuple[int, int]]:
    """Spans of the persons a text names by title and name (副局长赵宏志, 处长张士军), and of the
    reporters a byline names (本报记者 赵雪峰 李 宇)."""
    found = [(m.start(), m.end()) for m in _person_re().finditer(text)]
    for m in _BYLINE.finditer(text):
        names = m.group(1).rstrip()
        spans = [(m.start(1) + n.start(), m.start(1) + n.end()) for n in _BYLINE_NAME.finditer(names)]
        found += [(a, b) for a, b in spans if not any(x < b and a < y for x, y in found)]
    return sorted(found)


def asks_person(q) -> bool:
    """Whether the question asks for a person only (哪位, which officials), not for a unit."""
    return matches_patterns(q.text, q.lang, vocab()["asks_person"])


def _entity_type(s: Sentence) -> tuple[float, float]:
    """A unit, place or named thing, or a person by title and name: either answers who / which."""
    return (1.0, 0.0) if entity_pattern().search(s.text) or persons(s.text) else (0.0, 0.0)


def _place_type(q) -> Callable[[Sentence], tuple[float, float]]:
    """For which county / city a question asks (吉安市第一个入选的是哪个县(市)?): a sentence naming a
    region the question does not name is the kind of answer asked."""
    asked = set(q.regions)

    def type_of(s: Sentence) -> tuple[float, float]:
        named = {region_named(m.group(0)).name for m in region_pattern().finditer(s.text)}
        return (1.0, 0.0) if named - asked else (0.0, 0.0)
    return type_of


def asks_place(q) -> bool:
    return matches_patterns(q.text, q.lang, vocab()["asks_place"])


def _person_type(s: Sentence) -> tuple[float, float]:
    return (1.0, 0.0) if persons(s.text) else (0.0, 1.0)


def _names_answer(ctx: Context, ranked: list[Scored], spans_of) -> Answer | None:
    """The names `spans_of(text)` finds (persons, 《…》 titles) in the best supported sentence naming
    one, among the first four ranked, each cited, then the sentence; None when none names one."""
    q = ctx.query
    th = model().threshold
    best = next((r for r in ranked[:4] if r.p >= th and spans_of(r.sentence.text)), None)
    if best is None:
        return None
    s = best.sentence
    cb = CitationBuilder()
    names = []
    for a, b in spans_of(s.text):
        n = cb.cite(s.stored, s.start + a, s.start + b)
        names.append(f"{s.text[a:b]}{cb.mark(n, q.lang)}")
    body = quote(ctx, s, cb)
    return answer(q, say(q, f"{'、'.join(names)}。相关内容：{body}",
                         f"{'; '.join(names)}. Context (Chinese): {body}"), cb)


def _lead_unit(ctx: Context, s: Sentence) -> tuple[str, int, int] | None:
    """The unit in charge named for the sentence's task: a parenthesised (X牵头) or 责任单位: X clause
    in the sentence or the rest of its line."""
    text = s.stored.doc.text
    line_end = text.find("\n", s.start)
    hi = len(text) if line_end < 0 else line_end
    m = _lead_re().search(text, s.start, max(s.end, hi))
    if not m:
        return None
    unit = (m.group(1) or m.group(2) or "").strip(" ,，、")
    return (unit, m.start(), m.end()) if unit else None


def column_answer(ctx: Context, ranked: list[Scored]) -> Answer | None:
    """A question naming a column of a table (主要责任单位, 完成期限 …): the cell under it in the row
    of the best supported task."""
    q = ctx.query
    th = model().threshold
    for r in ranked[:4]:
        if r.p < th:
            break
        s = r.sentence
        c = cell(s.stored.doc.text, s.start, q.text)
        if c is None or c.start <= s.start < c.end:
            continue
        cb = CitationBuilder()
        n = cb.cite(s.stored, c.start, c.end)
        body = quote(ctx, s, cb)
        return answer(q, say(q, f"{c.label}：{c.value}[{n}]。相关内容：{body}",
                             f"{c.label}: {c.value} [{n}]. Context (Chinese): {body}"), cb)
    return None


def compose_entity(ctx: Context) -> Answer:
    """Who / which unit / which place: the best supported sentence that names one; for 牵头/负责
    questions the unit in charge stated for that task."""
    q = ctx.query
    asks_lead = bool(re.search(r"牵头|负责|lead|in charge|responsible", q.text, re.I))
    person = asks_person(q)
    kind = _person_type if person else _place_type(q) if asks_place(q) else _entity_type
    ranked = passing(scored_sentences(ctx, kind))
    th = model().threshold
    if not ranked:
        return refuse(ctx)
    if person:
        by_name = _names_answer(ctx, ranked, persons)
        if by_name is not None:
            return by_name
    by_column = column_answer(ctx, ranked)
    if by_column is not None:
        return by_column
    if asks_lead:
        for r in ranked[:4]:
            if r.p < th:
                break
            lead = _lead_unit(ctx, r.sentence)
            if lead:
                unit, a, b = lead
                cb = CitationBuilder()
                n2 = cb.cite(r.sentence.stored, a, b)
                body = quote(ctx, r.sentence, cb)
                return answer(q, say(q, f"牵头/负责单位：{unit}[{n2}]。相关内容：{body}",
                                     f"Lead unit: {unit} [{n2}]. Context (Chinese): {body}"), cb)
    return compose_sentence(ctx, kind, limit=1, ranked=ranked)


_BOOK = re.compile(r"《([^《》]{2,80})》")


def asks_book_name(q) -> bool:
    """Whether the question asks for the name of a plan or document (全称, what is the plan called)."""
    return matches_patterns(q.text, q.lang, vocab()["asks_book_name"])


def _books(text: str) -> list[tuple[int, int]]:
    """Spans of the 《…》 names in a text."""
    return [(m.start(), m.end()) for m in _BOOK.finditer(text)]


def _book_type(s: Sentence) -> tuple[float, float]:
    return (1.0, 0.0) if _BOOK.search(s.text) else (0.0, 1.0)


def compose_book_name(ctx: Context) -> Answer:
    """The name of a plan or document asked for: the 《…》 names in the best supported sentence
    naming one, each cited, with the sentence."""
    ranked = scored_sentences(ctx, _book_type)
    return _names_answer(ctx, ranked, _books) or compose_sentence(ctx, ranked=ranked)


def compose_policy(ctx: Context) -> Answer:
    """Support measures for the enterprise the question describes, in the scoped documents, each
    cited (the same measures as the web app's policy finder: ``assistant.policy``)."""
    q = ctx.query
    keywords = [a for t in maximal_terms(q.content_terms) for a in alternatives(t)
                if not any(a in k or k in a for k in q.enterprise_kinds)]
    if not q.enterprise_kinds and not keywords:
        return compose_sentence(ctx)
    ranks = ctx.rank_of_doc()
    found = []
    for stored in ctx.docs.values():
        for it in measures(stored, q.enterprise_kinds, keywords, include_general=True):
            found.append((it["tier"], -it["score"], ranks.get(stored.doc.path, 99), it["start"], stored, it))
    specific = [f for f in found if f[0] < 2]
    picked = sorted(specific or found)[: params()["text"]["max_measures"]]
    if not picked or (not specific and not q.enterprise_kinds):
        return compose_sentence(ctx)
    cb = CitationBuilder()
    by_doc: dict[str, list[str]] = {}
    for *_, stored, it in sorted(picked, key=lambda f: (f[4].doc.path, f[3])):
        a, b = clip_around(stored.doc.text, it["start"], it["end"], it["start"], it["end"], limit=160)
        n = cb.cite(stored, a, b, it["section"])
        by_doc.setdefault(stored.doc.path, []).append(f"- {stored.doc.text[a:b]}{cb.mark(n, q.lang)}")
    who = "、".join(q.enterprise_kinds) or say(q, "企业", "enterprises")
    if specific or not q.enterprise_kinds:
        head = say(q, f"适用于{who}的支持措施：", f"Support measures that apply to {who} (quoted in Chinese):")
    else:
        head = say(q, f"资料中没有专门针对{who}的措施，以下为面向企业普遍适用的支持措施：",
                   f"No measure names {who} specifically; these support measures apply to enterprises in general "
                   "(quoted in Chinese):")
    parts = [head]
    for path, items in by_doc.items():
        parts.append(f"{doc_name(ctx.docs[path], q.lang)}:")
        parts.extend(items)
    return answer(q, "\n".join(parts), cb)
