"""Members of an enumeration as a document writes them, found in a span of its text (pure functions):
一是…二是…, （1）…（2）…; A、B和C (a series, perhaps closed by its group's name: …三大传统优势产业);
items split by ；; the parts of a quoted slogan; documents cited by name (《A》和《B》); the parts of an
abbreviation where the text defines it (…和…(以下简称“双中心”)). A member is (text, start, end)."""
from __future__ import annotations

import re
from functools import lru_cache

from base.numbers import parse_chinese_int
from base.text import CLAUSE_END, SENT_END


_ORDINAL = re.compile(r"(?:(?<=^)|(?<=[；;。，,：:\s]))(?:[一二三四五六七八九十]是|其[一二三四五六七八九十]|"
                      r"[（(][一二三四五六七八九十\d]{1,2}[）)]|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫])")


_LIST_TAIL = re.compile(r"(?:等|三大|四大|五大|六大|七大|八大|[两二三四五六七八九十]{1,2}(?:大|个|项|类|种))")


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in "，,、；;：:"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in "，,、；;。：:"):
        b -= 1
    return a, b


def ordinal_members(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """一是…二是…, （1）…（2）…, ①…②… inside text[lo:hi]."""
    ms = list(_ORDINAL.finditer(text, lo, hi))
    if len(ms) < 2:
        return []
    out = []
    for i, m in enumerate(ms):
        end = ms[i + 1].start() if i + 1 < len(ms) else hi
        a, b = _trim(text, m.end(), end)
        if b > a:
            out.append((text[a:b], a, b))
    return out


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫"


def _ordinal_number(marker: str) -> int | None:
    """1 for 一是, 其一, （1）, ①; 2 for 二是 … (None for what is no ordinal)."""
    if marker and marker[0] in _CIRCLED:
        return _CIRCLED.index(marker[0]) + 1
    core = re.sub(r"^其|是$|[（()）]", "", marker)
    return int(core) if core.isdigit() else parse_chinese_int(core)


def _ordinal_style(marker: str) -> str:
    """一是 and 二是 share a style, （1） and （2） another: a run keeps one."""
    return re.sub(r"[一二三四五六七八九十\d]+", "N", marker) if marker[:1] not in _CIRCLED else "circled"


@lru_cache(maxsize=64)
def ordinal_runs(text: str) -> tuple[tuple[tuple[str, int, int], ...], ...]:
    """Every run of numbered items that each open a sentence (一是…。二是…。, lines may break between
    them), counting 1, 2, 3 … in one style; each member is its item's first sentence."""
    # an item opens a sentence, or a line that a conversion has joined to the one before with a space
    ms = [m for m in _ORDINAL.finditer(text) if m.start() == 0 or text[m.start() - 1] in "。！？!?\n \u3000\t"]
    runs: list[list[re.Match[str]]] = []
    for m in ms:
        n = _ordinal_number(m.group())
        if n == 1:
            runs.append([m])
        elif runs and n == len(runs[-1]) + 1 and _ordinal_style(m.group()) == _ordinal_style(runs[-1][0].group()):
            runs[-1].append(m)
    out = []
    for run in runs:
        members = []
        for i, m in enumerate(run):
            end = min(run[i + 1].start() if i + 1 < len(run) else len(text), sentence_end(text, m.end(), len(text)))
            a, b = _trim(text, m.end(), end)
            if b > a:
                members.append((text[a:b], a, b))
        if len(members) >= 2:
            out.append(tuple(members))
    return tuple(out)


MARKER_CHARS = 4  # how far before its text an item's marker may start (（十二）, 一是)


def sentence_ordinals(text: str, at: int) -> list[tuple[str, int, int]]:
    """The run of ``ordinal_runs`` whose items hold position `at` ([] when none does)."""
    for run in ordinal_runs(text):
        if run[0][1] - MARKER_CHARS <= at <= run[-1][2]:
            return list(run)
    return []


ITEM_HEAD_CHARS = 20  # 二是提升创新能力。: a numbered item whose first sentence is this short titles the item
ITEM_BODY_CHARS = 600


def item_extents(text: str, run: tuple[tuple[str, int, int], ...], last_chars: int | None = None) -> list[int]:
    """Where each item of a run of ``ordinal_runs`` ends: at the next item's marker; the last at its
    paragraph's end (a blank line), within `last_chars` of its first sentence when given."""
    ends = []
    for k, (_, _, b) in enumerate(run):
        if k + 1 < len(run):
            ends.append(max(b, run[k + 1][1] - MARKER_CHARS))
            continue
        end = len(text) if last_chars is None else min(len(text), b + last_chars)
        para = text.find("\n\n", b)
        ends.append(min(end, para) if para >= 0 else end)
    return ends


def item_head(text: str, at: int) -> str:
    """The title of the numbered item (一是…。二是…。) a sentence at `at` belongs to, when the item
    opens with a short sentence of its own (二是提升创新能力。实施引进科技创新资源行动…: the second
    sentence is about 提升创新能力, as a sentence under an outline heading is); "" otherwise."""
    for run in ordinal_runs(text):
        if not run[0][1] - MARKER_CHARS <= at <= run[-1][2] + ITEM_BODY_CHARS:
            continue
        for (head, _, b), nxt in zip(run, item_extents(text, run, ITEM_BODY_CHARS)):
            if b < at < nxt and len(head) <= ITEM_HEAD_CHARS:
                return head
    return ""


def series_members(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """A、B、C（和D）（等…）: the longest run of 、-separated items in one clause of text[lo:hi]."""
    runs = series_runs(text, lo, hi)
    return max(runs, key=len) if runs else []


def series_runs(text: str, lo: int, hi: int) -> list[list[tuple[str, int, int]]]:
    """Every run of 、-separated items (two or more) in the clauses of text[lo:hi], in text order."""
    out: list[list[tuple[str, int, int]]] = []
    c0 = lo
    for c1 in [i for i in range(lo, hi) if text[i] in CLAUSE_END or text[i] in "：:"] + [hi]:
        clause = text[c0:c1]
        pair = "、" not in clause and len(re.findall(r"[和及与]", clause)) == 1 \
            and _INCLUDES.search(text, max(lo, c0 - 4), c0)
        if pair:
            cut = c0 + re.search(r"[和及与]", clause).start()
            members = [(text[a:b], a, b) for a, b in (_trim(text, c0, cut), _trim(text, cut + 1, c1)) if b > a]
            if len(members) >= 2:
                out.append(members)
        elif clause.count("、") >= 2 or (clause.count("、") >= 1 and re.search(r"[和及与]", clause)):
            parts, pos = [], c0
            for seg in clause.split("、"):
                parts.append((pos, pos + len(seg)))
                pos += len(seg) + 1
            # A与B相结合、C与D相结合、…: when every inner item joins two things, 与/和 is inside the members
            joined = len(parts) >= 3 and all(re.search(r"[和与及]", text[a:b]) for a, b in parts[1:-1])
            a0, b0 = parts[0]
            namely = [m.end() for m in _NAMELY.finditer(text, a0, b0)]  # 即A、B…: the items follow as written
            ends = namely[-1:] or [m.end() for m in (_LEAD_WORDS if joined else _LEAD_WORDS_OR_AND).finditer(text, a0, b0)]
            if ends:
                parts[0] = (ends[-1], b0)
            a1, b1 = parts[-1]
            tail = _LIST_TAIL.search(text, a1, b1)
            if tail and tail.start() > a1:  # a last item that is itself a named group (…、八大指标和三大措施) stays
                parts[-1] = (a1, tail.start())
            a1, b1 = parts[-1]
            last_and = [] if joined else list(re.finditer(r"[和及与]", text[a1:b1]))
            if last_and and 0 < last_and[-1].start() < b1 - a1 - 1:  # A、B和C: C is a member too
                cut = a1 + last_and[-1].start()
                parts[-1:] = [(a1, cut), (cut + 1, b1)]
            members = [(text[a:b], a, b) for a, b in (_trim(text, a, b) for a, b in parts) if b > a]
            if len(members) >= 2:
                out.append(members)
        c0 = c1 + 1
    return out


# words that end what leads into a series' first item (围绕电磁装备、… ; 坚持市场主导与政府引导相结合、…)
# (a verb followed by 的 modifies a noun inside the item: 规划实施的组织领导)
_LEAD = r"[，,：:是为在对把将以了]|(?:加强|推进|推动|实施|发展|围绕|聚焦|打造|建设|培育|包括|涵盖|重点|坚持)(?!的)"
_NAMELY = re.compile(r"(?<![\u4e00-\u9fff])即|(?<=[：:])即")  # 三大措施:即…: namely
_LEAD_WORDS = re.compile(_LEAD)
_LEAD_WORDS_OR_AND = re.compile(_LEAD + r"|[和与及]")  # A和B、C: when the inner items join nothing, 和 leads in

# a pair the text says something includes: (包括:石家庄高新区和正定高新区,以下统称高新区)
_INCLUDES = re.compile(r"(?:包括|包含|涵盖|分别是|分别为)[：:]?$")


_COMPARATIVE_END = re.compile(r"(更加|更为|更趋)[\u4e00-\u9fff]{2}$")
_PARALLEL_MARK = re.compile(r"[一两二三四五六七八九十百]+[批个项支套类家座所]")


def parallel_members(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Clauses written in parallel around one same quantity word (落地一批重点科技项目,培育一批科技创新
    企业,认定一批技术创新成果) or ending in one same comparative (创新体系更加完善,创新要素更加集聚):
    the longest run of three or more consecutive clauses of text[lo:hi], each a short verb then that
    same word (建设一批…、引进一批…), or a thing then that comparative and a quality."""
    cuts = [lo] + [i + 1 for i in range(lo, hi) if text[i] in "，,；;、"] + [hi + 1]
    clauses = [(a, b - 1) for a, b in zip(cuts, cuts[1:]) if b - 1 > a]
    best: list[tuple[str, int, int]] = []
    run: list[tuple[str, int, int]] = []
    mark = None
    for a, b in clauses:
        a, b = _trim(text, a, b)
        m = _PARALLEL_MARK.search(text, a, min(b, a + 5))
        here = m.group(0) if m and 1 <= m.start() - a <= 4 else None
        if here is None:  # 创新体系更加完善,创新要素更加集聚,…: each a thing, then the same comparative
            c = _COMPARATIVE_END.search(text, a, b)
            here = c.group(1) if c and c.start() > a else None
        if here is not None and here == mark:
            run.append((text[a:b], a, b))
        else:
            run = [(text[a:b], a, b)] if here else []
            mark = here
        if len(run) > len(best):
            best = list(run)
    return best if len(best) >= 3 else []


_SEGMENT_SEP = re.compile(r"[；;]")
_SPELLED_OUT = re.compile(r"即|就是|：|:")
_FULL_STOP = re.compile(r"[。！？!?]")


def segment_members(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Items separated by ；/; within one paragraph ("“六个倍增”——A;B;C")."""
    out, pos = [], lo
    for m in list(_SEGMENT_SEP.finditer(text[lo:hi])) + [None]:
        end = lo + m.start() if m else hi
        a, b = _trim(text, pos, end)
        if b > a:
            out.append((text[a:b], a, b))
        pos = lo + m.end() if m else hi
    return out if len(out) >= 2 else []


def quoted_members(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """A slogan of parts inside quotation marks: “高质量产业之区、高品质宜居之城”."""
    for m in re.finditer(r"“([^”]{4,60})”", text[lo:hi]):
        inner = m.group(1)
        if "、" in inner and not re.search(r"[，。；]", inner):
            out, pos = [], lo + m.start(1)
            for part in inner.split("、"):
                out.append((part, pos, pos + len(part)))
                pos += len(part) + 1
            return out
    return []


def book_members(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Documents a sentence cites by name: 根据《A》和《B》《C》等文件 (two or more)."""
    out = [(m.group(1), m.start(1), m.end(1)) for m in re.finditer(r"《([^《》]{2,80})》", text[lo:hi])]
    out = [(name, lo + a, lo + b) for name, a, b in out]
    return out if len(out) >= 2 else []


_ABBREVIATION = re.compile(r"[（(]\s*(?:以下)?(?:简称|统称|合称)\s*[“\"「]?$")


_LEAD_VERBS = re.compile(r"(?:以|在|把|将|对|围绕|聚焦|加快|推进|推动|全力|着力|大力)*(?:建设|打造|建成|创建|实施|推进|发展|培育)?")


def abbreviated_members(text: str, pos: int) -> list[tuple[str, int, int]]:
    """The parts of what a name abbreviates where the text defines it: 以建设综合性国家科学中心和具有
    全国影响力的科技创新中心(以下简称“双中心”) — the phrase before the bracket, split at 、/和/与/及."""
    lead = _ABBREVIATION.search(text, max(0, pos - 12), pos)
    if not lead:
        return []
    end = lead.start()
    start = max(text.rfind(ch, 0, end) for ch in f"{CLAUSE_END}：:\n") + 1
    start += _LEAD_VERBS.match(text, start, end).end() - start
    return _split_members(text, start, end, "、和与及")


def _split_members(text: str, start: int, end: int, seps: str) -> list[tuple[str, int, int]]:
    """text[start:end] split at any of `seps` into members of two characters or more (offsets in
    `text`); none unless there are two."""
    out, a = [], start
    for sep in [*re.finditer(f"[{re.escape(seps)}]", text[start:end]), None]:
        b = start + sep.start() if sep else end
        if b - a >= 2:
            out.append((text[a:b], a, b))
        a = start + sep.end() if sep else end
    return out if len(out) >= 2 else []


_QUOTED_BEFORE = re.compile(r"[“\"]([^”\"]{2,40})[”\"][^，,。；;：:“”\"\n]{0,8}$")


def quoted_members_before(text: str, pos: int) -> list[tuple[str, int, int]]:
    """The members a group's name at `pos` follows in quotes, joined by +/、/和: 打造“牧原+卧龙”省实验室
    双子星 → 牧原, 卧龙."""
    m = _QUOTED_BEFORE.search(text, max(0, pos - 60), pos)
    return _split_members(text, m.start(1), m.end(1), "+＋、和与及") if m else []


def series_named_by(text: str, pos: int) -> list[tuple[str, int, int]]:
    """The series a group's name at `pos` closes: 围绕电磁装备、其它专用机械和通用机械三大传统优势产业."""
    if not pos or text[pos - 1] in CLAUSE_END or text[pos - 1] in "：:“\"":
        return []
    start = max(text.rfind(ch, 0, pos) for ch in f"{CLAUSE_END}：:\n") + 1
    return series_members(text, start, pos)


def spelled_out_members(text: str, pos: int, hi: int) -> tuple[list[tuple[str, int, int]], int]:
    """The clauses a name at `pos` is spelled out in (“…”的总体思路,即A;B;C。): from after 即/： in its
    first clause up to the full stop; with that full stop's end (`hi` when there are none)."""
    stop = full_stop(text, pos, hi)
    first = _SEGMENT_SEP.search(text, pos, stop)
    lead = _SPELLED_OUT.search(text, pos, first.start() if first else stop)
    members = segment_members(text, lead.end() if lead else pos, stop)
    return members, (stop if members else hi)


def full_stop(text: str, pos: int, hi: int) -> int:
    """The end of the sentence at `pos` by its full stop (。！？), past the ；-separated parts inside it."""
    m = _FULL_STOP.search(text, pos, hi)
    return m.end() if m else hi


def sentence_end(text: str, pos: int, hi: int) -> int:
    m = re.compile(f"[{re.escape(SENT_END)}]").search(text, pos, hi)
    return m.end() if m else hi


def line_start(text: str, pos: int) -> int:
    m = max(text.rfind(ch, 0, pos) for ch in "。；;\n")
    return m + 1
