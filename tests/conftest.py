"""Shared fixtures: one index of the real corpus built once per test session in a temp dir."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    for p in CORPUS.iterdir():
        if p.is_file():
            shutil.copy(p, d / p.name)
    return d


@pytest.fixture(scope="session")
def settings(corpus_copy, tmp_path_factory):
    from base.settings import Settings

    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def built_index(settings):
    from ingest.run import ingest

    summary = ingest(settings)
    assert summary.ok, summary.failed
    return summary


@pytest.fixture(scope="session")
def assistant(settings, built_index):
    from assistant.core import Assistant

    return Assistant(settings)
