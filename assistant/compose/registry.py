"""The composer registry: one composer per answer type, chosen from the analysed question."""
from __future__ import annotations

from typing import Callable

from assistant.compose.context import CitationBuilder, Context, answer, doc_name, say, with_weights
from assistant.compose.enumerate import compose_list, compose_named_group
from assistant.compose.mentions import compose_mentions
from assistant.compose.meta import compose_meta, fields_asked
from assistant.compose.numeric import (compose_compare_all, compose_comparison, compose_numeric,
                                       compose_yes_no_figure, question_figures)
from assistant.compose.english_words import soften, with_english_words
from assistant.compose.pinyin_names import with_pinyin_names
from assistant.compose.refusal import refuse
from assistant.compose.structure import compose_goals, compose_overview
from assistant.compose.support import passing
from assistant.compose.text import (asks_book_name, compose_book_name, compose_entity, compose_policy, compose_sentence,
                                    quote, scored_sentences)
from assistant.query import matches_type
from base.types import Answer

Composer = Callable[[Context], Answer]


def compose_yes_no(ctx: Context) -> Answer:
    """A figure the question states is checked against the document's; otherwise the best supported
    sentence confirms, and weak evidence is said to confirm nothing."""
    q = ctx.query
    by_figure = compose_yes_no_figure(ctx)
    if by_figure is not None:
        return by_figure
    ranked = passing(scored_sentences(ctx))
    if not ranked:
        return refuse(ctx, say(q, "资料中没有找到能确认这一点的内容。", "The documents say nothing that confirms this."))
    s = ranked[0].sentence
    cb = CitationBuilder()
    body = quote(ctx, s, cb)
    return answer(q, say(q, f"是。{doc_name(s.stored, 'zh')}：{body}", f"Yes. {doc_name(s.stored, 'en')} states (Chinese): {body}"), cb)


REGISTRY: dict[str, Composer] = {
    "numeric": compose_numeric,
    "comparison": compose_comparison,
    "compare_all": compose_compare_all,
    "yes_no": compose_yes_no,
    "entity": compose_entity,
    "list": compose_list,
    "named_group": compose_named_group,
    "date": compose_meta,
    "field": compose_meta,
    "docno": compose_meta,
    "issuer": compose_meta,
    "policy": compose_policy,
    "overview": compose_overview,
    "goals": compose_goals,
    "mentions": compose_mentions,
    "book": compose_book_name,
    "how": lambda ctx: compose_sentence(ctx, limit=3),
    "general": compose_sentence,
}


def composer(kind: str) -> Composer:
    return REGISTRY.get(kind, compose_sentence)


def route(ctx: Context) -> str:
    """The answer type: the question's type, with figures asked of several named regions or
    documents compared side by side."""
    q = ctx.query
    kind = q.qtype
    if len(ctx.groups) >= 2 and kind not in ("overview", "mentions", "compare_all", "date", "docno", "issuer", "policy"):
        return "comparison"  # "下陆区和咸宁市……分别是多少", "下陆区和科创局……各是多少"
    if kind == "comparison" and len(ctx.groups) < 2 and question_figures(q) and matches_type(q.text, q.lang, "yes_no"):
        return "yes_no"  # "Does X aim for more than 300 …?" compares with a figure, not with a region
    if kind == "comparison" and len(ctx.groups) < 2 and len(ctx.docs) > 2 and not q.regions:
        return "compare_all"
    # a header label asked for (这篇材料的来源是什么; which body is given as the source): its value; in
    # English only by a question asking for a thing, since the label words are common ones (source hubs)
    asks_field = kind in ("entity", "general", "how") if q.lang == "en" else \
        kind not in ("date", "docno", "issuer", "comparison", "compare_all", "mentions")
    if asks_field and any(fields_asked(q, s) for s in ctx.docs.values()):
        return "field"
    if kind in ("entity", "general", "how", "list") and asks_book_name(q):
        return "book"  # 行动方案的全称, what is the plan called: a 《…》 name
    return kind


def compose(ctx: Context) -> Answer:
    if not ctx.docs:
        return refuse(ctx)
    named = with_pinyin_names(ctx)
    ctx.query = soften(with_weights(with_english_words(ctx, named), ctx.docs), named)
    return composer(route(ctx))(ctx)
