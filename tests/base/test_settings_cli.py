"""CLI flags generated from the Settings model (base/settings.py)."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from base.settings import Settings, add_settings_args, settings_from_args


def parser(**kw) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(exit_on_error=False)
    add_settings_args(ap, **kw)
    return ap


def test_every_field_has_a_flag():
    ap = parser()
    flags = {opt for a in ap._actions for opt in a.option_strings}
    for name in Settings.model_fields:
        assert "--" + name.replace("_", "-") in flags, name
    assert "--corpus" in flags and "--index" in flags  # the short aliases


def test_flags_parse_to_typed_settings(tmp_path):
    args = parser().parse_args([
        "--index", str(tmp_path), "--top-k", "9", "--llm-timeout", "2.5", "--llm-system-role", "no",
        "--answerer", "extractive", "--allowed-hosts", "a.org, B.org", "--admin-user", "boss",
        "--admin-password", "pw", "--max-sessions", "50", "--port", "8080"])
    s = settings_from_args(args)
    assert s.index_dir == Path(tmp_path) and s.top_k == 9 and s.llm_timeout == 2.5 and s.llm_system_role is False
    assert s.allowed_hosts == ["a.org", "b.org"] and s.admin_user == "boss"
    assert s.admin_password.get_secret_value() == "pw" and "pw" not in repr(s)
    assert s.max_sessions == 50 and s.port == 8080


def test_choices_and_types_are_checked():
    with pytest.raises(argparse.ArgumentError):
        parser().parse_args(["--answerer", "magic"])
    with pytest.raises(argparse.ArgumentError):
        parser().parse_args(["--top-k", "many"])


def test_only_and_a_commands_own_flags():
    ap = parser(only=["index_dir", "llm_model"])
    assert {o for a in ap._actions for o in a.option_strings} == {"-h", "--help", "--index-dir", "--index",
                                                                      "--llm-model"}
    own = argparse.ArgumentParser()
    own.add_argument("--corpus", type=Path, help="the command's own flag")
    add_settings_args(own)  # --corpus stays the command's; --corpus-dir is still there
    args = own.parse_args(["--corpus", "x", "--corpus-dir", "y"])
    assert args.corpus == Path("x") and args.corpus_dir == Path("y")


def test_unset_flags_leave_the_environment(monkeypatch):
    monkeypatch.setenv("PQA_TOP_K", "7")
    assert settings_from_args(parser().parse_args([])).top_k == 7
    assert settings_from_args(parser().parse_args(["--top-k", "3"])).top_k == 3
