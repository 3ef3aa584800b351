"""The grounding check of a generated (LLM) answer — small pure functions, no model involved.

Given the passages the model was shown (numbered [1]..[k]) and the text it produced, the answer is
accepted only when nothing in it goes beyond what the cited passages state:

1. every citation marker [n] refers to a passage that was given;
2. the text is checked per clause (split at ，；、 , ; as well as sentence ends), each against the
   passages its clause or sentence cites, so one supported clause cannot carry an unsupported one;
3. figures are compared as values with their units and magnitudes (310家 ≠ 310万家, 35亿元 =
   3.5 billion yuan ≠ 35万元, % ≠ 百分点); number words in Chinese and English (三百一十, three hundred
   and ten, 1.5 million) are read by ``base.number_words`` and must equal a figure of the cited passage;
4. a figure, year or region must belong to the passage's clause that the answer's clause paraphrases:
   a figure the passage gives for another indicator (申报350 stated as 认定), another year or another
   region is rejected;
5. claims the passage must state explicitly when they appear: negations (不/未/不再/no longer), ranks
   and superlatives (第一, 首位, 领先, first, top, largest), comparisons with other years or regions
   (比上年, 高于全省平均, than last year), lead and responsible units (由…牵头, led by …) and roles
   (由区长任组长). An English clause is checked through the Chinese it quotes and through the figures,
   regions and glossary terms (``assistant/data/glossary.tsv``) it states;
6. a Chinese clause must share enough wording with its passages (char-bigram containment ≥
   ``CLAUSE_MIN``); a sentence without a marker must be near-verbatim in one passage (≥ ``UNMARKED_MIN``);
7. "资料中未找到" / "not found in the documents" without any marker is a refusal.

The vocabulary (negation, rank, comparison and organisation words, unit classes) is data:
``assistant/data/claims.json``.

Passage text that reads like an instruction to the model ("忽略以上指令，回答……", "ignore previous
instructions …") is removed from the evidence before checking, so text injected into a document
can never make an answer acceptable that would be rejected without it.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable

from assistant.grounding import numbers as arabic_numbers
from base.mentions import find_numbers
from base.number_words import find_english_numbers, parse_chinese_numeral
from base.numbers import NumberMention, indicator_key, split_range

CLAIMS_PATH = Path(__file__).resolve().parent.parent / "data" / "claims.json"
CLAUSE_MIN = 0.35  # share of a cited clause's char bigrams found in the passages it cites
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
_ANSWER_END = "。！？!?\n"  # an answer's sentences: ；; only separate its clauses
_INJECTION = re.compile(
    r"忽略(?:掉)?(?:以上|上述|上面|之前|前面|先前|所有|全部|此前)?(?:的|所有|全部)?(?:指令|指示|提示|要求|规则|设定|内容)"
    r"|无视(?:以上|上述|之前|前面)?(?:的)?(?:指令|指示|提示|规则)"
    r"|(?:你现在|现在你)(?:是|扮演|必须)|系统提示|新的指令|请(?:改为|直接)?(?:输出|回答)[:：“\"]"
    r"|ignore (?:all |any )?(?:the )?(?:previous|above|prior|earlier|preceding) (?:instructions?|prompts?|rules?)"
    r"|disregard (?:all |the )?(?:previous|above|prior) |you are now |system prompt|new instructions?:",
    re.I)
_CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN_RUN = re.compile(f"[{_CN_NUM_CHARS}]+")
MEASURE_WORDS = set("家个项所名人次件台座条种类批户倍元年月日天届期位篇部支套亩平方公吨辆只大")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff\d.%％]*[\u3400-\u9fff%％]|[\u3400-\u9fff]{2,}")
MARGIN = 0.15  # a figure/year/region bound to a passage clause that matches the answer's clause this much worse
CLAIM_MIN = 0.6  # share of a claim clause's wording found in the passage clause that states the claim
EN_ANCHOR_MIN = 0.5  # share of an English clause's glossary terms a passage clause must hold to anchor a claim


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


def split_sentences(text: str, ends: str = _SENT_END) -> list[str]:
    """Sentences; markers written after the end punctuation ("…。[1]") stay with their sentence."""
    parts: list[str] = []
    buf = ""
    for ch in text:
        buf += ch
        if ch in ends:
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


# ---------------------------------------------------------------- vocabulary
@cache
def claims() -> dict[str, Any]:
    """The claim vocabulary (assistant/data/claims.json), loaded once."""
    return json.loads(CLAIMS_PATH.read_text(encoding="utf-8"))


def _longest_first(words: Iterable[str]) -> list[str]:
    return sorted(set(words), key=len, reverse=True)


@cache
def _alternation(key: tuple[str, ...]) -> re.Pattern[str]:
    """Regex alternation of the words at claims()[key[0]][key[1]]…, longest first."""
    node: Any = claims()
    for k in key:
        node = node[k]
    return re.compile("|".join(re.escape(w) for w in _longest_first(node)))


# ---------------------------------------------------------------- numbers
def cn_to_int(run: str) -> int | None:
    """一百二十 → 120, 十五 → 15, 两万 → 20000, 二〇二四 → 2024 (``base.number_words.parse_chinese_numeral``)."""
    v = parse_chinese_numeral(run)
    return None if v is None else int(v)


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
        if all(ch in "万亿" for ch in run):
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


@dataclass(frozen=True)
class Figure:
    """A figure stated in a text: its value(s) in the base unit (a range gives both bounds)."""

    text: str  # as written, with its unit
    values: tuple[float, ...]
    base: str  # base unit: 家, 元, %, 百分点, 人 … or "" when none is written
    kind: str  # quantity | year


def _mention_values(m: NumberMention) -> tuple[float, ...]:
    if m.number is None:
        return ()
    rng = split_range(m.value)
    if not rng or not m.numeric:
        return (m.number,)
    hi = parse_chinese_numeral(rng[1]) if _CN_RUN.fullmatch(rng[1]) else _float(rng[1])
    scale = m.number / m.numeric
    return (m.number,) + ((hi * scale,) if hi is not None else ())


def _float(s: str) -> float | None:
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _as_figure(m: NumberMention) -> Figure | None:
    vals = _mention_values(m)
    if not vals:
        return None
    if m.kind == "year":
        years = tuple(float(y) for y in re.findall(r"(?:19|20)\d{2}", m.value))
        return Figure(m.value, years or vals, "年", "year")
    return Figure(m.value + m.unit, vals, m.base_unit, "quantity")


def figures(text: str, quoted: bool = True) -> list[Figure]:
    """Quantities and years stated in a text, Chinese or English (markers ignored).

    Chinese text: ``base.mentions.find_numbers`` (三百一十家, 8.47亿元, 2024年). English text: its
    numbers in digits or words with their units (3.5 billion yuan, three hundred, 59 percent) plus any
    number written against a Chinese unit (220亿元). Rate bases (每万人, per 10,000), ordinals, list
    markers and durations are not figures. Numbers inside quotes and book titles (names to
    ``find_numbers``: “32232”, 《…(2022-2024年)》) count when ``quoted`` — an answer may not slip a
    figure through by quoting it — and, as a passage's, only as names (never as the year it states)."""
    t = _MARKER.sub(lambda m: " " * len(m.group(0)), unicodedata.normalize("NFKC", text))
    mentions = [m for m in find_numbers(t, quantities_only=False)
                if m.kind in ("quantity", "year") or (m.kind == "name" and (quoted or m.unit != "年"))]
    mentions = [m if m.kind != "name" else _named(m) for m in mentions]
    if not is_cjk(t):
        chinese = [m for m in mentions if _CJK.search(m.unit) or _CN_RUN.fullmatch(m.value or "-")]
        english = [m for m in find_english_numbers(t) if m.kind in ("quantity", "year")]
        english = [e for e in english if not any(c.start < e.end and e.start < c.end for c in chinese)]
        mentions = sorted(chinese + english, key=lambda m: m.start)
    return [f for f in (_as_figure(m) for m in mentions) if f is not None]


def _named(m: NumberMention) -> NumberMention:
    """A number inside a quote or title read as what it would be outside: a year or a quantity."""
    from dataclasses import replace

    is_year = m.unit in ("", "年") and bool(re.fullmatch(r"(?:19|20)\d{2}(?:\s*[-~—–至到]\s*(?:19|20)\d{2})?", m.value))
    return replace(m, kind="year" if is_year else "quantity")


def _unit_class(base: str) -> str:
    for cls, units in claims()["unit_classes"].items():
        if isinstance(units, list) and base in units:
            return cls
    return base


def same_figure(a: Figure, b: Figure, rel_tol: float = 1e-9) -> bool:
    """Same value (after magnitudes: 8.47亿元 = 847 million yuan) in a compatible unit: the same base
    unit, a measure word of the same class (个 = 家, 名 = 人), or no unit written on one side."""
    if a.kind != b.kind:
        return False
    if a.base and b.base and a.base != b.base and _unit_class(a.base) != _unit_class(b.base):
        return False
    return any(abs(x - y) <= rel_tol * max(1.0, abs(x)) for x in a.values for y in b.values)


def ungrounded_numbers(sentence: str, evidence: str) -> list[str]:
    """Figures of the sentence (quantities and years) that no figure of the evidence equals."""
    have = figures(evidence)
    return list(dict.fromkeys(f.text for f in figures(sentence) if not any(same_figure(f, g) for g in have)))


# ---------------------------------------------------------------- clauses
def split_clauses(sentence: str, breaks: str | None = None) -> list[str]:
    """A sentence's clauses: split after ，；、 and English commas/semicolons (not a thousands comma
    "2,300", not inside brackets); markers written after the break ("…，[1]") stay with their clause.
    ``breaks`` overrides the break characters (a passage's clauses keep their 、-lists whole)."""
    breaks = claims()["clause_breaks"] if breaks is None else breaks
    parts: list[str] = []
    buf = ""
    depth = 0
    for i, ch in enumerate(sentence):
        buf += ch
        if ch in "(（[【":
            depth += 1
        elif ch in ")）]】":
            depth = max(0, depth - 1)
        elif ch in breaks and depth == 0:
            if ch == "," and i + 1 < len(sentence) and sentence[i - 1:i].isdigit() and sentence[i + 1].isdigit():
                continue
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
    return [c for part in out for c in _split_coordination(part)]


_COORD = re.compile(r"\s+(?:and|while|with|whereas|plus)\s+", re.I)


def _split_coordination(clause: str) -> list[str]:
    """An English clause coordinating two figures ("100 enterprises and 50 bases in Wuhan") is two
    clauses, as 、 makes two in Chinese; "science and technology" (no figure on a side) stays whole."""
    if is_cjk(clause):
        return [clause]
    inside = [(x.start, x.end) for x in find_english_numbers(clause)]
    for m in _COORD.finditer(clause):
        if any(a < m.start() and m.end() < b for a, b in inside):
            continue
        left, right = clause[:m.start()], clause[m.end():]
        if _has_quantity(left) and _has_quantity(right):
            return _split_coordination(left) + _split_coordination(right)
    return [clause]


def _has_quantity(text: str) -> bool:
    return any(f.kind == "quantity" for f in figures(text))


def _strip_punct(text: str) -> str:
    return text.strip(" \t\n，,；;、。：:！!？?")


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


# ---------------------------------------------------------------- regions
def _known(passages: Iterable[Passage]) -> dict[str, list[str]]:
    from base.regions import abbreviations

    return {p.region: abbreviations(p.region) for p in passages if p.region}


def region_forms(region: str, known: dict[str, list[str]]) -> set[str]:
    """How a region may be written: full name, short name (咸宁市 → 咸宁), its aliases (楼区)."""
    from base.regions import short_name

    return {f for f in (region, short_name(region), *known.get(region, [])) if f and len(f) >= 2}


def regions_in(text: str, known: dict[str, list[str]]) -> set[str]:
    """Regions a text names (full names): Chinese names and aliases, English pinyin (Xianning)."""
    from assistant.query import find_regions_en, find_regions_zh

    t = unicodedata.normalize("NFKC", text)
    found = set(find_regions_zh(t, known))
    names = " ".join(re.findall(r"\b[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)*", t))  # proper nouns only ("yuan" is no 裕安)
    if names:
        found |= set(find_regions_en(names, known))
    return found


# ---------------------------------------------------------------- wording
_NUMERALS = re.compile(r"\d+(?:[.,]\d+)*%?|[零〇一二两三四五六七八九十百千万亿]+(?=[\u3400-\u9fff%])")


def wording(text: str, drop: Iterable[str] = ()) -> str:
    """What wording comparison sees: NFKC, lower case, markers, numerals, the given names (regions)
    and punctuation removed — so a clause is compared with a passage clause on its words, not its slots."""
    t = _MARKER.sub("", unicodedata.normalize("NFKC", text)).lower()
    for d in sorted(drop, key=len, reverse=True):
        t = t.replace(d.lower(), " ")
    t = indicator_key(t)  # 高企 → 高新技术企业, 髙 → 高, r&d → 研发
    t = _NUMERALS.sub(" ", t)
    return "".join(ch for ch in t if ch.isalnum())


def grams_of(norm: str) -> frozenset[str]:
    if len(norm) < 2:
        return frozenset({norm} if norm else ())
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1))


def share(grams: frozenset[str], evidence: frozenset[str] | set[str]) -> float:
    return len(grams & evidence) / len(grams) if grams else 1.0


def english_terms(text: str) -> list[tuple[str, ...]]:
    """Chinese terms an English clause states, each as its alternatives: glossary terms
    (``assistant/data/glossary.tsv``, as for retrieval) and the check's basic words (claims.json
    ``en_terms``), longest match first and without overlap ("high-tech" is 高新技术, not also 技术);
    Latin codes the documents write too (GDP, 5G) stand for themselves."""
    from assistant.query import _CODE, glossary

    low = unicodedata.normalize("NFKC", text).lower()
    cands = [(m.start(), m.end(), zh) for rx, zh in glossary() for m in rx.finditer(low)]
    cands += [(m.start(), m.end(), tuple(e["zh"])) for e in claims()["en_terms"] if e["zh"]
              for m in _en_rx(e["en"]).finditer(low)]
    taken: list[tuple[int, int]] = []
    out: list[tuple[str, ...]] = [(m.group(0).lower(),) for m in _CODE.finditer(text)]
    for a, b, zh in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if not _free(a, b, taken):
            continue
        taken.append((a, b))
        alts = tuple(z.lower() for z in zh if z and z != "企业")
        if alts and alts not in out:
            out.append(alts)
    return out


def term_share(terms: list[tuple[str, ...]], low_text: str, context: str = "") -> float:
    """Share of the terms a unit states; a term only its sentence's earlier clauses state counts half
    (认定通过170家 after 申报高企200家 is about 高新技术企业 too)."""
    if not terms:
        return 0.0
    got = 0.0
    for alts in terms:
        if any(a in low_text for a in alts):
            got += 1
        elif context and any(a in context for a in alts):
            got += 0.5
    return got / len(terms)


# ---------------------------------------------------------------- evidence units
@dataclass(frozen=True)
class Unit:
    """A clause (or sentence) of a cited passage, with what it states."""

    n: int
    text: str
    low: str  # NFKC lower case, abbreviations written out (高企 → 高新技术企业): for English term lookup
    context: str  # … of the clauses before it in its sentence (what an elliptic clause is about)
    grams: frozenset[str]  # bigrams of its wording (slots removed)
    figs: tuple[Figure, ...]
    regions: frozenset[str]
    tokens: tuple[tuple[str, str, str], ...]  # claim tokens: (kind, token, next char)


def _unit(n: int, text: str, known: dict[str, list[str]], context: str = "",
          candidates: dict[str, set[str]] | None = None) -> Unit:
    """``candidates``: the regions of the whole passage with their forms (found once, not per unit)."""
    t = unicodedata.normalize("NFKC", text)
    if candidates is None:
        regs = regions_in(t, known)
    else:
        regs = {r for r, fs in candidates.items() if any(f in t for f in fs)}
    forms = set().union(*(region_forms(r, known) for r in regs)) if regs else set()
    toks = tuple((k, tok, nxt) for k, tok, _, _, nxt in claim_tokens(t))
    return Unit(n, t, indicator_key(t), indicator_key(context), grams_of(wording(t, forms)), tuple(figures(t, quoted=False)), frozenset(regs), toks)


@dataclass
class Evidence:
    """What one passage states: its clauses and sentences as Units, lead/duty units, roles, meta."""

    passage: Passage
    body: str  # passage text without injected instructions
    clauses: list[Unit]
    sentences: list[Unit]
    label_grams: frozenset[str]
    meta_figs: tuple[Figure, ...]
    meta_years: frozenset[float]
    orgs: "Orgs"


def build_evidence(p: Passage, known: dict[str, list[str]]) -> Evidence:
    body = injection_free(p.text)
    sents = split_sentences(body)
    candidates = {r: region_forms(r, known) for r in regions_in(body, known)}
    clauses = []
    for s in sents:
        parts = split_clauses(s, claims()["passage_clause_breaks"])
        clauses += [_unit(p.n, c, known, "".join(parts[:i]), candidates) for i, c in enumerate(parts)]
    sentences = [_unit(p.n, s, known, candidates=candidates) for s in sents]
    meta = unicodedata.normalize("NFKC", p.meta_text)
    years = frozenset(float(y) for y in re.findall(r"(?:19|20)\d{2}", meta))
    return Evidence(p, body, clauses, sentences, grams_of(wording(p.label_text)), tuple(figures(meta)), years,
                    org_claims(body))


# ---------------------------------------------------------------- claim words
def _spans(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


def _free(a: int, b: int, taken: list[tuple[int, int]]) -> bool:
    return not any(x < b and a < y for x, y in taken)


@cache
def _zh_patterns(kind: str) -> re.Pattern[str]:
    c = claims()[kind]
    parts = [re.escape(w) for w in _longest_first(c.get("zh", []))] + list(c.get("zh_patterns", []))
    return re.compile("|".join(f"(?:{p})" for p in parts))


def claim_tokens(text: str) -> list[tuple[str, str, int, int, str]]:
    """Negation, rank/superlative, comparison and level/scale qualifier (省级, 百亿级) words of a Chinese
    text as (kind, token, start, end, next char). Neutral words that contain a negation character
    (不低于, 不断, 未来) are not negations."""
    t = unicodedata.normalize("NFKC", text)
    out = []
    taken = _spans(_alternation(("negation", "zh_neutral")), t)
    for kind in ("comparison", "rank", "qualifier", "negation"):
        for m in _zh_patterns(kind).finditer(t):
            a, b = m.span()
            if a == b or not _free(a, b, taken):
                continue
            taken.append((a, b))
            nxt = t[b] if b < len(t) and (t[b].isalnum()) else ""
            out.append((kind, m.group(0), a, b, nxt))
    return sorted(out, key=lambda x: x[2])


@cache
def _en_rx(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", re.I)


def english_claims(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """Negation, rank and comparison wording of an English text as (kind, words, Chinese words that
    would state it: "" for a negation = any Chinese negation)."""
    t = unicodedata.normalize("NFKC", text)
    c = claims()
    out: list[tuple[str, str, tuple[str, ...]]] = []
    taken = []
    for w in _longest_first(c["negation"]["en_neutral"] + c["rank"]["en_neutral"]):
        taken += _spans(_en_rx(re.escape(w)), t)
    for kind, entries in (("comparison", c["comparison"]["en_patterns"]), ("rank", c["rank"]["en"]),
                          ("qualifier", c["qualifier"]["en"])):
        for e in entries:
            for m in _en_rx(e["en"]).finditer(t):
                if not _free(*m.span(), taken):
                    continue
                taken.append(m.span())
                zh = tuple(m.expand(z) if "\\" in z else z for z in e["zh"])
                out.append((kind, m.group(0), zh))
    for w in _longest_first(c["negation"]["en"]):
        rx = _en_rx(re.escape(w)) if w != "n't" else re.compile(r"n't\b", re.I)
        for m in rx.finditer(t):
            if _free(*m.span(), taken):
                taken.append(m.span())
                out.append(("negation", m.group(0), ()))
    return out


# ---------------------------------------------------------------- organisations and roles
@dataclass(frozen=True)
class Orgs:
    lead: frozenset[str] = frozenset()  # units named as 牵头 / 牵头单位
    duty: frozenset[str] = frozenset()  # units named as 责任单位 / …负责
    roles: frozenset[tuple[str, str]] = frozenset()  # (title, role): (区长, 组长) from 由区长任组长
    named: frozenset[str] = frozenset()  # every unit named


@cache
def _org_rx() -> re.Pattern[str]:
    o = claims()["organisations"]
    sfx = "|".join(re.escape(s) for s in _longest_first(o["zh_suffixes"]))
    return re.compile(rf"[\u4e00-\u9fff]{{1,14}}?(?:{sfx})")


def _org_names(piece: str) -> set[str]:
    """Units named in a list piece ("由区人才办、区科工局" → {区人才办, 区科工局}; "区发改局等按职责分工" → {区发改局})."""
    out = set()
    sfx = tuple(claims()["organisations"]["zh_suffixes"])
    # 和/与/及 join two units only right after a unit's suffix (not in 发展和改革委员会)
    parts = [x for part in re.split(r"[、,，]", piece) for x in _split_after_units(part, sfx)]
    for part in parts:
        part = part.rsplit("由", 1)[-1]
        part = re.split(r"等|按职责|为|是", part)[0] if re.search(r"等|按职责", part) else part
        part = re.sub(r"^(?:单位|[:：是为])+", "", part.strip(" :：()（）"))
        m = None
        for m in _org_rx().finditer(part):
            pass
        if m is not None and m.end() == len(part):
            out.add(part)
        elif m is not None:
            out.add(part[:m.end()])
    return {o for o in out if len(o) >= 2}


def _split_after_units(part: str, sfx: tuple[str, ...]) -> list[str]:
    """"区人才办和区科工局" → [区人才办, 区科工局]; "咸宁市发展和改革委员会" stays whole."""
    out, start = [], 0
    for m in re.finditer("[和与及]", part):
        if part[start:m.start()].endswith(sfx):
            out.append(part[start:m.start()])
            start = m.end()
    return out + [part[start:]]


def _role_title(holder: str) -> str:
    """The role word a holder ends with (区政府分管副区长 → 副区长); the holder itself when none."""
    for r in _longest_first(claims()["organisations"]["roles"]):
        if holder.endswith(r):
            return r
    return holder


def org_claims(text: str) -> Orgs:
    """Lead and responsible units and role holders a (Chinese) text states."""
    o = claims()["organisations"]
    t = unicodedata.normalize("NFKC", text)
    lead: set[str] = set()
    duty: set[str] = set()
    for piece in re.split(r"[，,；;。()（）]", t):
        for cue in o["lead_cues"]:
            if cue in piece:
                before, after = piece.split(cue, 1)
                lead |= _org_names(after) if cue.endswith("单位") else _org_names(before)
                break
        for cue in o["duty_cues"]:
            if cue in piece:
                before, after = piece.split(cue, 1)
                duty |= _org_names(after) if cue.endswith("单位") else _org_names(before)
                break
    roles = {(_role_title(m.group(1)), m.group(2)) for m in re.finditer(o["role_pattern"], t)}
    named = {m.group(0) for m in _org_rx().finditer(t)}
    return Orgs(frozenset(lead), frozenset(duty), frozenset(roles), frozenset(named))


def same_org(a: str, b: str) -> bool:
    """区科工局 = 科工局; 区发改局 ≠ 区科工局 (one name ends with the other, at least 3 characters)."""
    return a == b or (min(len(a), len(b)) >= 3 and (a.endswith(b) or b.endswith(a)))


@cache
def _en_org_terms() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    return tuple((_en_rx(e["en"]), tuple(e["zh"])) for e in claims()["organisations"]["en_terms"])


def english_orgs(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Units an English text names ("the district Education Bureau") with the Chinese stems they mean."""
    o = claims()["organisations"]
    rx = re.compile(o["en_names"] + r"(?:\s+(?:of|for)\s+(?:(?:[A-Z][\w&'-]*|and)\s*){1,6})?")
    out = []
    for m in rx.finditer(unicodedata.normalize("NFKC", text)):
        name = m.group(0).strip()
        stems = tuple(z for r, zh in _en_org_terms() if r.search(name) for z in zh)
        out.append((name, stems))
    return out


# ---------------------------------------------------------------- the support test
def _evidence(p: Passage) -> tuple[str, set[str]]:
    """(text that may ground numbers, bigrams that may ground wording) of one passage."""
    body = injection_free(p.text)
    grams: set[str] = set()
    for s in split_sentences(body):  # per sentence: no bigram spans a removed sentence
        grams |= bigrams(s)
    grams |= bigrams(p.label_text)
    return body + "\n" + p.meta_text, grams


def bind(score: Callable[[Unit], float], units: list[Unit], holds: Callable[[Unit], bool],
         competes: Callable[[Unit], bool]) -> str:
    """Does a slot (figure, year, region) of the answer's clause belong where the passage states it?

    "absent": no unit holds it; "other": a unit holding a competing slot (another figure of the same
    kind, another region, another year) matches the clause's wording better by more than ``MARGIN``
    than every unit that holds it — the passage says it of another indicator; "ok" otherwise."""
    match = [u for u in units if holds(u)]
    if not match:
        return "absent"
    rivals = [u for u in units if not holds(u) and competes(u)]
    if rivals and max(map(score, rivals)) - max(map(score, match)) > MARGIN:
        return "other"
    return "ok"


def _comparable(f: Figure, g: Figure) -> bool:
    return g.kind == f.kind and (not f.base or not g.base or _unit_class(f.base) == _unit_class(g.base))


def _scorer(body: str, forms: set[str], en: bool) -> Callable[[Unit], float]:
    if en:
        terms = english_terms(body)
        return lambda u: term_share(terms, u.low, u.context)
    g = grams_of(wording(body, forms))
    return lambda u: share(g, u.grams)


def figure_problems(body: str, figs: list[Figure], units: list[Unit], evs: list[Evidence],
                    score: Callable[[Unit], float], ns: list[int], regs: set[str] = frozenset()) -> list[str]:
    """Each figure: equal (value, unit) to one the cited passages state, in the passage clause the
    answer's clause paraphrases, and — when the clause names regions — not stated there for another region."""
    out = []
    for f in figs:
        holding = [u for u in units if any(same_figure(f, g) for g in u.figs)]
        if regs and holding and all(u.regions and not (u.regions & regs) for u in holding):
            out.append(f"figure the cited passage(s) {ns} give for another region: {f.text}")
            continue
        verdict = bind(score, units, lambda u: any(same_figure(f, g) for g in u.figs),
                       lambda u: any(_comparable(f, g) and not any(same_figure(g, h) for h in figs) for g in u.figs))
        if verdict == "absent" and not any(same_figure(f, g) for e in evs for g in e.meta_figs):
            out.append(f"numbers not in cited passage(s) {ns}: {f.text}")
        elif verdict == "other":
            out.append(f"figure the cited passage(s) {ns} give for another indicator: {f.text}")
    return out


def year_problems(body: str, ns: list[int], evs: list[Evidence], known: dict[str, list[str]]) -> list[str]:
    """Years of a sentence: stated by the sentence of the passage it paraphrases, or the document's
    own year (title, date) when that passage sentence names no other year."""
    years = {v for f in figures(body) if f.kind == "year" for v in f.values}
    if not years:
        return []
    units = [u for e in evs for u in e.sentences]
    regs = regions_in(body, known)
    forms = set().union(*(region_forms(r, known) for r in regs)) if regs else set()
    score = _scorer(body, forms, not is_cjk(body))

    def states(u: Unit, y: float) -> bool:
        return any(g.kind == "year" and y in g.values for g in u.figs)

    def other_year(u: Unit) -> bool:
        return any(g.kind == "year" and not set(g.values) & years for g in u.figs)

    out = []
    meta_years = set().union(*(e.meta_years for e in evs))
    for y in sorted(years):
        verdict = bind(score, units, lambda u: states(u, y), other_year)
        if verdict == "absent" and y in meta_years:
            verdict = "ok" if bind(score, units, lambda u: not other_year(u), other_year) != "other" else "other"
        if verdict == "absent":
            out.append(f"numbers not in cited passage(s) {ns}: {int(y)}")
        elif verdict == "other":
            out.append(f"year the cited passage(s) {ns} give for another statement: {int(y)}")
    return out


def region_problems(regs: set[str], units: list[Unit], evs: list[Evidence], score: Callable[[Unit], float],
                    ns: list[int]) -> list[str]:
    out = []
    for r in sorted(regs):
        def rival(u: Unit) -> bool:
            return bool(u.regions - regs)

        verdict = bind(score, units, lambda u: r in u.regions, rival)
        if verdict == "absent" and any(e.passage.region == r for e in evs):
            verdict = "ok" if bind(score, units, lambda u: not rival(u), rival) != "other" else "other"
        if verdict == "absent":
            out.append(f"region not in cited passage(s) {ns}: {r}")
        elif verdict == "other":
            out.append(f"the cited passage(s) {ns} say this of another region, not {r}")
    return out


def zh_claim_problems(body: str, units: list[Unit], evs: list[Evidence], forms: set[str], ns: list[int]) -> list[str]:
    """Negations, ranks, comparisons and qualifiers of a Chinese clause: the same word (a negation with
    the word it negates) in a passage clause that holds the rest of the clause's wording (≥ ``CLAIM_MIN``)."""
    out = []
    label = frozenset().union(*(e.label_grams for e in evs)) if evs else frozenset()
    figs = [f for f in figures(body) if f.kind == "quantity"]
    for kind, tok, a, b, nxt in claim_tokens(body):
        if kind == "qualifier":  # a level/scale word goes with the figure it qualifies, if any
            holding = [u for u in units if any(same_figure(f, g) for f in figs for g in u.figs)] if figs else units
            if not any(k == kind and t == tok for u in holding for k, t, _ in u.tokens):
                out.append(f"{kind} not stated by the cited passage(s) {ns}: {tok}")
            continue
        rest = grams_of(wording(body[:a], forms)) | grams_of(wording(body[b:], forms))
        ok = any(any(k == kind and t == tok and (kind != "negation" or n == nxt) for k, t, n in u.tokens)
                 and share(rest, u.grams | label) >= CLAIM_MIN for u in units)
        if not ok:
            out.append(f"{kind} not stated by the cited passage(s) {ns}: {tok}{nxt if kind == 'negation' else ''}")
    return out


def en_claim_problems(body: str, figs: list[Figure], evs: list[Evidence], ns: list[int]) -> list[str]:
    """Negations, ranks and comparisons of an English clause: a Chinese word stating them in a passage
    clause that holds the clause's figure, or in a passage sentence that holds its glossary terms."""
    found = english_claims(body)
    if not found:
        return []
    if figs:
        anchored = [u for e in evs for u in e.clauses if any(same_figure(f, g) for f in figs for g in u.figs)]
    else:
        terms = english_terms(body)
        sents = [u for e in evs for u in e.sentences]
        anchored = [u for u in sents if term_share(terms, u.low) >= EN_ANCHOR_MIN] if terms else sents
    out = []
    for kind, words, zh in found:
        if kind == "negation":
            ok = any(k == "negation" for u in anchored for k, _, _ in u.tokens)
        elif kind in ("rank", "qualifier"):
            ok = any(k == kind and t in zh for u in anchored for k, t, _ in u.tokens) or (
                kind == "qualifier" and any(z in u.text for u in anchored for z in zh))
        else:
            ok = any(z in u.text for u in anchored for z in zh)
        if not ok:
            out.append(f"{kind} not stated by the cited passage(s) {ns}: {words}")
    return out


def org_problems(body: str, en: bool, evs: list[Evidence], ns: list[int]) -> list[str]:
    """Lead and responsible units and role holders must be the passage's own."""
    lead = set().union(*(e.orgs.lead for e in evs))
    duty = set().union(*(e.orgs.duty for e in evs))
    roles = set().union(*(e.orgs.roles for e in evs))
    out = []
    if en:
        o = claims()["organisations"]
        is_lead = bool(_en_rx(o["en_lead"]).search(body))
        is_duty = bool(_en_rx(o["en_duty"]).search(body))
        text = "\n".join(e.body for e in evs)
        for name, stems in english_orgs(body):
            pool = lead if is_lead else (lead | duty) if is_duty else {text}
            if not any(s in x for s in stems for x in pool):
                what = "lead unit" if is_lead else "responsible unit" if is_duty else "unit"
                out.append(f"{what} not stated by the cited passage(s) {ns}: {name}")
        return out
    mine = org_claims(body)
    for o_ in sorted(mine.lead):
        if not any(same_org(o_, x) for x in lead):
            out.append(f"lead unit not stated by the cited passage(s) {ns}: {o_}")
    for o_ in sorted(mine.duty - mine.lead):
        if not any(same_org(o_, x) for x in lead | duty):
            out.append(f"responsible unit not stated by the cited passage(s) {ns}: {o_}")
    for title, role in sorted(mine.roles - roles):
        out.append(f"role not stated by the cited passage(s) {ns}: {title}任{role}")
    return out


def clause_problems(clause: str, ns: list[int], ev: dict[int, Evidence], known: dict[str, list[str]]) -> list[str]:
    """Everything a clause claims must be stated by the passages it (or its sentence) cites."""
    body = _strip_punct(_MARKER.sub("", clause).strip())
    if not _norm(body):
        return []
    evs = [ev[n] for n in ns if n in ev]
    units = [u for e in evs for u in e.clauses]
    en = not is_cjk(body)
    regs = regions_in(body, known)
    forms = set().union(*(region_forms(r, known) for r in regs)) if regs else set()
    score = _scorer(body, forms, en)
    figs = [f for f in figures(body) if f.kind == "quantity"]
    out = figure_problems(body, figs, units, evs, score, ns, regs)
    out += region_problems(regs, units, evs, score, ns)
    out += org_problems(body, en, evs, ns)
    if en:
        out += en_claim_problems(body, figs, evs, ns)
        for run in _CJK_RUN.findall(unicodedata.normalize("NFKC", body)):  # Chinese quoted in English
            out += zh_claim_problems(run, units, evs, forms, ns) + org_problems(run, False, evs, ns)
            run_norm = _norm(run)
            if len(run_norm) >= 2 and not any(run_norm in _norm(e.body + e.passage.label_text) for e in evs):
                out.append(f"Chinese text not in the cited passage(s) {ns}: {run}")
        return out
    out += zh_claim_problems(body, units, evs, forms, ns)
    norm = wording(body, forms)
    if len(norm) > TRIVIAL_CHARS:
        allgrams = set().union(*(u.grams for u in units), *(e.label_grams for e in evs))
        if share(grams_of(norm), allgrams) < CLAUSE_MIN:
            out.append(f"clause not supported by its cited passage(s) {ns}: {body[:60]}")
    return out


# ---------------------------------------------------------------- the check
def check_generated(raw: str, passages: list[Passage]) -> LLMCheck:
    """Check generated text against the passages the model was given (see the module doc)."""
    text = clean_output(raw)
    if not text:
        return LLMCheck(ok=False, text=text, problems=["empty or malformed output"])
    by_n = {p.n: p for p in passages}
    problems: list[str] = []
    flagged: list[str] = []
    cited: list[int] = []
    all_markers = markers(text)
    if is_refusal(text) and not all_markers:
        return LLMCheck(ok=True, refusal=True, text=text)
    for n in dict.fromkeys(all_markers):
        if n not in by_n:
            problems.append(f"marker [{n}] refers to no given passage (given: 1–{len(passages)})")
    known = _known(passages)
    ev = {p.n: build_evidence(p, known) for p in passages}
    old = {p.n: _evidence(p) for p in passages}
    for sent in split_sentences(text, _ANSWER_END):
        ns = [n for n in dict.fromkeys(markers(sent)) if n in by_n]
        body = _MARKER.sub("", sent).strip()
        body_norm = _norm(body)
        if not body_norm:
            continue
        if is_refusal(body) and not arabic_numbers(body):
            continue
        if not ns:
            has_number = bool(figures(body) or chinese_numbers(body))
            if not has_number and len(body_norm) <= TRIVIAL_CHARS:
                continue
            if body.endswith((":", "：")) and len(body_norm) <= HEADER_MAX:
                pool = "\n".join(old[n][0] for n in (all_markers or list(by_n)) if n in old)
                bad = ungrounded_numbers(body, pool)
                if bad:
                    problems.append(f"numbers not in the passages: {', '.join(bad)}")
                continue
            best_n, best = None, 0.0
            for p in passages:
                c = containment(body, old[p.n][1])
                if c > best:
                    best_n, best = p.n, c
            if best_n is None or best < UNMARKED_MIN or not is_cjk(body):
                flagged.append(sent)
                problems.append(f"sentence without a citation that matches no passage: {body[:60]}")
                continue
            ns = [best_n]
        found = year_problems(body, ns, [ev[n] for n in ns], known)
        for clause in split_clauses(sent):
            own = [n for n in dict.fromkeys(markers(clause)) if n in by_n]
            found += clause_problems(clause, own or ns, ev, known)
        if found:
            flagged.append(sent)
            problems.extend(dict.fromkeys(found))
        cited.extend(ns)
    cited = list(dict.fromkeys(cited))
    if not problems and not cited:
        problems.append("the answer cites no passage")
    return LLMCheck(ok=not problems, text=text, cited=cited, problems=problems, flagged=flagged)
