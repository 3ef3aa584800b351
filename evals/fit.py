"""Fit the answer step's support model on the QA sets, with leave-one-document-out cross-validation.

    python -m evals.fit [--sets shipped,open,dev,dev2,dev3,dev4,dev5,dev6,dev7,dev8,dev9,dev10,dev11,dev12,dev13,dev14,dev15,dev16,dev17,dev18,dev19] [--write] [--out evals/out/fit.json]

Every single-evidence decision of the answerer (a figure, a sentence, an enumeration) scores its
candidates with one logistic model (assistant/compose/support.py). This replays the training sets'
questions through the real pipeline, records every candidate with its features and the evidence an
answer built from it would show, and labels a candidate right when that evidence holds the item's
required strings (answerable items) — never for unanswerable ones. Then:

- ranking: a linear score over the features, fitted so that within each answerable item the right
  candidates outrank the others (conditional logit: softmax over the item's candidates, L2);
- decision: the probability that answering with an item's best candidate gives a right answer (the
  questions are replayed with every best candidate answered, and the answers scored like any
  evaluation), a logistic regression on that candidate's features;
- threshold: the probability above which the best candidate is answered, chosen to maximise item
  accuracy (best candidate right, or a refusal of an unanswerable item);
- cross-validation: each document's items are scored by a model fitted on the other documents'
  items (threshold included): the reported accuracy is that held-out figure, beside the fitted one.
  It is the accuracy of the answer-or-refuse decision given the ranking (the answers themselves are
  those given with the replay's ranking).

Only the training sets are read; the held-out test split never is. ``--write`` stores the weights
fitted on all training items in assistant/data/answer_params.json.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.metrics import item_correct

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "assistant" / "data" / "answer_params.json"
TRAIN_SETS = {
    "shipped": (["evals/qa.jsonl"], "corpus"),
    "open": (["evals/qa_open.jsonl"], "corpus"),
    "dev": (["evals/heldout/dev/*.jsonl"], "evals/heldout/dev/docs"),
    "dev2": (["evals/heldout/dev2/*.jsonl"], "evals/heldout/dev2/docs"),
    "dev3": (["evals/heldout/dev3/*.jsonl"], "evals/heldout/dev3/docs"),
    "dev4": (["evals/heldout/dev4/*.jsonl"], "evals/heldout/dev4/docs"),
    "dev5": (["evals/heldout/dev5/*.jsonl"], "evals/heldout/dev5/docs"),
    "dev6": (["evals/heldout/dev6/*.jsonl"], "evals/heldout/dev6/docs"),
    "dev7": (["evals/heldout/dev7/*.jsonl"], "evals/heldout/dev7/docs"),
    "dev8": (["evals/heldout/dev8/*.jsonl"], "evals/heldout/dev8/docs"),
    "dev9": (["evals/heldout/dev9/*.jsonl"], "evals/heldout/dev9/docs"),
    "dev10": (["evals/heldout/dev10/*.jsonl"], "evals/heldout/dev10/docs"),
    "dev11": (["evals/heldout/dev11/*.jsonl"], "evals/heldout/dev11/docs"),
    "dev12": (["evals/heldout/dev12/*.jsonl"], "evals/heldout/dev12/docs"),
    "dev13": (["evals/heldout/dev13/*.jsonl"], "evals/heldout/dev13/docs"),
    "dev14": (["evals/heldout/dev14/*.jsonl"], "evals/heldout/dev14/docs"),
    "dev15": (["evals/heldout/dev15/*.jsonl"], "evals/heldout/dev15/docs"),
    "dev16": (["evals/heldout/dev16/*.jsonl"], "evals/heldout/dev16/docs"),
    "dev17": (["evals/heldout/dev17/*.jsonl"], "evals/heldout/dev17/docs"),
    "dev18": (["evals/heldout/dev18/*.jsonl"], "evals/heldout/dev18/docs"),
    "dev19": (["evals/heldout/dev19/*.jsonl"], "evals/heldout/dev19/docs"),
}
STRUCTURAL = {"overview", "goals", "mentions", "compare_all", "date"}  # decided by structure or metadata, not by the model
L2 = 1.0


@dataclass
class Case:
    item_id: str
    group: str  # the document the item is about (the unit of cross-validation)
    answerable: bool
    X: np.ndarray  # candidates × features
    offset: np.ndarray  # fixed logit offsets (an enumeration's count/name evidence)
    y: np.ndarray  # candidate labels: this candidate's evidence holds the required strings
    answered_right: bool = False  # answering with the replay's best candidate gave a right answer (end to end)
    replay_top: int = -1  # which candidate the replay answered with (best under the weights it ran with)


def replay_tops(cases: list[Case], rank_weights: np.ndarray) -> None:
    """Mark the candidate each replayed answer was built from: the best under the rank weights the
    replay ran with (cases recorded before the field existed)."""
    for c in cases:
        if c.replay_top < 0:
            c.replay_top = _top(c, rank_weights)


def right(c: Case, i: int) -> bool:
    """Whether answering with candidate `i` is right: the replayed answer's end-to-end result when it
    is the candidate the replay answered with, else whether its evidence holds the required strings."""
    return c.answered_right if i == c.replay_top else bool(c.answerable and c.y[i] > 0)


def _items(globs: list[str]) -> list[dict[str, Any]]:
    out = []
    for g in globs:
        for f in sorted(ROOT.glob(g)):
            out += [json.loads(ln) for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return out


def _group(name: str, item: dict[str, Any]) -> str:
    docs = item.get("docs") or []
    doc = docs[0] if docs else item.get("near_miss") or "none"
    return f"{name}:{doc}"


def _assistant(corpus: str, out_dir: Path):
    from assistant.core import Assistant
    from evals.runner import cache_index_dir
    from base.settings import Settings
    from ingest.run import ingest

    corpus_dir = (ROOT / corpus).resolve()
    settings = Settings(corpus_dir=corpus_dir, index_dir=cache_index_dir(out_dir, corpus_dir, Settings().embedding_model))
    summary = ingest(settings)
    if summary.failed:
        print(f"warning: {summary.failed}", file=sys.stderr)
    return Assistant(settings)


def collect(sets: list[str], out_dir: Path) -> list[Case]:
    """Replay the sets' questions and record every scored candidate."""
    from assistant.compose.support import FEATURES, RECORDER, THRESHOLD_OVERRIDE

    cases = []
    for name in sets:
        globs, corpus = TRAIN_SETS[name]
        a = _assistant(corpus, out_dir)
        for item in _items(globs):
            if item.get("type") in STRUCTURAL:
                continue
            rec: list = []
            token, forced = RECORDER.set(rec), THRESHOLD_OVERRIDE.set(0.0)  # always answer: learn from the result
            try:
                ans = a.ask(item["question"], item.get("history") or [])
            finally:
                RECORDER.reset(token)
                THRESHOLD_OVERRIDE.reset(forced)
            if not rec:
                continue
            answerable = not item.get("unanswerable")
            X = np.array([[r["feats"].get(f, 0.0) for f in FEATURES] for r in rec])
            off = np.array([r.get("offset", 0.0) for r in rec])
            gold = {**item, "any_of": [g for g in (item.get("any_of") or []) if not _is_verdict(g)]}
            y = np.array([1.0 if answerable and item_correct(gold, {"answer": r.get("label_text", r["text"]),
                                                                    "refused": False}) else 0.0
                          for r in rec])
            right = answerable and item_correct(item, ans.to_json())
            cases.append(Case(item["id"], _group(name, item), answerable, X, off, y, bool(right)))
    return cases


def _is_verdict(group: Any) -> bool:
    """A yes/no item's 是/不是 group: the evidence never says it, the answer's verdict does."""
    words = group if isinstance(group, list) else [group]
    return any(w.lower() in ("yes", "no", "是", "不是", "否", "不", "没有") for w in words)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def fit_rank(cases: list[Case], l2: float = L2, steps: int = 400, lr: float = 0.05) -> np.ndarray:
    """Linear scores under which each answerable item's right candidates outrank its others."""
    train = [c for c in cases if c.answerable and c.y.any() and not c.y.all()]
    dim = cases[0].X.shape[1]
    w = np.zeros(dim)
    m = np.zeros(dim)
    v = np.zeros(dim)
    for t in range(1, steps + 1):
        g = l2 * w
        g[0] = 0.0
        for c in train:
            z = c.X @ w + c.offset
            pa = _softmax(z)
            pr = _softmax(np.where(c.y > 0, z, -np.inf))
            g += c.X.T @ pa - c.X.T @ pr
        g /= max(1, len(train))
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def _top(c: Case, w_rank: np.ndarray) -> int:
    return int(np.argmax(c.X @ w_rank + c.offset))


def fit_decision(cases: list[Case], w_rank: np.ndarray, l2: float = L2) -> np.ndarray:
    """Logistic regression of "the best ranked candidate is right" on that candidate's features:
    sigmoid(weights·x + offset) is the probability the answer is right."""
    X = np.vstack([c.X[_top(c, w_rank)] for c in cases])
    off = np.array([c.offset[_top(c, w_rank)] for c in cases])
    y = np.array([float(right(c, _top(c, w_rank))) for c in cases])
    w = np.zeros(X.shape[1])
    reg = l2 * np.eye(X.shape[1])
    reg[0, 0] = 1e-4  # the bias is (nearly) not shrunk
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w + off, -30, 30)))
        g = X.T @ (p - y) + reg @ w
        H = (X * (p * (1 - p))[:, None]).T @ X + reg
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def outcomes(cases: list[Case], w_rank: np.ndarray, w: np.ndarray, threshold: float) -> list[bool]:
    """Item-level correctness: the best ranked candidate is answered when its probability reaches
    the threshold (right if it is a right one), else the item is refused (right if unanswerable)."""
    out = []
    for c in cases:
        i = _top(c, w_rank)
        p = 1.0 / (1.0 + np.exp(-np.clip(c.X[i] @ w + c.offset[i], -30, 30)))
        out.append(right(c, i) if p >= threshold else not c.answerable)
    return out


def fit_all(cases: list[Case]) -> tuple[np.ndarray, np.ndarray, float]:
    w_rank = fit_rank(cases)
    w = fit_decision(cases, w_rank)
    return w_rank, w, best_threshold(cases, w_rank, w)


def balanced(cases: list[Case], ok: list[bool]) -> float:
    """Mean of the answerable items' accuracy and the unanswerable items' refusal rate: both errors
    (refusing what the documents answer, answering what they do not) count alike, whatever the mix."""
    a = [o for c, o in zip(cases, ok) if c.answerable]
    u = [o for c, o in zip(cases, ok) if not c.answerable]
    return (np.mean(a) if a else 1.0) / 2 + (np.mean(u) if u else 1.0) / 2


def best_threshold(cases: list[Case], w_rank: np.ndarray, w: np.ndarray) -> float:
    """The threshold of the best item accuracy; among near ties (within half an item in a hundred)
    the one with the best balance of false refusals and refusal recall."""
    grid = np.linspace(0.1, 0.9, 33)
    outs = [outcomes(cases, w_rank, w, t) for t in grid]
    acc = np.array([np.mean(o) for o in outs])
    bal = np.array([balanced(cases, o) for o in outs])
    near = acc >= acc.max() - 0.005
    return float(grid[int(np.argmax(np.where(near, bal, -1.0)))])


def cross_validate(cases: list[Case]) -> dict[str, Any]:
    groups = sorted({c.group for c in cases})
    held: dict[str, bool] = {}
    for g in groups:
        train = [c for c in cases if c.group != g]
        test = [c for c in cases if c.group == g]
        w_rank, w, t = fit_all(train)
        for c, ok in zip(test, outcomes(test, w_rank, w, t)):
            held[c.item_id] = ok
    ok = [held[c.item_id] for c in cases]
    return {"groups": len(groups), "items": len(held), "accuracy": float(np.mean(ok)),
            "balanced": float(balanced(cases, ok)),
            "false_refusal": float(np.mean([not o for c, o in zip(cases, ok) if c.answerable and c.answered_right])),  # of the replay's right answers
            "refusal_recall": float(np.mean([o for c, o in zip(cases, ok) if not c.answerable] or [1.0]))}


def report(cases: list[Case], current: dict[str, Any]) -> dict[str, Any]:
    from assistant.compose.support import FEATURES

    cur_w = np.array([current["weights"].get(f, 0.0) for f in FEATURES])
    cur_r = np.array([(current.get("rank_weights") or current["weights"]).get(f, 0.0) for f in FEATURES])
    replay_tops(cases, cur_r)
    cur_acc = float(np.mean(outcomes(cases, cur_r, cur_w, current["threshold"])))
    w_rank, w, t = fit_all(cases)
    cv = cross_validate(cases)
    return {"items": len(cases), "candidates": int(sum(len(c.y) for c in cases)),
            "answerable_with_a_right_candidate": int(sum(1 for c in cases if c.answerable and c.y.any())),
            "current_params_accuracy": cur_acc, "fitted_accuracy": float(np.mean(outcomes(cases, w_rank, w, t))),
            "cv_accuracy": cv["accuracy"], "cv_balanced": cv["balanced"], "cv_refusal_recall": cv["refusal_recall"],
            "cv_false_refusal_of_right_answers": cv["false_refusal"], "cv_groups": cv["groups"], "threshold": t,
            "weights": {f: round(float(x), 4) for f, x in zip(FEATURES, w)},
            "rank_weights": {f: round(float(x), 4) for f, x in zip(FEATURES, w_rank)}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.fit", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="shipped,open,dev,dev2,dev3,dev4,dev5,dev6,dev7,dev8,dev9,dev10,dev11,dev12,dev13,dev14,dev15,dev16,dev17,dev18,dev19", help="training sets (comma-separated; never test)")
    ap.add_argument("--out", type=Path, default=ROOT / "evals" / "out")
    ap.add_argument("--reuse", action="store_true", help="reuse the candidates recorded by the last run (fitting only)")
    ap.add_argument("--write", action="store_true", help="store the fitted weights and threshold in answer_params.json")
    args = ap.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    unknown = [s for s in sets if s not in TRAIN_SETS]
    if unknown:
        print(f"error: unknown or non-training set(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    params = json.loads(PARAMS.read_text(encoding="utf-8"))
    cache = args.out / "fit-cases.pkl"
    if args.reuse and cache.exists():
        cases = [Case(**d) for d in pickle.loads(cache.read_bytes())]
    else:
        cases = collect(sets, args.out)
        args.out.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps([c.__dict__ for c in cases]))
    rep = report(cases, params["support"])
    print(f"items {rep['items']} (candidates {rep['candidates']}; answerable items with a right candidate "
          f"{rep['answerable_with_a_right_candidate']})")
    print(f"decision accuracy: current params {rep['current_params_accuracy']:.3f}, fitted {rep['fitted_accuracy']:.3f}, "
          f"leave-one-document-out CV {rep['cv_accuracy']:.3f} ({rep['cv_groups']} documents)")
    print(f"CV balanced accuracy {rep['cv_balanced']:.3f}: refusal recall {rep['cv_refusal_recall']:.3f}, "
          f"right answers refused {rep['cv_false_refusal_of_right_answers']:.3f}")
    print(f"threshold {rep['threshold']:.3f}; weights " + ", ".join(f"{k} {v:+.2f}" for k, v in rep["weights"].items()))
    print("rank weights " + ", ".join(f"{k} {v:+.2f}" for k, v in rep["rank_weights"].items()))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "fit.json").write_text(json.dumps(rep, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.write:
        params["support"] = {"threshold": round(rep["threshold"], 3), "weights": rep["weights"],
                             "rank_weights": rep["rank_weights"],
                             "_fitted": f"python -m evals.fit --sets {','.join(sets)}: CV accuracy "
                                        f"{rep['cv_accuracy']:.3f} over {rep['cv_groups']} documents"}
        PARAMS.write_text(json.dumps(params, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {PARAMS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
