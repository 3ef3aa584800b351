"""How well a span of a document matches a question's terms (alternatives, coverage, variants). Pure
functions; spans and sentences themselves are ``base.text``."""
from __future__ import annotations

import re
from functools import lru_cache


def section_at(stored, pos: int) -> str:
    """The section path of the chunk of a stored document that holds offset `pos` ("" outside any)."""
    for c in stored.chunks:
        if c.start <= pos < c.end:
            return c.section
    return ""


def alternatives(term: str) -> list[str]:
    """A term may carry alternatives: '技术合同交易额|技术合同成交额'."""
    return [a for a in term.split("|") if a]


def maximal_terms(terms: list[str]) -> list[str]:
    """Drop terms contained in longer ones (高新/技术/企业 inside 高新技术企业)."""
    return list(_maximal(tuple(terms)))


@lru_cache(maxsize=4096)
def _maximal(terms: tuple[str, ...]) -> tuple[str, ...]:
    uniq = list(dict.fromkeys(t for t in terms if t))

    def covers(t: str, u: str) -> bool:  # some wording of t lies inside some wording of u
        return any(a in b for a in alternatives(t) for b in alternatives(u))

    def size(t: str) -> int:
        return max(len(a) for a in alternatives(t))

    def inside(t: str, i: int, u: str, j: int) -> bool:
        """t is covered by u. When each covers the other ('孵化' and '孵化器|孵化') the one with the
        longer wording stays (ties: the earlier one): the shared short word is not all it asks."""
        if not covers(t, u):
            return False
        return not covers(u, t) or size(u) > size(t) or (size(u) == size(t) and j < i)

    return tuple(t for i, t in enumerate(uniq) if not any(j != i and inside(t, i, u, j) for j, u in enumerate(uniq)))


def term_len(term: str) -> int:
    return min(len(a) for a in alternatives(term)) if alternatives(term) else 0


def term_in(term: str, low_text: str) -> bool:
    return any(a.lower() in low_text for a in alternatives(term))


SOFT_SHARE = 0.85  # share of a long term's characters that makes a reordered variant count half
SOFT_PAIRS = 0.5  # … and share of its adjacent character pairs (its pieces stay whole)
SOFT_MIN_LEN = 4


def soft_in(term: str, low_text: str, chars: set[str] | None = None) -> bool:
    """A long term whose characters nearly all occur in the text (``chars``: the text's characters,
    when the caller has them), half of them still in adjacent pairs: a reordered or interleaved
    variant (技术合同成交额 ~ 技术市场成交合同额, 研发投入 ~ 研发经费投入), not characters scattered
    over other words (研发投入 in 投入应用技术研究与开发资金)."""
    chars = set(low_text) if chars is None else chars
    for a in alternatives(term):
        a = a.lower()
        if len(a) >= SOFT_MIN_LEN and sum(ch in chars for ch in set(a)) >= SOFT_SHARE * len(set(a)):
            pairs = [a[i:i + 2] for i in range(len(a) - 1)]
            if sum(p in low_text for p in pairs) >= SOFT_PAIRS * len(pairs):
                return True
    return False


# Variant characters that plan documents print for common ones (髙新技术企业): matched as the common form.
VARIANTS = str.maketrans("髙戶黒", "高户黑")


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])")


def match_text(text: str) -> str:
    """The form of a text that terms are looked up in: lower case, variant characters unified, and
    no spaces between Chinese characters (pages break words with them: 科技型中小 企业)."""
    return _CJK_GAP.sub("", text.lower().translate(VARIANTS))


def coverage(terms: list[str], text: str, weights: dict[str, float] | None = None) -> float:
    """Share of the (length-weighted) terms found in text; a long term present only as a
    reordered variant counts half."""
    terms = maximal_terms(terms)
    if not terms:
        return 0.0
    low = match_text(text)
    chars: set[str] | None = None
    total = got = 0.0
    for t in terms:
        w = len(alternatives(t)[0]) * (weights or {}).get(t, 1.0)  # the canonical form's length
        total += w
        if term_in(t, low):
            got += w
        else:
            chars = set(low) if chars is None else chars
            if soft_in(t, low, chars):
                got += w / 2
    return got / total if total else 0.0


