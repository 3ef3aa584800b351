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
