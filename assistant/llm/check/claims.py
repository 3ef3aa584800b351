"""Claims a passage must state explicitly when an answer makes them: negations (不/未/no longer), ranks
and superlatives (第一, 首位, first, largest), comparisons (比上年, than last year), level/scale
qualifiers (省级, 百亿级), lead and responsible units (由…牵头, led by …) and roles (由区长任组长)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from assistant.llm.check.vocab import alternation, claims, en_rx, free, longest_first, spans


@cache
def _zh_patterns(kind: str) -> re.Pattern[str]:
    c = claims()[kind]
    parts = [re.escape(w) for w in longest_first(c.get("zh", []))] + list(c.get("zh_patterns", []))
    return re.compile("|".join(f"(?:{p})" for p in parts))


def claim_tokens(text: str) -> list[tuple[str, str, int, int, str]]:
    """Negation, rank/superlative, comparison and level/scale qualifier (省级, 百亿级) words of a Chinese
    text as (kind, token, start, end, next char). Neutral words that contain a negation character
    (不低于, 不断, 未来) are not negations."""
    t = unicodedata.normalize("NFKC", text)
    out = []
    taken = spans(alternation(("negation", "zh_neutral")), t)
    for kind in ("comparison", "rank", "qualifier", "negation"):
        for m in _zh_patterns(kind).finditer(t):
            a, b = m.span()
            if a == b or not free(a, b, taken):
                continue
            taken.append((a, b))
            nxt = t[b] if b < len(t) and (t[b].isalnum()) else ""
            out.append((kind, m.group(0), a, b, nxt))
    return sorted(out, key=lambda x: x[2])


def english_claims(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """Negation, rank and comparison wording of an English text as (kind, words, Chinese words that
    would state it: "" for a negation = any Chinese negation)."""
    t = unicodedata.normalize("NFKC", text)
    c = claims()
    out: list[tuple[str, str, tuple[str, ...]]] = []
    taken = []
    for w in longest_first(c["negation"]["en_neutral"] + c["rank"]["en_neutral"]):
        taken += spans(en_rx(re.escape(w)), t)
    for kind, entries in (("comparison", c["comparison"]["en_patterns"]), ("rank", c["rank"]["en"]),
                          ("qualifier", c["qualifier"]["en"])):
        for e in entries:
            for m in en_rx(e["en"]).finditer(t):
                if not free(*m.span(), taken):
                    continue
                taken.append(m.span())
                zh = tuple(m.expand(z) if "\\" in z else z for z in e["zh"])
                out.append((kind, m.group(0), zh))
    for w in longest_first(c["negation"]["en"]):
        rx = en_rx(re.escape(w)) if w != "n't" else re.compile(r"n't\b", re.I)
        for m in rx.finditer(t):
            if free(*m.span(), taken):
                taken.append(m.span())
                out.append(("negation", m.group(0), ()))
    return out


@dataclass(frozen=True)
class Orgs:
    lead: frozenset[str] = frozenset()  # units named as 牵头 / 牵头单位
    duty: frozenset[str] = frozenset()  # units named as 责任单位 / …负责
    roles: frozenset[tuple[str, str]] = frozenset()  # (title, role): (区长, 组长) from 由区长任组长
    named: frozenset[str] = frozenset()  # every unit named


@cache
def _org_rx() -> re.Pattern[str]:
    o = claims()["organisations"]
    sfx = "|".join(re.escape(s) for s in longest_first(o["zh_suffixes"]))
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
    for r in longest_first(claims()["organisations"]["roles"]):
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
    return tuple((en_rx(e["en"]), tuple(e["zh"])) for e in claims()["organisations"]["en_terms"])


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
