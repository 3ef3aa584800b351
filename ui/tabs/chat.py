"""问答 tab: chat with cited sources, follow-up questions, filters and feedback.

The conversation lives on the server, in the session's ``gr.State`` (a list of turns, each with
its rendered message); the chat display is rebuilt from it, so nothing the browser sends back as
"history" is trusted or even read. The state is bounded: at most ``chat_max_turns`` turns and
``chat_max_kb`` KB per session (older turns are dropped, with a note).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
import unicodedata
from types import SimpleNamespace
from typing import Any

import gradio as gr

from base.types import QuestionError
from ui import render as R
from ui.engine import ALL, Engine, NotReady, doc_choices, opt, public_text, regions, year, years

log = logging.getLogger("pqa.app")

EXAMPLES = [
    "咸宁2024年要通过认定多少家高新技术企业？",
    "东宝区到2022年高新技术企业数量要达到多少家？",
    "岳阳楼区有哪些支持科技型中小企业的措施？",
    "下陆区2023年科技创新工作有哪些重点任务？",
    "How many high-tech enterprises will Xianning certify in 2024?",
    "What R&D spending targets does Dongbao district set?",
]
NOT_A_QUESTION = ("请输入一个完整的问题，例如：咸宁2024年要通过认定多少家高新技术企业？"
                  " / Please ask a real question, e.g. How many high-tech enterprises will Xianning certify in 2024?")


# ---------------------------------------------------------------- pure helpers
def question_problem(q: str) -> str | None:
    """A message when ``q`` is no question to search with: fewer than two letters or digits (one
    character, emoji, punctuation only); else None."""
    meaningful = sum(1 for ch in q if unicodedata.category(ch)[0] in "LN")
    return NOT_A_QUESTION if meaningful < 2 else None


def turn_size(t: dict[str, Any]) -> int:
    return len(json.dumps(t, ensure_ascii=False).encode("utf-8"))


def trim_turns(turns: list[dict[str, Any]], max_turns: int, max_bytes: int) -> tuple[list[dict[str, Any]], int]:
    """The most recent turns within both bounds (room left for one more turn); and how many
    older turns were dropped."""
    keep = list(turns[-max(0, max_turns - 1):]) if max_turns > 1 else []
    sizes = [turn_size(t) for t in keep]
    while keep and sum(sizes) > max_bytes:
        keep.pop(0)
        sizes.pop(0)
    return keep, len(turns) - len(keep)


def messages(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The chat display of the kept turns."""
    out = []
    for t in turns:
        out.append({"role": "user", "content": R.question_html(t["q"])})
        out.append({"role": "assistant", "content": t["html"]})
    return out


def history(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"q": t["q"], "a": t["a"]} for t in turns if t.get("a")]


# ---------------------------------------------------------------- handlers
def _answer(engine: Engine, a, q: str, turns: list, filters: dict, turn_id: int):
    """Stream the answer: yields ("partial", text) pieces, then ("done", turn) or ("error", turn)."""
    partial, shown, ans = "", 0.0, None
    try:
        for piece in a.stream(q, history=history(turns), filters=filters):
            if isinstance(piece, str):
                partial += piece
                if time.monotonic() - shown >= 0.05:  # LLM tokens, at most ~20 updates a second
                    shown = time.monotonic()
                    yield "partial", partial
            else:
                ans = piece
        if ans is None:
            raise RuntimeError("no answer was produced")
    except QuestionError as e:
        yield "error", {"id": turn_id, "q": q, "a": "", "error": True, "html": R.message_html(str(e), "error")}
        return
    except Exception as e:  # noqa: BLE001 - the conversation must go on
        log.exception("answering failed")
        msg = f"回答时出错：{type(e).__name__}: {public_text(str(e), engine.settings)[:300]} / answering failed"
        yield "error", {"id": turn_id, "q": q, "a": "", "error": True, "html": R.message_html(msg, "error")}
        return
    yield "done", {"id": turn_id, "q": q, "a": ans.answer, "answer": ans.to_json(), "filters": filters,
                   "html": R.answer_html(ans, turn_id, engine.text_of)}


def make_submit(engine: Engine):
    s = engine.settings

    def chat_submit(message, turns_v, region, year_v, doc):
        turns_v = list(turns_v or [])
        try:
            a = engine.require()
        except NotReady as e:
            yield messages(turns_v), turns_v, gr.update(), R.message_html(str(e), "warn")
            return
        try:
            q = a.validate(message)
        except QuestionError as e:
            yield messages(turns_v), turns_v, gr.update(), R.message_html(str(e), "error")
            return
        if (problem := question_problem(q)) is not None:
            yield messages(turns_v), turns_v, gr.update(), R.message_html(problem, "warn")
            return
        turns_v, dropped = trim_turns(turns_v, s.chat_max_turns, s.chat_max_kb * 1024)
        note = (R.message_html(f"对话较长，已移除最早的 {dropped} 轮。/ {dropped} older turns were dropped.", "info")
                if dropped else "")
        turn_id = turns_v[-1]["id"] + 1 if turns_v else 0
        shown = messages(turns_v) + [{"role": "user", "content": R.question_html(q)},
                                     {"role": "assistant", "content": R.pending_html()}]
        answering = ("正在检索资料，大模型生成回答中… / retrieving; the LLM is writing…"
                     if getattr(a, "answerer", "extractive") == "llm" else "正在检索资料并组织回答… / answering…")
        yield shown, turns_v, "", R.message_html(answering, "info")
        filters = {"region": opt(region), "year": year(year_v), "doc": opt(doc)}
        for kind, value in _answer(engine, a, q, turns_v, filters, turn_id):
            if kind == "partial":
                shown[-1] = {"role": "assistant", "content": R.pending_html(value)}
                yield shown, turns_v, "", gr.update()
            else:
                turns_v = turns_v + [value]
                status = value["html"] if kind == "error" else note
                yield messages(turns_v), turns_v, "", status

    return chat_submit


def make_like(engine: Engine):
    def on_like(turns_v, like: gr.LikeData):
        idx = like.index[0] if isinstance(like.index, (list, tuple)) else like.index
        t = int(idx) // 2
        turns_v = turns_v or []
        if t >= len(turns_v) or turns_v[t].get("error") or "answer" not in turns_v[t]:
            return R.message_html("这条消息不能评价。/ This message cannot be rated.", "warn")
        rec = turns_v[t]
        rating = {True: "up", False: "down"}.get(like.liked, "cleared" if not like.liked else str(like.liked))
        ans = rec["answer"]
        engine.append_feedback({
            "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "question": rec["q"], "answer": ans.get("answer"), "citations": ans.get("citations", []),
            "rating": rating, "refused": ans.get("refused"), "answerer": ans.get("answerer"),
            "filters": rec.get("filters"), "turn": t,
        })
        word = {"up": "赞 / up", "down": "踩 / down"}.get(rating, rating)
        return R.message_html(f"已记录反馈（{word}），谢谢！/ Feedback recorded.", "ok")

    return on_like


# ---------------------------------------------------------------- layout
def build(engine: Engine) -> SimpleNamespace:
    a0 = engine.ready_assistant()
    with gr.Tab("问答", id="chat"):
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=4):
                chatbot = gr.Chatbot(
                    elem_id="pqa-chat", label="对话 / Conversation", height=560, latex_delimiters=[],
                    feedback_options=("Like", "Dislike"), sanitize_html=True, render_markdown=True,
                    placeholder="请输入关于地方科技创新规划的问题，例如：咸宁2024年要通过认定多少家高新技术企业？",
                    buttons=[])
                with gr.Row():
                    question = gr.Textbox(elem_id="pqa-question", show_label=False, scale=8, lines=1, max_lines=4,
                                          placeholder="输入问题，回车发送 / type a question and press Enter")
                    send = gr.Button("发送", variant="primary", scale=1, elem_id="pqa-send", min_width=80)
                status = gr.HTML(elem_id="pqa-chat-status")
                gr.Examples(examples=[[e] for e in EXAMPLES], inputs=[question], label="示例问题 / Examples")
            with gr.Column(scale=1, min_width=220):
                new_chat = gr.Button("新对话", elem_id="pqa-new-chat")
                f_region = gr.Dropdown([ALL] + regions(a0), value=ALL, label="地区 / Region", elem_id="pqa-f-region")
                f_year = gr.Dropdown([ALL] + years(a0), value=ALL, label="年份 / Year", elem_id="pqa-f-year")
                f_doc = gr.Dropdown([(ALL, ALL)] + doc_choices(a0), value=ALL, label="文件 / Document",
                                    elem_id="pqa-f-doc")
                gr.Markdown("可以追问（如“那2023年呢？”）。点击回答下方的赞/踩图标记录反馈。\n\n"
                            "Follow-up questions use the conversation; the thumbs under an answer record feedback.")

    submit = make_submit(engine)
    io = dict(inputs=[question, turns, f_region, f_year, f_doc], outputs=[chatbot, turns, question, status])
    question.submit(submit, **io, api_name="chat", concurrency_limit=4, concurrency_id="chat")
    send.click(submit, **io, api_visibility="private", concurrency_limit=4, concurrency_id="chat")

    def on_new_chat():
        return [], [], "", R.message_html("已开始新对话。/ New conversation.", "ok")

    new_chat.click(on_new_chat, None, [chatbot, turns, question, status], api_visibility="private")
    # the chatbot's own trash button clears the messages: forget the turns too
    chatbot.clear(on_new_chat, None, [chatbot, turns, question, status], api_visibility="private")
    chatbot.like(make_like(engine), [turns], [status], api_visibility="private")
    return SimpleNamespace(region=f_region, year=f_year, doc=f_doc)
