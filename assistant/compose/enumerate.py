"""Lists and named groups: "which … / what are the …", "“六强”指什么", "the six major projects".

An answer is an enumeration the document itself makes, found in one of three places:
- inside one sentence: 一是…二是…, （1）…（2）…, or A、B、C（等/三大…）;
- right after a group's name: 六强(强基础、强主体、…), 六项行动：…;
- as sibling items or headings of the outline (the six 一、…六、 headings a slogan counts).
Containers are scored like any evidence (the support model) plus whether their size matches the
count the question or the group's name states; the best one is quoted in full, members listed."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.compose.context import (CitationBuilder, Context, Sentence, answer, doc_name, key_terms,
                                       retrieved_sentences, say)
from assistant.compose.features import evidence_features
from assistant.compose.members import (abbreviated_members, book_members, line_start, ordinal_members,
                                       parallel_members, sentence_ordinals, quoted_members, quoted_members_before, sentence_end, series_members, series_runs,
                                       series_named_by, spelled_out_members)
from assistant.compose.params import params
from assistant.compose.refusal import refuse
from assistant.compose.support import finish, model, score
from assistant.compose.text import column_answer, compose_sentence, scored_sentences
from assistant.evidence import coverage, term_in, term_len
from assistant.outline import Node, outline
from assistant.query import Query
from base.headings import heading_core
from base.numbers import CJK, parse_chinese_int
from base.regions import genre
from base.types import Answer
from store import StoredDoc

_EN_COUNT = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT = re.compile(r"([两二三四五六七八九十\d]{1,2})\s*(?:大|个|项|条|类|方面|部分|强|化|新|链|高地|位|种|件|支)"
                    r"|\b(two|three|four|five|six|seven|eight|nine|ten)\b(?![-‐–](?:years?|months?|days?|weeks?|way)\b)", re.I)  # a three-year plan counts no members
_NAME = re.compile(r"[“\"「『‘]([^”\"」』’]{1,30})[”\"」』’]|([一二两三四五六七八九十\d]{1,2}(?:大|项|个|强|化|新|链|位)"
                   r"[\u4e00-\u9fff]{0,4})")


@dataclass
class Enumeration:
    stored: StoredDoc
    span: tuple[int, int]  # what is quoted (a sentence, or the parent heading's section)
    members: list[tuple[str, int, int]]  # member text and span
    rank: int
    section: str
    kind: str  # ordinal | series | named | outline | numbered (一是…。二是…。: items that are sentences) | paragraph (a topic sentence's parts)
    lead: str = ""  # the words introducing an outline's items right before the first (基本原则, 主要任务如下:)
    feats: dict[str, float] = field(default_factory=dict)
    p: float = 0.0
    r: float = 0.0


def asked_count(q: Query) -> int | None:
    """How many members the question or the group's name says there are (四大行动, 哪两个, “六个一”
    counts six, the trinity 三位一体 three, “123456” six)."""
    for name in re.findall(r"[“「\"]([0-9]{3,})[”」\"]", q.text):
        return len(name)  # “123456”: a digit per part
    m = _COUNT.search(re.sub(r"[“「\"][^”」\"]*[”」\"]", " ", q.text))  # “六个一” is a name, not a count
    if not m:
        return None
    if m.group(2):
        return _EN_COUNT[m.group(2).lower()]
    g = m.group(1)
    return int(g) if g.isdigit() else parse_chinese_int(g)


_CN_DIGITS = "零一二三四五六七八九十"


_COUNT_MEASURES = ("大", "个", "项", "类", "")


def counted_name(ctx: Context, want: int | None) -> str | None:
    """For an English question counting its group ("which three … 'highlands'"), the Chinese name a
    document gives it: the count and a glossary term of the question together (三大科技创新高地)."""
    if not want or not 2 <= want <= 10:
        return None
    names = [f"{d}{measure}" for d in [_CN_DIGITS[want]] + (["两"] if want == 2 else [])
             for measure in _COUNT_MEASURES]  # in order of preference
    texts = [s.doc.text for s in ctx.docs.values()]
    wordings = [[a for a in t.split("|") if a] for t in sorted(key_terms(ctx.query), key=term_len, reverse=True)]
    # then the head words the question's wordings end with, used in the documents or not (主要任务 → 任务:
    # "six main tasks" → 六大任务)
    heads = [list(dict.fromkeys(a[-2:] for a in t.split("|") if len(a) > 2 and all(CJK.fullmatch(c) for c in a[-2:])))
             for t in sorted(ctx.query.content_terms, key=term_len, reverse=True)]
    for alts in wordings + heads:
        for alt in alts:
            # one pass over the library per wording: what counts each occurrence (三大, 三项, 三)
            found = {t[max(0, m.start() - 2):m.start()] for t in texts for m in re.finditer(re.escape(alt), t)}
            found |= {f[-1:] for f in found}
            for prefix in names:
                if prefix in found:
                    return f"{prefix}{alt}"
    return None


def group_name(q: Query) -> str | None:
    """The name of the group the question asks about: a quoted name or a counted one (六强, 六项行动),
    or the Chinese an English question gives for it ("the 'trinity' (三位一体)")."""
    periods = genre().get("plan_periods", {})
    for m in _NAME.finditer(q.text):  # a plan period in quotes (“十二五”) dates the question, it names no group
        found = (m.group(1) or m.group(2) or "").strip()
        if re.search(r"[\u4e00-\u9fff\d]", found) and found not in periods:
            return found
    if q.lang == "en":
        cjk = re.findall(r"[（(]\s*([\u4e00-\u9fff]{2,12})\s*[)）]", q.text)
        if cjk:
            return cjk[0]
    return None


# ---------------------------------------------------------------- finding enumerations


def sentence_enumerations(ctx: Context) -> list[Enumeration]:
    out = []
    seen: set[tuple[str, int]] = set()
    for s in retrieved_sentences(ctx):
        text = s.stored.doc.text
        members = ordinal_members(text, s.start, s.end)
        kind = "ordinal"
        runs: list = []
        if not members:
            runs = series_runs(text, s.start, s.end)
            members, kind = (max(runs, key=len) if runs else []), "series"
        if not members:
            members, kind = parallel_members(text, s.start, s.end), "parallel"
        if not members:
            members, kind = quoted_members(text, s.start, s.end), "quoted"
        if not members:
            members, kind = book_members(text, s.start, s.end), "books"
        if members:
            out.append(Enumeration(s.stored, (s.start, s.end), members, s.rank, s.section, kind))
        # the sentence's other series, after its longest, when each member is of the asked kind
        # (which four combinations: 市场主导与政府引导相结合、…): the question may ask a shorter one
        for run in runs:
            extra = Enumeration(s.stored, (s.start, s.end), run, s.rank, s.section, "series")
            if run is not members and members_named(ctx.query, extra):
                out.append(extra)
        items = sentence_ordinals(text, s.start)
        parts = [] if items or is_heading(s) else topic_members(text, s.start, s.end)
        if parts:
            out.append(Enumeration(s.stored, (s.start, s.end), parts, s.rank, s.section, "paragraph"))
        # 一是…。二是…。: numbered items that are sentences of their own, listed like an outline's
        if items and (s.stored.doc.path, items[0][1]) not in seen:
            seen.add((s.stored.doc.path, items[0][1]))
            # scored by its items' own sentences (its span is the first's) and the sentence introducing
            # them (…实现了研发投入稳步增长。一是…), not by all the text between them
            lead = sentence_before(text, items[0][1])
            if not text[s.stored.meta.header_end or 0:line_start(text, items[0][1])].strip():
                # the run opens the text's body: its items are the parts of what the title names
                # (区科技局积极推动高新技术产业发展: 一是…二是…三是…)
                lead = f"{s.stored.meta.shown_title or ''} {lead}".strip()
            out.append(Enumeration(s.stored, (items[0][1], items[0][2]), items, s.rank, s.section, "numbered",
                                   lead=lead))
    return out


TOPIC_CHARS = 30  # “双向飞地”模式成为区域协同创新亮点。: a paragraph's first sentence this short names its topic
TOPIC_MEMBER_CHARS = 200
TOPIC_MIN_PARTS = 3
# a numbered heading or item (8.推动…, 一、, （二）, 一是): an outline's or a run's, not a paragraph's topic
HEADING_MARKER = re.compile(r"\s*(?:[一二三四五六七八九十]+[、是]|\d+\s*[.．、]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|其[一二三四五六七八九十])")


def topic_members(text: str, a: int, b: int) -> list[tuple[str, int, int]]:
    """When text[a:b] is a short first sentence of its paragraph (its topic: X模式成为亮点。) and the
    rest of the paragraph is told in parts (clauses between ；, or sentences), those parts: what the
    topic holds. [] otherwise (fewer than two parts, or a long opening sentence)."""
    line = text.rfind("\n", 0, a) + 1
    if text[line:a].strip() or b - a > TOPIC_CHARS or text[b - 1:b] not in ("。", "：", ":") \
            or HEADING_MARKER.match(text, a):
        return []
    end = text.find("\n", b)
    end = len(text) if end < 0 else end
    out, pos = [], b
    for m in re.finditer(r"[；;。！？]", text[b:end] + "。"):
        lo, hi = pos, min(b + m.end(), end)
        seg = text[lo:hi].strip()
        if len(seg.rstrip("；;。！？")) >= 4:
            lead = len(text[lo:hi]) - len(text[lo:hi].lstrip())
            out.append((seg, lo + lead, lo + lead + len(seg)))
        pos = b + m.end()
    return out if TOPIC_MIN_PARTS <= len(out) and all(len(m[0]) <= TOPIC_MEMBER_CHARS for m in out) \
        and not any(HEADING_MARKER.match(text, m[1]) for m in out) else []


def named_enumerations(ctx: Context, name: str) -> list[Enumeration]:
    """Where a document spells out the group it names: 六强(强基础、…), “三位一体”…：A、B、C,
    “六个倍增”——A；B；C."""
    out = []
    for stored in ctx.docs.values():
        text = stored.doc.text
        for m in re.finditer(re.escape(name), text):
            if re.search(r"(?:[、]|[\u4e00-\u9fff][和及与])$", text[max(0, m.start() - 2):m.start()]):
                continue  # an item of a series (…、八大指标和三大措施), not a name introducing its members
            para_end = text.find("\n", m.end())
            para_end = len(text) if para_end < 0 else para_end
            close = re.match(r"[”\"」』’]?\s*[（(]", text[m.end():m.end() + 4])
            paren_end = text.find("）", m.end()) if close else -1
            if 0 < paren_end < para_end:
                lo, hi = m.end(), paren_end
                members = ordinal_members(text, lo, hi) or series_members(text, lo, hi)
            else:
                lo, hi = m.end(), para_end
                members = (abbreviated_members(text, m.start()) or quoted_members_before(text, m.start())
                           or series_named_by(text, m.start()) or ordinal_members(text, lo, hi))
                if not members:  # “…”的总体思路,即A;B;C。
                    members, hi = spelled_out_members(text, lo, hi)
                members = members or series_members(text, line_start(text, m.start()), sentence_end(text, m.end(), hi))
            if members:
                out.append(Enumeration(stored, (line_start(text, m.start()), max(hi, m.end())), members,
                                       0, "", "named"))
    return out


def outline_enumerations(ctx: Context) -> list[Enumeration]:
    """Sibling headings/items of each document's outline in scope (2–12 of them)."""
    rank = ctx.rank_of_doc()
    out = []
    for stored in ctx.docs.values():
        for parent, kids in outline(stored).siblings():
            if not 2 <= len(kids) <= params()["enumerate"]["max_members"]:
                continue
            members = [(k.core or k.title, k.start, k.line_end) for k in kids]
            span = (parent.start, parent.line_end) if parent else (kids[0].start, kids[0].line_end)
            section = parent.title if parent else ""
            lead = lead_in(stored.doc.text, kids[0].start, parent.line_end if parent else 0)
            out.append(Enumeration(stored, span, members, rank.get(stored.doc.path, 9), section, "outline", lead))
    return out


_LEAD_STOP = re.compile(r"[。；;！!？?]")
LEAD_CHARS = 40


def lead_in(text: str, first: int, floor: int = 0) -> str:
    """The words just before a list's first item that introduce it: the rest of the text after the
    last sentence end before it (…加快建设科技强市。基本原则 → 基本原则), at most LEAD_CHARS."""
    lo = max(floor, first - LEAD_CHARS)
    stops = [m.end() for m in _LEAD_STOP.finditer(text, lo, first)]
    return text[stops[-1] if stops else lo:first].strip()


def sentence_before(text: str, pos: int) -> str:
    """The sentence that ends just before the item whose text starts at `pos` (after its marker), at
    most LEAD_CHARS of it."""
    end = max(text.rfind(c, 0, pos) for c in "。！？!?\n")
    if end < 0:
        return ""
    start = max(text.rfind(c, 0, end) for c in "。！？!?\n") + 1
    return text[max(start, end + 1 - LEAD_CHARS):end + 1].strip()


# ---------------------------------------------------------------- choosing and answering
def _narrow(ctx: Context, e: Enumeration, want: int | None) -> None:
    """An enumeration longer than the count asked whose members carrying the question's words are
    exactly that many ("哪两份庆阳市的文件" among six cited plans): those members."""
    if not want or len(e.members) <= want:
        return
    keys = key_terms(ctx.query)
    sub = [m for m in e.members if any(term_in(k, m[0].lower()) for k in keys)]
    if len(sub) == want:
        e.members = sub


def _score(ctx: Context, e: Enumeration, want: int | None, name: str | None) -> None:
    _narrow(ctx, e, want)
    text = e.stored.doc.text
    body = " ".join(m[0] for m in e.members)
    context = f"{text[e.span[0]:e.span[1]]} {e.section} {e.lead} {body}"
    feats = evidence_features(ctx, e.stored, context, context, e.section, e.rank, None)
    feats["type_ok"] = 1.0
    feats["type_bad"] = 0.0
    p = params()["enumerate"]
    offset = 0.0
    if want is not None:
        offset += p["count_match"] if len(e.members) == want else -p["count_miss"]
    if name and names_the_group(text, e, name):
        offset += p["name_match"]
    if e.kind == "outline" and name and want == len(e.members):
        offset += p["outline_count_name"]
    if e.kind == "outline" and not name and titled_as_asked(ctx.query, e):
        offset += p["name_match"]  # the items of the part the question names (基本原则: "basic principles")
    offset += p["member_words"] * members_named(ctx.query, e)
    e.feats = finish(feats, ctx.query.lang)
    e.r, e.p = score(e.feats, context, "enumeration", offset=offset)


def names_the_group(text: str, e: Enumeration, name: str) -> bool:
    """The group's name stands in or just before the enumeration's text, outside its members (“345”
    创新行动:“3”即…): it introduces them. A name inside one member (《义乌市“334”…行动方案》 in a list of
    documents) is part of that member, not the group's."""
    lo = max(0, e.span[0] - 40)
    return any(not any(a <= lo + m.start() < b for _, a, b in e.members)
               for m in re.finditer(re.escape(name), text[lo:e.span[1]]))


TITLE_SLACK = 2  # characters a part's title may have beyond the question's word (主要任务 for 任务)


def titled_as_asked(q: Query, e: Enumeration) -> bool:
    """An outline's items whose parent heading or lead-in line is, all but a character or two, one of
    the question's specific words: the question names the part whose items it asks for."""
    titles = [re.sub(r"[\s:：。,，、]", "", heading_core(t)) for t in (e.lead, e.section) if t]
    return any(alt and alt in t and len(t) - len(alt) <= TITLE_SLACK
               for t in titles for k in key_terms(q) for alt in k.split("|"))


def members_named(q: Query, e: Enumeration) -> float:
    """The largest share of members that carry one same specific word of the question (哪几项攻坚行动:
    关键核心技术攻关行动, 创新成果转化攻坚行动 … are each a 行动), when most do: the members are
    instances of what is asked, not any list in a sentence that mentions it. A word in one member
    only says which member is meant, not what the members are."""
    keys = [k for k in key_terms(q) if term_len(k) >= 2]
    if not keys or not e.members:
        return 0.0
    share = max(sum(term_in(k, m[0].lower()) for m in e.members) for k in keys) / len(e.members)
    return share if share >= params()["enumerate"]["member_words_share"] else 0.0  # one member: it is no kind


def compose_list(ctx: Context) -> Answer:
    """The best supported enumeration; when a plain sentence is clearly better supported than any
    enumeration (the list is written as prose), the best sentences."""
    q = ctx.query
    by_column = column_answer(ctx, scored_sentences(ctx))  # 协同配合单位: a column of the document's table
    if by_column is not None:
        return by_column
    want = asked_count(q)
    name = group_name(q) or (counted_name(ctx, want) if q.lang == "en" else None)
    cands = sentence_enumerations(ctx) + outline_enumerations(ctx) + (named_enumerations(ctx, name) if name else [])
    if name:
        cands = without_the_names_parts(cands, name)
    for e in cands:
        _score(ctx, e, want, name)
    if want is not None and any(len(e.members) == want for e in cands):
        cands = [e for e in cands if len(e.members) == want]  # "the six X" has six members
    cands.sort(key=lambda e: -e.r)
    if cands:
        cands.insert(0, descend(ctx, cands[0], cands))
    th = model().threshold
    best_sentence = next((s for s in scored_sentences(ctx) if not is_heading(s.sentence)), None)
    # a run of numbered sentences is counted like any list, but a clearly better sentence still wins
    # over it (its items are actions: "which two bodies" is named inside one of them)
    counted = want is not None and cands and len(cands[0].members) == want and cands[0].kind != "numbered"
    prose = not counted and best_sentence is not None and best_sentence.p >= th and (
        not cands or best_sentence.p - cands[0].p > params()["enumerate"]["prose_margin"])
    if not cands or cands[0].p < th or prose:
        if q.qtype == "named_group" and not prose and (best_sentence is None or best_sentence.p < th):
            return refuse(ctx)  # a named group nothing spells out, nor any sentence answers
        return compose_sentence(ctx, limit=params()["enumerate"]["fallback_sentences"])
    return render(ctx, cands[0])


def without_the_names_parts(cands: list[Enumeration], name: str) -> list[Enumeration]:
    """The enumerations that are not the name's own parts (一个制度、两个支撑、三个体系…: most members
    inside an occurrence of the name), which it asks to spell out. Each document is searched for
    the name once."""
    if len(name) < 4:
        return cands
    occurrences: dict[str, list[tuple[int, int]]] = {}

    def own_parts(e: Enumeration) -> bool:
        path = e.stored.doc.path
        if path not in occurrences:
            occurrences[path] = [m.span() for m in re.finditer(re.escape(name), e.stored.doc.text)]
        inside = sum(any(a < y and x < b for x, y in occurrences[path]) for _, a, b in e.members)
        return inside * 2 > len(e.members)

    return [e for e in cands if not own_parts(e)]


def is_heading(s: Sentence) -> bool:
    """A sentence that is a heading line of its document's outline or table of contents (“四、保障措施
    32”): it names a part, it does not list what the part holds."""
    o = outline(s.stored)
    return any(n.titled and n.start <= s.start < n.title_end and s.end <= n.title_end + 1
               for n in (*o.nodes, *o.toc_nodes))


def descend(ctx: Context, best: Enumeration, cands: list[Enumeration]) -> Enumeration:
    """When the question's words are in one member only of the best outline enumeration (“保障措施包括
    哪些方面” against 一、… 四、保障措施), it asks for that member's parts: the enumeration of its
    children, when there is one; else `best` (words every member carries, “哪几大攻坚行动”, ask for
    the members themselves)."""
    if best.kind != "outline":
        return best
    keys = key_terms(ctx.query)
    whole = coverage(keys, " ".join(m[0] for m in best.members))
    if not keys or whole == 0:
        return best
    carrying = [m for m in best.members if coverage(keys, m[0]) > 0]
    if len(carrying) != 1 or coverage(keys, carrying[0][0]) < whole:
        return best
    for _, start, _ in carrying:
        for c in cands:
            if c.kind == "outline" and c.stored is best.stored and c.span[0] == start and c is not best \
                    and c.p >= model().threshold:
                return c
    return best


def render(ctx: Context, e: Enumeration) -> Answer:
    q = ctx.query
    text = e.stored.doc.text
    cb = CitationBuilder()
    lines = []
    if e.kind in ("outline", "numbered"):
        for m, a, b in e.members:
            n = cb.cite(e.stored, a, b, e.section or None)
            lines.append(f"- {text[a:b]}{cb.mark(n, q.lang)}")
        under = f"（{e.section}）" if e.section and e.kind == "outline" else ""  # a run's section path may number its place
        head = say(q, f"据{doc_name(e.stored, 'zh')}{under}：", f"{doc_name(e.stored, 'en')} lists (quoted in Chinese):")
        return answer(q, head + "\n" + "\n".join(lines), cb)
    if e.kind == "paragraph":  # the topic sentence, then each part of its paragraph quoted
        n = cb.cite(e.stored, *e.span)
        lines = [f"- {text[a:b]}{cb.mark(cb.cite(e.stored, a, b), q.lang)}" for _, a, b in e.members]
        head = say(q, f"据{doc_name(e.stored, 'zh')}：{text[e.span[0]:e.span[1]]}{cb.mark(n, q.lang)}",
                   f"{doc_name(e.stored, 'en')} (quoted in Chinese): {text[e.span[0]:e.span[1]]}{cb.mark(n, q.lang)}")
        return answer(q, head + "\n" + "\n".join(lines), cb)
    a, b = e.span
    n = cb.cite(e.stored, a, b)
    members = "；".join(m for m, _, _ in e.members)
    head = say(q, f"据{doc_name(e.stored, 'zh')}：{text[a:b]}[{n}]\n所列各项：{members}",
               f"{doc_name(e.stored, 'en')} (quoted in Chinese): {text[a:b]} [{n}]\nItems: {members}")
    return answer(q, head, cb)


def compose_named_group(ctx: Context) -> Answer:
    return compose_list(ctx)


def heading_members(nodes: list[Node]) -> list[str]:
    return [n.core or n.title for n in nodes]
