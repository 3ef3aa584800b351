"""Indicator wording of a target: vocabulary look-ups, leading filler and trailing connectors
stripped, comparators split off, markup/code fragments dropped. All word lists live in
base/data/target_vocab.json (``base.numbers.vocab``)."""
from __future__ import annotations

import re
from functools import cache

from base.numbers import vocab


@cache
def vocab_words(key: str) -> tuple[str, ...]:
    """A vocabulary list, longest first."""
    return tuple(sorted(vocab()[key], key=len, reverse=True))


@cache
def _strip_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in vocab()["strip_leading_patterns"])


def ending(s: str, key: str) -> str:
    """The longest word of vocabulary `key` that `s` ends with, or ""."""
    return next((w for w in vocab_words(key) if s.endswith(w)), "")


def leading_verb(s: str) -> str:
    """The longest vocabulary verb `s` starts with, or ""."""
    return next((w for w in vocab_words("verbs") if s.startswith(w)), "")


def has_verb(s: str) -> bool:
    return any(v in s for v in vocab_words("verbs"))


# ---------------------------------------------------------------- indicator cleaning


def strip_leading(s: str) -> str:
    """Remove leading qualifiers, time words, list markers and filler ("力争2023年全区…" → "…")."""
    s = s.strip()
    while True:
        before = s
        s = s.lstrip(" \t　,，、：:;；.．")
        for pat in _strip_patterns():
            s = pat.sub("", s, count=1)
        word = next((w for w in vocab_words("strip_leading") if s.startswith(w) and len(s) > len(w)), "")
        blocked = vocab()["strip_leading_blocked"].get(word, [])
        if word and len(leading_verb(s)) <= len(word) and not s.startswith(tuple(blocked), len(word)):
            s = s[len(word):]  # never cut into a longer verb or a word such as 并购 / 共享
        if s == before:
            return s


def strip_trailing(s: str) -> str:
    """Remove trailing connectors and punctuation ("省级创新平台和" → "省级创新平台")."""
    s = s.rstrip(" \t　,，、：:;；")
    while True:
        w = ending(s, "strip_trailing")
        if not w or len(s) == len(w):
            return s
        s = s[: -len(w)].rstrip(" \t　,，、")


def drop_examples(s: str) -> str:
    """Drop an example list closed by 等: "组织浩华生物、新亿通等申报…" → "组织申报…"; "支持甲研究院等" → "支持"."""
    for m in re.finditer("等", s):
        rest = s[m.end():]
        if rest and not leading_verb(rest):
            continue
        verb = leading_verb(s)
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
    level = ending(pre, "comparators_level")
    if level:
        pre = pre[: -len(level)]
    change = ending(pre, "comparators_change")
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
