"""Long admin work (ingest after an upload, a delete or a metadata correction) in the background.

One job at a time (each rewrites the index); the handler that starts it returns at once, pages poll
:meth:`Jobs.latest` for progress, and readers keep asking questions meanwhile: the Assistant answers
from its current snapshot until the job reloads it. A job's outcome stays readable until the next
one starts.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

log = logging.getLogger("pqa.app")


@dataclass
class Job:
    id: int
    title: str  # what is being done, e.g. "上传 a.txt"
    started: float = field(default_factory=time.monotonic)
    done: bool = False
    ok: bool = True
    step: int = 0
    steps: int = 0
    current: str = ""  # the file being processed
    result: str = ""  # the outcome as HTML, set when done

    def progress(self, i: int, n: int, name: str) -> None:
        self.step, self.steps, self.current = i, n, name

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


class Jobs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._latest: Job | None = None

    def running(self) -> Job | None:
        job = self._latest
        return job if job is not None and not job.done else None

    def latest(self) -> Job | None:
        return self._latest

    def start(self, title: str, work: Callable[[Job], str], on_error: Callable[[Exception], str]) -> Job | None:
        """Run ``work(job)`` in a thread; its return value (HTML) is the job's result. None when
        another job is still running. ``on_error`` turns an exception into the result."""
        with self._lock:
            if self.running() is not None:
                return None
            job = Job(id=next(self._ids), title=title)
            self._latest = job

        def run() -> None:
            try:
                job.result = work(job)
            except Exception as e:  # noqa: BLE001 - the page must say what went wrong
                log.exception("%s failed", title)
                job.ok = False
                job.result = on_error(e)
            finally:
                job.done = True

        threading.Thread(target=run, name=f"pqa-job-{job.id}", daemon=True).start()
        return job

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no job runs (tests, shutdown); False on timeout."""
        t0 = time.monotonic()
        while self.running() is not None:
            if timeout is not None and time.monotonic() - t0 > timeout:
                return False
            time.sleep(0.05)
        return True
