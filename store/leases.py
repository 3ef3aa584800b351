"""Reader leases: which generations a live reader may still use, so garbage collection spares them.

A reader holds one lease file ``leases/<pid>-<random>.g<generation>`` with a shared ``flock`` for as
long as it uses that generation (the lease object lives as long as the snapshot that owns it; the
kernel drops the lock when the process dies). The file is created and locked under a temporary
name, then renamed, so a lease is never seen unlocked. The writer tries an exclusive lock on each
lease: if it gets it, the holder is gone and the lease is removed; if not, the generation is live.

Ordering that makes this safe: a reader reads the pointer (generation N), takes lease N, then reads
the pointer again and only uses N if it is still current; the writer swaps the pointer first and
scans leases after. Either the writer's scan sees lease N, or the reader's second read sees N+1.
A read-only index cannot hold leases: the reader then runs without one (nothing can rewrite it).
"""
from __future__ import annotations

import fcntl
import os
import secrets
import weakref
from pathlib import Path

LEASES = "leases"


class Lease:
    """A live reader's claim on one generation (released on close() or when garbage collected)."""

    def __init__(self, index_dir: Path, generation: int) -> None:
        self.generation = generation
        self.path: Path | None = None
        d = index_dir / LEASES
        try:
            d.mkdir(exist_ok=True)
            name = f"{os.getpid()}-{secrets.token_hex(4)}.g{generation}"
            tmp = d / f".{name}"
            fd = os.open(tmp, os.O_CREAT | os.O_RDWR, 0o644)
            fcntl.flock(fd, fcntl.LOCK_SH)
            os.replace(tmp, d / name)
        except OSError:
            return  # read-only index: nobody can collect it either
        self.path = d / name
        self._finalizer = weakref.finalize(self, _release, fd, self.path)

    def close(self) -> None:
        if self.path is not None:
            self._finalizer()


def _release(fd: int, path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
    try:
        os.close(fd)
    except OSError:
        pass


def live_generations(index_dir: Path) -> set[int]:
    """Generations held by live readers; leases of dead readers are removed on the way."""
    out: set[int] = set()
    d = index_dir / LEASES
    if not d.is_dir():
        return out
    for p in d.iterdir():
        if p.name.startswith("."):
            _remove_stale_tmp(p)
            continue
        try:
            gen = int(p.name.rsplit(".g", 1)[1])
        except (IndexError, ValueError):
            continue
        try:
            fd = os.open(p, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            out.add(gen)  # a reader holds it
        else:
            p.unlink(missing_ok=True)  # its reader is gone
        finally:
            os.close(fd)
    return out


def _remove_stale_tmp(p: Path) -> None:
    """A lease that a reader died creating (still under its temporary name, unlocked)."""
    try:
        fd = os.open(p, os.O_RDWR)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        pid = int(p.name[1:].split("-", 1)[0])
        if not _alive(pid):
            p.unlink(missing_ok=True)
    except (BlockingIOError, ValueError):
        pass
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
