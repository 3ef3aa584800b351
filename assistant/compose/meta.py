"""About the document itself: its issuer, date, 文号, any field of the page's header block (索引号,
有效性 …) and the years or period it covers — each cited where the text states it."""
from __future__ import annotations

import re
from functools import lru_cache

from assistant.compose.context import CitationBuilder, Context, answer, doc_name, say
from assistant.compose.refusal import refuse
from assistant.compose.support import model
from assistant.compose.text import column_answer, compose_sentence, entity_pattern, scored_sentences
from assistant.query import Query, matches_patterns, matches_type, vocab
from base.header import HeaderField, chinese_date_forms, header_pairs
from base.regions import genre
from base.text import YEAR_RANGE_DASHES, clip_around, sentence_bounds
from base.types import Answer
from store import StoredDoc

FIELD_LABEL = {"date": ("日期", "date"), "signed": ("落款日期", "signature date"), "doc_no": ("文号", "document number"),
               "issuer": ("发布机构", "issuer")}
_YEAR = re.compile(r"(?:19|20)\d{2}")
_ASKS_YEARS = re.compile(r"哪[一几]?年|什么年份|哪个年份|哪一年度|时间(?:跨度|范围)|(?:期限|周期)(?:跨度|范围)?|规划期|"
                         r"which years?|what years?|time (?:span|frame|period|horizon)|what period|cover", re.I)


@lru_cache(maxsize=1024)
def _pairs(key: str, text: str) -> tuple[HeaderField, ...]:
    return tuple(header_pairs(text))


def pairs(stored: StoredDoc) -> tuple[HeaderField, ...]:
    return _pairs(stored.key, stored.doc.text)


def asked_labels(q: Query) -> list[str]:
    """Header labels the question names: the label itself in Chinese, through header_labels in English."""
    if q.lang == "zh":
        return []  # matched against each document's own labels
    low = q.text.lower()
    return [lab for pat, labs in vocab()["header_labels"].items() if not pat.startswith("_")
            and any(_is_head(low, m.end()) for m in re.finditer(pat, low)) for lab in labs]


_NEXT_WORD = re.compile(r"\s+([a-z]+)")


def _is_head(low: str, end: int) -> bool:
    """Whether a label ending at `end` is the thing asked, not a modifier of the noun after it:
    followed by nothing, punctuation or a word of _followers (the source of …, the source?)."""
    if end >= len(low) or not low[end].isspace():
        return True  # the end, punctuation, or the rest of a word the pattern stops inside (expir…)
    m = _NEXT_WORD.match(low, end)
    return not m or m.group(1) in vocab()["header_labels"]["_followers"]


def fields_named(q: Query, stored: StoredDoc) -> list[HeaderField]:
    """The header fields of `stored` that the question names by their labels (each label once)."""
    labels = asked_labels(q)
    out: dict[str, HeaderField] = {}
    for f in pairs(stored):
        if ((q.lang == "zh" and len(f.key) >= 2 and f.key in q.text) or f.key in labels) and f.key not in out:
            out[f.key] = f
    return list(out.values())


def fields_asked(q: Query, stored: StoredDoc) -> list[HeaderField]:
    """The header fields a question of another type asks for by label: in Chinese the label as the
    thing asked (这篇材料的来源是什么), not inside another word (多长时间 is no 时间 field)."""
    return [f for f in fields_named(q, stored)
            if q.lang != "zh" or re.search(rf"(?:^|的){re.escape(f.key)}(?:是|为|[:：?？]|$)", q.text)]


def asks_author(q: Query) -> bool:
    return matches_patterns(q.text, q.lang, vocab()["authorship"])


_DATE_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*$")


def signatory(stored: StoredDoc) -> tuple[str, int, int] | None:
    """The body that signs the plan itself: a short line ending with an issuer's suffix next to a
    date line (重庆市大渡口区科学技术局 / 2021年8月), the author — beside the page's publisher."""
    suffixes = tuple(genre()["issuer_suffixes"])
    text = stored.doc.text
    lines, pos = [], 0
    for ln in text.split("\n"):
        lines.append((pos, ln))
        pos += len(ln) + 1
    for i, (a, ln) in enumerate(lines):
        t = ln.strip()
        if not (4 <= len(t) <= 30 and t.endswith(suffixes)) or re.search(r"[，,。；]", t):
            continue
        near = [x.strip() for _, x in lines[i + 1:i + 4] if x.strip()][:1] + [x.strip() for _, x in lines[max(0, i - 3):i] if x.strip()][-1:]
        if any(_DATE_LINE.match(x) for x in near):
            b = a + len(ln.rstrip())
            a2 = a + len(ln) - len(ln.lstrip())
            return t, a2, b
    return None


def target_docs(ctx: Context) -> list[StoredDoc]:
    """The document(s) asked about: those named by region or reference, else the best retrieved one."""
    docs = list(ctx.docs.values())
    if len(docs) > 1 and ctx.passages:
        first = ctx.passages[0].metadata["doc"]
        docs.sort(key=lambda s: s.doc.path != first)
        if not ctx.query.regions or len(ctx.groups) <= 1:
            return docs[:1]
    return docs[:3]


def _written_forms(value: str, field: str) -> list[str]:
    """The ways a page writes a metadata value: a date 2025-06-05 as 2025年6月5日 or 2025年06月05日."""
    probes = [value]
    if field in ("date", "signed") and value.count("-") == 2:
        y, m, d = value.split("-")
        probes += [f"{y}年{int(m)}月{int(d)}日", f"{y}年{m}月{d}日", f"{y}.{int(m)}.{int(d)}",
                   *chinese_date_forms(int(y), int(m), int(d))]
    return probes


_CLOCK = re.compile(r"[ \t]*\d{1,2}:\d{2}(?::\d{2})?(?!\d)")


def as_written(stored: StoredDoc, value: str, field: str, span: tuple[int, int]) -> str:
    """The value in the wording of the line that states it (2025年06月05日 rather than 2025-06-05)."""
    quoted = stored.doc.text[span[0]:span[1]]
    return next((p for p in _written_forms(value, field) if p in quoted), value)


def stamp(stored: StoredDoc, written: str, span: tuple[int, int]) -> str | None:
    """The date with the time of day the page prints after it (2021-05-11 06:22:00), or None."""
    quoted = stored.doc.text[span[0]:span[1]]
    at = quoted.find(written)
    clock = _CLOCK.match(quoted, at + len(written)) if at >= 0 else None
    return written + clock.group(0) if clock else None


def locate(stored: StoredDoc, value: str, field: str) -> tuple[int, int] | None:
    """Span of the line that states a metadata value (the header field's line first)."""
    for f in pairs(stored):
        if f.value == value or value in f.value:
            return f.line_start, f.line_end
    text = stored.doc.text
    for p in _written_forms(value, field):
        i = text.find(p)
        if i >= 0:
            ls = text.rfind("\n", 0, i) + 1
            le = text.find("\n", i)
            le = len(text) if le < 0 else le
            if le - ls <= 120:
                return ls, le
            tail = _BYLINE_TAIL.match(text, i + len(p))  # 海东日报讯(记者 张璐): the source with its reporter
            return i, tail.end() if tail else i + len(p)
    return None


_BYLINE_TAIL = re.compile(r"讯\s*[(（]([^()（）]{1,24})[)）]")


def asked_fields(q: Query) -> list[str]:
    """The metadata fields the question asks for, in order (issuer and date together: "who issued it
    and when"); a date asked is the page's date and, when the text is signed on another day, that
    day too."""
    kinds = [k for k in ("issuer", "date", "docno") if k == q.qtype or matches_type(q.text, q.lang, k)]
    fields = [{"date": "date", "docno": "doc_no", "issuer": "issuer"}[k] for k in kinds] or ["date"]
    return [g for f in fields for g in ((f, "signed") if f == "date" else (f,))]


def _years_line(ctx: Context, stored: StoredDoc, cb: CitationBuilder) -> str | None:
    """The years or period the plan covers, cited where the text names the first and the last."""
    years = stored.meta.years
    if not years:
        return None
    text = stored.doc.text
    written = re.search(rf"{years[0]}\s*年?\s*[{YEAR_RANGE_DASHES}]+\s*{years[-1]}(?:\s*年)?", text) if len(years) > 1 else None
    if written is not None:
        # the period as the plan writes it (规划期限为2021-2025年), cited there
        a, b = sentence_bounds(text, written.start(), written.end())
        a, b = clip_around(text, written.start(), written.end(), a, b, limit=80)
        mark = cb.mark(cb.cite(stored, a, b), ctx.query.lang)
        return say(ctx.query, f"{doc_name(stored, 'zh')}针对的年份：{written.group(0)}{mark}",
                   f"{doc_name(stored, 'en')} covers: {written.group(0)}{mark}")
    marks = []
    for y in dict.fromkeys((years[0], years[-1])):
        i = text.find(str(y))
        if i < 0:
            return None
        a, b = sentence_bounds(text, i, i + 4)
        a, b = clip_around(text, i, i + 4, a, b, limit=80)
        marks.append(cb.mark(cb.cite(stored, a, b), ctx.query.lang))
    span = (f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年") if ctx.query.lang == "zh" \
        else (f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]))
    return say(ctx.query, f"{doc_name(stored, 'zh')}针对的年份：{span}{''.join(marks)}",
               f"{doc_name(stored, 'en')} covers: {span}{''.join(marks)}")


_DAY = re.compile(r"(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*日")


_TIME = re.compile(rf"{_YEAR.pattern}|{_DAY.pattern}|\d{{1,2}}\s*月|[一二三四]?季度|[上下]半年|年底|年内|年末|月底|之日起")


def _time_type(s) -> tuple[float, float]:
    """A sentence that says a time (a year, a day, 年底, 之日起 …) is the kind of answer a when-question asks."""
    return (1.0, 0.0) if _TIME.search(s.text) else (0.0, 0.0)


def _day_type(s) -> tuple[float, float]:
    return (1.0, 0.0) if _DAY.search(s.text) else (0.0, 0.0)


@lru_cache(maxsize=1)
def _issuing() -> re.Pattern[str]:
    """A body issuing a named document in running text: a name of the entity kind, a few words (贯彻…精神),
    an issuing verb (genre.json issuing_verbs), then the title in 《》 (…人民政府…出台《…实施意见》)."""
    verbs = "|".join(map(re.escape, sorted(genre()["issuing_verbs"], key=len, reverse=True)))
    return re.compile(rf"(?:{entity_pattern().pattern})[^。；;！？!?\n《]{{0,30}}?(?:{verbs})了?\s*《")


def _issuing_type(s) -> tuple[float, float]:
    """For who issued a plan: a sentence saying that a body issued a named document is the kind of answer asked."""
    return (1.0, 0.0) if _issuing().search(s.text) else (0.5, 0.0)


def _issuance_first(ranked: list) -> list:
    """Who issued a plan the question names, when the page does not say who issued itself: a
    supported sentence saying that a body issued a named document comes before the others."""
    th = model().threshold
    return sorted(ranked, key=lambda r: not (r.p >= th and r.feats.get("type_ok", 0) >= 1.0))


def _dated_sentence(ctx: Context, date: re.Pattern[str], type_of=None, among: int = 1) -> Answer | None:
    """A well supported sentence naming the kind of date asked answers it, when one of the `among`
    best does: years, for a years question about something the plan cites (功能区建设三年行动方案覆盖
    哪几年?); a month and day, preferred as the kind of answer asked (`type_of`), for the day of an
    event the question names (记者从…新闻发布会获悉 on 2月3日, 3月24日…会议召开)."""
    ranked = scored_sentences(ctx, type_of)
    th = model().threshold
    if any(r.p >= th and date.search(r.sentence.text) and r.feats.get("key_local", 0) >= th for r in ranked[:among]):
        return compose_sentence(ctx, type_of, limit=1, ranked=ranked)
    return None


def _field_line(ctx: Context, stored: StoredDoc, name: str, cb: CitationBuilder) -> str | None:
    q = ctx.query
    value = getattr(stored.meta, name)
    span = locate(stored, value, name) if value else None
    if span is None:
        return None
    n = cb.cite(stored, *span, section="")
    value = as_written(stored, value, name, span)
    timed = stamp(stored, value, span) if name in ("date", "signed") else None
    if timed:  # the day, then the moment the page gives (发布时间 2021-05-11 06:22:00)
        value = say(q, f"{value}（页面时间 {timed}）", f"{value} (page time {timed})")
    byline = _BYLINE_TAIL.search(stored.doc.text, span[0], span[1]) if name == "issuer" else None
    if byline:  # 海东日报讯(记者 张璐): the source is stated with its reporter, who is named too
        value = f"{value}（{byline.group(1).strip()}）"
    zh, en = FIELD_LABEL[name]
    return say(q, f"{doc_name(stored, 'zh')}的{zh}：{value}[{n}]", f"The {en} of {doc_name(stored, 'en')}: {value} [{n}]")


def compose_meta(ctx: Context) -> Answer:
    q = ctx.query
    if not ctx.docs:
        return refuse(ctx)
    cb = CitationBuilder()
    lines = []
    for stored in target_docs(ctx):
        named = fields_named(q, stored)
        for f in named:
            n = cb.cite(stored, f.line_start, f.line_end, section="")
            lines.append(say(q, f"{doc_name(stored, 'zh')}的{f.key}：{f.value}[{n}]",
                             f"{doc_name(stored, 'en')} — {f.key}: {f.value} [{n}]"))
        covered = {f.field for f in named}
        if "issuer" not in covered and asks_author(q):
            sig = signatory(stored)
            if sig is not None:
                n = cb.cite(stored, sig[1], sig[2], section="")
                lines.append(say(q, f"{doc_name(stored, 'zh')}的编制单位：{sig[0]}[{n}]",
                                 f"{doc_name(stored, 'en')} was drawn up by {sig[0]} [{n}]"))
                covered.add("issuer")
        if named and q.qtype in ("date", "docno", "issuer"):
            lines += [ln for ln in (_field_line(ctx, stored, name, cb) for name in asked_fields(q)
                                    if name not in covered and name != "doc_no") if ln]
    if lines:
        return answer(q, "\n".join(lines), cb)
    if q.qtype in ("issuer", "docno"):
        # who issued it, its number: the document's own metadata before a column of its table
        lines = [ln for stored in target_docs(ctx) for ln in (_field_line(ctx, stored, name, cb)
                                                              for name in asked_fields(q)) if ln]
        if lines:
            return answer(q, "\n".join(lines), cb)
    ranked = scored_sentences(ctx, _issuing_type if q.qtype == "issuer" else None)
    by_column = column_answer(ctx, ranked)  # 完成期限, 责任单位: a column of the document's table
    if by_column is not None:
        return by_column
    event = _dated_sentence(ctx, _DAY, _day_type) if q.qtype == "date" and not _ASKS_YEARS.search(q.text) else None
    if event is not None:
        return event
    for stored in target_docs(ctx):
        if q.qtype == "date" and _ASKS_YEARS.search(q.text):
            dated = _dated_sentence(ctx, _YEAR, among=3)
            if dated is not None:
                return dated
            ln = _years_line(ctx, stored, cb)
            if ln:
                lines.append(ln)
            continue
        lines += [ln for ln in (_field_line(ctx, stored, name, cb) for name in asked_fields(q)) if ln]
    if lines:
        return answer(q, "\n".join(lines), cb)
    # a when-question is answered by a sentence that says a time, never by one that says none
    timed = [r for r in scored_sentences(ctx, _time_type) if _TIME.search(r.sentence.text)] if q.qtype == "date" else None
    fallback = compose_sentence(ctx, ranked=timed if q.qtype == "date" else _issuance_first(ranked) if q.qtype == "issuer" else None)
    if not fallback.refused:
        return fallback
    return refuse(ctx, say(q, "资料中没有写明这一信息。", "The documents do not state this."))
