"""Web app entry (placeholder until the Gradio app lands): a minimal page that answers one question."""
from __future__ import annotations

import argparse
import html
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def main() -> None:
    import gradio as gr

    from assistant.core import Assistant
    from assistant.settings import Settings
    from assistant.types import QuestionError

    ap = argparse.ArgumentParser(prog="python app.py")
    ap.add_argument("--host")
    ap.add_argument("--port", type=int)
    args = ap.parse_args()
    settings = Settings(**{k: v for k, v in {"host": args.host, "port": args.port}.items() if v})
    assistant = Assistant(settings)

    def answer(q: str) -> str:
        try:
            a = assistant.ask(q)
        except QuestionError as e:
            return html.escape(str(e))
        cites = "".join(f"<li>[{c.n}] {html.escape(c.title or c.doc)} — {html.escape(c.quote)}</li>" for c in a.citations)
        return f"<p>{html.escape(a.answer)}</p><ol>{cites}</ol>"

    with gr.Blocks(title="规划问答") as demo:
        q = gr.Textbox(label="问题")
        out = gr.HTML()
        q.submit(answer, q, out)
    demo.launch(server_name=settings.host, server_port=settings.port, share=False)


if __name__ == "__main__":
    main()
