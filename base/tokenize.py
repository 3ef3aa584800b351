"""Tokens for the lexical (BM25) index: jieba search-mode words with a domain user dictionary.

Shared by ingest (documents) and retrieval (questions), so both sides tokenise alike.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

from base.vocab import BASE_DATA

_lock = threading.Lock()
_WORD = re.compile(r"[\w&]+", re.UNICODE)
STOP = frozenset("的 了 和 与 及 等 在 对 为 是 有 将 把 被 由 于 以 并 或 其 之 中 上 下 个 要 年 我 你 吗 呢 啊 吧 多少 什么 哪些 哪个 如何 怎么 几 the a an of to in for and or is are be what how which many much does do".split())


@lru_cache(maxsize=1)
def _jieba():
    with _lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        jieba.load_userdict(str(BASE_DATA / "userdict.txt"))
        return jieba


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[str]:
    """Search-mode tokens (overlapping sub-words of long words), stop words and punctuation dropped."""
    jb = _jieba()
    out = []
    for t in jb.lcut_for_search(normalise(text)):
        t = t.strip()
        if not t or t in STOP or not _WORD.fullmatch(t):
            continue
        out.append(t)
    return out


def is_word(term: str) -> bool:
    """A word of the segmenter's dictionary (not an accidental join such as 项省 in 多少项省…)."""
    return bool(_jieba().dt.FREQ.get(normalise(term)))


@lru_cache(maxsize=8192)
def is_nominal(term: str) -> bool:
    """Whether a term names a thing (a noun or a nominalised verb in the segmenter's tagging:
    外资, 博士, 奖励) rather than an action or a function word (做到, 希望, 针对): what a question
    asks *about*, which a document that never uses it cannot answer."""
    import jieba.posseg as pseg

    _jieba()  # the user dictionary is loaded
    with _lock:
        pairs = pseg.lcut(normalise(term))
    return any(p.flag.startswith("n") or p.flag == "vn" for p in pairs if p.word.strip())
