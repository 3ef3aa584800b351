"""Fixtures of the answer step's tests: an assistant over documents written for the test."""
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


HELDOUT_DEV = Path(__file__).resolve().parents[3] / "evals" / "heldout" / "dev" / "docs"


@pytest.fixture(scope="module")
def heldout(tmp_path_factory) -> object:
    """An Assistant over the held-out dev documents (real plans of other regions, in txt, HTML,
    PDF and DOCX), indexed once per test module in a temp dir."""
    import shutil

    from assistant.core import Assistant
    from base.settings import Settings
    from ingest.run import ingest

    corpus = tmp_path_factory.mktemp("heldout-corpus")
    for p in HELDOUT_DEV.iterdir():
        if p.is_file():
            shutil.copy(p, corpus / p.name)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("heldout-index"))
    assert ingest(settings).ok
    return Assistant(settings)
