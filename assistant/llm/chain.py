"""The chat model, its LCEL chains and a hang-proof streaming call.

``build_chat_model(settings)`` makes the LangChain chat model of the configured provider:
``openai`` → ``langchain_openai.ChatOpenAI`` on any OpenAI-compatible server (vLLM, Ollama,
Xinference, DashScope, DeepSeek, llama.cpp's server …), ``llamacpp`` → ``langchain_community``'s
``ChatLlamaCpp`` on a local GGUF file (needs ``llama-cpp-python``).

The prompts are data files (``assistant/prompts/answer.md``, ``condense.md``). The answer chain is
``prompt | model | StrOutputParser()``; ``LLM.stream`` runs it in a worker thread under a wall-clock
limit (``settings.llm_timeout``) so an unreachable server, a stalled stream or a slow local model can
never hang the caller, and every failure surfaces as one ``LLMError`` with a short reason.
The prompts are ``assistant.llm.prompts``; the grounding check of the produced text is
``assistant.llm.check``; answering a Turn with them is ``assistant.llm.answerer``.
"""
from __future__ import annotations

import logging
import queue
import re
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from langchain_core.output_parsers import StrOutputParser

from assistant.llm.passage import Passage
from assistant.llm.prompts import format_history, format_passages, load_prompt


log = logging.getLogger("pqa.llm")


class LLMError(RuntimeError):
    """The model could not produce an answer: kind is unreachable | timeout | http | malformed | config."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail

    @property
    def reason(self) -> str:
        return {"unreachable": "无法连接 / unreachable", "timeout": "超时 / timed out",
                "http": "服务器错误 / server error", "malformed": "输出异常 / malformed output",
                "config": "配置错误 / not configured"}.get(self.kind, self.kind) + (
            f": {self.detail[:120]}" if self.detail and self.kind in ("http", "config") else "")


def build_chat_model(settings: Any) -> Any:
    """The LangChain chat model of ``settings.llm_provider`` (temperature 0, no retries, streaming)."""
    if settings.llm_provider == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as e:  # pragma: no cover - a dependency of the app
            raise LLMError("config", "langchain-openai is not installed (pip install langchain-openai)") from e
        if not settings.llm_base_url:
            raise LLMError("config", "llm_base_url is not set")
        return _compatible_chat_openai(ChatOpenAI)(
            base_url=settings.llm_base_url, api_key=settings.llm_api_key or "EMPTY",
            model=settings.llm_model or "default", timeout=settings.llm_timeout, max_retries=0,
            temperature=0.0, max_tokens=settings.llm_max_tokens, streaming=True, stream_usage=False)
    if settings.llm_provider == "llamacpp":
        try:
            from langchain_community.chat_models import ChatLlamaCpp
        except ImportError as e:  # pragma: no cover
            raise LLMError("config", "langchain-community is not installed") from e
        path = Path(settings.llm_gguf_path or "")
        if not path.is_file():
            raise LLMError("config", f"GGUF file not found: {path}")
        kwargs: dict[str, Any] = {}
        if settings.llm_chat_format:
            kwargs["chat_format"] = settings.llm_chat_format
        try:
            return ChatLlamaCpp(model_path=str(path), n_threads=settings.llm_threads, n_ctx=settings.llm_ctx,
                                n_batch=512, max_tokens=settings.llm_max_tokens, temperature=0.0,
                                repeat_penalty=1.1, streaming=True, verbose=False, model_kwargs=kwargs)
        except ImportError as e:
            raise LLMError("config", "llama-cpp-python is not installed (see README: LLM answers)") from e
        except Exception as e:  # noqa: BLE001 - a bad file is a configuration error, not a crash
            raise LLMError("config", f"cannot load {path.name}: {e}") from e
    raise LLMError("config", f"unknown provider {settings.llm_provider!r}")


@lru_cache(maxsize=1)
def _compatible_chat_openai(base: type) -> type:
    """ChatOpenAI that sends ``max_tokens`` (which every OpenAI-compatible server — vLLM, Ollama,
    llama.cpp, DashScope, DeepSeek — understands) instead of OpenAI's newer ``max_completion_tokens``."""

    class ChatOpenAICompatible(base):  # type: ignore[misc, valid-type]
        def _get_request_payload(self, input_: Any, *, stop: Any = None, **kwargs: Any) -> dict:
            payload = super()._get_request_payload(input_, stop=stop, **kwargs)
            if "max_completion_tokens" in payload:
                payload["max_tokens"] = payload.pop("max_completion_tokens")
            return payload

    return ChatOpenAICompatible


def system_role(settings: Any) -> bool:
    """Send the rules as a system message? Unset: yes, except for Gemma (no system role: its chat
    template drops system messages), where they lead the user message instead."""
    if getattr(settings, "llm_system_role", None) is not None:
        return bool(settings.llm_system_role)
    return "gemma" not in (getattr(settings, "llm_chat_format", None) or "").lower()


def answer_chain(model: Any, system: bool = True):
    """The LCEL answer chain: prompt (passages, question) | chat model | text."""
    return load_prompt("answer", system) | model | StrOutputParser()


def condense_chain(model: Any, system: bool = True):
    """The LCEL chain rewriting a follow-up into a standalone question."""
    return load_prompt("condense", system) | model | StrOutputParser()


def classify(exc: BaseException) -> LLMError:
    """Any exception from a client/model → an LLMError with a kind."""
    if isinstance(exc, LLMError):
        return exc
    names = {c.__name__ for c in type(exc).__mro__}
    detail = f"{type(exc).__name__}: {exc}"[:300]
    if names & {"APITimeoutError", "TimeoutException", "ReadTimeout", "ConnectTimeout", "TimeoutError"}:
        return LLMError("timeout", detail)
    if names & {"APIConnectionError", "ConnectError", "ConnectionError", "RemoteProtocolError", "NetworkError"}:
        return LLMError("unreachable", detail)
    if names & {"APIStatusError", "HTTPStatusError", "BadRequestError", "NotFoundError", "AuthenticationError",
                "RateLimitError", "InternalServerError", "PermissionDeniedError", "UnprocessableEntityError"}:
        return LLMError("http", detail)
    return LLMError("malformed", detail)


def guarded_stream(make_iter: Callable[[], Iterator[str]], deadline_s: float,
                   lock: threading.Lock | None = None) -> Iterator[str]:
    """Pieces of ``make_iter()`` produced in a worker thread, within ``deadline_s`` seconds overall.

    Raises LLMError('timeout') when the deadline passes (the worker is told to stop at its next piece;
    a blocked network read ends by the client's own timeout). Closing this generator stops the worker."""
    q: queue.Queue = queue.Queue()
    cancel = threading.Event()

    def work() -> None:
        acquired = False
        try:
            if lock is not None:
                acquired = lock.acquire(timeout=deadline_s)
                if not acquired:
                    raise LLMError("timeout", "the local model is busy")
            if cancel.is_set():
                return
            it = make_iter()
            try:
                for piece in it:
                    if cancel.is_set():
                        break
                    q.put(("piece", piece))
            finally:
                close = getattr(it, "close", None)
                if close is not None:
                    close()
            q.put(("end", None))
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            q.put(("error", e))
        finally:
            if acquired and lock is not None:
                lock.release()

    worker = threading.Thread(target=work, name="pqa-llm", daemon=True)
    end = time.monotonic() + deadline_s
    worker.start()
    try:
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise LLMError("timeout", f"no complete answer within {deadline_s:g} s")
            try:
                kind, value = q.get(timeout=remaining)
            except queue.Empty:
                raise LLMError("timeout", f"no complete answer within {deadline_s:g} s") from None
            if kind == "piece":
                yield value
            elif kind == "end":
                return
            else:
                raise classify(value)
    finally:
        cancel.set()


class ThinkFilter:
    """Hides <think>…</think> reasoning from streamed pieces (reasoning models served over the API)."""

    def __init__(self) -> None:
        self.buf = ""
        self.inside = False

    def feed(self, piece: str) -> str:
        self.buf += piece
        out = ""
        while self.buf:
            if self.inside:
                i = self.buf.find("</think>")
                if i < 0:
                    self.buf = self.buf[-8:]
                    return out
                self.buf = self.buf[i + 8:]
                self.inside = False
            else:
                i = self.buf.find("<think>")
                if i < 0:
                    keep = max((k for k in range(1, min(7, len(self.buf) + 1))
                                if "<think>".startswith(self.buf[-k:])), default=0)
                    out += self.buf[:len(self.buf) - keep]
                    self.buf = self.buf[len(self.buf) - keep:]
                    return out
                out += self.buf[:i]
                self.buf = self.buf[i + 7:]
                self.inside = True
        return out

    def flush(self) -> str:
        out = "" if self.inside else self.buf
        self.buf = ""
        return out


class LLM:
    """One configured chat model with the two chains of the product (condense, answer)."""

    def __init__(self, settings: Any, model: Any = None) -> None:
        self.settings = settings
        try:
            self.model = model if model is not None else build_chat_model(settings)
        except LLMError:
            raise
        except Exception as e:  # noqa: BLE001 - a bad configuration must not stop the assistant
            raise LLMError("config", f"{type(e).__name__}: {e}") from e
        # llama.cpp in-process models are not thread-safe: one generation at a time
        self.lock = threading.Lock() if getattr(self.model, "_llm_type", "") == "llama-cpp-python" else None
        sys_role = system_role(settings)
        self.answer = answer_chain(self.model, sys_role)
        short = self.model.bind(max_tokens=min(96, settings.llm_max_tokens)) if hasattr(self.model, "bind") else self.model
        self.condense_runnable = condense_chain(short, sys_role)

    @property
    def name(self) -> str:
        s = self.settings
        if s.llm_provider == "llamacpp":
            return f"llamacpp:{Path(s.llm_gguf_path or '').name}"
        return f"openai:{s.llm_model or 'default'}@{s.llm_base_url}"

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """The answer's text pieces as they arrive (reasoning hidden); raises LLMError."""
        inputs = {"passages": format_passages(passages), "question": question, "count": len(passages)}
        think = ThinkFilter()
        got = False
        for piece in guarded_stream(lambda: self.answer.stream(inputs), self.settings.llm_timeout, self.lock):
            if not isinstance(piece, str):
                raise LLMError("malformed", f"unexpected output piece {type(piece).__name__}")
            got = True
            out = think.feed(piece)
            if out:
                yield out
        tail = think.flush()
        if tail:
            yield tail
        if not got:
            raise LLMError("malformed", "empty response")

    def condense(self, question: str, history: list[dict[str, str]]) -> str:
        """A standalone version of a follow-up question; raises LLMError."""
        inputs = {"history": format_history(history), "question": question}
        text = "".join(guarded_stream(lambda: self.condense_runnable.stream(inputs), self.settings.llm_timeout,
                                      self.lock))
        text = re.sub(r"<think>.*?(?:</think>|\Z)", "", text, flags=re.S)
        lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
        if not lines:
            raise LLMError("malformed", "empty rewrite")
        return re.sub(r"^(?:改写后的)?(?:独立)?问题[:：]\s*", "", lines[0]).strip().strip("\"“”")
