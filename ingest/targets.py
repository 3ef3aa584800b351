"""Stage 5: extract every quantitative target of a document into `Target` rows.

Each quantity (base.numbers.find_numbers) in a chunk becomes one Target. Its clause is cut at
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
All word lists live in ingest/data/target_vocab.json.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from base.numbers import NumberMention, find_numbers, vocab
from base.types import Chunk, Doc, DocMeta, Target

SENTENCE_ENDS = "。；;！？!?\n"
CLAUSE_ENDS = SENTENCE_ENDS + "，,：:"
SHORT_QUOTE = 8  # a clause shorter than this is quoted together with the clause before it


@dataclass
class _Clause:
    start: int
    end: int


@dataclass
class _Row:
    """A target under construction, with the parts later targets of the sentence may borrow."""

    target: Target
    mention: NumberMention
    sentence: int  # start offset of the sentence
    subject: str  # indicator without leading verb / trailing change word
    lead_verb: str


# ---------------------------------------------------------------- vocabulary helpers


@cache
def _words(key: str) -> tuple[str, ...]:
    """A vocabulary list, longest first."""
    return tuple(sorted(vocab()[key], key=len, reverse=True))


@cache
def _strip_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in vocab()["strip_leading_patterns"])


def _ending(s: str, key: str) -> str:
    """The longest word of vocabulary `key` that `s` ends with, or ""."""
    return next((w for w in _words(key) if s.endswith(w)), "")


def _leading_verb(s: str) -> str:
    """The longest vocabulary verb `s` starts with, or ""."""
    return next((w for w in _words("verbs") if s.startswith(w)), "")


def _has_verb(s: str) -> bool:
    return any(v in s for v in _words("verbs"))


# ---------------------------------------------------------------- indicator cleaning


def strip_leading(s: str) -> str:
    """Remove leading qualifiers, time words, list markers and filler ("力争2023年全区…" → "…")."""
    s = s.strip()
    while True:
        before = s
        s = s.lstrip(" \t　,，、：:;；.．")
        for pat in _strip_patterns():
            s = pat.sub("", s, count=1)
        word = next((w for w in _words("strip_leading") if s.startswith(w) and len(s) > len(w)), "")
        blocked = vocab()["strip_leading_blocked"].get(word, [])
        if word and len(_leading_verb(s)) <= len(word) and not s.startswith(tuple(blocked), len(word)):
            s = s[len(word):]  # never cut into a longer verb or a word such as 并购 / 共享
        if s == before:
            return s


def strip_trailing(s: str) -> str:
    """Remove trailing connectors and punctuation ("省级创新平台和" → "省级创新平台")."""
    s = s.rstrip(" \t　,，、：:;；")
    while True:
        w = _ending(s, "strip_trailing")
        if not w or len(s) == len(w):
            return s
        s = s[: -len(w)].rstrip(" \t　,，、")


def _drop_examples(s: str) -> str:
    """Drop an example list closed by 等: "组织浩华生物、新亿通等申报…" → "组织申报…"; "支持甲研究院等" → "支持"."""
    for m in re.finditer("等", s):
        rest = s[m.end():]
        if rest and not _leading_verb(rest):
            continue
        verb = _leading_verb(s)
        return verb + rest
    return s


def _balance_parens(s: str) -> str:
    """Remove an unmatched opening/closing parenthesis at either end."""
    for op, cl in (("(", ")"), ("（", "）")):
        if s.count(op) < s.count(cl) and s.endswith(cl):
            s = s[:-1]
        if s.count(op) > s.count(cl) and op in s:
            i = s.rfind(op)
            s = s[:i] + s[i + 1:]
    return s


def split_pre(pre: str) -> tuple[str, str, str]:
    """Split the text before a number into (indicator part, level comparator, change word).

    "技术合同交易额达" → ("技术合同交易额", "达", ""); "营业收入增幅达到" → ("营业收入增幅", "达到", "增幅").
    Change words (增长/增幅/提升 …) stay in the indicator: they say what is measured.
    """
    pre = pre.rstrip(" \t　")
    level = _ending(pre, "comparators_level")
    if level:
        pre = pre[: -len(level)]
    change = _ending(pre, "comparators_change")
    return pre, level, change


# Markup or code pasted into a text (<script>…</script>, <img src=x onerror=…>, onclick="…",
# var a=1;f(){…}) is no part of an indicator: a tag, or a run of ASCII characters holding one of
# < > { } =. Plain ASCII words of the genre (R&D, GDP, 5G, AI) hold none of them.
_TAG = re.compile(r"<[^<>\n]{0,300}>")
_SCRIPT = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>", re.I | re.S)
_CODE_RUN = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_CODE_CHARS = re.compile(r"[<>{}=]")


def markup_spans(text: str) -> list[tuple[int, int]]:
    """Spans of markup/code-like fragments of `text` (tags, ASCII runs holding < > { } =), sorted."""
    spans = [m.span() for m in _SCRIPT.finditer(text)] + [m.span() for m in _TAG.finditer(text)]
    spans += [m.span() for m in _CODE_RUN.finditer(text) if _CODE_CHARS.search(m.group(0))]
    return sorted(spans)


def strip_markup(s: str) -> str:
    """`s` without markup/code-like fragments; "" when markup characters would remain."""
    s = _TAG.sub("", _SCRIPT.sub("", s))
    if re.search(r"<[/!]?[A-Za-z]", s):
        return ""  # an unclosed tag: what follows it is attribute junk
    s = _CODE_RUN.sub(lambda m: "" if _CODE_CHARS.search(m.group(0)) else m.group(0), s)
    return "" if _CODE_CHARS.search(s) else s


def clean_indicator(s: str) -> str:
    """Normalise spacing, drop markup/code fragments, strip leading filler and trailing connectors."""
    s = strip_markup(re.sub(r"\s+", "", s))
    s = _balance_parens(strip_trailing(strip_leading(s)))
    return strip_trailing(strip_leading(s))


def indicator_key(indicator: str) -> str:
    """Normalised indicator for matching questions: NFKC, lower case, no spaces/quotes, 高企 → 高新技术企业."""
    v = vocab()
    s = unicodedata.normalize("NFKC", indicator).lower()
    s = s.translate(str.maketrans(v["char_variants"]))
    s = re.sub(r"[\s“”\"'‘’《》「」『』]", "", s)
    blocked = v["abbreviation_blocked_before"]
    abbrs = sorted(v["abbreviations"].items(), key=lambda kv: len(kv[0]), reverse=True)
    out, i = [], 0
    while i < len(s):
        for short, full in abbrs:
            if s.startswith(short, i) and not (i > 0 and s[i - 1] in blocked.get(short, "")):
                out.append(full)
                i += len(short)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


# ---------------------------------------------------------------- clauses


def _boundaries(text: str, chars: str, masked: list[tuple[int, int]]) -> list[int]:
    """Positions of separator characters that are not inside a number mention (e.g. "1,200")."""
    starts = [a for a, _ in masked]
    out = []
    for i, ch in enumerate(text):
        if ch in chars:
            k = bisect_right(starts, i) - 1
            if k >= 0 and masked[k][0] <= i < masked[k][1]:
                continue
            out.append(i)
    return out


def _around(bounds: list[int], lo: int, hi: int, pos: int, end: int) -> tuple[int, int]:
    """The span between the separators enclosing [pos, end), limited to [lo, hi)."""
    k = bisect_right(bounds, pos - 1) - 1
    start = max(lo, bounds[k] + 1) if k >= 0 else lo
    k2 = bisect_right(bounds, end - 1)
    stop = min(hi, bounds[k2]) if k2 < len(bounds) else hi
    return start, stop


def _post(text: str, pos: int) -> str:
    """The post comparator (以上/左右 …) written at `pos`, or ""."""
    return next((w for w in _words("comparators_post") if text.startswith(w, pos)), "")


def _list_items(text: str, clause: _Clause, quantities: list[NumberMention]) -> list[_Clause]:
    """Split a clause at each 、 that directly follows a quantity (+以上 …)."""
    cuts = []
    for m in quantities:
        if not clause.start <= m.start < clause.end:
            continue
        p = m.end + len(_post(text, m.end))
        p += len(re.match(r"[（(][^（）()]{0,8}[）)]|", text[p:]).group(0))  # type: ignore[union-attr]
        if p < clause.end and text[p] == "、":
            cuts.append(p)
    if not cuts:
        return [clause]
    edges = [clause.start] + [c + 1 for c in cuts]
    ends = cuts + [clause.end]
    return [_Clause(a, b) for a, b in zip(edges, ends)]


# ---------------------------------------------------------------- qualifier and year


def _qualifier(sentence: str) -> str:
    """The last qualifier (力争/确保 …) in the sentence text before the number."""
    v = vocab()
    blocked = v["qualifier_blocked_after"]
    best, best_at = "", -1
    for q in _words("qualifiers"):
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
    if not ind or any(ind.startswith(h) for h in _words("relational_heads")):
        return row.subject + ind, row.subject  # 增幅达到59% → 研发经费投入增幅
    if ind in _words("verbs") and not level:
        return ind + row.subject, row.subject  # 认定通过170家 → 认定通过高企
    if row.lead_verb and not level and not _has_verb(ind) and row.mention.base_unit == m.base_unit and bare:
        return row.lead_verb + ind, ""  # 县级科技特派员500名 → 选派县级科技特派员
    return ind, ""


def _subject(indicator: str) -> tuple[str, str]:
    """(indicator without its leading verb and trailing change word, that leading verb)."""
    verb = _leading_verb(indicator)
    subject = indicator[len(verb):] or indicator
    change = _ending(subject, "comparators_change")
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
    sentence_bounds = _boundaries(text, SENTENCE_ENDS, masked)
    clause_bounds = _boundaries(text, CLAUSE_ENDS, masked)
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
        s0, s1 = _around(sentence_bounds, 0, len(text), m.start, m.end)
        if s1 - s0 > MAX_SENTENCE:
            s0, s1 = max(s0, chunk.start), min(s1, max(chunk.end, m.end))
        c0, c1 = _around(clause_bounds, s0, s1, m.start, m.end)
        prev = rows[-1] if rows and rows[-1].sentence == s0 else None
        near_m = mentions[bisect_left(m_starts, s0):bisect_left(m_starts, s1)]
        near_q = quantities[bisect_left(q_starts, s0):bisect_left(q_starts, s1)]
        row = _build(text, meta, chunk, m, near_m, near_q, (s0, s1), _Clause(c0, c1), prev, junk)
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


def _read(text: str, m: NumberMention, part: _Clause, in_part: list[NumberMention], list_item: bool,
          junk: list[tuple[int, int]] = ()) -> _Reading:
    """Read the indicator parts around quantity `m` inside its clause part."""
    i = in_part.index(m)
    post = _post(text, m.end)
    after_stop = in_part[i + 1].start if i + 1 < len(in_part) else part.end
    after = _after_text(text, m.end + len(post), after_stop)
    pre_start = part.start
    if i > 0:
        q_after = in_part[i - 1].end + len(_post(text, in_part[i - 1].end))
        # text already read as the previous quantity's noun is not this one's indicator
        pre_start = m.start if _after_text(text, q_after, m.start) else q_after
    # a clause cut inside markup/code (at the ':' of style="width:9px") starts after it
    pre_start = max([pre_start] + [b for a, b in junk if a < pre_start < b <= m.start])
    raw_pre = text[pre_start:m.start]
    list_item = list_item or bool(re.match(r"\s*[（(]?其中", raw_pre))
    pre, level, change = split_pre(raw_pre)
    pre = clean_indicator(_drop_examples(strip_leading(re.sub(r"\s+", "", pre))))
    conjunct = i > 0 and pre_start == m.start  # "1家省级创新平台和1家市级创新平台"
    own_qualifier = any(q in raw_pre for q in _words("qualifiers"))  # 争取省级科技奖励5项: 争取 is its verb
    bare = (list_item or conjunct or not after) and not own_qualifier
    return _Reading(pre, after, level, change, post, list_item, bare)


def _build(text: str, meta: DocMeta, chunk: Chunk, m: NumberMention, mentions: list[NumberMention],
           quantities: list[NumberMention], sentence: tuple[int, int], clause: _Clause,
           prev: _Row | None, junk: list[tuple[int, int]] = ()) -> _Row | None:
    """One Target for quantity `m` in its clause, or None when no indicator can be read."""
    parts = _list_items(text, clause, quantities)
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
    q0, q1 = _quote_span(text, clause, s0)
    q0 = _skip_list_marker(text, _skip_markup(text, q0, q1), q1)
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


@cache
def _marker_patterns() -> tuple[re.Pattern[str], ...]:
    from base.regions import genre

    return tuple(re.compile(h["pattern"]) for h in genre()["headings"])


def _skip_list_marker(text: str, q0: int, q1: int) -> int:
    """Start of a quote moved past the list marker of its line ("1.新增…42家" → "新增…42家")."""
    if text[text.rfind("\n", 0, q0) + 1:q0].strip():
        return q0  # not at a line start
    piece = text[q0:q1]
    for pat in _marker_patterns():
        m = pat.match(piece)
        if m and m.end() < len(piece):
            q0 += m.end()
            while q0 < q1 and text[q0].isspace():
                q0 += 1
            break
    return q0


def _skip_markup(text: str, q0: int, q1: int) -> int:
    """Start of a quote moved past markup/code fragments it would begin with."""
    while q0 < q1:
        spans = [b for a, b in markup_spans(text[q0:q1]) if a == 0]
        if not spans:
            break
        q0 += max(spans)
        while q0 < q1 and text[q0].isspace():
            q0 += 1
    return q0


def _quote_span(text: str, clause: _Clause, s0: int) -> tuple[int, int]:
    """The clause, trimmed of blanks; a short clause is quoted with the clause before it."""
    a, b = clause.start, clause.end
    if b - a < SHORT_QUOTE and a > s0:
        k = a - 1
        while k > s0 and text[k - 1] not in CLAUSE_ENDS:
            k -= 1
        a = k
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
