"""python -m assistant ask "…" [--json] [--history FILE] [--region R] [--year Y] [--doc D] [--index DIR]
python -m assistant chat      (interactive; keeps the conversation history)

Every command takes the settings flags, e.g. ``--answerer llm --llm-base-url URL --llm-model NAME``
or ``--answerer llm --llm-provider llamacpp --llm-gguf-path FILE``. With the LLM answerer the
answer's text is streamed to the terminal as the model writes it (not with ``--json``); the last
line names the answerer that produced the shown answer.

Exit status: 0 answered (or honestly refused), 2 bad usage / bad question / missing index.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from base.settings import add_settings_args, settings_from_args


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m assistant", description="规划问答: cited answers from plan documents")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("ask", "chat"):
        p = sub.add_parser(name, help="answer one question" if name == "ask" else "interactive chat")
        if name == "ask":
            p.add_argument("question", help="the question (Chinese or English)")
            p.add_argument("--json", action="store_true", help="print the answer JSON (shared/qa_schema.md)")
            p.add_argument("--history", type=Path, help="JSON file: [{\"q\": …, \"a\": …}, …] earlier turns")
        p.add_argument("--region", help="only documents of this region")
        p.add_argument("--year", type=int, help="only documents covering this year")
        p.add_argument("--doc", help="only this document (file name in the corpus)")
        add_settings_args(p)
    return ap


def render(ans, file=sys.stdout, text: bool = True) -> None:
    if text:
        print(ans.answer, file=file)
    if ans.notice:
        print(f"\n[notice] {ans.notice}", file=file)
    if ans.citations:
        print("\n来源 / Sources:", file=file)
        for c in ans.citations:
            meta = " · ".join(x for x in (c.region, c.title, c.issuer, c.date) if x)
            print(f"[{c.n}] {c.doc} — {meta}\n    {c.section}\n    “{c.quote}” ({c.start}-{c.end})", file=file)
    if ans.related:
        print("\n相关段落（非答案）/ Related passages (not an answer):", file=file)
        for c in ans.related:
            print(f"- {c.doc} {c.section}: “{c.quote[:100]}”", file=file)
    print(f"\n({ans.answerer}, {ans.latency_ms:.0f} ms)", file=file)


def answer_streaming(assistant, question: str, history: list[dict], filters: dict, file=sys.stdout):
    """Print the model's text as it arrives, then the checked answer (or its replacement)."""
    streamed = ""
    ans = None
    for piece in assistant.stream(question, history=history, filters=filters):
        if isinstance(piece, str):
            if not streamed:
                print("[llm] ", end="", file=file, flush=True)
            streamed += piece
            print(piece, end="", file=file, flush=True)
        else:
            ans = piece
    if ans is None:  # pragma: no cover - stream always ends with an Answer
        raise RuntimeError("no answer was produced")
    if not streamed:
        render(ans, file=file)
    elif ans.answerer == "llm" and ans.answer.strip() == streamed.strip():
        print(file=file)
        render(ans, file=file, text=False)
    else:
        print("\n\n—— 显示的回答 / answer shown ——", file=file)
        render(ans, file=file)
    return ans


def _load_history(path: Path | None) -> list[dict]:
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(f"--history {path}: {e}") from e
    if not isinstance(data, list) or not all(isinstance(h, dict) and isinstance(h.get("q"), str) for h in data):
        raise ValueError(f"--history {path}: expected a JSON list of {{\"q\": str, \"a\": str}}")
    return data


def main(argv: list[str] | None = None) -> int:
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        settings = settings_from_args(args)
    except ValidationError as e:
        why = "; ".join(f"{'.'.join(map(str, x['loc'])) or 'settings'}: {x['msg']}" for x in e.errors())
        print(f"error: bad settings: {why}", file=sys.stderr)
        return 2
    from assistant.core import Assistant
    from base.types import QuestionError
    from base.embeddings import EmbeddingError
    from store import IndexError_

    filters = {k: v for k, v in {"region": args.region, "year": args.year, "doc": args.doc}.items() if v}
    try:
        assistant = Assistant(settings)
    except (IndexError_, EmbeddingError, OSError) as e:  # one line, never a traceback
        print(f"error: {str(e).splitlines()[0] if str(e) else type(e).__name__}", file=sys.stderr)
        return 2
    if args.cmd == "ask":
        try:
            history = _load_history(args.history)
            if args.json:
                ans = assistant.ask(args.question, history=history, filters=filters)
                print(json.dumps(ans.to_json(), ensure_ascii=False, indent=2))
            elif assistant.answerer == "llm":
                answer_streaming(assistant, args.question, history, filters)
            else:
                render(assistant.ask(args.question, history=history, filters=filters))
        except (QuestionError, ValueError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        return 0
    history: list[dict] = []
    print("规划问答 — 输入问题，空行或 Ctrl-D 退出 / type a question; empty line or Ctrl-D quits")
    while True:
        try:
            q = input("\n问> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not q:
            return 0
        try:
            if assistant.answerer == "llm":
                ans = answer_streaming(assistant, q, history, filters)
            else:
                ans = assistant.ask(q, history=history, filters=filters)
                render(ans)
        except QuestionError as e:
            print(f"error: {e}")
            continue
        history.append({"q": q, "a": ans.answer})


if __name__ == "__main__":
    sys.exit(main())
