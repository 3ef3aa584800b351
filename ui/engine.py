"""The state every tab shares, one per process: the Assistant, the accounts, background jobs,
download files and the feedback log.

The Assistant is built once; when the index is missing it is built in the background while the
page already answers with a clear "index is being built" message. Per-browser state (a
conversation) is not here: it lives in each session's ``gr.State``.
"""
from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path
from typing import Any

from base.settings import Settings
from ui.downloads import Downloads
from ui.jobs import Jobs
from ui.security import Accounts, admin_refusal

log = logging.getLogger("pqa.app")

ALL = "全部"
INGEST_BATCH = 4  # passages per embedding call in an ingest started from the web app


class NotReady(RuntimeError):
    pass


class Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.assistant = None
        self.state = "starting"  # starting | building | ready | error
        self.message = "正在加载索引… / loading the index…"
        self.ready_event = threading.Event()
        self.accounts = Accounts(settings)
        self.jobs = Jobs()
        self.downloads = Downloads(settings.download_ttl_s)
        self.feedback_lock = threading.Lock()
        self.eval_lock = threading.Lock()

    # ------------------------------------------------------------ start-up
    def start(self, background: bool = True) -> None:
        """Open the index; when it is missing (or unreadable), build it with ingest()."""
        from store import IndexError_

        try:
            self._open()
            return
        except IndexError_ as e:  # IndexMissing or incomplete: (re)build
            log.warning("index not usable (%s); building it", e)
        self.state = "building"
        self.message = "索引正在建立，请稍候… / the index is being built, please wait…"
        if background:
            threading.Thread(target=self._build, name="pqa-build-index", daemon=True).start()
        else:
            self._build()

    def _open(self) -> None:
        from assistant.core import Assistant

        self.assistant = Assistant(self.settings)
        self.state = "ready"
        self.message = f"已加载 {len(self.assistant.docs)} 份文件 / {len(self.assistant.docs)} documents loaded"
        self.ready_event.set()

    def _build(self) -> None:
        from ingest.run import ingest

        def progress(i: int, n: int, name: str) -> None:
            self.message = f"索引正在建立（{i}/{n}）… / building the index ({i}/{n})…"

        try:
            summary = ingest(self.settings, progress=progress)
            for line in summary.lines():
                log.info("ingest: %s", public_text(line, self.settings))
            self._open()
        except Exception as e:  # noqa: BLE001 - the page must say what went wrong
            log.exception("building the index failed")
            self.state = "error"
            self.message = f"索引建立失败：{public_text(str(e), self.settings)} / building the index failed"
            self.ready_event.set()

    def require(self):
        if self.state == "ready" and self.assistant is not None:
            return self.assistant
        if self.state == "error":
            raise NotReady(self.message)
        raise NotReady("索引正在建立，请稍候再试。/ The index is still being built, please try again shortly.")

    def ready_assistant(self):
        """The Assistant when ready, else None (for choices and tables)."""
        return self.assistant if self.state == "ready" else None

    # ------------------------------------------------------------ admin work
    def refusal(self, request: Any) -> str | None:
        """None when the request's user is an admin; else why the action is refused."""
        return admin_refusal(self.accounts, getattr(request, "username", None))

    def ingest(self, paths: list[Path] | None, progress=None):
        """Ingest ``paths`` (None: the whole corpus), then answer from the new index.

        Runs while readers ask questions. The embedding model is shared and answers one call at a
        time, so the ingest embeds in small batches: a question waits for one small batch, not for
        a batch of 32 long passages (measured: median answer 9.5 s during an ingest with batches of
        32 on a loaded 2-core machine; see scripts/bench_web.py chat-during-upload)."""
        from ingest.run import ingest

        settings = self.settings.model_copy(update={"embed_batch_size": min(self.settings.embed_batch_size,
                                                                            INGEST_BATCH)})
        summary = ingest(settings, paths=paths, progress=progress)
        self.assistant.reload()
        return summary

    # ------------------------------------------------------------ helpers
    def text_of(self, doc: str) -> str | None:
        a = self.assistant
        if a is None:
            return None
        s = a.docs.get(doc)
        return s.doc.text if s is not None else None

    def append_feedback(self, record: dict[str, Any]) -> None:
        path = Path(self.settings.feedback_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.feedback_lock, open(path, "a", encoding="utf-8") as f:
            f.write(line)

    def banner(self) -> tuple[str, str]:
        """(kind, text) of the status banner: ready | building | error."""
        if self.state == "ready" and self.assistant is not None:
            n = len(self.assistant.docs)
            text = f"已加载 {n} 份文件，可以提问。/ {n} documents indexed." + self.answerer_note()
            job = self.jobs.running()
            if job is not None:
                text += f" 资料库正在更新（{job.title}），更新期间仍可提问。/ The library is being updated."
            return "ready", text
        return ("error" if self.state == "error" else "building"), self.message

    def answerer_note(self) -> str:
        """With the LLM answerer: which model answers, and that unverifiable answers fall back."""
        a = self.assistant
        if a is None or getattr(a, "answerer", "extractive") != "llm":
            return ""
        if getattr(a, "llm", None) is None:
            return f" 大模型不可用，使用原文摘录回答 / LLM unavailable ({a.llm_error}); answering extractively."
        return (f" 回答方式：大模型（{a.llm.name}），未通过核验时显示原文摘录 / answers by the LLM, "
                "checked against the sources.")

    def close(self) -> None:
        self.jobs.wait(timeout=30)
        self.downloads.close()


# ---------------------------------------------------------------- choices shared by the tabs
def regions(a) -> list[str]:
    return sorted(a.known_regions) if a is not None else []


def years(a) -> list[str]:
    if a is None:
        return []
    ys = {y for s in a.docs.values() for y in s.meta.years}
    ys |= {t.year for s in a.docs.values() for t in s.targets if t.year}
    return [str(y) for y in sorted(ys)]


def doc_choices(a) -> list[tuple[str, str]]:
    from ui.data import doc_label

    if a is None:
        return []
    return [(doc_label(p, s), p) for p, s in sorted(a.docs.items())]


def opt(v: Any) -> str | None:
    return None if v in (None, "", ALL) else str(v)


def year(v: Any) -> int | None:
    v = opt(v)
    return int(v) if v and v.isdigit() else None


# ---------------------------------------------------------------- messages without server paths
_ABS_PATH = re.compile(r"(?<![\w.])(?:/[^\s/'\"<>:;,，。）)]+)+/([^\s/'\"<>:;,，。）)]+)")


def public_text(text: str, settings: Settings | None = None) -> str:
    """``text`` for the page: every absolute server path is cut to its last part (a file name), so
    an error never shows where the corpus, the index or upload folders lie."""
    if settings is not None:
        for d in (settings.corpus_dir, settings.index_dir):
            for form in {str(d), str(Path(d).resolve())}:
                text = text.replace(form.rstrip("/") + "/", "").replace(form, "…")
    return _ABS_PATH.sub(lambda m: m.group(1), text)
