"""Stage 3: metadata from content — title, region, issuer, date, 文号, years, kind.

Everything is read from the document's visible text; a value that the text does not state stays
None. A per-corpus override file (``corpus/metadata.toml``) lets staff correct or complete any field.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from base.header import CN_DATE, DATE, DATE_TIME, HEADER_SCAN_LINES, arabic_dates, header_end, header_pairs
from base.numbers import CJK
from base.regions import (Region, abbreviations, comparative, genre, own_level, region_named, region_pattern,
                          regions_by_name, short_name)
from base.text import SENT_END, YEAR_RANGE_DASHES
from base.types import Doc, DocMeta

TITLE_MAX = 60
OVERRIDE_FILE = "metadata.toml"

_DATE_RE = re.compile(DATE)
_DATE_ONLY_LINE = re.compile(rf"^\s*{CN_DATE}\s*$")
# the closing bracket is sometimes lost in a page's conversion (明府办〔2016118号): the year is still 4 digits
_DOC_NO_RE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]?\s*\d{1,4}\s*号")
_NOTICE_DOC_NO = re.compile(r"通知\s*[(（【\[]?\s*(" + _DOC_NO_RE.pattern.replace("{1,10}", "{1,8}?") + r")")
_BOOK_RE = re.compile(r"《([^《》]{2,80})》")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_TARGET_YEAR_RE = re.compile(r"(?:到|至|截至|截止|力争|争取)\s*((?:19|20)\d{2})\s*年")
_RANGE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*[" + YEAR_RANGE_DASHES + r"]+\s*((?:19|20)\d{2})(?!\d)")
_SENTENCE_PUNCT = re.compile(f"[{re.escape(SENT_END[:-1])}]|[，,].*[，,]")


# ---------------------------------------------------------------- header fields
def header_fields(text: str, max_lines: int = HEADER_SCAN_LINES) -> tuple[dict[str, str], int]:
    """The header block's known fields: ({field: first non-empty value}, end offset of the block).
    Layouts (pairs on a line, table cells, bracketed labels) are read by ``base.header``."""
    found: dict[str, str] = {}
    for f in header_pairs(text, max_lines):
        if f.field and f.field not in found:
            found[f.field] = f.value
    return found, header_end(text, max_lines)


# ---------------------------------------------------------------- single fields
def normalise_date(s: str) -> str | None:
    m = _DATE_RE.search(arabic_dates(s))
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


_NEXT_LABEL = re.compile(r"\s+[\u4e00-\u9fff]{2,4}\s*[:：].*$")
_DATE_TIME_RE = re.compile(DATE_TIME)
_LAST_LABEL = re.compile(r"[\u4e00-\u9fff]{2,4}\s*[:：]\s*$")


def split_issuer(value: str) -> tuple[str | None, str | None]:
    """An issuer cell that also holds a date or the next label of its line (发展计划处 ( 2016-09-28 ),
    芜湖市科技局 作者:芜湖市科技局) → (the issuer alone, the date it holds)."""
    value = _NEXT_LABEL.sub("", value.strip())
    m = _DATE_TIME_RE.search(value)
    date = normalise_date(m.group(0)) if m else None
    if m:  # with its time and a label run on after it (承德市科学技术局2021-11-05 09:41浏览次数:)
        value = value[:m.start()] + _LAST_LABEL.sub("", value[m.end():])
    value = re.sub(r"[（(]\s*[)）]", "", value).strip(" ()（）[]【】")
    return value or None, date


# a news lead's byline: 海东日报讯(记者 张璐) — not 本报讯, which names no source
_SOURCE_BYLINE = re.compile(r"^\s*(?!本报|本网)([\u4e00-\u9fff]{2,12}?)讯?\s*[(（]\s*(?:记者|通讯员)", re.M)


def byline_source(body: str, max_chars: int = 400) -> str | None:
    """The newspaper or agency a news report's byline names at the start of its body (海东日报)."""
    m = _SOURCE_BYLINE.search(body[:max_chars])
    return m.group(1) if m else None


def masthead(text: str, max_lines: int = 8) -> str | None:
    """The outlet a news page carries on a line of its own among its first lines (信阳日报客户端): the
    page's publisher, when no header field or byline names one."""
    suffixes = "|".join(map(re.escape, sorted(genre()["media_suffixes"], key=len, reverse=True)))
    for line in text.split("\n")[:max_lines]:
        m = re.fullmatch(rf"\s*([\u4e00-\u9fff]{{2,10}}(?:{suffixes}))\s*", line)
        if m:
            return m.group(1)
    return None


_BYLINE = re.compile(rf"^\s*(?P<issuer>[\u4e00-\u9fff（）()]{{3,30}}?)\s+(?P<date>{CN_DATE})\s*$")
# the other order, as a page's line under its headline puts them (2023-05-18 办公室)
_DATED_BYLINE = re.compile(r"^\s*(?P<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s+"
                           r"(?P<issuer>[\u4e00-\u9fff（）()]{2,30})\s*$")


def signature(text: str) -> tuple[str | None, str | None]:
    """落款: an issuing body on a line followed by a date-only line → (issuer, iso date); or, among
    the first lines, a byline giving both on one line (神木市人民政府办公室 2021年3月24日)."""
    lines = [arabic_dates(ln.strip()) for ln in text.split("\n")]  # 二○一○年二月二十六日 signs too
    suffixes = tuple(genre()["issuer_suffixes"])
    for line in lines[:HEADER_SCAN_LINES]:
        m = _BYLINE.match(line) or _DATED_BYLINE.match(line)
        if m and m["issuer"].endswith(suffixes):
            return m["issuer"], normalise_date(m["date"])
    for i, line in enumerate(lines):
        if not _DATE_ONLY_LINE.match(line):
            continue
        date = normalise_date(line)
        prev = next((lines[j] for j in range(i - 1, max(-1, i - 4), -1) if lines[j]), "")
        if prev and len(prev) <= 30 and prev.endswith(suffixes) and not _SENTENCE_PUNCT.search(prev):
            return prev, date
        return None, date
    return None, None


def issuer_in_title(title: str | None) -> str | None:
    """The body a title opens with ("西安市科学技术局2024年度…要点" → 西安市科学技术局)."""
    if not title:
        return None
    suffixes = "|".join(map(re.escape, sorted(genre()["issuer_suffixes"], key=len, reverse=True)))
    m = re.match(rf"([\u4e00-\u9fff]{{2,20}}?(?:{suffixes}))(?=(?:19|20)\d{{2}}|关于|[“《]|$)", title)
    return m.group(1) if m and find_region(None, m.group(1), "") else None


_TRAILING_YEARS = re.compile(r"\s*[(（]\s*(?:19|20)\d{2}\s*[" + YEAR_RANGE_DASHES + r"]+\s*(?:19|20)\d{2}\s*年?\s*[)）]\s*$")


@lru_cache(maxsize=1)
def _status_mark() -> re.Pattern[str]:
    marks = "|".join(map(re.escape, genre()["title_status_marks"]))
    return re.compile(rf"\s*[(（]\s*(?:{marks})\s*[)）]\s*$")


def title_core(title: str) -> str:
    """A title without what may trail its plan kind: the years it covers and marks of its status
    (…工作方案 (2025-2027年)(征求意见稿) → …工作方案; genre.json title_status_marks)."""
    status = _status_mark()
    prev = None
    while prev != title:
        prev, title = title, status.sub("", _TRAILING_YEARS.sub("", title))
    return title


_NOTICE_NAME = re.compile(r"(?:现将|将)?《([^《》]{4,80})》[^。]{0,40}印发给")


_FILE_EXT = re.compile(r"\.(?:docx?|wps|pdf|txt)$", re.I)


def _title_text(line: str) -> str:
    """A title line without the file extension a page prints after it (…行动方案(2022―2025年).doc)."""
    return _FILE_EXT.sub("", line.strip())


def _is_title_line(line: str) -> bool:
    line = _title_text(line)
    if not (4 <= len(line) <= TITLE_MAX) or _SENTENCE_PUNCT.search(line):
        return False
    if header_pairs(line, 1) or line.endswith(("：", ":")) or line.count("《") != line.count("》"):
        return False  # a label, or half of a title wrapped over two lines (关于印发《…规划 / (2021—2025年)》的通知)
    core = title_core(line)  # …实施方案(2023-2027年)(征求意见稿)
    return core.endswith(tuple(genre()["plan_kinds"])) or bool(_BOOK_RE.search(line) and line.endswith("通知"))


# a notice's title that names the plan without book-name marks, after a site's label: 安徽:关于印发 安徽省“十四五”科技创新规划的通知
_NOTICE_TITLE = re.compile(r"^(?:[^:：]{1,12}[:：]\s*)?(?:[\u4e00-\u9fff]{2,30}?)?关于印发\s*([^《》]{4,80}?)\s*的通知$")


def notice_title(line: str) -> str | None:
    """The plan a 关于印发X的通知 line (no 《》 around X) issues, when X reads as a plan's title."""
    m = _NOTICE_TITLE.match(_title_text(line))
    if not m or _SENTENCE_PUNCT.search(m.group(1)):
        return None
    name = m.group(1).strip()
    return name if title_core(name).endswith(tuple(genre()["plan_kinds"])) else None


def notice_names(text: str, max_chars: int = 3000) -> list[str]:
    """Names a covering notice gives the plan it issues: 现将《X》印发给你们, 《X》已经…通过,现印发给你们."""
    return [m.group(1).strip() for m in _NOTICE_NAME.finditer(text[:max_chars])]


def find_title(text: str, fields: dict[str, str], max_lines: int = HEADER_SCAN_LINES) -> str | None:
    """The plan's title: a short standalone line near the top ending with a plan kind.

    A standalone plan title beats a 关于印发《…》的通知 line; from the latter the 《…》 name is taken.
    When the title is wrapped over two lines, the covering notice's name of the plan (现将《…》印发)
    holding the standalone line is the whole title.
    """
    candidates = [_title_text(ln) for ln in text.split("\n")[:max_lines] if _is_title_line(ln)]
    plain = [c for c in candidates if not c.endswith("通知")]
    named = notice_names(text)
    if plain:
        whole = [n for n in named if len(n) > len(plain[0]) and plain[0].replace(" ", "") in n.replace(" ", "")]
        return whole[0] if whole and len(whole[0]) <= TITLE_MAX else plain[0]
    if candidates:
        m = _BOOK_RE.search(candidates[0])
        return m.group(1) if m else candidates[0]
    issued = [n for n in map(notice_title, text.split("\n")[:max_lines]) if n]
    if issued:
        return issued[0]
    if fields.get("title") and len(fields["title"]) <= TITLE_MAX:
        return fields["title"]
    if named and len(named[0]) <= TITLE_MAX:
        return named[0]
    return None


_NEWS_LEAD = re.compile(
    r"\s*(?:来源|信息来源|文章来源|发布时间|发布日期|刊发日期|出版日期|发表日期|日期|时间|作者|编辑|本报讯|新华社|[\u4e00-\u9fff]{1,12}讯?\s*[(（]\s*(?:记者|通讯员)"
    r"|(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*月\s*\d{1,2}\s*日\s*[,，]"
    r"|[\u4e00-\u9fff]{1,12}\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:消息|电)\s*[(（]?)")  # 三亚新闻网7月30日消息(…
_HEADING_START = re.compile(r"\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．])")


def _is_headline_line(line: str) -> bool:
    if not (6 <= len(line) <= TITLE_MAX) or _SENTENCE_PUNCT.search(line) or re.search(r"[:：>/|]", line):
        return False
    return (len(CJK.findall(line)) >= len(line) / 2 and not _DATE_ONLY_LINE.match(line)
            and not _HEADING_START.match(line))  # 一、总体目标 before 3月底前… is a heading


def find_headline(text: str, max_lines: int = 12) -> str | None:
    """A news page's headline, for a text with no plan title: a short standalone line near the top
    followed by its byline, source/date line or the lead's 本报讯 (宝鸡市“双创”工作卓有成效 / 来源：…)."""
    lines = [ln.strip() for ln in text.split("\n")[:max_lines] if ln.strip()]
    for cur, nxt in zip(lines, lines[1:]):
        if _is_headline_line(cur) and (_NEWS_LEAD.match(nxt) or _BYLINE.match(nxt)):
            return cur
    return None


def find_kind(title: str | None, text: str) -> str | None:
    kinds = sorted(genre()["plan_kinds"], key=len, reverse=True)
    if title:
        for k in kinds:
            if title_core(title).endswith(k):
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
    # a 文号 standing alone on a line in the header area, perhaps in brackets (not one cited in the body)
    for line in text[: max(header_end, 400)].split("\n"):
        m = _DOC_NO_RE.fullmatch(line.strip().strip("()（）【】[]").strip())
        if m:
            return m.group(0)
    # … or right after the notice's title it numbers (印发《…》的通知唐政办字〔2022〕140号, …的通知
    # 【邢政发〔2018〕6号】), a scraped page having run the two together
    m = _NOTICE_DOC_NO.search(text[: max(header_end, 400)])
    return m.group(1) if m else None


def _strip_books(text: str) -> str:
    """Blank out 《…》 names: years and regions inside cited titles are not the plan's own."""
    return _BOOK_RE.sub(lambda m: " " * len(m.group(0)), text)


EARLY_MONTH = 3  # a report dated in its year's first months may be about the year before


def find_years(title: str | None, text: str, date: str | None, headline: str | None = None) -> list[int]:
    """Years the plan covers: those in the title; else the plan period a news headline names (常州市
    “十三五”科技创新规划公布: the plan reported on covers 2016–2020); else its 到YYYY年 target years
    (from the issue year)."""
    if headline and not title:
        ys = [y for period, (a, b) in genre().get("plan_periods", {}).items() if period in headline
              for y in range(a, b + 1)]
        if ys:
            return sorted(set(ys))
    if title:
        ys = [int(y) for y in _YEAR_RE.findall(title)]
        for a, b in _RANGE_YEAR_RE.findall(title):
            if 0 <= int(b) - int(a) <= 15:
                ys.extend(range(int(a), int(b) + 1))
        for period, (a, b) in genre().get("plan_periods", {}).items():
            if period in title:
                ys.extend(range(a, b + 1))
        if ys:
            return sorted(set(ys))
    body = _strip_books(text)
    targets = Counter(int(y) for y in _TARGET_YEAR_RE.findall(body))
    if not targets:
        # the plan's own year when it opens with it: "2023年是…", "2024年，全市…"
        m = re.match(r"\s*((?:19|20)\d{2})\s*年\s*[,，是]", body)
        if m:
            return [int(m.group(1))]
        # a text naming no year of its own (a bulletin, a report) is about the year it is dated, and
        # also the year before when it is dated early in the year and names it (a January report on
        # 2025年以来…: what it says undated is as likely that year's)
        if not date:
            return []
        year = int(date[:4])
        early = date[5:7].isdigit() and int(date[5:7]) <= EARLY_MONTH
        return [year - 1, year] if early and re.search(rf"(?<!\d){year - 1}\s*年", body) else [year]
    last = max(targets)
    first = int(date[:4]) if date else min(targets)
    if first > last or last - first > 10:
        first = last
    return list(range(first, last + 1))


# ---------------------------------------------------------------- region
def _regions_in(s: str) -> list[Region]:
    return [region_named(m.group(0)) for m in region_pattern().finditer(s)]


def _regions_spoken_of(s: str) -> list[Region]:
    """Regions the running text names, leaving out those it only ranks against (列嘉兴市第1)."""
    return [region_named(m.group(0)) for m in region_pattern().finditer(s) if not comparative(s, m.start(), m.end())]


def _regions_by_short(s: str) -> list[Region]:
    """Short names (咸宁, 下陆) are only trusted in short, high-signal strings (issuer, title)."""
    by_short: dict[str, Region] = {}
    for name, regs in regions_by_name().items():
        short = _distinct_short(name)
        if short and short in s and name not in s:
            if short not in by_short or regs[0].level < by_short[short].level:
                by_short[short] = regs[0]  # a short name several share is the highest one's (海南 → 海南省)
    return list(by_short.values())


def _regions_in_label(s: str) -> list[Region]:
    """Regions named in a short, high-signal string (issuer, title): full names of any length
    (环县, 沛县 too) and short names (咸宁, 下陆)."""
    found = [regs[0] for name, regs in regions_by_name().items() if len(name) >= 2 and name in s]
    found = [r for r in found if not any(o is not r and r.name in o.name and o.name in s for o in found)]
    return found or _regions_by_short(s)


def find_region(issuer: str | None, title: str | None, body: str, headline: str | None = None) -> str | None:
    """Region the plan belongs to: from the issuer, then the title or a news page's headline (the
    most specific region they name), then the body's own usage. A media outlet as the issuer comes
    after the title and headline: it names where a report was published, not what it is about."""
    media = bool(issuer and issuer.endswith(tuple(genre()["media_suffixes"])))
    for s in ((title, headline, issuer) if media else (issuer, title, headline)):
        if not s:
            continue
        found = _regions_in_label(s)
        if found:
            return max(found, key=lambda r: (r.level, len(r.name))).name
    # regions named in the running text; failing that, in the titles it cites (《岳阳楼区…办法》)
    counts = Counter(r.name for r in _regions_spoken_of(_strip_books(body)))
    counts.update(r.name for r in _provinces_by_short(_strip_books(body)))
    if not counts:
        counts = Counter(r.name for m in _BOOK_RE.finditer(body) for r in _regions_in(m.group(1))
                         if r.level > 1)
    # the document speaks of itself as 我区/全区 … → prefer regions of that level; when the running
    # text names none of that level, the titles it cites may (《海南省…方案》 in a provincial plan)
    own = own_level(body)
    if own and not any(name.endswith(own) for name in counts):
        books = " ".join(m.group(1) for m in _BOOK_RE.finditer(body))
        cited = [r for r in [*_regions_in(books), *_provinces_by_short(books)] if r.name.endswith(own)]
        counts.update(r.name for r in cited)
    if own and not any(name.endswith(own) for name in counts):
        # "市科技局…我市…南阳中试基地": a city that calls itself 我市 but never by its full name
        counts.update(r.name for r in _regions_by_short_of_level(_strip_books(body), own))
    if not counts:
        # a text naming no region in full and speaking of itself at no level it names: the cities it
        # names by their short name (全面塑造无锡高质量发展新动能, 把无锡建设成为…)
        counts.update(r.name for suffix in genre().get("short_name_levels", ())
                      for r in _regions_by_short_of_level(_strip_books(body), suffix))
    if not counts:
        return None
    # 全区 is said by a district and by an autonomous region alike: a district the text names is the
    # more specific reading (昆都仑区 over the 内蒙古 its text names more often)
    # equal counts: the more specific region (a county report names its city and province once each)
    level = {name: regions_by_name()[name][0].level for name in counts}
    ranked = sorted(counts.items(), key=lambda kv: (bool(own and kv[0].endswith(own) and not kv[0].endswith("自治区")),
                                                     bool(own and kv[0].endswith(own)), kv[1], level[kv[0]]),
                    reverse=True)
    return ranked[0][0]


def _regions_by_short_of_level(s: str, suffix: str) -> list[Region]:
    """Regions of one level (市) named in running text by their short name (南阳), once per mention:
    only for the levels whose short names are distinctive enough (genre.json short_name_levels)."""
    if suffix not in genre().get("short_name_levels", ()):
        return []
    out = []
    for name, regs in regions_by_name().items():
        short = _distinct_short(name)
        if name.endswith(suffix) and regs[0].level > 1 and short:
            out.extend([regs[0]] * s.count(short))
    return out


def _distinct_short(name: str) -> str:
    """A region's short name when it can stand for the region in a text: two characters or more and
    not an ordinary word (合作 of 合作市: genre.json common_word_short_names); else ""."""
    short = short_name(name)
    return short if len(short) >= 2 and short not in genre()["common_word_short_names"] else ""


def _provinces_by_short(s: str) -> list[Region]:
    """Provinces named by their short name (海南, 甘肃): distinctive enough to trust in running text."""
    out = []
    for name, regs in regions_by_name().items():
        r = regs[0]
        short = short_name(name)
        if r.level == 1 and short and len(short) >= 2 and name not in s:
            out.extend([r] * s.count(short))
    return out


def region_aliases(region: str | None, body: str = "") -> list[str]:
    """Other names of the region: its short name, and abbreviations the document itself uses
    (岳阳楼区 → 楼区, when the text says 楼区)."""
    if not region:
        return []
    abbr = abbreviations(region)
    # an abbreviation counts where the text writes it, not inside the full name (新县 of 永新县)
    rest = body.replace(region, " ").replace(abbr[0], " ") if abbr else body
    return [a for i, a in enumerate(abbr) if i == 0 or a in rest]


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
    title = find_title(text, fields)  # a plan's own title: it may name the region and the years
    headline = None if title else find_headline(text)  # a news page's: shown, read for its region and for the plan period it names
    sig_issuer, sig_date = signature(text)
    field_issuer, issuer_date = split_issuer(fields.get("issuer") or "")
    issuer = field_issuer or sig_issuer or issuer_in_title(title) or byline_source(text[header_end:]) or masthead(text)
    date = normalise_date(fields["date"]) if fields.get("date") else None
    date = date or issuer_date or sig_date
    region = find_region(issuer, title, text[header_end:], headline)
    meta = DocMeta(
        title=title,
        region=region,
        issuer=issuer,
        date=date,
        signed=sig_date if sig_date and sig_date != date else None,
        doc_no=find_doc_no(fields, text, header_end),
        years=find_years(title, text[header_end:], date, headline),
        kind=find_kind(title, text),
        aliases=region_aliases(region, text[header_end:]),
        header_end=header_end,
        headline=headline,
    )
    return apply_overrides(meta, override)
