"""The real web app, with one change for the browser tests of structured answers: two questions
get answers that carry ``parts`` (issue 15's overview and all-region comparison), built from the
index's own documents — headings, targets, verbatim quotes with their offsets — until the
assistant composes these kinds itself. Every other question goes to the real Assistant.

    python tests/ui/fixture_app.py [app.py flags]
"""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from base.types import Answer, Citation  # noqa: E402

OVERVIEW_Q = "总结一下咸宁2024年科技创新工作的主要内容"
COMPARE_Q = "各地区高新技术企业的目标分别是多少？"


def norm(q: str) -> str:
    return unicodedata.normalize("NFKC", q).strip()


def _cite(n: int, s, start: int, end: int, section: str) -> Citation:
    m = s.meta
    return Citation(n=n, doc=s.doc.path, title=m.title, region=m.region, date=m.date, section=section,
                    quote=s.doc.text[start:end], start=start, end=end, issuer=m.issuer)


def overview(a, q: str) -> Answer:
    """The Xianning plan's top-level headings in order, each with its first target (cited)."""
    s = next(s for s in a.docs.values() if (s.meta.region or "").startswith("咸宁"))
    heads: dict[str, list] = {}
    for c in s.chunks:
        heads.setdefault(c.section.split(" > ")[0], []).append(c)
    items, cites = [], []
    heads.pop("", None)  # the text before the first heading
    for head, chunks in list(heads.items())[:6]:
        ts = [t for t in s.targets if t.section.split(" > ")[0] == head]
        subs = list(dict.fromkeys(c.section.split(" > ")[1] for c in chunks if " > " in c.section))
        if ts:
            cites.append(_cite(len(cites) + 1, s, ts[0].start, ts[0].end, ts[0].section))
            text = f"{ts[0].indicator} {ts[0].comparator}{ts[0].value}{ts[0].unit}"
            items.append({"title": head, "text": text, "citations": [len(cites)], "more": subs[:6]})
        else:
            items.append({"title": head, "text": "", "citations": [], "more": subs[:6]})
    ans = Answer(question=q, answer="\n".join(f"{it['title']} {it['text']}" for it in items), refused=False,
                 citations=cites, answerer="extractive")
    ans.parts = [{"kind": "sections", "title": f"{s.meta.title}：主要内容", "items": items}]
    return ans


def comparison(a, q: str) -> Answer:
    """One row per document: its first target on high-tech enterprises (cited)."""
    rows, cites = [], []
    for path, s in sorted(a.docs.items()):
        t = next((t for t in s.targets if "高新技术企业" in t.indicator), None)
        if t is None:
            rows.append([s.meta.region or path, "—", "未提到", "—"])
            continue
        cites.append(_cite(len(cites) + 1, s, t.start, t.end, t.section))
        rows.append([s.meta.region or path, t.year or "", t.indicator,
                     {"text": f"{t.comparator}{t.value}{t.unit}", "citations": [len(cites)]}])
    ans = Answer(question=q, answer="；".join(str(r[0]) for r in rows), refused=False, citations=cites,
                 answerer="extractive")
    ans.parts = [{"kind": "table", "title": "各地区高新技术企业目标", "columns": ["地区", "年份", "指标", "目标"],
                  "rows": rows, "note": "每份文件一行；数值为文件原文。"}]
    return ans


def patch() -> None:
    from ui.engine import Engine

    original = Engine._open

    def _open(self) -> None:
        original(self)
        a = self.assistant
        real = a.stream

        def stream(question, history=None, filters=None):
            q = unicodedata.normalize("NFKC", question).strip()  # as Assistant.validate leaves it
            if q in (norm(OVERVIEW_Q), norm(COMPARE_Q)):
                ans = overview(a, question) if q == norm(OVERVIEW_Q) else comparison(a, question)
                yield ans.answer
                yield ans
                return
            yield from real(question, history, filters)

        a.stream = stream

    Engine._open = _open


if __name__ == "__main__":
    import runpy

    patch()
    sys.argv = ["app.py", *sys.argv[1:]]
    runpy.run_path(str(Path(__file__).resolve().parents[2] / "app.py"), run_name="__main__")
