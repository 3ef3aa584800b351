"""Generated text as the check reads it: model output cleaned (reasoning, chat tokens), citation
markers normalised to [n], sentences, wording bigrams, refusals, and passage sentences that address
the model (injected instructions) removed from the evidence."""
from __future__ import annotations

import re
import unicodedata

from base.text import SENT_END  # the one home of the sentence-end punctuation

REFUSAL_PHRASES = ("资料中未找到", "资料中没有找到", "资料中未能找到", "资料未提及", "资料中没有提到",
                   "not found in the documents", "the documents do not contain", "the documents don't contain",
                   "no information in the documents")

# marker variants the model may write: [1] 【1】 ［1］ [1,2] [1、3] [资料1] [1-2] are normalised to [1][2]
_MARKER_ANY = re.compile(r"[\[【［]\s*(?:资料|编号|passage\s*|source\s*)?(\d{1,3}(?:\s*(?:[,，、;；]|-|–|~)\s*\d{1,3})*)\s*[\]】］]",
                         re.I)
MARKER = re.compile(r"\[(\d{1,3})\]")
_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.S | re.I)
_SPECIAL = re.compile(r"<\|?(?:end_of_turn|start_of_turn|eos|bos|im_end|im_start|endoftext|eot_id)\|?>(?:model|user|assistant)?",
                      re.I)

ANSWER_END = "。！？!?\n"  # an answer's sentences: ；; only separate its clauses
_INJECTION = re.compile(
    r"忽略(?:掉)?(?:以上|上述|上面|之前|前面|先前|所有|全部|此前)?(?:的|所有|全部)?(?:指令|指示|提示|要求|规则|设定|内容)"
    r"|无视(?:以上|上述|之前|前面)?(?:的)?(?:指令|指示|提示|规则)"
    r"|(?:你现在|现在你)(?:是|扮演|必须)|系统提示|新的指令|请(?:改为|直接)?(?:输出|回答)[:：“\"]"
    r"|ignore (?:all |any )?(?:the )?(?:previous|above|prior|earlier|preceding) (?:instructions?|prompts?|rules?)"
    r"|disregard (?:all |the )?(?:previous|above|prior) |you are now |system prompt|new instructions?:",
    re.I)


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
    return [int(m.group(1)) for m in MARKER.finditer(text)]


def norm_text(text: str) -> str:
    """NFKC, lower case, markers, whitespace and punctuation removed: what wording comparison sees."""
    t = MARKER.sub("", unicodedata.normalize("NFKC", text)).lower()
    return "".join(ch for ch in t if ch.isalnum())


def bigrams(text: str) -> set[str]:
    t = norm_text(text)
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


def split_sentences(text: str, ends: str = SENT_END) -> list[str]:
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
    return markers_stay_behind(parts)


def markers_stay_behind(parts: list[str]) -> list[str]:
    """Stripped, non-empty `parts`; markers opening a part ("[1]" after "…。") move to the part before."""
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
            if depth == 0 and prev and prev in SENT_END:
                sents.append(buf)
                buf = ""
                continue
        if ch in SENT_END and (depth == 0 or ch == "\n"):
            sents.append(buf)
            buf = ""
            depth = 0
    if buf:
        sents.append(buf)
    return "".join(s for s in sents if not _INJECTION.search(unicodedata.normalize("NFKC", s)))

