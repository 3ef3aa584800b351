"""python -m evals.grounding [--split dev|test|all] [--set FILE] [--corpus DIR] — see the package doc."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import CORPUS, DEFAULT_SET, SetError, load_set, rates, report_lines, run_items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.grounding",
                                 description="Run the grounding check over the adversarial set; print false-accept "
                                             "and false-reject rates; exit 1 above the limits.")
    ap.add_argument("--split", choices=["dev", "test", "all"], default="all")
    ap.add_argument("--set", type=Path, default=DEFAULT_SET, metavar="FILE")
    ap.add_argument("--corpus", type=Path, default=CORPUS, metavar="DIR")
    args = ap.parse_args(argv)
    try:
        items = [i for i in load_set(args.set) if args.split == "all" or i["split"] == args.split]
        outcomes = run_items(items, args.corpus)
    except SetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print("\n".join(report_lines(outcomes)))
    return 0 if rates(outcomes)["all"].within_limits() else 1


if __name__ == "__main__":
    sys.exit(main())
