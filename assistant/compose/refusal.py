"""An honest "the documents do not say": with the reason when scoping knows one (no plan for the
region or year asked) and the nearest passages shown as related — never as the answer."""
from __future__ import annotations

from typing import Any

from assistant.compose.context import CitationBuilder, Context, say
from assistant.query import Query
from base.text import clip_around
from base.types import Answer


def related(ctx: Context, limit: int = 3) -> list:
    cb = CitationBuilder()
    for d in ctx.passages[:limit]:
        stored = ctx.docs.get(d.metadata["doc"]) or ctx.all_docs.get(d.metadata["doc"])
        if stored is None:
            continue
        a, b = d.metadata["start"], d.metadata["end"]
        a2, b2 = clip_around(stored.doc.text, a, min(b, a + 20), a, b, limit=120)
        cb.cite(stored, a2, b2, d.metadata.get("section"))
    return cb.items


def refuse(ctx: Context, reason: str | None = None) -> Answer:
    q = ctx.query
    rel = related(ctx)
    text = reason or default_reason(ctx)
    if rel:
        text += say(q, "以下段落可能相关（仅供参考，并非答案）。",
                    " Possibly related passages are listed below (for reference, not an answer).")
    return Answer(question=q.text, answer=text, refused=True, citations=[], related=rel)


def default_reason(ctx: Context) -> str:
    q = ctx.query
    if ctx.note == "year" and q.years:
        region = "、".join(q.regions)
        years = "、".join(str(y) for y in q.years)
        return say(q, f"资料中没有{region}{years}年的规划，也没有找到该年份的相关内容。",
                   f"The documents contain no plan {'for ' + region + ' ' if region else ''}covering {years}, "
                   "and nothing about that year answers the question.")
    if ctx.note == "region_mentions":
        region = "、".join(q.regions)
        return say(q, f"资料中没有{region}的科技创新规划；其他文件提到{region}的段落中也没有找到答案。",
                   f"The documents contain no science & innovation plan for {region}, and the passages of other "
                   "documents that name it do not answer the question.")
    if ctx.note == "region_unnamed":
        region = "、".join(q.regions)
        return say(q, f"资料中没有注明属于{region}的文件；不注明地区的同级文件中也没有找到答案。",
                   f"No document names {region}, and the documents that name no region at its level do not "
                   "answer the question.")
    return say(q, "资料中未找到该问题的答案。", "The documents do not contain the answer to this question.")


def unnamed_region_notice(q: Query, titles: list[str]) -> str:
    """Said with an answer read from pages that name no region (scope note "region_unnamed"): which
    pages, and that they were taken to be the asked region's."""
    region = "、".join(q.regions)
    shown = "、".join(f"《{t}》" if t else "（无标题文件）" for t in titles[:3])
    return say(q, f"没有文件注明属于{region}；以上答案来自未注明地区、以同级口吻（全区、区政府等）行文的文件{shown}，请核对其是否属于{region}。",
               f"No document names {region}; this answer comes from {shown}, which names no region but speaks "
               f"of itself at that level (全区, 区政府 …). Check that it is {region}'s.")


def refusal_text(q: Query, kind: str, note: Any, known: dict[str, list[str]]) -> str:
    """Why a question was refused before retrieval (scope): no plan for a region, or filters."""
    covered = "、".join(known) or "—"
    en = q.lang == "en"
    if kind == "region":
        return (f"The documents contain no science & innovation plan for {note} (covered regions: {covered})."
                if en else f"资料中没有{note}的科技创新规划（已收录地区：{covered}）。")
    if kind == "filters":
        filters = getattr(note, "filters", {}) or {}
        names = ({"region": "region", "year": "year", "doc": "document"} if en
                 else {"region": "地区", "year": "年份", "doc": "文件"})

        def shown(v: Any) -> str:
            return "、".join(map(str, v)) if isinstance(v, (list, tuple, set)) else str(v)

        if en:
            desc = "; ".join(f"{names.get(k, k)}: {shown(v)}" for k, v in filters.items())
            return (f"The selected filters ({desc}) exclude {note}: the documents do contain a plan for it. "
                    "Clear or change the filters and ask again.")
        desc = "；".join(f"{names.get(k, k)}：{shown(v)}" for k, v in filters.items())
        return f"所选筛选条件（{desc}）不包含{note}：资料中有{note}的规划，但不在筛选范围内。请清除或更改筛选条件后再问。"
    return "No document matches the selected filters." if en else "没有符合所选筛选条件的文件。"
