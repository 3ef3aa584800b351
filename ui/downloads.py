"""Files the web app offers for download (targets CSV, policy Markdown/CSV, evaluation reports).

They live in one private folder per process, removed at exit. A file's name carries a hash of its
content, so asking the same query again rewrites the same file instead of adding one; files older
than ``ttl_s`` are swept (``sweep``, run by the server's housekeeping), so the folder stays bounded
however many queries are made.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path


class Downloads:
    def __init__(self, ttl_s: float = 3600.0, root: Path | None = None) -> None:
        self.ttl_s = ttl_s
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="pqa-downloads-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def write(self, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
        """Write ``data`` as ``<hash>/<name>``; identical content reuses the same file."""
        raw = data.encode(encoding) if isinstance(data, str) else data
        digest = hashlib.sha256(name.encode("utf-8") + b"\0" + raw).hexdigest()[:16]
        path = self.root / digest / Path(name).name
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(raw)
            os.replace(tmp, path)
        return path

    def folder(self, name: str) -> Path:
        """A new folder for a run that writes several files (an evaluation)."""
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.urandom(3).hex()}"
        path = self.root / stamp / Path(name).name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def sweep(self, now: float | None = None) -> int:
        """Delete entries older than ``ttl_s``; returns how many top-level entries went."""
        now = time.time() if now is None else now
        gone = 0
        with self._lock:
            for entry in list(self.root.iterdir()) if self.root.exists() else []:
                try:
                    age = now - entry.stat().st_mtime
                except OSError:
                    continue
                if age > self.ttl_s:
                    shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
                    gone += 1
        return gone

    def count(self) -> int:
        return sum(len(files) for _, _, files in os.walk(self.root))

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
