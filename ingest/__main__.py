"""python -m ingest [PATH ...] [--corpus DIR] [--index DIR] [--rebuild]

Without PATHs: bring the index in line with the corpus folder (add / update / remove).
With PATHs: add or update just those files (files outside the corpus are copied into it first, once
they prove indexable; an empty or unreadable folder is an error, never "the whole corpus").
Documents are searchable by keyword as soon as they are processed; the run then computes their
vectors and says which documents are still being embedded.
Exit status: 0 when every document was processed, 1 when any failed or vectors could not be
written, 2 on bad usage/config or an index that cannot be written (one line, no traceback).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from base.settings import add_settings_args, settings_from_args


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="files or folders to add/update")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the whole index from scratch")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    ap.add_argument("--status", action="store_true",
                    help="print the current generation and the documents still being embedded, change nothing")
    add_settings_args(ap)
    args = ap.parse_args(argv)
    try:
        settings = settings_from_args(args)
    except ValidationError as e:
        why = "; ".join(f"{'.'.join(map(str, x['loc'])) or 'settings'}: {x['msg']}" for x in e.errors())
        print(f"error: bad settings: {why}", file=sys.stderr)
        return 2

    from ingest.run import ingest

    if args.status:
        return _status(settings)
    if args.rebuild and args.paths:
        print("error: --rebuild rebuilds the whole corpus; give it no PATHs", file=sys.stderr)
        return 2
    corpus = settings.corpus_dir.resolve()
    if not corpus.is_dir():
        print(f"error: corpus folder {corpus} does not exist", file=sys.stderr)
        return 2
    paths: list[Path] | None = None
    if args.paths:
        try:
            paths, rejected = _files_from_args(args.paths, corpus, settings)
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        for line in rejected:
            print(line)
        if not paths:
            print("error: none of the given files can be indexed; nothing changed", file=sys.stderr)
            return 1

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

    def notify(message: str) -> None:
        if bar is not None:
            bar.clear()
        print(message, file=sys.stderr, flush=True)

    try:
        summary = ingest(settings, paths=paths, rebuild=args.rebuild, progress=progress, notify=notify)
    except Exception as e:  # noqa: BLE001 - one line for every fault, never a traceback
        if bar:
            bar.close()
        print(f"error: {_one_line(e, settings)}", file=sys.stderr)
        return 2
    if bar:
        bar.close()
    for line in summary.lines():
        print(line)
    return 0 if summary.ok else 1


def _status(settings) -> int:
    from store import IndexError_, read_manifest

    try:
        m = read_manifest(settings.index_dir)
    except IndexError_ as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not m.get("generation"):
        print(f"no index at {settings.index_dir}: build it with `python -m ingest`")
        return 2
    pending = sorted(m.get("pending", []))
    print(f"generation {m['generation']} ({m.get('updated', '?')}): {len(m['docs'])} documents, "
          f"{sum(e['chunks'] for e in m['docs'].values())} chunks, {len(pending)} still being embedded")
    for p in pending:
        print(f"  embedding: {p}")
    return 0


def _files_from_args(args: list[Path], corpus: Path, settings) -> tuple[list[Path], list[str]]:
    """The corpus files named by the PATH arguments (outside files copied in once they prove
    indexable); lines for the files refused. ValueError for a path that is missing, unreadable or
    an empty folder — never "no files", which would mean "the whole corpus"."""
    from ingest.run import add_to_corpus, check_file

    paths: list[Path] = []
    rejected: list[str] = []
    for p in args:
        if not p.exists():
            raise ValueError(f"{p} does not exist")
        if not os.access(p, os.R_OK) or (p.is_dir() and not os.access(p, os.X_OK)):
            raise ValueError(f"{p} is not readable")
        files = sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")) if p.is_dir() else [p]
        if not files:
            raise ValueError(f"{p} contains no files")
        for f in files:
            f = f.resolve()
            if f.is_relative_to(corpus):
                paths.append(f)
                continue
            why = check_file(f, corpus, settings)
            if why:
                rejected.append(f"FAILED {f.name}: {why} (not copied into the corpus)")
            else:
                paths.append(add_to_corpus(f, corpus))
    return paths, rejected


def _one_line(e: BaseException, settings) -> str:
    """A one-line description of an expected fault."""
    from store import IndexError_

    if isinstance(e, PermissionError):
        return (f"cannot write the index at {settings.index_dir} ({e.strerror}: {e.filename}); "
                "is it read-only? Use --index DIR for a writable folder")
    if isinstance(e, OSError):
        return f"{e.strerror or e} ({e.filename or settings.index_dir})"
    if isinstance(e, (IndexError_, ValueError)):
        return str(e).splitlines()[0] if str(e) else type(e).__name__
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


if __name__ == "__main__":
    sys.exit(main())
