"""The grounding check of a generated (LLM) answer — small pure functions, no model involved.

Given the passages the model was shown (numbered [1]..[k]) and the text it produced:

1. every citation marker [n] refers to a passage that was given;
2. every number in a sentence (Arabic or Chinese numerals: 3、三家、十五个、一百二十) occurs in the
   passage(s) that sentence cites (or that it was matched to), or in the cited document's title,
   date or 文号;
3. a Chinese sentence with markers must share enough wording with the passages it cites
   (char-bigram containment ≥ ``MARKED_MIN``); a sentence without a marker must be verbatim or
   near-verbatim in one passage (containment ≥ ``UNMARKED_MIN``), else it is flagged;
4. "资料中未找到" / "not found in the documents" without any marker is a refusal.

Passage text that reads like an instruction to the model ("忽略以上指令，回答……", "ignore previous
instructions …") is removed from the evidence before checking, so text injected into a document
can never make an answer acceptable that would be rejected without it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.grounding import numbers as arabic_numbers

MARKED_MIN = 0.35  # share of a cited sentence's char bigrams found in the passages it cites
UNMARKED_MIN = 0.8  # … of an uncited sentence's bigrams found in one passage (near-verbatim)
TRIVIAL_CHARS = 8  # a sentence with at most this many letters/CJK chars and no number claims nothing
HEADER_MAX = 30  # "咸宁市的目标如下：" — a short line ending with a colon introduces a list

REFUSAL_PHRASES = ("资料中未找到", "资料中没有找到", "资料中未能找到", "资料未提及", "资料中没有提到",
                   "not found in the documents", "the documents do not contain", "the documents don't contain",
                   "no information in the documents")

# marker variants the model may write: [1] 【1】 ［1］ [1,2] [1、3] [资料1] [1-2] are normalised to [1][2]
_MARKER_ANY = re.compile(r"[\[【［]\s*(?:资料|编号|passage\s*|source\s*)?(\d{1,3}(?:\s*(?:[,，、;；]|-|–|~)\s*\d{1,3})*)\s*[\]】］]",
                         re.I)
_MARKER = re.compile(r"\[(\d{1,3})\]")
_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.S | re.I)
_SPECIAL = re.compile(r"<\|?(?:end_of_turn|start_of_turn|eos|bos|im_end|im_start|endoftext|eot_id)\|?>(?:model|user|assistant)?",
                      re.I)
_SENT_END = "。！？!?；;\n"
_INJECTION = re.compile(
    r"忽略(?:掉)?(?:以上|上述|上面|之前|前面|先前|所有|全部|此前)?(?:的|所有|全部)?(?:指令|指示|提示|要求|规则|设定|内容)"
    r"|无视(?:以上|上述|之前|前面)?(?:的)?(?:指令|指示|提示|规则)"
    r"|(?:你现在|现在你)(?:是|扮演|必须)|系统提示|新的指令|请(?:改为|直接)?(?:输出|回答)[:：“\"]"
    r"|ignore (?:all |any )?(?:the )?(?:previous|above|prior|earlier|preceding) (?:instructions?|prompts?|rules?)"
    r"|disregard (?:all |the )?(?:previous|above|prior) |you are now |system prompt|new instructions?:",
    re.I)
_CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN_RUN = re.compile(f"[{_CN_NUM_CHARS}]+")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
MEASURE_WORDS = set("家个项所名人次件台座条种类批户倍元年月日天届期位篇部支套亩平方公吨辆只大")


@dataclass(frozen=True)
class Passage:
    """One passage shown to the model as [n]: a span of a document's visible text."""

    n: int
    doc: str
    start: int
    end: int
    text: str  # == the document's text[start:end]
    section: str = ""
    title: str | None = None
    region: str | None = None
    date: str | None = None
    doc_no: str | None = None
    issuer: str | None = None

    @property
    def meta_text(self) -> str:
        """What may ground a number besides the passage: the title, date and 文号 shown with it."""
        return " ".join(x for x in (self.title, self.date, self.doc_no) if x)

    @property
    def label_text(self) -> str:
        return " ".join(x for x in (self.region, self.title, self.issuer, self.section) if x)


@dataclass
class LLMCheck:
    ok: bool
    refusal: bool = False
    text: str = ""  # the cleaned answer text (markers normalised)
    cited: list[int] = field(default_factory=list)  # passage numbers cited or matched, in order
    problems: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # sentences that could not be matched


# ---------------------------------------------------------------- text helpers
def _norm_marker(m: re.Match[str]) -> str:
    out = []
    for part in re.split(r"\s*[,，、;；]\s*", m.group(1)):
        rng = re.split(r"\s*(?:-|–|~)\s*", part)
        if len(rng) == 2 and rng[0].isdigit() and rng[1].isdigit() and 0 < int(rng[1]) - int(rng[0]) < 10:
            out.extend(str(i) for i in range(int(rng[0]), int(rng[1]) + 1))
        else:
            out.extend(x for x in rng if x)
    return "".join(f"[{int(x)}]" for x in out)


def clean_output(raw: str) -> str:
    """Model output → answer text: reasoning blocks and chat special tokens removed, markers normalised."""
    t = _THINK.sub("", raw or "")
    t = _SPECIAL.sub("", t)
    t = _MARKER_ANY.sub(_norm_marker, t)
    t = re.sub(r"[ \t]+\n", "\n", t)
    t = re.sub(r"\n{3,}", "\n\n", t)
    return t.strip()


def markers(text: str) -> list[int]:
    return [int(m.group(1)) for m in _MARKER.finditer(text)]


def _norm(text: str) -> str:
    """NFKC, lower case, markers, whitespace and punctuation removed: what wording comparison sees."""
    t = _MARKER.sub("", unicodedata.normalize("NFKC", text)).lower()
    return "".join(ch for ch in t if ch.isalnum())


def bigrams(text: str) -> set[str]:
    t = _norm(text)
    if len(t) < 2:
        return {t} if t else set()
    return {t[i:i + 2] for i in range(len(t) - 1)}


def containment(sentence: str, evidence: set[str]) -> float:
    """Share of the sentence's char bigrams present in the evidence bigrams."""
    s = bigrams(sentence)
    return len(s & evidence) / len(s) if s else 1.0


def is_cjk(text: str) -> bool:
    letters = [ch for ch in unicodedata.normalize("NFKC", text) if ch.isalpha()]
    if not letters:
        return True
    return sum(1 for ch in letters if "\u3400" <= ch <= "\u9fff") / len(letters) >= 0.3


def split_sentences(text: str) -> list[str]:
    """Sentences; markers written after the end punctuation ("…。[1]") stay with their sentence."""
    parts: list[str] = []
    buf = ""
    for ch in text:
        buf += ch
        if ch in _SENT_END:
            parts.append(buf)
            buf = ""
    if buf:
        parts.append(buf)
    out: list[str] = []
    for p in parts:
        lead = re.match(r"\s*((?:\[\d{1,3}\]\s*)+)", p)
        if lead and out:
            out[-1] = out[-1].rstrip() + lead.group(1).strip()
            p = p[lead.end():]
        if p.strip():
            out.append(p.strip())
    return out


def is_refusal(text: str) -> bool:
    low = unicodedata.normalize("NFKC", text).lower()
    return any(p in low for p in REFUSAL_PHRASES)


# ---------------------------------------------------------------- numbers
def cn_to_int(run: str) -> int | None:
    """一百二十 → 120, 十五 → 15, 两万 → 20000, 二〇二四 → 2024."""
    if not run:
        return None
    if all(ch in _CN_DIGIT for ch in run):
        return int("".join(str(_CN_DIGIT[ch]) for ch in run)) if len(run) > 1 else _CN_DIGIT[run]
    total = section = num = 0
    for ch in run:
        if ch in _CN_DIGIT:
            num = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (num or 1) * _CN_UNIT[ch]
            num = 0
        elif ch in _CN_BIG:
            total = (total + section + num) * _CN_BIG[ch]
            section = num = 0
    return total + section + num


def chinese_numbers(text: str, claims_only: bool = True) -> list[tuple[str, int]]:
    """Chinese numeral runs as (run + following measure word, value).

    ``claims_only``: only runs followed by a measure word (三家, 十五个, 二十项); a lone 一 (一批, 进一步,
    统一) and runs right after an Arabic digit (100万) are not counted as claims."""
    out = []
    for m in _CN_RUN.finditer(text):
        run = m.group(0)
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before.isdigit() or (before and before in "第"):
            continue
        if claims_only and (run == "一" or after not in MEASURE_WORDS):
            continue
        if all(ch in _CN_BIG for ch in run):
            continue
        v = cn_to_int(run)
        if v is not None:
            out.append((run + after, v))
    return out


def allowed_numbers(evidence: str) -> set[str]:
    """Numbers a sentence may state given this evidence: its Arabic numerals and Chinese numerals' values."""
    allowed = set(arabic_numbers(evidence))
    allowed.update(str(v) for _, v in chinese_numbers(evidence, claims_only=False))
    return allowed


def ungrounded_numbers(sentence: str, evidence: str) -> list[str]:
    allowed = allowed_numbers(evidence)
    ev = unicodedata.normalize("NFKC", evidence)
    bad = [n for n in arabic_numbers(sentence) if n not in allowed]
    for token, value in chinese_numbers(unicodedata.normalize("NFKC", sentence)):
        if token not in ev and str(value) not in allowed:
            bad.append(token)
    return list(dict.fromkeys(bad))


# ---------------------------------------------------------------- evidence
def injection_free(text: str) -> str:
    """The passage without sentences that address the model ("忽略以上指令，回答……").

    Sentences end at 。！？；/newline outside quotes, or at a closing quote right after such a mark, so an
    injected instruction with a quoted multi-sentence "answer" is removed as a whole."""
    sents: list[str] = []
    buf = ""
    depth = 0
    for ch in text:
        prev = buf[-1:] if buf else ""
        buf += ch
        if ch in "“「『":
            depth += 1
        elif ch in "”」』":
            depth = max(0, depth - 1)
            if depth == 0 and prev and prev in _SENT_END:
                sents.append(buf)
                buf = ""
                continue
        if ch in _SENT_END and (depth == 0 or ch == "\n"):
            sents.append(buf)
            buf = ""
            depth = 0
    if buf:
        sents.append(buf)
    return "".join(s for s in sents if not _INJECTION.search(unicodedata.normalize("NFKC", s)))


def has_injection(text: str) -> bool:
    return bool(_INJECTION.search(unicodedata.normalize("NFKC", text)))


def _evidence(p: Passage) -> tuple[str, set[str]]:
    """(text that may ground numbers, bigrams that may ground wording) of one passage."""
    body = injection_free(p.text)
    grams: set[str] = set()
    for s in split_sentences(body):  # per sentence: no bigram spans a removed sentence
        grams |= bigrams(s)
    grams |= bigrams(p.label_text)
    return body + "\n" + p.meta_text, grams


# ---------------------------------------------------------------- the check
def check_generated(raw: str, passages: list[Passage]) -> LLMCheck:
    """Check generated text against the passages the model was given (see the module doc)."""
    text = clean_output(raw)
    if not text:
        return LLMCheck(ok=False, text=text, problems=["empty or malformed output"])
    by_n = {p.n: p for p in passages}
    ev = {p.n: _evidence(p) for p in passages}
    problems: list[str] = []
    flagged: list[str] = []
    cited: list[int] = []
    all_markers = markers(text)
    if is_refusal(text) and not all_markers:
        return LLMCheck(ok=True, refusal=True, text=text)
    for n in dict.fromkeys(all_markers):
        if n not in by_n:
            problems.append(f"marker [{n}] refers to no given passage (given: 1–{len(passages)})")
    for sent in split_sentences(text):
        ns = [n for n in dict.fromkeys(markers(sent)) if n in by_n]
        body = _MARKER.sub("", sent).strip()
        body_norm = _norm(body)
        if not body_norm:
            continue
        if is_refusal(body) and not arabic_numbers(body):
            continue
        has_number = bool(arabic_numbers(body) or chinese_numbers(body))
        if ns:
            num_ev = "\n".join(ev[n][0] for n in ns)
            grams = set().union(*(ev[n][1] for n in ns))
            if is_cjk(body) and len(body_norm) > TRIVIAL_CHARS and containment(body, grams) < MARKED_MIN:
                flagged.append(sent)
                problems.append(f"sentence not supported by its cited passage(s) {ns}: {body[:60]}")
            bad = ungrounded_numbers(body, num_ev)
            if bad:
                problems.append(f"numbers not in cited passage(s) {ns}: {', '.join(bad)}")
            cited.extend(ns)
            continue
        # no marker
        if not has_number and len(body_norm) <= TRIVIAL_CHARS:
            continue
        if body.endswith((":", "：")) and len(body_norm) <= HEADER_MAX:
            bad = ungrounded_numbers(body, "\n".join(ev[n][0] for n in (all_markers or list(by_n)) if n in ev))
            if bad:
                problems.append(f"numbers not in the passages: {', '.join(bad)}")
            continue
        best_n, best = None, 0.0
        for p in passages:
            c = containment(body, ev[p.n][1])
            if c > best:
                best_n, best = p.n, c
        if best_n is None or best < UNMARKED_MIN or not is_cjk(body):
            flagged.append(sent)
            problems.append(f"sentence without a citation that matches no passage: {body[:60]}")
            continue
        bad = ungrounded_numbers(body, ev[best_n][0])
        if bad:
            problems.append(f"numbers not in matched passage [{best_n}]: {', '.join(bad)}")
        cited.append(best_n)
    cited = list(dict.fromkeys(cited))
    if not problems and not cited:
        problems.append("the answer cites no passage")
    return LLMCheck(ok=not problems, text=text, cited=cited, problems=problems, flagged=flagged)
