"""Support measures for an enterprise: which sentences of a plan state a support/policy action
aimed at a kind of enterprise (or at enterprises in general). Shared by the chat's policy answers
(assistant.compose) and the web app's policy finder (ui.data), so both list the same
measures. Vocabulary: data/policy_vocab.json (support words) and data/question_vocab.json
(enterprise kinds)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Sequence

from assistant.evidence import section_at
from base.text import sentences
from base.vocab import data_dir, load_json
from assistant.query import vocab

DATA = data_dir(__file__)
GENERAL_TAG = "企业普遍适用"
_CLAUSE_SEP = re.compile(r"[，,；;：:]")


@lru_cache(maxsize=1)
def policy_vocab() -> dict[str, Any]:
    """The policy finder's vocabulary (assistant/data/policy_vocab.json)."""
    return load_json(DATA / "policy_vocab.json")


def _kinds_vocab() -> dict[str, Any]:
    return vocab().get("enterprise_kinds", {})


def kind_patterns(kind: str) -> list[re.Pattern[str]]:
    pats = _kinds_vocab().get(kind, {}).get("zh", [re.escape(kind)])
    return [re.compile(p) for p in pats]


def all_kind_patterns() -> list[re.Pattern[str]]:
    return [p for k in _kinds_vocab() for p in kind_patterns(k)]


@lru_cache(maxsize=1)
def _enterprise_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in policy_vocab()["enterprise"])


@lru_cache(maxsize=1)
def _support_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in policy_vocab().get("patterns", []))


def policy_keywords(keywords: Sequence[str]) -> list[str]:
    """The user's keywords that say something about the enterprise: generic words ("企业", "一家"),
    measure-word fragments ("一家", "两个") and duplicates dropped."""
    ignored = set(policy_vocab()["ignored_keywords"])
    out = []
    for k in keywords:
        k = (k or "").strip()
        k = re.sub(r"^(?:[一二两三几]|\d+)[家个名位类种]", "", k)  # "一家新材料企业" → "新材料企业"
        if len(k) < 2 and not re.search(r"[A-Za-z0-9]", k):
            continue
        if k and k not in ignored and k not in out:
            out.append(k)
    return out


_MARKUP = re.compile(r"<[^<>\n]{0,300}>")


def _states_count(clause: str) -> bool:
    """A bare count ("培育科技型中小企业100家"); markup a page left in its text (<img …=1>) is no count."""
    from base.mentions import find_numbers

    return any(m.is_quantity for m in find_numbers(_MARKUP.sub(" ", clause)))


def support_hits(sent: str) -> tuple[list[str], list[str], str]:
    """(strong support words, action words, live text) of `sent`: the words that make it a support
    measure, in vocabulary order, and its clauses that are not bare counts, joined. A bare count
    clause ("争取省级科技奖励5项", "培育科技型中小企业100家") states a target, not a measure: its words
    count only when the clause opens with a strong word ("支持全市10家…")."""
    v = policy_vocab()
    strong: list[str] = []
    action: list[str] = []
    live: list[str] = []
    openers = sorted(v.get("clause_openers", []), key=len, reverse=True)
    for clause in _CLAUSE_SEP.split(sent):
        if not clause.strip():
            continue
        counted = _states_count(clause)
        head = clause.strip()
        stripped = True
        while stripped:
            stripped = False
            for o in openers:
                if head.startswith(o) and len(head) > len(o):
                    head, stripped = head[len(o):], True
                    break
        if not counted or any(head.startswith(w) for w in v["strong"]):
            live.append(clause)
        for w in v["strong"]:
            if w in clause and (not counted or head.startswith(w)) and w not in strong:
                strong.append(w)
        for p in _support_patterns():
            m = p.search(clause)
            if m and not counted and m.group(0) not in strong:
                strong.append(m.group(0))
        if not counted:
            for w in v["action"]:
                if w in clause and w not in action:
                    action.append(w)
    return strong, action, "，".join(live)


def names_enterprises(sent: str, kind_pats: Iterable[re.Pattern[str]] = ()) -> bool:
    """Whether `sent` speaks of enterprises in general — outside the names of enterprise kinds
    (高新技术企业, 科技型中小企业 … are masked first: a measure for them is not for everyone)."""
    taken = [m.span() for p in kind_pats for m in p.finditer(sent)]
    return any(not any(a < m.end() and m.start() < b for a, b in taken)
               for p in _enterprise_patterns() for m in p.finditer(sent))


def is_heading_sentence(text: str, a: int, b: int) -> bool:
    """A numbered heading ("2.做优做实咸宁大学科技园。", "四、建设四类平台载体") at a line start: a
    title, not a measure. A numbered line with content ("1.新增高新技术企业42家，…") is no heading."""
    from base.headings import heading_rank, reads_as_title

    line_start = text.rfind("\n", 0, a) + 1
    if text[line_start:a].strip():
        return False
    sent = text[a:b]
    return heading_rank(sent) is not None and reads_as_title(sent)


def measures(stored: Any, kinds: Sequence[str], keywords: Sequence[str], include_general: bool = True,
             min_chars: int = 8) -> list[dict[str, Any]]:
    """The support measures of one document, best first.

    A sentence is a candidate when it states a support/policy action (``support_hits``) — numbered
    headings and bare count targets ("科技型中小企业入库2300家。") are not measures. It is kept when it
    names one of ``kinds`` outside its bare count clauses (tier 0), or a keyword (tier 1), or — with
    ``include_general`` — enterprises in general outside any kind name (tier 2, tagged GENERAL_TAG).
    Items: quote (verbatim sentence), start/end offsets, section, matched, support, tier, score.
    """
    pats = {k: kind_patterns(k) for k in kinds}
    every_kind = all_kind_patterns()
    kws = policy_keywords(keywords)
    text = stored.doc.text
    items = []
    for a, b in sentences(text, stored.meta.header_end or 0):
        sent = text[a:b]
        if len(sent) < min_chars or is_heading_sentence(text, a, b):
            continue
        strong, action, live = support_hits(sent)
        if not strong and not action:
            continue
        # the kind (or enterprises) must be the measure's object, not only a counted target
        hit_kinds = [k for k, ps in pats.items() if any(p.search(live) for p in ps)]
        hit_words = [w for w in kws if w.lower() in sent.lower()]
        if hit_kinds:
            tier = 0
        elif hit_words:
            tier = 1
        elif include_general and names_enterprises(live, every_kind):
            tier = 2
        else:
            continue
        matched = hit_kinds + hit_words + ([GENERAL_TAG] if tier == 2 else [])
        score = (4 * len(hit_kinds) + 3 * len(hit_words) + 2 * min(len(strong), 3) + min(len(action), 2)
                 + (1 if tier == 2 else 0))
        items.append({"quote": sent, "start": a, "end": b, "section": section_at(stored, a),
                      "matched": matched, "support": strong + action, "tier": tier, "score": score})
    items.sort(key=lambda i: (i["tier"], -i["score"], i["start"]))
    return items
