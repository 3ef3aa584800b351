"""CLI of the evaluation harness.

    python -m evals validate FILE [FILE ...] [--corpus DIR]
    python -m evals [--set NAME ...] [--sets FILE]              # the sets of evals/sets.toml side by side
    python -m evals --qa FILE [--qa FILE ...] [--corpus DIR] [--index DIR]   # one ad-hoc set
                    [--answerer extractive|llm] [--out DIR] [--strict]
                    [--llm-base-url URL --llm-model NAME | --llm-provider llamacpp --llm-gguf-path F] [--llm-* …]
                    [--baselines/--no-baselines] [--quiet] [--gate] [--min-accuracy X] [--max-false-refusal-rate X]
                    [--min-refusal-recall X] [--min-citation-accuracy X] [--max-ungrounded X]

Exit codes: 0 ok, 1 validation problems / quality gate failed, 2 bad input (unreadable QA file,
bad settings, the assistant could not start).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from base.settings import add_settings_args

from .runner import DEFAULT_OUT, DEFAULT_QA, RunOptions, run
from .sets import SETS_FILE

LLM_FLAGS = ["llm_provider", "llm_base_url", "llm_api_key", "llm_model", "llm_timeout", "llm_gguf_path",
             "llm_chat_format", "llm_system_role", "llm_threads", "llm_ctx", "llm_max_tokens"]

ROOT = Path(__file__).resolve().parent.parent


def validate_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m evals validate",
                                description="Check QA files: format, unique ids, types, verbatim evidence, "
                                            "must_include in the gold answer; prints counts.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus",
                   help="corpus folder holding the documents named in `docs` (default: corpus/)")
    return p


def run_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m evals",
                                description="Run QA sets through the assistant and write results.jsonl, "
                                            "metrics.json, report.md and report.html. Without --qa/--corpus/--index "
                                            f"every set of {SETS_FILE.relative_to(ROOT)} runs on its own index and "
                                            "the report shows them side by side. "
                                            "Also: `python -m evals validate FILE`.")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME",
                   help="run only this set of the sets file; repeatable (default: every set)")
    p.add_argument("--sets", dest="sets_file", type=Path, default=SETS_FILE, metavar="FILE",
                   help=f"sets file (default: {SETS_FILE.relative_to(ROOT)})")
    p.add_argument("--qa", type=Path, action="append", metavar="FILE",
                   help=f"an ad-hoc QA file (JSON lines); repeatable (with --corpus/--index alone: "
                        f"{DEFAULT_QA.relative_to(ROOT)})")
    p.add_argument("--corpus", type=Path, metavar="DIR",
                   help="ad-hoc corpus folder; without --index a private index is built under OUT/index-cache")
    p.add_argument("--index", type=Path, metavar="DIR",
                   help="ad-hoc index folder (default: the project's index, built if missing)")
    p.add_argument("--strict", action="store_true",
                   help="refuse QA items that deviate from docs/qa_schema.md even where scoring does not care "
                        "(default: score them and list the deviations as warnings)")
    p.add_argument("--answerer", choices=["extractive", "llm"], help="answer composer (default: settings)")
    add_settings_args(p, only=LLM_FLAGS)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                   help=f"output folder (default: {DEFAULT_OUT.relative_to(ROOT)})")
    p.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True,
                   help="also score naive RAG and the bm25-only / dense-only retrieval ablations (default: on)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or build messages")
    p.add_argument("--gate", action="store_true",
                   help=f"fail (exit 1) when a set misses its thresholds in {SETS_FILE.relative_to(ROOT)} "
                        "(an ad-hoc set: those of the shipped set)")
    p.add_argument("--min-accuracy", type=float, metavar="X", help="gate: minimum answer accuracy (all items)")
    p.add_argument("--max-false-refusal-rate", type=float, metavar="X",
                   help="gate: maximum share of answerable items refused")
    p.add_argument("--min-refusal-recall", type=float, metavar="X", help="gate: minimum refusal recall")
    p.add_argument("--min-citation-accuracy", type=float, metavar="X", help="gate: minimum citation accuracy")
    p.add_argument("--max-ungrounded", type=float, metavar="X", help="gate: maximum ungrounded-number rate")
    p.add_argument("--thresholds", type=Path, default=None, help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "validate":
        from .validate import main as validate_main

        args = validate_parser().parse_args(argv[1:])
        return validate_main(args.files, args.corpus)
    if argv and argv[0] == "run":
        argv = argv[1:]
    args = run_parser().parse_args(argv)
    overrides = {k: getattr(args, k) for k in ("min_accuracy", "min_refusal_recall", "min_citation_accuracy",
                                              "max_ungrounded", "max_false_refusal_rate") if getattr(args, k) is not None}
    if args.sets and (args.qa or args.corpus or args.index):
        run_parser().error("--set chooses sets of the sets file; --qa/--corpus/--index run an ad-hoc set: not both")
    opts = RunOptions(qa=args.qa, corpus=args.corpus, index=args.index, answerer=args.answerer,
                      out=args.out, baselines=args.baselines, quiet=args.quiet, gate=args.gate,
                      overrides=overrides, thresholds_file=args.thresholds, sets_file=args.sets_file,
                      sets=args.sets, strict=args.strict,
                      settings_overrides={k: getattr(args, k) for k in LLM_FLAGS if getattr(args, k, None) is not None})
    return run(opts)


if __name__ == "__main__":
    sys.exit(main())
