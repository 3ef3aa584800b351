"""Fixtures of the answer step's tests: an assistant over documents written for the test."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest


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
