"""Stage 5: extract every quantitative target of a document into `Target` rows.

Each quantity (base.mentions.find_numbers) in a chunk becomes one Target. Its clause is cut at
，,：:；;。 and line breaks, and at 、 only when the part before the 、 ends with a quantity
("申报350家、认定310家" → two items; "孵化器、众创空间2家" → one). Within a clause the indicator is read
in either order:
  indicator + (comparator) + number + unit   "技术合同交易额达8.47亿元"
  verb + number + unit + noun                "新增2个市级以上创新平台" → 新增市级以上创新平台
then cleaned of leading qualifiers, time words and filler (力争/确保/2023年/全年/实现/完成 …) while
meaningful verbs (申报 / 通过认定 / 新增 / 入库 …) are kept. Words only implied by the previous
target of the same sentence are supplied from it: "申报高企200家,认定通过170家" → 认定通过高企;
"研发经费投入达到35亿元,增幅达到59%" → 研发经费投入增幅; "选派市级科技特派员150名,县级科技特派员500名"
→ 选派县级科技特派员. Counts of existing things ("对9家研究院进行分类") are kept: recall over precision.
All word lists live in base/data/target_vocab.json. The indicator's wording is cleaned by
``ingest.indicators``; clause, list-item and quote spans are ``ingest.clauses``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from base.mentions import find_numbers
from base.numbers import NumberMention, vocab
from base.types import Chunk, Doc, DocMeta, Target
from ingest.clauses import (CLAUSE_ENDS, SENTENCE_ENDS, Clause, around, boundaries, list_items, post_comparator,
                            quote_span, skip_list_marker, skip_markup)
from ingest.indicators import (clean_indicator, drop_examples, ending, has_verb, leading_verb, markup_spans,
                               split_pre, strip_leading, strip_trailing, vocab_words)


@dataclass
class _Row:
    """A target under construction, with the parts later targets of the sentence may borrow."""

    target: Target
    mention: NumberMention
    sentence: int  # start offset of the sentence
    subject: str  # indicator without leading verb / trailing change word
    lead_verb: str


# ---------------------------------------------------------------- qualifier and year


def _qualifier(sentence: str) -> str:
    """The last qualifier (力争/确保 …) in the sentence text before the number."""
    v = vocab()
    blocked = v["qualifier_blocked_after"]
    best, best_at = "", -1
    for q in vocab_words("qualifiers"):
        for m in re.finditer(re.escape(q), sentence):
            rest = sentence[m.end():]
            if any(rest.startswith(b) for b in blocked.get(q, [])) or not rest:
                continue
            if m.start() > best_at or (m.start() == best_at and len(q) > len(best)):
                best, best_at = q, m.start()
    return best


def _year(sentence: str, mentions: list[NumberMention], meta: DocMeta) -> int | None:
    """The last year stated before the number in its sentence, a plan period's end year, else meta.years[0]."""
    years = [int(y) for m in mentions if m.kind in ("year", "date") for y in re.findall(r"(?:19|20)\d{2}", m.value)]
    if years:
        return years[-1]
    for period, year in vocab()["period_years"].items():
        if re.search(re.escape(period) + r"[”\"」』]?(?:期间|末|时期|内)", sentence):
            return int(year)
    return meta.years[0] if meta.years else None


# ---------------------------------------------------------------- building targets


def _meaningful(s: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fffA-Za-z]", s))


def _after_text(text: str, start: int, stop: int) -> str:
    """The noun after "number + unit" ("2个市级以上创新平台" → 市级以上创新平台); "" for an aside "(其中…"."""
    s = text[start:stop]
    if s[:1] in "(（[【":
        return ""
    s = re.sub(r"[（(][^（）()]*[）)]$", "", s.strip())  # a closing aside: (重大人才项目按协议确定)
    s = strip_trailing(re.sub(r"^的", "", s))
    return s if _meaningful(s) else ""


def _inherit(ind: str, level: str, row: _Row | None, m: NumberMention, bare: bool) -> tuple[str, str]:
    """Supply words the clause leaves implicit from the previous target of the same sentence.

    `bare` = the clause is just "noun + number + unit" (nothing after the unit), or a list item.
    Returns (indicator, subject) where subject is "" unless it was borrowed whole.
    """
    if row is None:
        return ind, ""
    if not ind or any(ind.startswith(h) for h in vocab_words("relational_heads")):
        return row.subject + ind, row.subject  # 增幅达到59% → 研发经费投入增幅
    if ind in vocab_words("verbs") and not level:
        return ind + row.subject, row.subject  # 认定通过170家 → 认定通过高企
    if row.lead_verb and not level and not has_verb(ind) and row.mention.base_unit == m.base_unit and bare:
        return row.lead_verb + ind, ""  # 县级科技特派员500名 → 选派县级科技特派员
    return ind, ""


def _subject(indicator: str) -> tuple[str, str]:
    """(indicator without its leading verb and trailing change word, that leading verb)."""
    verb = leading_verb(indicator)
    subject = indicator[len(verb):] or indicator
    change = ending(subject, "comparators_change")
    if change and len(subject) > len(change):
        subject = subject[: -len(change)]
    return subject, verb


def _comparator(change: str, level: str, approx: str, post: str) -> str:
    """Comparator words in reading order, space-joined ("增幅 达到", "达到 以上", "以上")."""
    parts = [change, level, approx, post]
    return " ".join(p for p in parts if p)


MAX_SENTENCE = 2000  # characters; longer "sentences" are text without sentence ends, read per chunk


def _chunk_at(ordered: list[Chunk], starts: list[int], pos: int) -> Chunk | None:
    """The first chunk (in (start, end) order) containing `pos`."""
    i = bisect_right(starts, pos) - 1
    if i >= 0 and ordered[i].start <= pos < ordered[i].end:
        while i > 0 and ordered[i - 1].start <= pos < ordered[i - 1].end:
            i -= 1
        return ordered[i]
    return next((c for c in ordered if c.start <= pos < c.end), None)


def extract_targets(doc: Doc, meta: DocMeta, chunks: list[Chunk]) -> list[Target]:
    """Every quantitative target in the chunks of `doc`, in document order; one per quantity mention."""
    text = doc.text
    mentions = find_numbers(text, quantities_only=False)
    masked = [(m.start, m.end) for m in mentions]
    junk = markup_spans(text)
    quantities = [m for m in mentions if m.is_quantity and m.start >= meta.header_end
                  and not any(a <= m.start < b for a, b in junk)]
    sentence_bounds = boundaries(text, SENTENCE_ENDS, masked)
    clause_bounds = boundaries(text, CLAUSE_ENDS, masked)
    ordered = sorted(chunks, key=lambda c: (c.start, c.end))
    starts = [c.start for c in ordered]
    # bounded work: each quantity looks only at the mentions of its own sentence (found by bisection)
    # and a sentence longer than MAX_SENTENCE (text without sentence ends) at its chunk only
    mentions = sorted(mentions, key=lambda x: x.start)
    quantities = sorted(quantities, key=lambda x: x.start)
    m_starts, q_starts = [x.start for x in mentions], [x.start for x in quantities]
    rows: list[_Row] = []
    for m in quantities:
        chunk = _chunk_at(ordered, starts, m.start)
        if chunk is None:
            continue
        s0, s1 = around(sentence_bounds, 0, len(text), m.start, m.end)
        if s1 - s0 > MAX_SENTENCE:
            s0, s1 = max(s0, chunk.start), min(s1, max(chunk.end, m.end))
        c0, c1 = around(clause_bounds, s0, s1, m.start, m.end)
        prev = rows[-1] if rows and rows[-1].sentence == s0 else None
        near_m = mentions[bisect_left(m_starts, s0):bisect_left(m_starts, s1)]
        near_q = quantities[bisect_left(q_starts, s0):bisect_left(q_starts, s1)]
        row = _build(text, meta, chunk, m, near_m, near_q, (s0, s1), Clause(c0, c1), prev, junk)
        if row is not None:
            rows.append(row)
    return [r.target for r in rows]


@dataclass
class _Reading:
    """How a clause reads around one quantity."""

    pre: str  # cleaned text before the number (comparator removed)
    after: str  # counted noun after "number + unit", "" if none
    level: str  # 达到 / 突破 / 不低于 …
    change: str  # 增长 / 增幅 … (also kept in `pre`)
    post: str  # 以上 / 左右 …
    list_item: bool  # a 、 item or a "(其中…" sub-count
    bare: bool  # may borrow the previous target's verb


def _read(text: str, m: NumberMention, part: Clause, in_part: list[NumberMention], list_item: bool,
          junk: list[tuple[int, int]] = ()) -> _Reading:
    """Read the indicator parts around quantity `m` inside its clause part."""
    i = in_part.index(m)
    post = post_comparator(text, m.end)
    after_stop = in_part[i + 1].start if i + 1 < len(in_part) else part.end
    after = _after_text(text, m.end + len(post), after_stop)
    pre_start = part.start
    if i > 0:
        q_after = in_part[i - 1].end + len(post_comparator(text, in_part[i - 1].end))
        # text already read as the previous quantity's noun is not this one's indicator
        pre_start = m.start if _after_text(text, q_after, m.start) else q_after
    # a clause cut inside markup/code (at the ':' of style="width:9px") starts after it
    pre_start = max([pre_start] + [b for a, b in junk if a < pre_start < b <= m.start])
    raw_pre = text[pre_start:m.start]
    list_item = list_item or bool(re.match(r"\s*[（(]?其中", raw_pre))
    pre, level, change = split_pre(raw_pre)
    pre = clean_indicator(drop_examples(strip_leading(re.sub(r"\s+", "", pre))))
    conjunct = i > 0 and pre_start == m.start  # "1家省级创新平台和1家市级创新平台"
    own_qualifier = any(q in raw_pre for q in vocab_words("qualifiers"))  # 争取省级科技奖励5项: 争取 is its verb
    bare = (list_item or conjunct or not after) and not own_qualifier
    return _Reading(pre, after, level, change, post, list_item, bare)


def _build(text: str, meta: DocMeta, chunk: Chunk, m: NumberMention, mentions: list[NumberMention],
           quantities: list[NumberMention], sentence: tuple[int, int], clause: Clause,
           prev: _Row | None, junk: list[tuple[int, int]] = ()) -> _Row | None:
    """One Target for quantity `m` in its clause, or None when no indicator can be read."""
    parts = list_items(text, clause, quantities)
    part = next(p for p in parts if p.start <= m.start < p.end)
    in_part = [q for q in quantities if part.start <= q.start < part.end]
    r = _read(text, m, part, in_part, len(parts) > 1 and part is not parts[0], junk)
    own = clean_indicator(r.pre + r.after)
    indicator, borrowed = _inherit(own, r.level, prev, m, r.bare)
    indicator = clean_indicator(indicator)
    if not _meaningful(indicator):
        return None
    subject, verb = _subject(indicator)
    s0, _ = sentence
    q0, q1 = quote_span(text, clause, s0)
    q0 = skip_list_marker(text, skip_markup(text, q0, q1), q1)
    if prev is not None and indicator != own:
        q0 = min(q0, prev.target.start)  # words were borrowed: quote them too
    target = Target(
        doc=chunk.doc, chunk_id=chunk.id, section=chunk.section, indicator=indicator,
        value=m.value, unit=m.unit, number=m.number, base_unit=m.base_unit,
        comparator=_comparator(r.change, r.level, m.approx, r.post),
        qualifier=_qualifier(text[s0:m.start]),
        year=_year(text[s0:m.start], [x for x in mentions if s0 <= x.start < m.start], meta),
        region=meta.region, quote=text[q0:q1], start=q0, end=q1,
    )
    return _Row(target, m, s0, borrowed or subject, verb)
