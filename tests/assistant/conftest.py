"""Fixtures of the assistant's tests: an assistant over documents written for the test."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest


@pytest.fixture
def assistant_over(tmp_path: Path) -> Callable[..., object]:
    """assistant_over(name=text, …): an Assistant whose index holds just these documents."""
    from assistant.core import Assistant
    from base.settings import Settings
    from ingest.run import ingest

    def build(**docs: str):
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        for name, text in docs.items():
            (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
        assert ingest(settings).ok
        return Assistant(settings)

    return build
