"""Stage clean: RawDoc → Doc, the single visible text that citations quote.

Removes web-page boilerplate lines (phrases and patterns in ``data/boilerplate.txt``) and
metadata lines repeated near the top of a page, then normalises whitespace. Punctuation and
all other characters are left exactly as in the source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from base.header import CN_DATE
from base.regions import genre
from base.types import Doc, RawDoc
from base.vocab import data_dir

BOILERPLATE_FILE = data_dir(__file__) / "boilerplate.txt"
HEADER_WINDOW = 40  # duplicate metadata is looked for in the first N non-blank lines
MIN_DUPLICATE_CHARS = 4  # shorter repeated lines are left alone

_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_INLINE_SPACE = re.compile(r"[^\S\n]+")  # any whitespace except the newline
_BULLETS = re.compile(r"^[\s•·●○◦◆◇▪▫■□►▶▸※*\-–—]+")
_SEGMENT_SPLIT = re.compile(r"[\s|｜【】\[\]〖〗]+")
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十]+、"
    r"|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])")
_KEY = r"[\u4e00-\u9fff]{2,8}|[\u4e00-\u9fff](?: [\u4e00-\u9fff])+"
_KEY_COLON = re.compile(rf"(?<!\S)({_KEY})\s*[:：]")
_KEY_SPACE_VALUE = re.compile(rf"({_KEY}) (\S+)")
_MAX_HEADER_VALUE = 80


# --------------------------------------------------------------------------- boilerplate


@dataclass(frozen=True)
class Boilerplate:
    """Literal phrases and full-match patterns from the boilerplate data file."""

    phrases: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, text: str) -> bool:
        """True when ``text`` (one line or segment) is boilerplate as a whole."""
        if text in self.phrases or text.rstrip(":：").strip() in self.phrases:
            return True
        return any(p.fullmatch(text) for p in self.patterns)


def parse_boilerplate(lines: list[str]) -> Boilerplate:
    """Parse data-file lines (``#`` comments, ``re:`` patterns, literal phrases)."""
    phrases: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for raw in lines:
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("re:"):
            patterns.append(re.compile(entry[3:].strip()))
        else:
            phrases.add(_INLINE_SPACE.sub(" ", entry))
    return Boilerplate(frozenset(phrases), tuple(patterns))


@lru_cache(maxsize=1)
def load_boilerplate(path: Path = BOILERPLATE_FILE) -> Boilerplate:
    """The boilerplate rules, read once."""
    return parse_boilerplate(path.read_text(encoding="utf-8").splitlines())


def is_boilerplate(line: str, rules: Boilerplate) -> bool:
    """True when the whole line is boilerplate (alone, or as 2+ boilerplate segments)."""
    text = _BULLETS.sub("", line).strip()
    if not text:
        return False
    if rules.matches(text):
        return True
    segments = [s for s in _SEGMENT_SPLIT.split(text) if s]
    return len(segments) >= 2 and all(rules.matches(s) for s in segments)


# --------------------------------------------------------------------------- repeated header


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def header_pairs(line: str) -> list[tuple[str, str]]:
    """(key, value) pairs of a ``键: 值 键: 值`` metadata line; [] when it is not one."""
    matches = list(_KEY_COLON.finditer(line))
    if not matches or matches[0].start() != 0:
        return []
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = line[m.end():end].strip()
        if len(value) > _MAX_HEADER_VALUE:
            return []
        pairs.append((_compact(m.group(1)), _compact(value)))
    return pairs


def stated_pairs(line: str) -> list[tuple[str, str]]:
    """Pairs a line states: ``键: 值`` pairs, or a bare ``键 值`` line (no colon)."""
    pairs = header_pairs(line)
    if pairs:
        return pairs
    m = _KEY_SPACE_VALUE.fullmatch(line)
    return [(_compact(m.group(1)), m.group(2))] if m else []


def repeated_header_lines(lines: list[str], window: int = HEADER_WINDOW) -> set[int]:
    """Indexes of lines in the first ``window`` non-blank lines that repeat earlier ones.

    A line is a repeat when it equals an earlier line (whitespace ignored, at least
    MIN_DUPLICATE_CHARS long, not a numbered heading — a table of contents may precede the
    body), or when it is a metadata line whose key/value pairs were all stated above.
    """
    seen: set[str] = set()
    stated: set[tuple[str, str]] = set()
    repeats: set[int] = set()
    looked = 0
    for i, line in enumerate(lines):
        if looked >= window:
            break
        if not line.strip():
            continue
        looked += 1
        key = _compact(line)
        pairs = header_pairs(line)
        if (len(key) >= MIN_DUPLICATE_CHARS and key in seen and not _HEADING.match(line)) or (
                pairs and all(p in stated for p in pairs)):
            repeats.add(i)
            continue
        seen.add(key)
        stated.update(stated_pairs(line))
    return repeats


# --------------------------------------------------------------------------- whitespace


_FIGURE_GAP = re.compile(r"(?<=\d) (?=\.\d|%)|(?<=\d\.) (?=\d)")
_SPLIT_YEAR = re.compile(r"(?<!\d)(\d{1,3}) (\d{1,3})(?=\s*(?:年|[—–\-－~～至到]\s*\d))")
_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3}) (\d{3})(?![\d.])(?=\s*[\u4e00-\u9fff%])")


def close_figure_gaps(line: str) -> str:
    """Spaces a conversion left inside figures and years (突破 3 .1 %, 超过 1 000 家, 202 4 年): a
    figure is one token. Spaces between words stay: titles and header rows use them as separators."""
    line = _SPLIT_YEAR.sub(lambda m: m.group(1) + m.group(2) if len(m.group(1) + m.group(2)) == 4 else m.group(0), line)
    prev = None
    while prev != line:
        prev, line = line, _THOUSANDS.sub(r"\1\2", line)
    return _FIGURE_GAP.sub("", line)


def normalize_line(line: str) -> str:
    """Strip the line, collapse runs of spaces/tabs (any Unicode space) to one space, and close the
    gaps a conversion leaves inside figures."""
    return close_figure_gaps(_INLINE_SPACE.sub(" ", _ZERO_WIDTH.sub("", line)).strip())


RUN_IN_MIN_CHARS = 60  # a page flattened into long lines; shorter lines are left as they are
_RUN_IN_MARK = r"(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])"
# a numbered heading run into the text after a sentence end (…制定本工作方案。 一、总体要求), or after a
# heading of its own (一、总体要求 (一)总体思路。)
_RUN_IN_AFTER_SENTENCE = re.compile(rf"(?<=[。；;！？!?])\s+(?={_RUN_IN_MARK})")
_RUN_IN_AFTER_HEADING = re.compile(rf"^({_RUN_IN_MARK}[^。；;，,\s]{{2,20}})\s+(?={_RUN_IN_MARK})")


@lru_cache(maxsize=1)
def _run_in_signature() -> re.Pattern[str]:
    suffixes = "|".join(map(re.escape, sorted(genre()["issuer_suffixes"], key=len, reverse=True)))
    return re.compile(rf"(?<=[。；;！!])\s+(?=[\u4e00-\u9fff（）()]{{2,30}}?(?:{suffixes})\s+{CN_DATE}\s*$)")


def break_run_in(line: str) -> list[str]:
    """A long line of a page whose paragraphs were flattened into one: its numbered headings
    (…制定本工作方案。 一、总体要求 (一)总体思路。…) and a closing signature (…认真组织实施。
    邢台市人民政府 2018年6月12日) start lines of their own, as the page showed them. Only where a space
    stands before them: text written without one is left whole."""
    if len(line) < RUN_IN_MIN_CHARS:
        return [line]
    out = []
    for part in (x for piece in _run_in_signature().split(line) for x in _RUN_IN_AFTER_SENTENCE.split(piece)):
        while True:
            m = _RUN_IN_AFTER_HEADING.match(part)
            if not m:
                break
            out.append(m.group(1))
            part = part[m.end():]
        out.append(part)
    return [x.strip() for x in out if x.strip()]


def join_lines(lines: list[str]) -> str:
    """Join lines, keeping at most one blank line in a row and none at the ends."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# --------------------------------------------------------------------------- stage


def clean(raw: RawDoc) -> Doc:
    """The document's visible text without boilerplate; ``removed_lines`` counts drops."""
    text = re.sub(r"\r\n?", "\n", raw.text)
    lines = [x for ln in text.split("\n") for x in break_run_in(normalize_line(ln))]
    rules = load_boilerplate()
    kept = [ln for ln in lines if not (ln and is_boilerplate(ln, rules))]
    removed = len(lines) - len(kept)
    repeats = repeated_header_lines(kept)
    kept = [ln for i, ln in enumerate(kept) if i not in repeats]
    return Doc(path=raw.path, text=join_lines(kept), kind=raw.kind, sha256=raw.sha256,
               encoding=raw.encoding, removed_lines=removed + len(repeats))
