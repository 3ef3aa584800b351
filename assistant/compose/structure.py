"""Open questions answered from a plan's own structure: an overview (its approach statement, its
top-level headings in order, each with its key figures) and its goals (the section the plan itself
calls 目标, else an inline 目标: paragraph, else its quantitative targets)."""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

from assistant.compose.context import CitationBuilder, Context, answer, doc_name, doc_words, say
from assistant.compose.features import frame_at
from assistant.compose.members import item_extents, line_start, ordinal_runs
from assistant.compose.params import params
from assistant.compose.refusal import refuse
from assistant.outline import Node, outline
from assistant.query import GENERIC_TERMS, without_plan_names
from base.regions import genre
from base.text import clip_around, sentences
from base.types import Answer
from store import StoredDoc


def role_words(role: str) -> list[str]:
    return sorted(genre()["section_roles"][role], key=len, reverse=True)


def subject_doc(ctx: Context) -> StoredDoc | None:
    """The plan a question about a whole plan means: the best retrieved document in scope."""
    for d in ctx.passages:
        if d.metadata["doc"] in ctx.docs:
            return ctx.docs[d.metadata["doc"]]
    return next(iter(ctx.docs.values()), None)


def role_node(stored: StoredDoc, role: str) -> Node | None:
    """The first heading whose title is one of the role's words (工作目标, 指导思想 …)."""
    words = role_words(role)
    for n in outline(stored).nodes:
        if any(n.core.startswith(w) or n.core.endswith(w) for w in words) and len(n.core) <= 12:
            return n
    return None


_LABEL_ONLY = 10  # characters after a role label below which the label's line holds no content


def inline_role(stored: StoredDoc, role: str) -> tuple[int, int] | None:
    """A paragraph that opens with a role label ("主要目标：…", "总体奋斗目标:…", "2024年总体目标是:")."""
    text = stored.doc.text
    words = "|".join(map(re.escape, role_words(role)))
    m = re.search(rf"(?m)^[\s“]*(?:[（(]?[一二三四五六七八九十\d]{{1,2}}[)）、.．]\s*)?(?:{words})\s*(?:是|为)?\s*[:：]", text)
    if not m:
        m = re.search(rf"(?:{words})\s*(?:是|为)?\s*[:：]", text)
    if not m:
        return None
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end
    if len(text[m.end():end].strip()) < _LABEL_ONLY:  # "2024年总体目标是:" and then its table or list
        end = next((n.start for n in outline(stored).nodes if n.start > m.end()), len(text))
    return m.start(), end


def _cited(stored: StoredDoc, spans: list[tuple[int, int]], cb: CitationBuilder, lang: str) -> list[str]:
    """Each span quoted with its citation mark, cited in order."""
    text = stored.doc.text
    return [f"{text[a:b]}{cb.mark(cb.cite(stored, a, b), lang)}" for a, b in spans]


def _clipped(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences cut to the overview's quote length."""
    limit = params()["structure"]["quote_chars"]
    return [clip_around(text, a, b, a, b, limit=limit) for a, b in spans]


def _cite_sentences(stored: StoredDoc, lo: int, hi: int, cb: CitationBuilder, limit: int, lang: str) -> list[str]:
    text = stored.doc.text
    return _cited(stored, _clipped(text, sentences(text, lo, hi)[:limit]), cb, lang)


def _with_details(head: str, details: list[str], lang: str) -> str:
    """A line of the overview: its head, then what it holds (key figures, sub-headings)."""
    return head + (("：" if lang == "zh" else ": ") + "；".join(details) if details else "")


class _Part(NamedTuple):
    """A stretch of text that is no heading's (a paragraph), read like a section for its figures."""
    start: int
    end: int


# a line that only credits a page's people: 科技日报实习记者 杨宇航, 责任编辑: 陈可轩, (通讯员 李婧菡)
_CREDIT_LINE = re.compile(r"^[\s(（]*[\u4e00-\u9fff]{0,8}(?:记者|通讯员|编辑|责任编辑|作者|摄影|校对|审核)"
                          r"[\s:：]*[\u4e00-\u9fff·\s]{1,12}[)）]?\s*$")


def _paragraphs(text: str, lo: int, hi: int, skip: tuple[str, ...] = ()) -> list[_Part]:
    """The non-blank lines of text[lo:hi], but those in `skip` (a news page's headline: its title)
    and lines that only credit the page's reporter or editor."""
    return [_Part(m.start() + lo, m.end() + lo) for m in re.finditer(r"[^\n]*\S[^\n]*", text[lo:hi])
            if m.group(0).strip() not in skip and not _CREDIT_LINE.match(m.group(0))]


LEAD_SENTENCES = 2  # sentences of a paragraph-told text's first paragraph shown


def _cite_paragraph_leads(stored: StoredDoc, lo: int, hi: int, cb: CitationBuilder, limit: int,
                          lang: str, figures: int = 0) -> list[str]:
    """A section without sub-headings, told by its paragraphs: each paragraph's first sentence (a
    plan opens a paragraph with what it is about: 科技创新综合实力稳步提升。…), or its first
    sentences when it is one paragraph; with `figures`, a budget of key figures shared out among
    the paragraphs as among sections (a report's paragraph of results shows them after its lead)."""
    text = stored.doc.text
    paras = _paragraphs(text, lo, hi, skip=tuple(filter(None, (stored.meta.headline,))))
    if len(paras) < 2 and not figures:
        return _cite_sentences(stored, lo, hi, cb, limit, lang)
    paras = paras[:limit]
    shares = _figure_shares(stored, paras, params()["structure"]["figures_per_section"], figures) \
        if figures else [0] * len(paras)
    out = []
    for i, (part, share) in enumerate(zip(paras, shares)):
        # the first paragraph is the text's lead (a news report's 导语): its first two sentences
        spans = _clipped(text, sentences(text, part.start, part.end)[:LEAD_SENTENCES if i == 0 else 1]
                         or [(part.start, part.end)])
        lead = (spans[0][0], spans[-1][1])
        cited = _cited(stored, [*spans, *_figure_spans(stored, part, share, lead)], cb, lang)
        out.append(_with_details("".join(cited[:len(spans)]), cited[len(spans):], lang))
    return out


def _figure_spans(stored: StoredDoc, node: Node | _Part, limit: int, shown: tuple[int, int]) -> list[tuple[int, int]]:
    """The quotes of a part's first key figures (past the text already `shown`), overlapping ones merged."""
    text = stored.doc.text
    return merged([clip_around(text, a, b, a, b, limit=60) for a, b in _key_figures(stored, node, limit, shown)])


def _key_figures(stored: StoredDoc, node: Node, limit: int, shown: tuple[int, int] = (0, 0)) -> list[tuple[int, int]]:
    """Spans of the first target clauses inside a section, past the text already `shown` (its
    heading: 举办两场创新活动 is no key figure of its own section)."""
    out = []
    for t in stored.targets:
        if node.start <= t.start < node.end and t.quote and not shown[0] <= t.start < shown[1]:
            out.append((t.start, t.end))
        if len(out) >= limit:
            break
    return out


def shared_run(a: str, b: str) -> str:
    """The longest run of characters two texts share."""
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


def generic_phrase(run: str) -> bool:
    """A run of generic plan words only (科技工作的, 科技创新): it names no section."""
    rest = run
    for w in sorted(GENERIC_TERMS, key=len, reverse=True):
        rest = rest.replace(w, "")
    return len(rest.strip("的之和与及、，")) < 2


def asked_section(q, stored: StoredDoc) -> Node | None:
    """A heading the question names by its own words (发展基础部分, 保障措施, “十二五”期间的成绩): the
    overview is then of that section, not of the whole plan. The heading must share a run of three
    characters or more with the question that is not the document's own name, or the plan period
    the question names."""
    title = doc_words(stored)
    periods = [p for p in genre().get("plan_periods", {}) if p in q.text]
    best, best_len = None, 0
    ol = outline(stored)
    own_words = without_plan_names(q.text, q.lang)  # a run inside the plan's name names no section
    for n in ol.nodes + ol.toc_nodes:
        if not n.titled:
            continue
        run = shared_run(n.core, q.text)
        size = len(run) if len(run) >= 3 and run not in title and not generic_phrase(run) \
            and run in own_words else 0
        size += 3 * sum(1 for p in periods if p in n.core)
        # the heading that is most nearly the words asked (发展基础 over 发展基础与面临形势)
        size -= 0.05 * (len(n.core) - len(run)) if size else 0
        if size > best_len:
            best, best_len = n, size
    return best if best_len >= 2.5 else None


def role_span(stored: StoredDoc, role: str) -> tuple[int, int] | None:
    """Where the plan states a role (its overall approach: a 指导思想/总体思路 section; its goals: a
    工作目标 section), or else a paragraph that opens with such a label."""
    node = role_node(stored, role)
    return node.body(stored.doc.text) if node else inline_role(stored, role)


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping quotes made one (two figures of one clause are quoted once), in text order."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _figure_shares(stored: StoredDoc, top: list[Node], least: int, budget: int) -> list[int]:
    """How many key figures each part shows: `least` each, and what the parts with fewer figures
    leave of `budget` goes to those with more, in order (an excerpt of one part full of figures
    shows them, a plan of ten parts two each)."""
    have = [len(_key_figures(stored, n, budget)) for n in top]
    shares = [min(h, least) for h in have]
    left = max(0, budget - sum(shares))
    for i, h in enumerate(have):
        extra = min(left, h - shares[i])
        shares[i] += extra
        left -= extra
    return [max(s, least) for s in shares]


def heading_span(text: str, node: Node, limit: int) -> tuple[int, int]:
    """The heading line, cut to `limit` characters at a clause mark or, failing that, outside a run
    of digits (a figure is never cut in two)."""
    a, b = node.start, node.title_end
    b = a + len(text[a:b].rstrip())
    if b - a <= limit:
        return a, b
    cut = a + limit
    marks = [i for i in range(a + 4, cut) if text[i] in "。；;，,："]
    if marks:
        return a, marks[-1]
    while cut > a + 4 and (text[cut - 1].isdigit() or text[cut].isdigit()):
        cut -= 1
    return a, cut


def _preamble(stored: StoredDoc, lo: int, roles: list[tuple[int, int]], cb: CitationBuilder, lang: str) -> str | None:
    """What the plan says of itself before its first heading (为…,以“大零号湾”…为引领,…制定本要点):
    the first sentence of the last paragraph there, after any notice that issues it; none when that
    paragraph is the plan's 总体思路/目标 (one of `roles`), which the overview tells as such."""
    text = stored.doc.text
    first = next((n for n in outline(stored).nodes if n.start > lo), None)
    if first is None:
        return None
    paras = _paragraphs(text, lo, first.start)
    if not paras or any(a < paras[-1][1] and paras[-1][0] < b for a, b in roles):
        return None
    lead = _cite_sentences(stored, *paras[-1], cb, 1, lang)
    return lead[0] if lead else None


def compose_overview(ctx: Context) -> Answer:
    q = ctx.query
    stored = subject_doc(ctx)
    if stored is None:
        return refuse(ctx)
    p = params()["structure"]
    text = stored.doc.text
    cb = CitationBuilder()
    lines, items = [], []
    section = asked_section(q, stored)
    lo = stored.meta.header_end or 0
    if section is None:
        approach, goals = role_span(stored, "approach"), role_span(stored, "goals")
        lead = _preamble(stored, lo, [sp for sp in (approach, goals) if sp], cb, q.lang)
        if lead:
            lines.append(say(q, "导语：", "Preamble: ") + lead)
        lead = _cite_sentences(stored, *approach, cb, p["approach_sentences"], q.lang) if approach else []
        if lead:
            lines.append(say(q, "总体思路：", "Approach: ") + "".join(lead))
        aims = _cite_sentences(stored, *goals, cb, p["goal_lead_sentences"], q.lang) if goals else []
        if aims:
            lines.append(say(q, "目标：", "Goals: ") + "".join(aims))
    if section is not None:
        top = section.children
        n = cb.cite(stored, section.start, section.line_end)
        lines.append(say(q, f"（{section.title}）{cb.mark(n, q.lang)}", f"({section.title}){cb.mark(n, q.lang)}"))
        lo = section.line_end
        if not top:
            lines += [f"- {x}" for x in _cite_paragraph_leads(stored, section.line_end, section.end, cb,
                                                             p["section_sentences"], q.lang)]
    else:
        top = outline(stored).top()
    if len(top) < 3 and section is None:
        wide = max(top, key=lambda n: len(n.children), default=None)
        top = [n for t in top for n in ([t] + (t.children if t is wide else []))]
    top = top[: p["max_sections"]]
    if section is None and top and top[0].depth > 1:
        # an excerpt whose top parts sit under one wrapper (一、基础与形势 > (一)发展基础): name it
        wrappers = [n for n in outline(stored).nodes if n.start < top[0].start and n.end >= top[-1].end]
        if wrappers:
            marks = "".join(cb.mark(cb.cite(stored, *heading_span(text, w, p["heading_chars"])), q.lang) for w in wrappers)
            lines.append(say(q, "（", "(") + " > ".join(w.title for w in wrappers) + say(q, "）", ")") + marks)
            for w, inner in zip(wrappers, wrappers[1:] + [top[0]]):  # what a wrapper says before its parts
                lines += [f"- {x}" for x in _cite_paragraph_leads(stored, w.body(text)[0], inner.start, cb,
                                                                 p["fallback_sentences"], q.lang)]
    # a bounded number of sub-headings and key figures, shared out: a plan of few parts shows more of each
    per_section = max(p["children_per_section"], p["children_budget"] // max(1, len(top)))
    shares = _figure_shares(stored, top, p["figures_per_section"], p["figures_budget"])
    for node, share in zip(top, shares):
        ha, hb = heading_span(text, node, p["heading_chars"])
        n = cb.cite(stored, ha, hb)
        figs = _cited(stored, _figure_spans(stored, node, share, (ha, hb)), cb, q.lang)
        body = f"{text[ha:hb]}{cb.mark(n, q.lang)}"
        kids = _cited(stored, [heading_span(text, c, p["heading_chars"]) for c in node.children[:per_section]], cb, q.lang)
        lines.append("- " + _with_details(body, figs + kids, q.lang))
        items.append({"title": node.title, "text": body, "citations": [n],
                      "more": [c.core or c.title for c in node.children[:p["more_per_section"]]]})
    if len(top) == 1 and not top[0].children:
        # one part with no parts of its own: its paragraphs tell what it holds
        lines += [f"- {x}" for x in _cite_paragraph_leads(stored, top[0].body(text)[0], top[0].end, cb,
                                                         p["section_sentences"], q.lang)]
    items_run = _numbered_items(text, lo) if section is None and not top else []
    if items_run:
        # a text with no outline that counts its parts (一是…取得新成效。…二是…): told part by part
        # what comes before the first item's sentence (not its 一是 marker) is the text's preamble
        first = max(lo, line_start(text, items_run[0].start))
        if first > lo:
            lines += [say(q, "导语：", "Preamble: ") + x for x in _cite_paragraph_leads(stored, lo, first, cb, 1, q.lang)[:1]]
        shares = _figure_shares(stored, items_run, p["figures_per_section"], p["figures_budget"])
        for part, share in zip(items_run, shares):
            head = sentences(text, part.start, part.end)[:1] or [(part.start, part.end)]
            cited = _cited(stored, [*_clipped(text, head), *_figure_spans(stored, part, share, head[0])], cb, q.lang)
            lines.append("- " + _with_details(cited[0], cited[1:], q.lang))
        # what the text says after its counted parts (截至目前,全区共有…): its closing paragraph's lead and figures
        lines += [f"- {x}" for x in _cite_paragraph_leads(stored, items_run[-1].end, len(text), cb, 1, q.lang,
                                                         p["figures_per_section"])]
    if len(lines) < 2:
        lines += [f"- {x}" for x in _cite_paragraph_leads(stored, lo, len(text), cb, p["section_sentences"], q.lang,
                                                         p["figures_budget"])]
    if not lines:
        return refuse(ctx)
    head = say(q, f"{doc_name(stored, 'zh')}的主要内容：", f"Overview of {doc_name(stored, 'en')} (quoted in Chinese):")
    ans = answer(q, head + "\n" + "\n".join(lines), cb)
    if items:
        ans.parts = [{"kind": "sections", "items": items}]
    return ans


MIN_ITEMS = 3  # a text's parts counted 一是, 二是, 三是 at least


def _numbered_items(text: str, lo: int) -> list[_Part]:
    """The longest run of numbered items (一是…。二是…。) past `lo` with at least MIN_ITEMS members, each
    item running to the next one's marker (the last to its paragraph's end); [] when there is none."""
    runs = [r for r in ordinal_runs(text) if r[0][1] >= lo and len(r) >= MIN_ITEMS]
    if not runs:
        return []
    run = max(runs, key=len)
    return [_Part(a, end) for (_, a, _), end in zip(run, item_extents(text, run))]


def _reached(stored: StoredDoc) -> dict[int, bool]:
    """For each target (by start), whether its sentence frames it as a result already reached
    (过去五年…增长3.4倍, 截至2020年底…, 已增至126家) rather than a target."""
    text = stored.doc.text
    bounds = sentences(text, 0, len(text))
    starts = [a for a, _ in bounds]
    out = {}
    for t in stored.targets:
        i = bisect_right(starts, t.start) - 1  # the sentence holding the figure (sentences are in order)
        start = bounds[i][0] if i >= 0 and t.start < bounds[i][1] else t.start
        out[t.start] = frame_at(text, start, t.start) == "result"
    return out


def _targets_first(stored: StoredDoc) -> list:
    """The document's quantitative targets, those its sentence frames as results already reached
    after the others, each group in document order."""
    reached = _reached(stored)
    return sorted(stored.targets, key=lambda t: (reached[t.start], t.start))


def _same_indicator(a: str, b: str) -> bool:
    """琼州高新技术企业数量将 / 琼州高新技术企业数量: one names the other, apart from the words that
    frame it (将, 已, 达)."""
    a, b = (re.sub(r"[^\u4e00-\u9fff]", "", x).rstrip("将已达为") for x in (a, b))
    return bool(a and b) and (a in b or b in a)


def _plan_targets(stored: StoredDoc, limit: int) -> list:
    """The targets a document without a goals section sets, in document order: those framed as
    results left out when any other is stated, a figure the text restates (预计…将达到400家 and
    then the plan's own …达到400家) given once."""
    reached = _reached(stored)
    kept = [t for t in stored.targets if not reached[t.start]] or list(stored.targets)
    out: list = []
    for t in sorted(kept, key=lambda t: t.start):
        if not any(o.number == t.number and o.base_unit == t.base_unit and _same_indicator(o.indicator, t.indicator)
                   for o in out):
            out.append(t)
    return out[:limit]


def _goal_sentences(stored: StoredDoc, lo: int, hi: int, limit: int, targets: int) -> list[tuple[int, int]]:
    """The sentences a goals section is told by, in order: those stating a target first (up to
    `targets`; a table of goals whose rows open with a label cell must not lose its last target to
    the labels), then the others, up to `limit` in all when the targets leave room."""
    spans = sentences(stored.doc.text, lo, hi)
    if len(spans) <= limit:
        return spans
    starts = [t.start for t in _targets_first(stored)]
    stating = sorted((sp for sp in spans if any(sp[0] <= t < sp[1] for t in starts)),
                     key=lambda sp: min(i for i, t in enumerate(starts) if sp[0] <= t < sp[1]))[:targets]
    others = [sp for sp in spans if sp not in stating][: max(0, limit - len(stating))]
    return sorted(stating + others)


def _aims(stored: StoredDoc) -> list[tuple[int, int]]:
    """Sentences that frame what they say as an aim (《意见》提出到2020年…基本建成…; 力争…), with or
    without a figure: the nearest frame word before the sentence's end is a target's (the names it
    cites, 《…远景目标纲要》, frame nothing). The page's own title or headline states no aim."""
    text = stored.doc.text
    own = {x.strip() for x in (stored.meta.title, stored.meta.headline) if x}
    return [(a, b) for a, b in sentences(text) if frame_at(text, a, b) == "target" and text[a:b].strip() not in own]


def _with_aims(stored: StoredDoc, shown: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The figure quotes `shown` and, room allowing, the aims stated without a target figure (those the
    targets give, or leave out as restated or reached, are not brought back), in document order."""
    text = stored.doc.text
    aims = [clip_around(text, a, b, a, b, limit=params()["structure"]["quote_chars"]) for a, b in _aims(stored)
            if not any(a < e and s < b for s, e in shown) and not any(a <= t.start < b for t in stored.targets)]
    spans = sorted(set(shown + aims[: max(0, limit - len(shown))]))
    # a quote inside another one shown (全社会研发经费投入年均增长10% in …年均增长10%,到2025年…) is given once
    return [(a, b) for a, b in spans if not any(x <= a and b <= y and (x, y) != (a, b) for x, y in spans)]


def compose_goals(ctx: Context) -> Answer:
    q = ctx.query
    stored = subject_doc(ctx)
    if stored is None:
        return refuse(ctx)
    p = params()["structure"]
    text = stored.doc.text
    cb = CitationBuilder()
    span = role_span(stored, "goals")
    spans = _goal_sentences(stored, *span, p["goal_sentences"], p["goal_targets"]) if span else []
    quotes = _cited(stored, _clipped(text, spans), cb, q.lang)
    if not quotes:
        # no goals section: the plan's quantitative targets and its aims, in document order
        picked = _plan_targets(stored, p["goal_targets"])
        shown = list(dict.fromkeys(clip_around(text, t.start, t.end, t.start, t.end, limit=80) for t in picked))
        quotes = _cited(stored, _with_aims(stored, shown, p["goal_targets"]), cb, q.lang)
    if not quotes:
        return refuse(ctx)
    head = say(q, f"{doc_name(stored, 'zh')}的目标：", f"The goals of {doc_name(stored, 'en')} (quoted in Chinese):")
    return answer(q, head + "\n" + "\n".join(f"- {x}" for x in quotes), cb)
