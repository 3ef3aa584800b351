"""The prompts of the LLM answerer and what fills them: the prompt data files
(``assistant/prompts/answer.md``, ``condense.md``: a system and a user section), the numbered
passages as quoted ``<资料>`` blocks fitted into the context window, and the chat history."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.prompts import ChatPromptTemplate

from assistant.llm.passage import Passage


PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
CHARS_PER_TOKEN = 1.0  # conservative for Chinese text; used to fit passages into the context window
PROMPT_RESERVE_TOKENS = 160  # chat template + slack


@lru_cache(maxsize=None)
def prompt_parts(name: str) -> tuple[str, str]:
    """(system text, user text) of a prompt data file: ``<!-- system -->`` …, ``<!-- user -->`` …
    (a leading comment is ignored)."""
    raw = (PROMPTS / f"{name}.md").read_text(encoding="utf-8")
    m = re.search(r"^<!--\s*system\s*-->[ \t]*$(.*?)^<!--\s*user\s*-->[ \t]*$(.*)\Z", raw, re.S | re.M)
    if not m:
        raise ValueError(f"prompt {name}.md needs <!-- system --> and <!-- user --> sections")
    return m.group(1).strip(), m.group(2).strip() + "\n"


def load_prompt(name: str, system: bool = True) -> ChatPromptTemplate:
    """The prompt as a system + user message, or (``system=False``) one user message holding both."""
    sys_text, user_text = prompt_parts(name)
    if system:
        return ChatPromptTemplate.from_messages([("system", sys_text), ("human", user_text)])
    return ChatPromptTemplate.from_messages([("human", sys_text + "\n\n" + user_text)])


def prompt_chars(name: str) -> int:
    return sum(len(t) for t in prompt_parts(name))


def _attr(value: Any) -> str:
    """A metadata value safe inside a tag attribute."""
    return re.sub(r"[<>\"\n]", " ", str(value or "")).strip()


def quote_data(text: str) -> str:
    """Passage text inside a <资料> block: angle brackets become full-width so no text can close the block."""
    return text.replace("<", "＜").replace(">", "＞")


def format_passage(p: Passage) -> str:
    attrs = [f'编号="[{p.n}]"', f'文件="{_attr(p.doc)}"']
    for k, v in (("标题", p.title), ("地区", p.region), ("发布", p.issuer), ("日期", p.date), ("章节", p.section)):
        if v:
            attrs.append(f'{k}="{_attr(v)}"')
    return f"<资料 {' '.join(attrs)}>\n{quote_data(p.text.strip())}\n</资料>"


def format_passages(passages: list[Passage]) -> str:
    return "\n\n".join(format_passage(p) for p in passages)


def fit_passages(passages: list[Passage], ctx_tokens: int, max_tokens: int, question: str = "") -> list[Passage]:
    """The leading passages that fit the context window (at least one), renumbered [1]..[k]."""
    budget = (ctx_tokens - max_tokens - PROMPT_RESERVE_TOKENS) * CHARS_PER_TOKEN - prompt_chars("answer") - len(question)
    out: list[Passage] = []
    used = 0
    for p in passages:
        cost = len(format_passage(p)) + 2
        if out and used + cost > budget:
            break
        out.append(p)
        used += cost
    return [Passage(**{**p.__dict__, "n": i + 1}) for i, p in enumerate(out)]


def format_history(history: list[dict[str, str]], limit: int = 3) -> str:
    lines = []
    for h in history[-limit:]:
        lines.append(f"用户：{h.get('q', '')[:300]}")
        a = re.sub(r"\s+", " ", h.get("a", ""))[:300]
        if a:
            lines.append(f"助手：{a}")
    return "\n".join(lines) or "（无）"
