"""Stage 3: metadata from content — title, region, issuer, date, 文号, years, kind.

Everything is read from the document's visible text; a value that the text does not state stays
None. A per-corpus override file (``corpus/metadata.toml``) lets staff correct or complete any field.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from base.regions import Region, genre, region_pattern, regions_by_name, short_name
from base.types import Doc, DocMeta

HEADER_SCAN_LINES = 40  # header fields are looked for in the first lines only
TITLE_MAX = 60
OVERRIDE_FILE = "metadata.toml"

_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})\s*日?")
_DATE_ONLY_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_DOC_NO_RE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号")
_BOOK_RE = re.compile(r"《([^《》]{2,80})》")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_TARGET_YEAR_RE = re.compile(r"(?:到|至|截至|截止|力争|争取)\s*((?:19|20)\d{2})\s*年")
_RANGE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")
_SENTENCE_PUNCT = re.compile(r"[。；;！？!?]|[，,].*[，,]")


# ---------------------------------------------------------------- header fields
def _key_regex(key: str) -> str:
    """'文号' → '文\\s*号' (scraped pages pad keys with spaces: '文       号')."""
    return r"\s*".join(map(re.escape, key))


def _all_keys() -> list[tuple[str, str]]:
    """(field, key) for every known header key, longest key first."""
    pairs = [(field, key) for field, keys in genre()["meta_fields"].items() for key in keys]
    return sorted(pairs, key=lambda p: len(p[1]), reverse=True)


def _field_line_re() -> re.Pattern[str]:
    alts = "|".join(f"(?P<k{i}>{_key_regex(k)})" for i, (_, k) in enumerate(_all_keys()))
    return re.compile(rf"(?:^|(?<=\s))(?:{alts})\s*[:：]")


def header_fields(text: str, max_lines: int = HEADER_SCAN_LINES) -> tuple[dict[str, str], int]:
    """Parse 'key: value' header pairs from the first lines.

    Returns ({field: first non-empty value}, end offset of the last header line).
    A line may hold several pairs ('文号: 发布机构: 科技创新局').
    """
    keys = _all_keys()
    rx = _field_line_re()
    empty = set(genre()["empty_values"])
    found: dict[str, str] = {}
    header_end = 0
    offset = 0
    for n, line in enumerate(text.split("\n")):
        if n >= max_lines:
            break
        matches = list(rx.finditer(line))
        if matches:
            header_end = offset + len(line)
            for i, m in enumerate(matches):
                idx = next(int(g[1:]) for g, v in m.groupdict().items() if v)
                field = keys[idx][0]
                stop = matches[i + 1].start() if i + 1 < len(matches) else len(line)
                value = re.sub(r"\s+", " ", line[m.end():stop]).strip()
                if value and value not in empty and field not in found:
                    found[field] = value
        offset += len(line) + 1
    return found, header_end


# ---------------------------------------------------------------- single fields
def normalise_date(s: str) -> str | None:
    m = _DATE_RE.search(s)
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def signature(text: str) -> tuple[str | None, str | None]:
    """落款: an issuing body on a line followed by a date-only line → (issuer, iso date)."""
    lines = [ln.strip() for ln in text.split("\n")]
    suffixes = tuple(genre()["issuer_suffixes"])
    for i, line in enumerate(lines):
        if not _DATE_ONLY_LINE.match(line):
            continue
        date = normalise_date(line)
        prev = next((lines[j] for j in range(i - 1, max(-1, i - 4), -1) if lines[j]), "")
        if prev and len(prev) <= 30 and prev.endswith(suffixes) and not _SENTENCE_PUNCT.search(prev):
            return prev, date
        return None, date
    return None, None


def _is_title_line(line: str) -> bool:
    line = line.strip()
    if not (4 <= len(line) <= TITLE_MAX) or _SENTENCE_PUNCT.search(line):
        return False
    if _field_line_re().search(line) or line.endswith(("：", ":")):
        return False
    return line.endswith(tuple(genre()["plan_kinds"])) or bool(_BOOK_RE.search(line) and line.endswith("通知"))


def find_title(text: str, fields: dict[str, str], max_lines: int = HEADER_SCAN_LINES) -> str | None:
    """The plan's title: a short standalone line near the top ending with a plan kind.

    A standalone plan title beats a 关于印发《…》的通知 line; from the latter the 《…》 name is taken.
    """
    candidates = [ln.strip() for ln in text.split("\n")[:max_lines] if _is_title_line(ln)]
    plain = [c for c in candidates if not c.endswith("通知")]
    if plain:
        return plain[0]
    if candidates:
        m = _BOOK_RE.search(candidates[0])
        return m.group(1) if m else candidates[0]
    if fields.get("title") and len(fields["title"]) <= TITLE_MAX:
        return fields["title"]
    return None


def find_kind(title: str | None, text: str) -> str | None:
    kinds = sorted(genre()["plan_kinds"], key=len, reverse=True)
    if title:
        for k in kinds:
            if title.endswith(k):
                return k
    for pat in genre()["kind_phrases"]:
        m = re.search(pat, text)
        if m:
            return m.group("k")
    return None


def find_doc_no(fields: dict[str, str], text: str, header_end: int) -> str | None:
    if fields.get("doc_no"):
        m = _DOC_NO_RE.search(fields["doc_no"])
        return m.group(0) if m else fields["doc_no"]
    # a 文号 standing alone on a line in the header area (not one cited in the body)
    for line in text[: max(header_end, 400)].split("\n"):
        m = _DOC_NO_RE.fullmatch(line.strip())
        if m:
            return m.group(0)
    return None


def _strip_books(text: str) -> str:
    """Blank out 《…》 names: years and regions inside cited titles are not the plan's own."""
    return _BOOK_RE.sub(lambda m: " " * len(m.group(0)), text)


def find_years(title: str | None, text: str, date: str | None) -> list[int]:
    """Years the plan covers: those in the title; else its 到YYYY年 target years (from the issue year)."""
    if title:
        ys = [int(y) for y in _YEAR_RE.findall(title)]
        for a, b in _RANGE_YEAR_RE.findall(title):
            ys.extend(range(int(a), int(b) + 1))
        if ys:
            return sorted(set(ys))
    body = _strip_books(text)
    targets = Counter(int(y) for y in _TARGET_YEAR_RE.findall(body))
    if not targets:
        # the plan's own year when it opens with it: "2023年是…", "2024年，全市…"
        m = re.match(r"\s*((?:19|20)\d{2})\s*年\s*[,，是]", body)
        return [int(m.group(1))] if m else []
    last = max(targets)
    first = int(date[:4]) if date else min(targets)
    if first > last or last - first > 10:
        first = last
    return list(range(first, last + 1))


# ---------------------------------------------------------------- region
def _regions_in(s: str) -> list[Region]:
    by_name = regions_by_name()
    return [by_name[m.group(0)][0] for m in region_pattern().finditer(s)]


def _regions_by_short(s: str) -> list[Region]:
    """Short names (咸宁, 下陆) are only trusted in short, high-signal strings (issuer, title)."""
    out = []
    for name, regs in regions_by_name().items():
        short = short_name(name)
        if short and len(short) >= 2 and short in s and name not in s:
            out.append(regs[0])
    return out


def find_region(issuer: str | None, title: str | None, body: str) -> str | None:
    """Region the plan belongs to: from the issuer, then the title, then the body's own usage."""
    for s in (issuer, title):
        if not s:
            continue
        found = _regions_in(s) or _regions_by_short(s)
        if found:
            return max(found, key=lambda r: (r.level, len(r.name))).name
    # regions named in the running text; failing that, in the titles it cites (《岳阳楼区…办法》)
    counts = Counter(r.name for r in _regions_in(_strip_books(body)))
    if not counts:
        counts = Counter(r.name for m in _BOOK_RE.finditer(body) for r in _regions_in(m.group(1))
                         if r.level > 1)
    if not counts:
        return None
    # the document speaks of itself as 我区/全区 … → prefer regions of that level
    level_words = genre()["region_level_words"]
    usage = {suffix: sum(body.count(w) for w in words) for suffix, words in level_words.items()}
    own = max(usage, key=usage.get) if any(usage.values()) else None
    ranked = sorted(counts.items(), key=lambda kv: (bool(own and kv[0].endswith(own)), kv[1]), reverse=True)
    return ranked[0][0]


def region_aliases(region: str | None) -> list[str]:
    if not region:
        return []
    short = short_name(region)
    return [short] if short else []


# ---------------------------------------------------------------- overrides
def load_overrides(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    """Read ``corpus/metadata.toml``: a table per document file name with fields to set."""
    path = Path(corpus_dir) / OVERRIDE_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: not valid TOML ({e})") from e
    allowed = set(DocMeta.__dataclass_fields__) - {"header_end"}
    for doc, fields in data.items():
        if not isinstance(fields, dict):
            raise ValueError(f"{path}: [{doc}] must be a table of fields")
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"{path}: [{doc}] unknown field(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    return data


def apply_overrides(meta: DocMeta, fields: dict[str, Any] | None) -> DocMeta:
    if not fields:
        return meta
    d = meta.to_dict()
    for k, v in fields.items():
        if k == "aliases":
            d["aliases"] = list(dict.fromkeys([*d["aliases"], *v]))
        elif k == "years":
            d["years"] = [int(y) for y in v]
        else:
            d[k] = v
    return DocMeta.from_dict(d)


# ---------------------------------------------------------------- entry point
def extract_metadata(doc: Doc, override: dict[str, Any] | None = None) -> DocMeta:
    text = doc.text
    fields, header_end = header_fields(text)
    title = find_title(text, fields)
    sig_issuer, sig_date = signature(text)
    issuer = fields.get("issuer") or sig_issuer
    date = normalise_date(fields["date"]) if fields.get("date") else None
    date = date or sig_date
    region = find_region(issuer, title, text[header_end:])
    meta = DocMeta(
        title=title,
        region=region,
        issuer=issuer,
        date=date,
        doc_no=find_doc_no(fields, text, header_end),
        years=find_years(title, text[header_end:], date),
        kind=find_kind(title, text),
        aliases=region_aliases(region),
        header_end=header_end,
    )
    return apply_overrides(meta, override)
