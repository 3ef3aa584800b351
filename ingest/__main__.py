"""python -m ingest [PATH ...] [--corpus DIR] [--index DIR] [--rebuild]

Without PATHs: bring the index in line with the corpus folder (add / update / remove).
With PATHs: add or update just those files (files outside the corpus are copied into it first).
Exit status: 0 when every document was processed, 1 when any failed, 2 on bad usage/config.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from base.settings import add_settings_args, settings_from_args


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="files or folders to add/update")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the whole index from scratch")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    add_settings_args(ap)
    args = ap.parse_args(argv)
    try:
        settings = settings_from_args(args)
    except ValidationError as e:
        print(f"error: bad settings: {e}", file=sys.stderr)
        return 2

    from ingest.run import add_to_corpus, ingest
    from store import IndexError_

    corpus = settings.corpus_dir.resolve()
    if not corpus.is_dir():
        print(f"error: corpus folder {corpus} does not exist", file=sys.stderr)
        return 2
    paths: list[Path] | None = None
    if args.paths:
        paths = []
        for p in args.paths:
            if not p.exists():
                print(f"error: {p} does not exist", file=sys.stderr)
                return 2
            for f in (sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]):
                f = f.resolve()
                paths.append(f if f.is_relative_to(corpus) else add_to_corpus(f, corpus))

    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="doc", desc="ingest", file=sys.stderr, dynamic_ncols=True)

    def progress(i: int, n: int, name: str) -> None:
        if bar is None:
            return
        bar.total = n
        bar.n = i
        bar.set_postfix_str(name[-40:])
        bar.refresh()

    try:
        summary = ingest(settings, paths=paths, rebuild=args.rebuild, progress=progress)
    except (IndexError_, ValueError) as e:
        if bar:
            bar.close()
        print(f"error: {e}", file=sys.stderr)
        return 2
    if bar:
        bar.close()
    for line in summary.lines():
        print(line)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
