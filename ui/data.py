"""Data helpers of the web app: policy-finder scan, target table and chart rows, document rows and
CSV export. No Gradio; works on ``Assistant.docs`` (path → ``StoredDoc``) so it can be tested
without a browser. Metadata corrections are in ``ui.overrides``.
"""
from __future__ import annotations

import csv
import io
import math
import re
from typing import Any, Iterable, Mapping, Sequence

from assistant.policy import (GENERAL_TAG, all_kind_patterns, kind_patterns, measures, names_enterprises,  # noqa: F401
                              policy_keywords, policy_vocab, section_at, sentences, support_hits)

# the enterprise kinds offered by the policy finder (keys of question_vocab.json enterprise_kinds)
POLICY_KINDS = ["高新技术企业", "科技型中小企业", "专精特新", "规上企业", "孵化器/众创空间", "研发机构"]

_SPLIT_WORDS = re.compile(r"[\s,，、;；/|]+")


# ---------------------------------------------------------------- vocabulary
def split_keywords(text: str | None) -> list[str]:
    return [w for w in _SPLIT_WORDS.split(text or "") if w]


# ---------------------------------------------------------------- documents
def region_matches(meta: Any, region: str | None) -> bool:
    if not region:
        return True
    names = {meta.region or ""} | set(meta.aliases or [])
    return region in names or (meta.region or "").startswith(region)


DOC_COLUMNS = ["文件", "标题", "地区", "段落数", "指标数", "发布机构", "日期", "文号", "年份", "类型", "别名"]


def doc_rows(docs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per indexed document for the library table (keys: DOC_COLUMNS)."""
    rows = []
    for path, s in sorted(docs.items()):
        m = s.meta
        rows.append({
            "文件": path, "标题": m.shown_title or "", "地区": m.region or "", "段落数": len(s.chunks),
            "指标数": len(s.targets), "发布机构": m.issuer or "", "日期": m.date or "", "文号": m.doc_no or "",
            "年份": "、".join(str(y) for y in m.years), "类型": m.kind or "", "别名": "、".join(m.aliases),
        })
    return rows


def doc_label(path: str, s: Any) -> str:
    m = s.meta
    bits = [m.region or "地区未注明", m.shown_title or path]
    return " · ".join(bits) + f"（{path}）"


# ---------------------------------------------------------------- policy finder
def find_policies(docs: Mapping[str, Any], region: str | None, kinds: Sequence[str],
                  keywords: Sequence[str], include_general: bool = True,
                  min_chars: int = 8) -> list[dict[str, Any]]:
    """Support measures for an enterprise (``assistant.policy.measures``), grouped by document;
    documents with the most specific matches come first."""
    groups = []
    for path, s in docs.items():
        if not region_matches(s.meta, region):
            continue
        items = measures(s, kinds, keywords, include_general, min_chars)
        if items:
            m = s.meta
            specific = sum(1 for i in items if i["tier"] < 2)
            groups.append({"doc": path, "title": m.shown_title, "region": m.region, "issuer": m.issuer,
                           "date": m.date, "items": items, "specific": specific,
                           "score": max(i["score"] for i in items)})
    groups.sort(key=lambda g: (-g["specific"], -g["score"], g["doc"]))
    return groups


def policy_question(region: str | None, kinds: Sequence[str], keywords: Sequence[str]) -> str:
    """The natural-language question for ``Assistant.ask`` (question type: policy)."""
    who = f"一家{'、'.join(kinds)}" if kinds else "企业"
    extra = f"，从事{'、'.join(keywords)}" if keywords else ""
    return f"我是{region}的{who}{extra}，有哪些支持政策？" if region else f"我是{who}{extra}，有哪些支持政策？"


def policy_rows(groups: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for g in groups:
        for it in g["items"]:
            rows.append({"文件": g["doc"], "标题": g.get("title") or "", "地区": g.get("region") or "",
                         "发布机构": g.get("issuer") or "", "日期": g.get("date") or "",
                         "章节": it.get("section") or "", "匹配": "、".join(it.get("matched", [])),
                         "原文": " ".join(it["quote"].split()), "起": it["start"], "止": it["end"]})
    return rows


# ---------------------------------------------------------------- targets
TARGET_COLUMNS = ["地区", "年份", "指标", "比较", "数值", "单位", "限定", "标准化数值", "基本单位",
                  "标题", "章节", "原文", "文件", "起", "止"]


def target_records(docs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every target of every document as a plain dict (target fields + document title)."""
    out = []
    for path, s in sorted(docs.items()):
        for t in s.targets:
            d = t.to_dict() if hasattr(t, "to_dict") else dict(t.__dict__)
            d["region"] = d.get("region") or s.meta.region
            d["title"] = s.meta.shown_title
            d["doc"] = d.get("doc") or path
            out.append(d)
    return out


def filter_targets(records: Iterable[Mapping[str, Any]], region: str | None = None, year: int | None = None,
                   keyword: str | None = None) -> list[Mapping[str, Any]]:
    kws = split_keywords(keyword)
    out = []
    for t in records:
        if region and (t.get("region") or "") != region and not (t.get("region") or "").startswith(region):
            continue
        if year and t.get("year") != year:
            continue
        hay = f"{t.get('indicator') or ''} {t.get('quote') or ''}"
        if kws and not all(k in hay for k in kws):
            continue
        out.append(t)
    return out


def target_table_rows(records: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    rows = []
    for t in records:
        num = t.get("number")
        rows.append([t.get("region") or "", t.get("year") or "", t.get("indicator") or "", t.get("comparator") or "",
                     t.get("value") or "", t.get("unit") or "", t.get("qualifier") or "",
                     "" if num is None else _num_str(num), t.get("base_unit") or "", t.get("title") or "",
                     t.get("section") or "", " ".join((t.get("quote") or "").split()), t.get("doc") or "",
                     t.get("start", ""), t.get("end", "")])
    return rows


TARGET_VIEW_COLUMNS = ["地区", "年份", "指标", "目标值", "限定", "文件标题", "章节", "原文"]


def target_view_rows(records: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """The on-screen subset of the target table (the CSV has every column)."""
    return [[t.get("region") or "", t.get("year") or "", t.get("indicator") or "",
             f"{t.get('comparator') or ''}{t.get('value') or ''}{t.get('unit') or ''}", t.get("qualifier") or "",
             t.get("title") or t.get("doc") or "", t.get("section") or "", " ".join((t.get("quote") or "").split())]
            for t in records]


def _num_str(v: float) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return f"{v:g}"


COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d"]


def chart_bars(records: Iterable[Mapping[str, Any]], keyword: str, year: int | None = None,
               limit: int = 30) -> tuple[list[dict[str, Any]], str, list[str]]:
    """Bars comparing regions for targets whose indicator contains ``keyword``.

    Only targets with a numeric value and the most common base unit among the matches are charted
    (values in different units are not comparable). Returns (bars, unit, notes)."""
    kws = split_keywords(keyword)
    notes: list[str] = []
    matches = [t for t in records
               if kws and all(k in (t.get("indicator") or "") for k in kws)
               and (year is None or t.get("year") == year)
               and t.get("number") is not None and math.isfinite(t["number"])]
    if not matches:
        return [], "", notes
    units: dict[str, int] = {}
    for t in matches:
        units[t.get("base_unit") or ""] = units.get(t.get("base_unit") or "", 0) + 1
    unit = max(units, key=lambda u: units[u])
    skipped = [t for t in matches if (t.get("base_unit") or "") != unit]
    if skipped:
        notes.append(f"{len(skipped)} 个指标的单位不同（{'、'.join(sorted({t.get('base_unit') or '无' for t in skipped}))}），未画入图中")
    matches = [t for t in matches if (t.get("base_unit") or "") == unit]
    matches.sort(key=lambda t: (t.get("region") or "~", t.get("year") or 0, -(t.get("number") or 0)))
    if len(matches) > limit:
        notes.append(f"只显示前 {limit} 个（共 {len(matches)} 个）")
        matches = matches[:limit]
    regions = list(dict.fromkeys(t.get("region") or "地区未注明" for t in matches))
    bars = []
    for i, t in enumerate(matches, 1):
        region = t.get("region") or "地区未注明"
        yr = f"{t['year']} " if t.get("year") else ""
        bars.append({"n": i, "label": f"{region} {yr}{t.get('indicator') or ''}", "value": float(t["number"]),
                     "display": f"{t.get('comparator') or ''}{t.get('value')}{t.get('unit') or ''}",
                     "quote": " ".join((t.get("quote") or "").split()),
                     "color": COLORS[regions.index(region) % len(COLORS)], "target": dict(t)})
    return bars, unit, notes


# ---------------------------------------------------------------- CSV
def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(list(header))
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()
