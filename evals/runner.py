"""The evaluation command: run QA sets through the Assistant (the one the UI uses) and score them.

Without ``--qa``/``--corpus``/``--index`` every set of the sets file (evals/sets.toml) runs, each on
a private index of its own documents, and the report shows them side by side (OUT/report.*,
OUT/metrics.json; each set's own files in OUT/<set>/). With ``--qa``/``--corpus``/``--index`` one
ad-hoc set runs and writes its files to OUT/ as before. Scoring is in evals/scoring.py, the gate in
evals/gate.py; ``run()`` takes the assistant factory and settings function as parameters so that
tests use a fake.
"""
from __future__ import annotations

import gc
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from .gate import GATE_KEYS, GROUP_KEYS, ThresholdsError, apply_gate, load_thresholds
from .scoring import ABLATIONS, KS, DocTexts, Evaluation, compute_metrics, evaluate, llm_scores
from .sets import SETS_FILE, EvalSet, SetsError, index_cache_dir, load_sets, prune_index_cache, select
from .validate import Problem, check_rows, read_rows, summarise, triage

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_QA = EVALS_DIR / "qa.jsonl"
DEFAULT_OUT = EVALS_DIR / "out"
THRESHOLDS_FILE = SETS_FILE  # the shipped set's thresholds live in the sets file
ADHOC = "adhoc"

Log = Callable[[str], None]


# ---------------------------------------------------------------- building the real assistant


def cache_index_dir(out_dir: Path, corpus_dir: Path, embedding_model: str) -> Path:
    """A private index folder under the out dir: OUT/index-cache/<corpus>-<hash of the documents>."""
    return index_cache_dir(out_dir, corpus_dir, embedding_model)


def prepare_settings(corpus: Path | None, index: Path | None, out_dir: Path, answerer: str | None,
                     log: Log = print, settings_overrides: Mapping[str, Any] | None = None) -> Any:
    """Settings for the run; builds the index when needed.

    No corpus: the project's index (Settings().index_dir), built with ingest() only if missing.
    A corpus without an index: a private index under ``out_dir/index-cache`` kept in sync with ingest().
    ``settings_overrides``: further Settings fields (the --llm-* flags).
    """
    from base.settings import Settings
    from ingest.run import ingest
    from store import MANIFEST

    overrides: dict[str, Any] = dict(settings_overrides or {})
    if answerer:
        overrides["answerer"] = answerer
    if corpus is not None:
        overrides["corpus_dir"] = Path(corpus).resolve()
    if index is not None:
        overrides["index_dir"] = Path(index).resolve()
    settings = Settings(**overrides)
    private = corpus is not None and index is None
    if private:
        cache = cache_index_dir(out_dir, settings.corpus_dir, settings.embedding_model)
        for old in prune_index_cache(cache):
            log(f"removed the outdated index {old}")
        settings = Settings(**{**overrides, "index_dir": cache})
    missing = not (settings.index_dir / MANIFEST).exists()
    if private or missing:
        log(f"{'building' if missing else 'updating'} index {settings.index_dir} for corpus {settings.corpus_dir} …")
        summary = ingest(settings)
        for line in summary.lines()[:2]:
            log("  " + line)
        for name, why in summary.failed.items():  # a document missing from the index weakens every figure
            print(f"warning: {Path(name).name} was not indexed: {why}", file=sys.stderr)
    return settings


def make_assistant(settings: Any, retrieval: str = "hybrid") -> Any:
    from assistant.core import Assistant

    return Assistant(settings, retrieval=retrieval)


# ---------------------------------------------------------------- writing


# a blind set's accuracy by document or by tag: groups of one or two items that tell how an item fared
BLIND_WITHHELD = ("accuracy_by_doc", "accuracy_by_tag")


def write_outputs(ev: Evaluation, out_dir: Path, blind: bool = False) -> dict[str, Path]:
    """results.jsonl (not for a blind set), metrics.json, report.md, report.html in ``out_dir``."""
    from .report import render_html, render_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"metrics": out_dir / "metrics.json", "report_md": out_dir / "report.md",
             "report_html": out_dir / "report.html"}
    results = out_dir / "results.jsonl"
    if blind:
        results.unlink(missing_ok=True)  # never leave per-item answers of a blind set behind
    else:
        paths = {"results": results, **paths}
        with open(results, "w", encoding="utf-8") as f:
            for r in ev.results:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    warnings = ev.metrics.get("warnings") or ev.warnings
    paths["metrics"].write_text(json.dumps(ev.metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["report_md"].write_text(render_markdown(ev.metrics, ev.items, ev.results, blind=blind, warnings=warnings),
                                  encoding="utf-8")
    paths["report_html"].write_text(render_html(ev.metrics, ev.items, ev.results, blind=blind, warnings=warnings),
                                    encoding="utf-8")
    return paths


def _fmt(v: Any) -> str:
    return "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def summary_lines(m: Mapping[str, Any]) -> list[str]:
    ref = m["refusal"]
    lines = [f"items: {m['n_items']} ({m['n_answerable']} answerable, {m['n_unanswerable']} unanswerable), "
             f"errors: {m['errors']}",
             f"accuracy: {_fmt(m['accuracy'])} (answerable {_fmt(m['accuracy_answerable'])}, "
             f"unanswerable {_fmt(m['accuracy_unanswerable'])})",
             "by language: " + ", ".join(f"{k} {_fmt(v['accuracy'])} (n={v['n']})" for k, v in m["accuracy_by_lang"].items()),
             f"refusal: precision {_fmt(ref['precision'])}, recall {_fmt(ref['recall'])}, "
             f"false-refusal rate {_fmt(ref.get('false_refusal_rate'))}",
             f"citation accuracy: {_fmt(m['citations']['accuracy'])}, precision {_fmt(m['citations']['precision'])}",
             f"grounded numbers: {_fmt(m['numbers']['grounded_rate'])} ({m['numbers']['grounded']}/{m['numbers']['total']})"]
    for name, r in m["retrieval"].items():
        if "error" in r:
            lines.append(f"retrieval {name}: error {r['error']}")
        else:
            lines.append(f"retrieval {name}: " + ", ".join(f"hit@{k} {_fmt(r.get(f'hit@{k}'))}" for k in KS)
                         + f", MRR {_fmt(r.get('mrr'))}")
    if "baselines" in m:
        lines.append(f"naive RAG accuracy: {_fmt(m['baselines']['naive_rag']['accuracy'])}")
    if "llm" in m:
        g = m["llm"]
        lines.append(f"LLM grounding check: passed {g['passed']}/{g['asked']} answered by the model "
                     f"(pass rate {_fmt(g['grounding_pass_rate'])}); rejected {g['rejected']}, "
                     f"model errors {g['errors']}, not asked {g['not_asked']} (scope refusals / no passages)")
    lat = m["latency_ms"]
    lines.append(f"latency ms: p50 {_fmt(lat['p50'])}, p95 {_fmt(lat['p95'])}")
    if m.get("warnings"):
        lines.append(f"warnings: {len(m['warnings'])} (listed in the report and metrics.json)")
    return lines


# ---------------------------------------------------------------- the command


@dataclass
class RunOptions:
    qa: list[Path] | None = None  # None (and no corpus/index): the sets of the sets file
    corpus: Path | None = None
    index: Path | None = None
    answerer: str | None = None
    out: Path = DEFAULT_OUT
    baselines: bool = True
    quiet: bool = False
    gate: bool = False
    overrides: dict[str, float] = field(default_factory=dict)  # explicit --min-*/--max-* flags
    thresholds_file: Path | None = None  # ad-hoc runs: thresholds of the "shipped" set in this file
    settings_overrides: dict[str, Any] = field(default_factory=dict)  # --llm-* flags → Settings fields
    sets_file: Path = SETS_FILE
    sets: list[str] = field(default_factory=list)  # --set NAME …; empty: every set of the file
    strict: bool = False  # refuse every schema deviation, not only what makes an item unscorable

    @property
    def adhoc(self) -> bool:
        return bool(self.qa) or self.corpus is not None or self.index is not None


@dataclass
class SetRun:
    """One set prepared for a run, then its outcome."""

    spec: EvalSet
    rows: list[tuple[str, dict[str, Any]]]
    items: list[dict[str, Any]]
    warnings: list[Problem]
    index: Path | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    gated: bool = False


class RunError(Exception):
    """Bad input: the message is printed and the command exits with status 2."""


def _shown(problems: list[Problem], blind: bool) -> list[str]:
    """Problems as written to reports: each one, or for a blind set only their kinds and counts."""
    return summarise(problems) if blind else [str(p) for p in problems]


def _prepare(spec: EvalSet, strict: bool, log: Log) -> SetRun:
    """Read and triage one set's QA files (no index yet); RunError when it cannot be scored."""
    rows, unreadable = read_rows(spec.qa)
    if unreadable:
        raise RunError(f"{spec.name}: the QA file cannot be read:\n" + "\n".join(f"  {p}" for p in unreadable[:20]))
    t = triage(rows, None, strict=strict)
    if t.errors:
        shown = _shown(t.errors, spec.blind)
        hint = "; run `python -m evals validate FILE` to see them" if spec.blind else ""
        raise RunError(f"{spec.name}: {len(t.errors)} problem(s) stop the run{hint}"
                       + (" (--strict refuses every schema deviation)" if strict else "") + ":\n"
                       + "\n".join(f"  {p}" for p in shown[:20]))
    if not t.items:
        raise RunError(f"{spec.name}: the QA set is empty")
    return SetRun(spec=spec, rows=rows, items=t.items, warnings=t.warnings)


def _print_warnings(run: SetRun, quiet: bool) -> None:
    """Warnings go to stderr even with --quiet (then as one line per set); a blind set shows kinds only."""
    shown = _shown(run.warnings, run.spec.blind)
    if not shown:
        return
    print(f"warning: {run.spec.name}: {len(run.warnings)} deviation(s) from docs/qa_schema.md that do not matter "
          f"to scoring (listed in the report; --strict refuses them)" + (":" if not quiet else ""), file=sys.stderr)
    if quiet:
        return
    for w in shown[:10]:
        print(f"  warning: {w}", file=sys.stderr)
    if len(shown) > 10:
        print(f"  … and {len(shown) - 10} more", file=sys.stderr)


def _ablations(settings: Any, factory: Callable[[Any, str], Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The retrieval-only assistants (never a second LLM: they only retrieve)."""
    ablations: dict[str, Any] = {}
    errors: dict[str, str] = {}
    abl_settings = settings
    if getattr(settings, "answerer", None) == "llm" and hasattr(settings, "model_copy"):
        abl_settings = settings.model_copy(update={"answerer": "extractive"})
    for name in ABLATIONS:
        try:
            ablations[name] = factory(abl_settings, name)
        except Exception as e:  # noqa: BLE001 - an ablation that cannot start is reported, not fatal
            errors[name] = f"{type(e).__name__}: {e}"
    return ablations, errors


def _evaluate_set(run: SetRun, opts: RunOptions, out_dir: Path, factory: Callable[[Any, str], Any],
                  settings_fn: Callable[..., Any], log: Log) -> None:
    """Index, assistant, evaluation and files of one set (RunError when it cannot start)."""
    spec = run.spec
    corpus = opts.corpus if spec.name == ADHOC else spec.corpus
    try:
        extra = {"settings_overrides": opts.settings_overrides} if opts.settings_overrides else {}
        settings = settings_fn(corpus, opts.index if spec.name == ADHOC else None, Path(opts.out), opts.answerer,
                               log=log, **extra)
    except Exception as e:  # noqa: BLE001 - bad settings / unreadable corpus: a clear message, no traceback
        raise RunError(f"{spec.name}: cannot prepare settings/index: {type(e).__name__}: {e}") from e
    corpus_dir = Path(getattr(settings, "corpus_dir", corpus or "corpus"))
    run.warnings += [p for p in check_rows(run.rows, corpus_dir) if p.level == "corpus"]
    _print_warnings(run, opts.quiet)
    try:
        assistant = factory(settings, "hybrid")
    except Exception as e:  # noqa: BLE001
        raise RunError(f"{spec.name}: cannot start the assistant: {type(e).__name__}: {e}") from e
    ablations, ablation_errors = _ablations(settings, factory) if opts.baselines else ({}, {})
    info: dict[str, Any] = {"set": spec.name, "qa": [str(p) for p in spec.qa], "corpus_dir": str(corpus_dir),
                            "index_dir": str(getattr(settings, "index_dir", "")),
                            "answerer": getattr(settings, "answerer", None), "retrieval": "hybrid",
                            "blind": spec.blind, "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if getattr(settings, "answerer", None) == "llm":
        llm = getattr(assistant, "llm", None)
        info["llm"] = getattr(llm, "name", None) or str(getattr(assistant, "llm_error", "") or "")
    if not opts.quiet:
        log(f"{spec.name}: asking {len(run.items)} questions …")
    ev = evaluate(run.items, assistant, ablations=ablations, ablation_errors=ablation_errors,
                  baselines=opts.baselines, doc_texts=DocTexts(assistant, corpus_dir), progress=not opts.quiet,
                  info=info)
    ev.warnings = _shown(run.warnings, spec.blind)
    if spec.blind:
        for fine in BLIND_WITHHELD:
            ev.metrics.pop(fine, None)
    ev.metrics["warnings"] = ev.warnings
    ev.metrics["warnings_by_kind"] = dict(sorted(_kinds(run.warnings).items()))
    run.metrics, run.index = ev.metrics, getattr(settings, "index_dir", None)
    run.paths = write_outputs(ev, out_dir, blind=spec.blind)
    del assistant, ablations, ev
    gc.collect()


def _kinds(problems: list[Problem]) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in problems:
        out[p.kind] = out.get(p.kind, 0) + 1
    return out


def _gate(run: SetRun, thresholds: Mapping[str, Any]) -> None:
    run.failures, run.notes = apply_gate(run.metrics, thresholds)
    run.gated = True


def _specs(opts: RunOptions) -> list[EvalSet]:
    """The sets to run: the ad-hoc one, or those selected from the sets file."""
    if opts.adhoc:
        qa = list(opts.qa or [DEFAULT_QA])
        missing = [p for p in qa if not Path(p).is_file()]
        if missing:
            raise RunError(f"{missing[0]}: no such file")
        return [EvalSet(name=ADHOC, qa=[Path(p) for p in qa], corpus=Path(opts.corpus or "."))]
    try:
        return select(load_sets(opts.sets_file), opts.sets)
    except SetsError as e:
        raise RunError(str(e)) from e


def _adhoc_thresholds(opts: RunOptions) -> dict[str, Any]:
    try:
        return load_thresholds(opts.thresholds_file or opts.sets_file, "shipped")
    except (SetsError, ThresholdsError) as e:
        raise RunError(str(e)) from e


def run(opts: RunOptions, factory: Callable[[Any, str], Any] = make_assistant,
        settings_fn: Callable[..., Any] = prepare_settings) -> int:
    """The evaluation command; returns the process exit code (0 ok, 1 gate failed, 2 bad input)."""
    log: Log = (lambda s: None) if opts.quiet else (lambda s: print(s, file=sys.stderr))
    out = Path(opts.out)
    try:
        specs = _specs(opts)
        runs = [_prepare(s, opts.strict, log) for s in specs]  # every set is read before any index is built
        gate_on = opts.gate or bool(opts.overrides)
        adhoc_limits = _adhoc_thresholds(opts) if opts.adhoc and gate_on else {}
        for r in runs:
            _evaluate_set(r, opts, out if opts.adhoc else out / r.spec.name, factory, settings_fn, log)
            if gate_on:
                _gate(r, {**(adhoc_limits if opts.adhoc else r.spec.thresholds), **opts.overrides})
    except RunError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if opts.adhoc:
        return _finish_adhoc(runs[0])
    return _finish_sets(runs, out)


def _print_gate(runs: list[SetRun], named: bool) -> int:
    failed = False
    for r in runs:
        if not r.gated:
            continue
        prefix = f"{r.spec.name}: " if named else ""
        for n in r.notes:
            print(f"gate: {prefix}{n}")
        for f in r.failures:
            print(f"GATE FAILED: {prefix}{f}", file=sys.stderr)
        failed = failed or bool(r.failures)
    if any(r.gated for r in runs) and not failed:
        print("gate: passed")
    return 1 if failed else 0


def _finish_adhoc(r: SetRun) -> int:
    for line in summary_lines(r.metrics):
        print(line)
    files = list(r.paths.values())
    print("wrote " + ", ".join([str(files[0])] + [p.name for p in files[1:]]))
    return _print_gate([r], named=False)


def _finish_sets(runs: list[SetRun], out: Path) -> int:
    from .compare import side_by_side_lines, write_combined

    for line in side_by_side_lines(runs):
        print(line)
    paths = write_combined(runs, out)
    print(f"wrote {paths['report_html']}, {paths['report_md'].name}, {paths['metrics'].name} "
          f"and one folder per set in {out}")
    return _print_gate(runs, named=True)


__all__ = ["ABLATIONS", "KS", "GATE_KEYS", "GROUP_KEYS", "DEFAULT_QA", "DEFAULT_OUT", "THRESHOLDS_FILE", "DocTexts",
           "Evaluation", "RunOptions", "SetRun", "evaluate", "compute_metrics", "llm_scores", "apply_gate",
           "load_thresholds", "cache_index_dir", "prepare_settings", "make_assistant", "write_outputs",
           "summary_lines", "run"]
