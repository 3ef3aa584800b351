"""Mentions across documents: "哪些地区提到了科技特派员? / which plans mention incubators?" — every
document that uses the term (or its synonyms), grouped by region, with its first quote and a count.
Candidate documents come from the lexical retriever (the term's passages), then each is checked."""
from __future__ import annotations

from assistant.compose.context import CitationBuilder, Context, answer, doc_name, key_terms, lowered, say
from assistant.compose.params import params
from assistant.compose.refusal import refuse
import re

from assistant.evidence import alternatives, match_text, term_len
from assistant.query import expand_english, vocab
from base.text import clip_around, sentence_bounds
from base.types import Answer


def object_phrase(q) -> str | None:
    """The words a mentions question names after 提到/mention, up to punctuation (瞪羚企业, 孵化器), or
    their Chinese glossary terms in English; None when it names none."""
    v = vocab()["mention_object"]
    pats = v["zh"] if q.lang == "zh" else v["en"]
    text = q.text if q.lang == "zh" else q.text.lower()
    m = re.search(rf"(?:{'|'.join(pats)})\s*([^，。？?！!、,;；]+)", text)
    if not m:
        return None
    phrase = re.sub(r"[“”\"'‘’（）()]", " ", m.group(1)).strip()
    if q.lang == "zh" and "/" in phrase:  # 创新型县/创新型区: either wording
        return "|".join(drop_leading_actions(p.strip()) for p in phrase.split("/") if len(p.strip()) >= 2) or None
    if q.lang == "zh":
        phrase = re.sub(r"的?(?:内容|文件|规划|地区|吗|呢)+$", "", phrase).strip()
        return drop_leading_actions(phrase) if len(phrase) >= 2 else None
    zh = [t for t in expand_english(phrase) if re.search(r"[\u4e00-\u9fff]", t)]
    cjk = re.findall(r"[\u4e00-\u9fff]{2,}", m.group(1))
    if len(cjk) > 1 and "/" in m.group(1):  # (创新型县/创新型区): either wording
        return "|".join(cjk)
    return (cjk[0] if cjk else max(zh, key=len)) if (cjk or zh) else None


def drop_leading_actions(phrase: str) -> str:
    """建设创新型城市 → 创新型城市: a plan says 建成国家创新型城市 or 落实…建设国家创新型城市的部署; what
    it mentions is the object, however it words the action (question_vocab mention_object)."""
    actions = vocab()["mention_object"].get("leading_actions", [])
    changed = True
    while changed:
        changed = False
        for a in actions:
            if phrase.startswith(a) and len(phrase) - len(a) >= 2:
                phrase, changed = phrase[len(a):], True
    return phrase


def subject_term(ctx: Context) -> str | None:
    """The term asked about: the phrase the question names after 提到/mention when the documents use
    it, else the question's most specific content word."""
    q = ctx.query
    phrase = object_phrase(q)
    if phrase and any(any(a.lower() in lowered(s.doc.text) for a in alternatives(phrase)) for s in ctx.docs.values()):
        return phrase
    keys = key_terms(q)
    if phrase and q.lang == "zh":
        inside = [k for k in keys if any(a in phrase for a in alternatives(k))]
        if len(inside) > 1 or (inside and inside[0] != phrase):
            return phrase  # a compound the documents never use (瞪羚企业): honest "no document mentions it"
    return max(keys, key=term_len) if keys else None


def first_mention(text: str, term: str) -> tuple[int, int] | None:
    low = match_text(text)
    hits = [(low.find(a.lower()), len(a)) for a in alternatives(term)]
    hits = [(i, n) for i, n in hits if i >= 0]
    if not hits:
        return None
    i, n = min(hits)
    return i, i + n


def compose_mentions(ctx: Context) -> Answer:
    q = ctx.query
    term = subject_term(ctx)
    if not term:
        return refuse(ctx)
    passages = ctx.wide(params()["mentions"]["passages"])
    order = list(dict.fromkeys([d.metadata["doc"] for d in passages] + list(ctx.docs)))
    cb = CitationBuilder()
    lines, rows = [], []
    for path in order:
        stored = ctx.docs.get(path)
        if stored is None or not any(a.lower() in lowered(stored.doc.text) for a in alternatives(term)):
            continue
        text = stored.doc.text
        span = first_mention(text, term)
        if span is None:
            continue
        sa, sb = sentence_bounds(text, *span)
        a, b = clip_around(text, span[0], span[1], sa, sb, limit=params()["mentions"]["quote_chars"])
        n = cb.cite(stored, a, b)
        count = sum(lowered(text).count(x.lower()) for x in alternatives(term))
        lines.append(say(q, f"- {doc_name(stored, 'zh')}：{text[a:b]}[{n}]",
                         f"- {doc_name(stored, 'en')}: {text[a:b]} [{n}]"))
        rows.append([stored.meta.region or "—", stored.meta.shown_title or path, str(count), f"[{n}]"])
    shown = alternatives(term)[0]
    if not lines:
        return refuse(ctx, say(q, f"资料中没有文件提到“{shown}”。", f"No document mentions “{shown}”."))
    # counts go to the structured part only: every numeral of the answer text is a quoted figure
    head = say(q, f"以下文件提到“{shown}”（每份文件引第一处）：", f"These documents mention “{shown}” (first mention quoted):")
    ans = answer(q, head + "\n" + "\n".join(lines), cb)
    ans.parts = [{"kind": "table", "columns": say(q, "地区|文件|次数|出处", "region|document|mentions|source").split("|"),
                  "rows": rows}]
    return ans
