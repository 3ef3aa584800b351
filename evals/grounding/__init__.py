"""Adversarial set for the LLM grounding check (``assistant.llm.check.check_generated``).

``adversarial.jsonl`` holds (question, model output, expected verdict) items over real passages of
the five corpus documents: paraphrases that must pass and hallucinations that must fail. Each
passage is given as a verbatim quote of its document's visible text (what the index holds: the
ingest pipeline's load → clean); the runner locates it to build the same ``Passage`` the LLM chain
builds (document metadata and section included).

    python -m evals.grounding [--split dev|test|all] [--corpus DIR] [--set FILE]

Items g001–g160 were written before the checker was reworked and split dev/test by alternating within
each (verdict, kind); rules were tuned on dev. The first run of the reworked checker on test gave
false accepts 3/41, false rejects 3/33; the bugs it showed were fixed (see the git log), so test is no
longer held out. Items g161–g192 (all test) were then written and run once blind: false accepts
3/17, false rejects 0/15; the level/scale qualifier rule (省级 vs 国家级, 百亿级 vs 千亿级) came after.

The runner prints the false-accept rate (reject items accepted / reject items) and the false-reject rate
(accept items rejected / accept items), overall, per split and per kind, and exits 1 when a rate
is above its limit (``MAX_FALSE_ACCEPT``, ``MAX_FALSE_REJECT``).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

HERE = Path(__file__).resolve().parent
DEFAULT_SET = HERE / "adversarial.jsonl"
CORPUS = HERE.parent.parent / "corpus"
MAX_FALSE_ACCEPT = 0.02
MAX_FALSE_REJECT = 0.05
VERDICTS = ("accept", "reject")
SPLITS = ("dev", "test")
FIELDS = ("id", "question", "lang", "passages", "output", "verdict", "kind", "split")


class SetError(ValueError):
    """The adversarial set is malformed (missing fields, a quote not in its document, …)."""


def load_set(path: Path = DEFAULT_SET) -> list[dict[str, Any]]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise SetError(f"{path}:{n}: not JSON ({e.msg})") from e
        missing = [f for f in FIELDS if f not in item]
        if missing:
            raise SetError(f"{path}:{n}: missing {missing}")
        if item["verdict"] not in VERDICTS or item["split"] not in SPLITS:
            raise SetError(f"{path}:{n}: verdict must be one of {VERDICTS}, split one of {SPLITS}")
        items.append(item)
    ids = [i["id"] for i in items]
    if len(ids) != len(set(ids)):
        raise SetError(f"{path}: duplicate ids")
    return items


@lru_cache(maxsize=None)
def _stored(corpus_dir: str, name: str):
    """A corpus document as the index holds it: load → clean → metadata → split (no embeddings)."""
    from base.settings import Settings
    from ingest.run import process
    from ingest.metadata import load_overrides

    corpus = Path(corpus_dir)
    return process(corpus / name, corpus, Settings(corpus_dir=corpus), load_overrides(corpus).get(name), key=name)


def build_passages(item: dict[str, Any], corpus_dir: Path = CORPUS) -> list:
    """The item's passages as the LLM chain builds them (``assistant.llm.answerer.LLMAnswerer.passages``)."""
    from assistant.llm.passage import Passage
    from assistant.compose.context import section_at

    out = []
    for p in item["passages"]:
        stored = _stored(str(corpus_dir), p["doc"])
        text = stored.doc.text
        start = text.find(p["quote"])
        if start < 0 or not p["quote"]:
            raise SetError(f"{item['id']}: passage [{p['n']}] is not verbatim in {p['doc']}")
        end = start + len(p["quote"])
        m = stored.meta
        out.append(Passage(n=p["n"], doc=p["doc"], start=start, end=end, text=text[start:end],
                           section=section_at(stored, start), title=m.shown_title, region=m.region, date=m.date,
                           doc_no=m.doc_no, issuer=m.issuer))
    return out


@dataclass
class Outcome:
    item: dict[str, Any]
    ok: bool  # what the check decided: True = accepted
    problems: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.ok == (self.item["verdict"] == "accept")


def run_items(items: Iterable[dict[str, Any]], corpus_dir: Path = CORPUS) -> list[Outcome]:
    from assistant.llm.check import check_generated

    out = []
    for item in items:
        r = check_generated(item["output"], build_passages(item, corpus_dir))
        out.append(Outcome(item, r.ok, list(r.problems)))
    return out


@dataclass
class Rates:
    rejects: int = 0  # reject items
    false_accepts: int = 0  # … accepted by the check
    accepts: int = 0  # accept items
    false_rejects: int = 0  # … rejected by the check

    @property
    def fa(self) -> float | None:
        return self.false_accepts / self.rejects if self.rejects else None

    @property
    def fr(self) -> float | None:
        return self.false_rejects / self.accepts if self.accepts else None

    def add(self, o: Outcome) -> None:
        if o.item["verdict"] == "reject":
            self.rejects += 1
            self.false_accepts += o.ok
        else:
            self.accepts += 1
            self.false_rejects += not o.ok

    def within_limits(self) -> bool:
        return (self.fa or 0.0) <= MAX_FALSE_ACCEPT and (self.fr or 0.0) <= MAX_FALSE_REJECT


def rates(outcomes: Iterable[Outcome], key=lambda o: "all") -> dict[str, Rates]:
    out: dict[str, Rates] = defaultdict(Rates)
    for o in outcomes:
        out[key(o)].add(o)
    return dict(out)


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} = {n / d:.1%}" if d else "—"


def report_lines(outcomes: list[Outcome]) -> list[str]:
    """Human-readable rates: overall, per split, per split and kind, then every wrong verdict."""
    lines = []
    total = rates(outcomes)["all"]
    lines.append(f"grounding check on {len(outcomes)} items: false accepts {_pct(total.false_accepts, total.rejects)}"
                 f" (limit {MAX_FALSE_ACCEPT:.0%}), false rejects {_pct(total.false_rejects, total.accepts)}"
                 f" (limit {MAX_FALSE_REJECT:.0%})")
    for split, r in sorted(rates(outcomes, lambda o: o.item["split"]).items()):
        lines.append(f"  {split:5s} false accepts {_pct(r.false_accepts, r.rejects):18s}"
                     f" false rejects {_pct(r.false_rejects, r.accepts)}")
    lines.append("per kind (split: FA = reject items accepted, FR = accept items rejected):")
    per = rates(outcomes, lambda o: (o.item["kind"], o.item["split"]))
    for (kind, split), r in sorted(per.items()):
        parts = []
        if r.rejects:
            parts.append(f"FA {_pct(r.false_accepts, r.rejects)}")
        if r.accepts:
            parts.append(f"FR {_pct(r.false_rejects, r.accepts)}")
        lines.append(f"  {kind:16s} {split:5s} " + "   ".join(parts))
    wrong = [o for o in outcomes if not o.correct and o.item["split"] != "test"]
    hidden = sum(1 for o in outcomes if not o.correct and o.item["split"] == "test")
    if hidden:  # the test split is scored, never read: its wrong verdicts are counted, not shown
        lines.append(f"wrong verdicts on the test split: {hidden} (not shown)")
    if wrong:
        lines.append("wrong verdicts:")
        for o in wrong:
            what = "accepted" if o.ok else "rejected"
            lines.append(f"  {o.item['id']} [{o.item['split']}/{o.item['kind']}] {what}: {o.item['output'][:90]!r}")
            for p in o.problems[:3]:
                lines.append(f"      {p}")
    return lines
