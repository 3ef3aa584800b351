"""The web app's Engine: builds the index when it is missing and says so until it is ready."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow


def test_engine_builds_missing_index_and_reports_progress(corpus_copy, tmp_path):
    from base.settings import Settings
    from ui.engine import Engine, NotReady

    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", feedback_file=tmp_path / "fb.jsonl")
    engine = Engine(settings)
    engine.start(background=True)
    if not engine.ready_event.is_set():
        with pytest.raises(NotReady, match="索引正在建立"):
            engine.require()
        assert engine.banner()[0] == "building"
    assert engine.ready_event.wait(300)
    assert engine.state == "ready", engine.message
    a = engine.require()
    assert len(a.docs) >= 5 and engine.banner()[0] == "ready"
    assert engine.text_of(next(iter(a.docs))) and engine.text_of("no-such-file.txt") is None
    # feedback lines are JSON, appended
    engine.append_feedback({"question": "q", "rating": "up"})
    engine.append_feedback({"question": "问", "rating": "down"})
    lines = (tmp_path / "fb.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["rating"] for x in lines] == ["up", "down"]


def test_engine_opens_existing_index_at_once(settings, built_index):
    from ui.app import build_ui
    from ui.engine import Engine

    engine = Engine(settings)
    engine.start(background=False)
    assert engine.state == "ready" and engine.ready_event.is_set()
    demo = build_ui(engine)  # the Blocks build without a browser
    assert demo is not None


def test_public_text_never_shows_server_paths(tmp_path):
    from base.settings import Settings
    from ui.engine import public_text

    s = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    msg = (f"LoadError: {tmp_path}/corpus/江夏区 要点.txt: cannot read; copy of /tmp/gradio/3f2a/上传.docx failed; "
           f"see {tmp_path}/index/manifest.json")
    out = public_text(msg, s)
    assert str(tmp_path) not in out and "/tmp/gradio" not in out
    assert "江夏区 要点.txt" in out and "上传.docx" in out and "manifest.json" in out
    assert public_text("a/b is not absolute, 1/2 neither") == "a/b is not absolute, 1/2 neither"


def test_one_job_at_a_time_with_its_outcome():
    import threading

    from ui.jobs import Jobs

    jobs = Jobs()
    gate = threading.Event()

    def work(job):
        job.progress(1, 2, "a.txt")
        gate.wait(10)
        return "done"

    first = jobs.start("first", work, lambda e: "failed")
    assert first is not None and jobs.running() is first
    assert jobs.start("second", work, lambda e: "failed") is None  # refused while one runs
    assert (first.step, first.steps, first.current) == (1, 2, "a.txt")
    gate.set()
    assert jobs.wait(10) and first.done and first.ok and first.result == "done"
    bad = jobs.start("bad", lambda job: 1 / 0, lambda e: f"failed: {type(e).__name__}")
    assert jobs.wait(10) and not bad.ok and bad.result == "failed: ZeroDivisionError"
    assert jobs.latest() is bad


def test_idle_sessions_are_evicted():
    import datetime as dt
    import threading
    from collections import OrderedDict
    from types import SimpleNamespace

    from ui.server import evict_idle_sessions

    now = dt.datetime.now()
    holder = SimpleNamespace(lock=threading.Lock(), session_data=OrderedDict(a=1, b=2, c=3),
                             time_last_used={"a": now - dt.timedelta(hours=3), "b": now, "c": now - dt.timedelta(hours=1)})
    assert evict_idle_sessions(SimpleNamespace(state_holder=holder), idle_s=7200) == 1
    assert list(holder.session_data) == ["b", "c"] and "a" not in holder.time_last_used


def test_chat_answers_while_an_upload_is_ingested(settings, built_index, tmp_path):
    """The ingest runs as a background job; questions are answered from the current index meanwhile,
    and from the new one when it lands."""
    import shutil

    from ui.engine import Engine

    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(settings.index_dir, tmp_path / "index")
    s = settings.model_copy(update={"corpus_dir": tmp_path / "corpus", "index_dir": tmp_path / "index"})
    engine = Engine(s)
    engine.start(background=False)
    doc = tmp_path / "corpus" / "江夏区2025年要点.txt"
    body = "".join(f"{i}.支持第{i}批科技型中小企业开展研发活动，给予研发费用补助{i}万元。\n" for i in range(1, 120))
    doc.write_text("2025年江夏区科技创新工作要点\n一、重点任务\n" + body + "新增高新技术企业42家。\n", encoding="utf-8")
    job = engine.jobs.start("上传", lambda j: str(engine.ingest([doc], progress=j.progress).added), str)
    answered = 0
    while not job.done:
        ans = engine.require().ask("咸宁2024年要通过认定多少家高新技术企业？")
        assert "310" in ans.answer
        answered += 1
    assert job.ok, job.result
    assert answered >= 1 and "江夏区2025年要点.txt" in job.result
    assert "42" in engine.require().ask("江夏区2025年要新增多少家高新技术企业？").answer
    engine.close()
