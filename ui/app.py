"""The Gradio Blocks web app of 规划问答.

Tabs: 问答 (chat with cited sources), 政策匹配 (policy finder), 指标 (targets), 资料库 (library:
upload / delete / correct metadata), 评测 (evaluation). The Assistant is built once per process
(``Engine``); when the index is missing it is built in the background while the page already
answers with a clear "index is being built" message. Each browser session keeps its own
conversation in ``gr.State``.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from base.settings import Settings  # noqa: E402
from base.types import QuestionError  # noqa: E402
from ui import data as D  # noqa: E402
from ui import render as R  # noqa: E402

log = logging.getLogger("pqa.app")

ROOT = Path(__file__).resolve().parent.parent
ALL = "全部"
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".pdf", ".docx"]

EXAMPLES = [
    "咸宁2024年要通过认定多少家高新技术企业？",
    "东宝区到2022年高新技术企业数量要达到多少家？",
    "岳阳楼区有哪些支持科技型中小企业的措施？",
    "下陆区2023年科技创新工作有哪些重点任务？",
    "How many high-tech enterprises will Xianning certify in 2024?",
    "What R&D spending targets does Dongbao district set?",
]


class NotReady(RuntimeError):
    pass


# ---------------------------------------------------------------- engine (one per process)
class Engine:
    """Holds the Assistant and serialises index changes (ingest) within the process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.assistant = None
        self.state = "starting"  # starting | building | ready | error
        self.message = "正在加载索引… / loading the index…"
        self.ready_event = threading.Event()
        self.admin_lock = threading.Lock()
        self.feedback_lock = threading.Lock()
        self.eval_lock = threading.Lock()
        self.downloads = Path(tempfile.mkdtemp(prefix="pqa-downloads-"))

    # ------------------------------------------------------------ start-up
    def start(self, background: bool = True) -> None:
        """Open the index; when it is missing (or unreadable), build it with ingest()."""
        from store import IndexError_

        try:
            self._open()
            return
        except IndexError_ as e:  # IndexMissing or incomplete: (re)build
            log.warning("index not usable (%s); building it", e)
        self.state = "building"
        self.message = "索引正在建立，请稍候… / the index is being built, please wait…"
        if background:
            threading.Thread(target=self._build, name="pqa-build-index", daemon=True).start()
        else:
            self._build()

    def _open(self) -> None:
        from assistant.core import Assistant

        self.assistant = Assistant(self.settings)
        self.state = "ready"
        self.message = f"已加载 {len(self.assistant.docs)} 份文件 / {len(self.assistant.docs)} documents loaded"
        self.ready_event.set()

    def _build(self) -> None:
        from ingest.run import ingest

        try:
            with self.admin_lock:
                def progress(i: int, n: int, name: str) -> None:
                    self.message = f"索引正在建立（{i}/{n}）… / building the index ({i}/{n})…"

                summary = ingest(self.settings, progress=progress)
                for line in summary.lines():
                    log.info("ingest: %s", line)
                self._open()
        except Exception as e:  # noqa: BLE001 - the page must say what went wrong
            log.exception("building the index failed")
            self.state = "error"
            self.message = f"索引建立失败：{e} / building the index failed"
            self.ready_event.set()

    def require(self):
        if self.state == "ready" and self.assistant is not None:
            return self.assistant
        if self.state == "error":
            raise NotReady(self.message)
        raise NotReady("索引正在建立，请稍候再试。/ The index is still being built, please try again shortly.")

    # ------------------------------------------------------------ helpers
    def text_of(self, doc: str) -> str | None:
        a = self.assistant
        if a is None:
            return None
        s = a.docs.get(doc)
        return s.doc.text if s is not None else None

    def append_feedback(self, record: dict[str, Any]) -> None:
        path = Path(self.settings.feedback_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.feedback_lock, open(path, "a", encoding="utf-8") as f:
            f.write(line)

    def banner(self) -> tuple[str, str]:
        """(kind, text) of the status banner: ready | building | error."""
        if self.state == "ready" and self.assistant is not None:
            n = len(self.assistant.docs)
            return "ready", f"已加载 {n} 份文件，可以提问。/ {n} documents indexed." + self.answerer_note()
        return ("error" if self.state == "error" else "building"), self.message

    def answerer_note(self) -> str:
        """With the LLM answerer: which model answers, and that unverifiable answers fall back."""
        a = self.assistant
        if a is None or getattr(a, "answerer", "extractive") != "llm":
            return ""
        if getattr(a, "llm", None) is None:
            return f" 大模型不可用，使用原文摘录回答 / LLM unavailable ({a.llm_error}); answering extractively."
        return (f" 回答方式：大模型（{a.llm.name}），未通过核验时显示原文摘录 / answers by the LLM, "
                "checked against the sources.")

    def download_path(self, name: str) -> Path:
        d = self.downloads / uuid.uuid4().hex[:12]
        d.mkdir(parents=True, exist_ok=True)
        return d / name


# ---------------------------------------------------------------- choices
def _regions(a) -> list[str]:
    return sorted(a.known_regions) if a is not None else []


def _years(a) -> list[str]:
    if a is None:
        return []
    ys = {y for s in a.docs.values() for y in s.meta.years}
    ys |= {t.year for s in a.docs.values() for t in s.targets if t.year}
    return [str(y) for y in sorted(ys)]


def _doc_choices(a) -> list[tuple[str, str]]:
    if a is None:
        return []
    return [(D.doc_label(p, s), p) for p, s in sorted(a.docs.items())]


def _opt(v: Any) -> str | None:
    return None if v in (None, "", ALL) else str(v)


def _year(v: Any) -> int | None:
    v = _opt(v)
    return int(v) if v and v.isdigit() else None


# ---------------------------------------------------------------- CSS / JS
CSS = """
.pqa-banner {padding: 6px 12px; border-radius: 8px; margin-bottom: 4px; font-size: 0.95em}
.pqa-banner-ready {background: #ecfdf5; color: #065f46; border: 1px solid #a7f3d0}
.pqa-banner-building {background: #fffbeb; color: #92400e; border: 1px solid #fcd34d}
.pqa-banner-error {background: #fef2f2; color: #991b1b; border: 1px solid #fca5a5}
.pqa-answer {line-height: 1.7}
.pqa-text {white-space: normal}
.pqa-pending {color: #6b7280}
a.pqa-cite {font-weight: 600; text-decoration: none; color: #1d4ed8 !important; padding: 0 1px; cursor: pointer}
a.pqa-cite:hover {text-decoration: underline}
.pqa-badge {display: inline-block; border-radius: 6px; padding: 1px 8px; font-weight: 600; margin-bottom: 6px; font-size: 0.9em}
.pqa-refused {background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5}
.pqa-notice {background: #fffbeb; color: #92400e; border-radius: 6px; padding: 4px 8px; margin-top: 6px; font-size: 0.9em}
.pqa-cards-head {margin-top: 10px; font-weight: 600; color: #374151; font-size: 0.9em}
.pqa-related-head {color: #6b7280}
.pqa-card {border: 1px solid #e5e7eb; border-left: 4px solid #2563eb; border-radius: 8px; padding: 6px 10px; margin: 6px 0;
  background: #f9fafb; color: #111827; scroll-margin-top: 16px; font-size: 0.93em; line-height: 1.6}
.pqa-card.pqa-related {border-left-color: #9ca3af; background: #f3f4f6}
.pqa-card:target {box-shadow: 0 0 0 3px #f59e0b; background: #fffbeb}
.pqa-card-head {font-weight: 600}
.pqa-n {color: #1d4ed8}
.pqa-card-meta, .pqa-card-file, .pqa-card-sec {color: #6b7280; font-size: 0.88em}
.pqa-card-file {font-size: 0.8em}
.pqa-quote {margin: 4px 0 !important; padding: 2px 8px !important; border-left: 3px solid #d1d5db !important; color: #374151 !important;
  font-style: normal !important; background: transparent !important}
mark.pqa-hl {background: #fde68a; color: #111827; padding: 0 1px; border-radius: 2px}
.pqa-foot {color: #6b7280; font-size: 0.8em; margin-top: 6px}
.pqa-msg {padding: 4px 10px; border-radius: 6px; margin: 2px 0}
.pqa-msg-error {background: #fef2f2; color: #991b1b}
.pqa-msg-warn {background: #fffbeb; color: #92400e}
.pqa-msg-info {background: #eff6ff; color: #1e40af}
.pqa-msg-ok {background: #ecfdf5; color: #065f46}
.pqa-policy-sum {font-weight: 600; margin: 4px 0}
.pqa-doc-group {margin: 10px 0 14px 0}
.pqa-doc-head {font-size: 1.05em; font-weight: 600; border-bottom: 1px solid #e5e7eb; padding-bottom: 2px}
.pqa-tag {display: inline-block; background: #e0e7ff; color: #3730a3; border-radius: 10px; padding: 0 8px; margin-right: 4px; font-size: 0.8em}
table.pqa-table {border-collapse: collapse; width: 100%; font-size: 0.9em}
table.pqa-table th, table.pqa-table td {border: 1px solid #e5e7eb; padding: 4px 6px; vertical-align: top; text-align: left}
table.pqa-table th {background: #f3f4f6}
.pqa-chart {max-width: 100%; height: auto}
#pqa-chat .message-row .message {max-width: 100%}
"""


# ---------------------------------------------------------------- the Blocks
def build_ui(engine: Engine) -> gr.Blocks:
    def banner_html() -> str:
        kind, text = engine.banner()
        return f'<div class="pqa-banner pqa-banner-{kind}">{R.esc(text)}</div>'

    a0 = engine.assistant if engine.state == "ready" else None
    regions0, years0, docs0 = [ALL] + _regions(a0), [ALL] + _years(a0), [(ALL, ALL)] + _doc_choices(a0)
    with gr.Blocks(title="规划问答") as demo:
        gr.Markdown("## 规划问答 · 地方科技创新规划问答助手\n"
                    "回答均引自已收录的规划文件原文，编号 [n] 可点击查看出处。"
                    " / Answers quote the indexed plan documents; click a marker [n] to see its source.")
        banner = gr.HTML(banner_html(), elem_id="pqa-banner")
        timer = gr.Timer(2.0, active=False)

        # ------------------------------------------------ 问答
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
                    chat_status = gr.HTML(elem_id="pqa-chat-status")
                    gr.Examples(examples=[[e] for e in EXAMPLES], inputs=[question], label="示例问题 / Examples")
                with gr.Column(scale=1, min_width=220):
                    new_chat = gr.Button("新对话", elem_id="pqa-new-chat")
                    f_region = gr.Dropdown(regions0, value=ALL, label="地区 / Region", elem_id="pqa-f-region")
                    f_year = gr.Dropdown(years0, value=ALL, label="年份 / Year", elem_id="pqa-f-year")
                    f_doc = gr.Dropdown(docs0, value=ALL, label="文件 / Document", elem_id="pqa-f-doc")
                    gr.Markdown("可以追问（如“那2023年呢？”）。点击回答下方的赞/踩图标记录反馈。\n\n"
                                "Follow-up questions use the conversation; the thumbs under an answer record feedback.")

        # ------------------------------------------------ 政策匹配
        with gr.Tab("政策匹配", id="policy"):
            with gr.Row():
                p_region = gr.Dropdown(regions0, value=ALL, label="地区 / Region", elem_id="pqa-p-region")
                p_kinds = gr.CheckboxGroup(D.POLICY_KINDS, label="企业类型 / Enterprise kind", elem_id="pqa-p-kinds")
            with gr.Row():
                p_keywords = gr.Textbox(label="行业或关键词（可选，用空格或逗号分隔）/ Industry or keywords", scale=3,
                                        elem_id="pqa-p-keywords", placeholder="例如：新材料 生物医药")
                p_general = gr.Checkbox(True, label="包括面向所有企业的普遍措施", scale=1)
                p_run = gr.Button("查找适用政策", variant="primary", scale=1, elem_id="pqa-p-run")
            with gr.Row():
                p_dl_md = gr.DownloadButton("下载 Markdown", visible=False, size="sm", scale=0, min_width=160)
                p_dl_csv = gr.DownloadButton("下载 CSV", visible=False, size="sm", scale=0, min_width=160)
            p_out = gr.HTML(elem_id="pqa-p-out")

        # ------------------------------------------------ 指标
        with gr.Tab("指标", id="targets"):
            with gr.Row():
                t_region = gr.Dropdown(regions0, value=ALL, label="地区 / Region", elem_id="pqa-t-region")
                t_year = gr.Dropdown(years0, value=ALL, label="年份 / Year", elem_id="pqa-t-year")
                t_kw = gr.Textbox(label="指标关键词 / Indicator keyword", elem_id="pqa-t-kw",
                                  placeholder="例如：研发 高新技术企业")
                t_run = gr.Button("筛选", variant="primary", elem_id="pqa-t-run")
            t_count = gr.Markdown()
            t_table = gr.Dataframe(headers=D.TARGET_VIEW_COLUMNS, interactive=False, wrap=True, max_height=420,
                                   elem_id="pqa-t-table",
                                   column_widths=["80px", "60px", "16%", "10%", "60px", "14%", "16%", "30%"])
            with gr.Row():
                t_dl = gr.DownloadButton("下载 CSV", visible=False, size="sm", scale=0, min_width=160)
            gr.Markdown("### 地区对比 / Compare regions")
            with gr.Row():
                c_kw = gr.Textbox("高新技术企业", label="对比的指标关键词", elem_id="pqa-c-kw", scale=3)
                c_run = gr.Button("画图", elem_id="pqa-c-run", scale=1)
            c_chart = gr.HTML(elem_id="pqa-c-chart")
            c_quotes = gr.HTML(elem_id="pqa-c-quotes")

        # ------------------------------------------------ 资料库
        with gr.Tab("资料库", id="library"):
            l_status = gr.HTML(elem_id="pqa-l-status")
            l_table = gr.Dataframe(interactive=False, wrap=True, max_height=360, elem_id="pqa-l-table")
            with gr.Row():
                with gr.Column():
                    gr.Markdown("#### 上传文件 / Upload\n支持 .txt .md .html .htm .pdf .docx")
                    l_files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="选择文件",
                                      elem_id="pqa-l-files")
                    l_upload = gr.Button("上传并入库", variant="primary", elem_id="pqa-l-upload")
                with gr.Column():
                    gr.Markdown("#### 删除文件 / Delete")
                    l_del_doc = gr.Dropdown(docs0[1:], value=None, label="文件", elem_id="pqa-l-del-doc")
                    l_del_ok = gr.Checkbox(False, label="确认删除（从资料库和索引中移除）")
                    l_delete = gr.Button("删除", variant="stop", elem_id="pqa-l-delete")
            gr.Markdown("#### 修改元数据 / Correct metadata\n写入 corpus/metadata.toml 后重新入库。留空的字段恢复为自动识别的值。")
            l_meta_doc = gr.Dropdown(docs0[1:], value=None, label="文件", elem_id="pqa-l-meta-doc")
            with gr.Row():
                m_title = gr.Textbox(label="标题 title")
                m_region = gr.Textbox(label="地区 region")
                m_issuer = gr.Textbox(label="发布机构 issuer")
            with gr.Row():
                m_date = gr.Textbox(label="日期 date（2024-02-27）")
                m_doc_no = gr.Textbox(label="文号 doc_no")
                m_years = gr.Textbox(label="年份 years（逗号分隔）")
                m_kind = gr.Textbox(label="类型 kind")
                m_aliases = gr.Textbox(label="地区别名 aliases（逗号分隔）")
            l_meta_save = gr.Button("保存元数据并重新入库", elem_id="pqa-l-meta-save")
            meta_fields = [m_title, m_region, m_issuer, m_date, m_doc_no, m_years, m_kind, m_aliases]

        # ------------------------------------------------ 评测
        with gr.Tab("评测", id="evals"):
            with gr.Row():
                e_file = gr.Dropdown(_qa_files(), value=_default_qa(), label="评测集 / QA file", elem_id="pqa-e-file",
                                     scale=3)
                e_upload = gr.File(label="或上传 .jsonl 评测集", file_types=[".jsonl"], scale=2, height=120,
                                   elem_id="pqa-e-upload")
                e_run = gr.Button("运行评测", variant="primary", elem_id="pqa-e-run", scale=1)
            e_status = gr.HTML(elem_id="pqa-e-status")
            e_metrics = gr.HTML(elem_id="pqa-e-metrics")
            gr.Markdown("#### 未通过的题目 / Failed items")
            e_failed = gr.Dataframe(headers=FAILED_COLUMNS, interactive=False, wrap=True, max_height=480,
                                    elem_id="pqa-e-failed",
                                    column_widths=["70px", "80px", "50px", "24%", "24%", "24%", "12%"])
            e_report = gr.DownloadButton("下载评测报告", visible=False)
            with gr.Accordion("运行日志 / log", open=False):
                e_log = gr.Textbox(lines=12, max_lines=30, show_label=False, buttons=["copy"])

        # ================================================ events
        refresh_targets = [f_region, f_year, f_doc, p_region, t_region, t_year, l_del_doc, l_meta_doc, l_table, banner]

        def refresh(fr, fy, fd, pr, tr, ty):
            a = engine.assistant if engine.state == "ready" else None
            regions, years, docs = _regions(a), _years(a), _doc_choices(a)
            doc_values = [p for _, p in docs]

            def keep(v, allowed):
                return v if v in allowed else ALL

            rows = D.doc_rows(a.docs) if a is not None else []
            import pandas as pd

            return (gr.update(choices=[ALL] + regions, value=keep(fr, regions)),
                    gr.update(choices=[ALL] + years, value=keep(fy, years)),
                    gr.update(choices=[(ALL, ALL)] + docs, value=keep(fd, doc_values)),
                    gr.update(choices=[ALL] + regions, value=keep(pr, regions)),
                    gr.update(choices=[ALL] + regions, value=keep(tr, regions)),
                    gr.update(choices=[ALL] + years, value=keep(ty, years)),
                    gr.update(choices=docs, value=None),
                    gr.update(choices=docs, value=None),
                    pd.DataFrame(rows, columns=D.DOC_COLUMNS),
                    banner_html())

        refresh_inputs = [f_region, f_year, f_doc, p_region, t_region, t_year]

        def on_load(*vals):
            return (gr.Timer(active=engine.state not in ("ready", "error")), *refresh(*vals))

        demo.load(on_load, refresh_inputs, [timer, *refresh_targets], api_visibility="private")

        def on_tick(*vals):
            if engine.state in ("ready", "error"):
                return (gr.Timer(active=False), *refresh(*vals))
            return (gr.Timer(active=True), *[gr.update() for _ in refresh_targets[:-1]], banner_html())

        timer.tick(on_tick, refresh_inputs, [timer, *refresh_targets], show_progress="hidden",
                   api_visibility="private")

        # ------------------------------------------------ chat events
        def chat_submit(message, chat, turns_v, region, year, doc):
            chat = list(chat or [])
            turns_v = list(turns_v or [])
            try:
                a = engine.require()
            except NotReady as e:
                yield chat, turns_v, gr.update(), R.message_html(str(e), "warn")
                return
            try:
                q = a.validate(message)
            except QuestionError as e:
                yield chat, turns_v, gr.update(), R.message_html(str(e), "error")
                return
            turn = len(turns_v)
            chat += [{"role": "user", "content": R.question_html(q)},
                     {"role": "assistant", "content": R.pending_html()}]
            answering = ("正在检索资料，大模型生成回答中… / retrieving; the LLM is writing…"
                         if getattr(a, "answerer", "extractive") == "llm" else "正在检索资料并组织回答… / answering…")
            yield chat, turns_v, "", R.message_html(answering, "info")
            history = [{"q": t["q"], "a": t["a"]} for t in turns_v if t.get("a")]
            filters = {"region": _opt(region), "year": _year(year), "doc": _opt(doc)}
            ans = None
            partial = ""
            shown = 0.0
            try:
                for piece in a.stream(q, history=history, filters=filters):
                    if isinstance(piece, str):
                        partial += piece
                        now = time.monotonic()
                        if now - shown >= 0.05:  # LLM tokens as they arrive, at most ~20 updates a second
                            shown = now
                            chat[-1] = {"role": "assistant", "content": R.pending_html(partial)}
                            yield chat, turns_v, "", gr.update()
                    else:
                        ans = piece
                if ans is None:
                    raise RuntimeError("no answer was produced")
            except QuestionError as e:
                chat[-1] = {"role": "assistant", "content": R.message_html(str(e), "error")}
                turns_v.append({"q": q, "a": "", "error": True})
                yield chat, turns_v, "", R.message_html(str(e), "error")
                return
            except Exception as e:  # noqa: BLE001 - the conversation must go on
                log.exception("answering failed")
                msg = f"回答时出错：{type(e).__name__}: {e} / answering failed"
                chat[-1] = {"role": "assistant", "content": R.message_html(msg, "error")}
                turns_v.append({"q": q, "a": "", "error": True})
                yield chat, turns_v, "", R.message_html(msg, "error")
                return
            chat[-1] = {"role": "assistant", "content": R.answer_html(ans, turn, engine.text_of)}
            turns_v.append({"q": q, "a": ans.answer, "answer": ans.to_json(), "filters": filters})
            yield chat, turns_v, "", ""

        chat_io = dict(inputs=[question, chatbot, turns, f_region, f_year, f_doc],
                       outputs=[chatbot, turns, question, chat_status])
        question.submit(chat_submit, **chat_io, api_name="chat", concurrency_limit=4)
        send.click(chat_submit, **chat_io, api_visibility="private", concurrency_limit=4)

        def on_new_chat():
            return [], [], "", R.message_html("已开始新对话。/ New conversation.", "ok")

        new_chat.click(on_new_chat, None, [chatbot, turns, question, chat_status], api_visibility="private")
        # the chatbot's own trash button clears the messages: forget the turns too
        chatbot.clear(on_new_chat, None, [chatbot, turns, question, chat_status], api_visibility="private")

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
                "time": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "question": rec["q"], "answer": ans.get("answer"), "citations": ans.get("citations", []),
                "rating": rating, "refused": ans.get("refused"), "answerer": ans.get("answerer"),
                "filters": rec.get("filters"), "turn": t,
            })
            word = {"up": "赞 / up", "down": "踩 / down"}.get(rating, rating)
            return R.message_html(f"已记录反馈（{word}），谢谢！/ Feedback recorded.", "ok")

        chatbot.like(on_like, [turns], [chat_status], api_visibility="private")

        # ------------------------------------------------ policy events
        def policy_run(region, kinds, keywords, general):
            hidden = gr.update(visible=False)
            try:
                a = engine.require()
            except NotReady as e:
                return R.message_html(str(e), "warn"), hidden, hidden
            kinds = list(kinds or [])
            kws = D.split_keywords(keywords)
            if not kinds and not kws:
                return R.message_html("请至少选择一种企业类型或填写行业/关键词。/ Choose an enterprise kind or enter keywords.",
                                      "warn"), hidden, hidden
            region = _opt(region)
            groups = D.find_policies(a.docs, region, kinds, kws, include_general=bool(general))
            heading = f"{region or '全部地区'} · {'、'.join(kinds) or '企业'}" + (f" · {'、'.join(kws)}" if kws else "")
            if not groups:
                # nothing matched the vocabulary: ask the assistant (question type: policy)
                q = D.policy_question(region, kinds, kws)
                try:
                    ans = a.ask(q, filters={"region": region, "year": None, "doc": None})
                except Exception as e:  # noqa: BLE001
                    return R.message_html(f"查找失败：{e}", "error"), hidden, hidden
                html_out = (R.message_html("没有找到直接匹配的条目，以下是助手的回答：", "info")
                            + R.question_html(q) + R.answer_html(ans, "policy", engine.text_of))
                return html_out, hidden, hidden
            md = R.policy_markdown(groups, heading)
            md_path = engine.download_path("政策匹配.md")
            md_path.write_text(md, encoding="utf-8")
            rows = D.policy_rows(groups)
            csv_path = engine.download_path("政策匹配.csv")
            csv_path.write_text(D.to_csv(list(rows[0].keys()), [list(r.values()) for r in rows]), encoding="utf-8-sig")
            return (R.policy_html(groups, engine.text_of, heading),
                    gr.update(value=str(md_path), visible=True), gr.update(value=str(csv_path), visible=True))

        p_run.click(policy_run, [p_region, p_kinds, p_keywords, p_general], [p_out, p_dl_md, p_dl_csv],
                    api_name="policy")

        # ------------------------------------------------ targets events
        def targets_run(region, year, kw):
            import pandas as pd

            try:
                a = engine.require()
            except NotReady as e:
                return R.message_html(str(e), "warn"), pd.DataFrame(columns=D.TARGET_VIEW_COLUMNS), gr.update(visible=False)
            recs = D.filter_targets(D.target_records(a.docs), _opt(region), _year(year), kw)
            rows = D.target_table_rows(recs)
            path = engine.download_path("指标.csv")
            path.write_text(D.to_csv(D.TARGET_COLUMNS, rows), encoding="utf-8-sig")
            return (f"共 **{len(rows)}** 条指标 / {len(rows)} targets",
                    pd.DataFrame(D.target_view_rows(recs), columns=D.TARGET_VIEW_COLUMNS),
                    gr.update(value=str(path), visible=True))

        t_ev = [t_region, t_year, t_kw]
        t_run.click(targets_run, t_ev, [t_count, t_table, t_dl], api_name="targets")
        t_kw.submit(targets_run, t_ev, [t_count, t_table, t_dl], api_visibility="private")

        def chart_run(kw, year):
            try:
                a = engine.require()
            except NotReady as e:
                return R.message_html(str(e), "warn"), ""
            if not D.split_keywords(kw):
                return R.message_html("请输入指标关键词，例如：高新技术企业。", "warn"), ""
            bars, unit, notes = D.chart_bars(D.target_records(a.docs), kw, _year(year))
            if not bars:
                return R.message_html(f"没有找到名称包含“{kw}”的数值指标。", "warn"), ""
            title = f"各地区“{kw.strip()}”目标对比" + (f" · {_year(year)}年" if _year(year) else "")
            note = R.message_html("；".join(notes), "info") if notes else ""
            return R.bar_chart_svg(bars, title, unit) + note, R.quotes_table(bars, engine.text_of)

        c_run.click(chart_run, [c_kw, t_year], [c_chart, c_quotes], api_name="chart")
        c_kw.submit(chart_run, [c_kw, t_year], [c_chart, c_quotes], api_visibility="private")

        # ------------------------------------------------ library events
        def upload_run(files, progress=gr.Progress()):
            from ingest.run import add_to_corpus

            if not files:
                return R.message_html("请先选择要上传的文件。/ Choose files first.", "warn"), gr.update()
            try:
                engine.require()
            except NotReady as e:
                return R.message_html(str(e), "warn"), gr.update()
            paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in files]
            bad = [p.name for p in paths if p.suffix.lower() not in UPLOAD_TYPES]
            good = [p for p in paths if p.suffix.lower() in UPLOAD_TYPES]
            msgs = []
            if bad:
                msgs.append(R.message_html(f"不支持的文件类型，已跳过：{'、'.join(bad)}（支持 {' '.join(UPLOAD_TYPES)}）", "error"))
            if not good:
                return "".join(msgs), gr.update()
            if not engine.admin_lock.acquire(timeout=1):
                return "".join(msgs) + R.message_html("另一个入库任务正在进行，请稍后再试。/ Another ingest is running.", "warn"), gr.update()
            try:
                corpus = Path(engine.settings.corpus_dir).resolve()
                stored, new_files = [], []
                for p in good:
                    existed = {q.name for q in corpus.iterdir()} if corpus.exists() else set()
                    dst = add_to_corpus(p, corpus, name=p.name)
                    stored.append(dst)
                    if dst.name not in existed:
                        new_files.append(dst)
                progress(0, desc="入库中…")
                summary = _ingest(engine, stored, progress)
                # a new file that could not be processed is removed again, so the corpus stays clean
                for dst in new_files:
                    rel = dst.name
                    if rel in summary.failed:
                        dst.unlink(missing_ok=True)
            except Exception as e:  # noqa: BLE001
                log.exception("upload failed")
                return "".join(msgs) + R.message_html(f"上传失败：{type(e).__name__}: {e}", "error"), gr.update()
            finally:
                engine.admin_lock.release()
            for name in summary.added:
                msgs.append(R.message_html(f"已添加：{name}", "ok"))
            for name in summary.updated:
                msgs.append(R.message_html(f"已更新：{name}", "ok"))
            for name in summary.unchanged:
                msgs.append(R.message_html(f"已存在（内容相同）：{name}", "info"))
            for name, why in summary.failed.items():
                msgs.append(R.message_html(f"上传失败：{name} — {why}", "error"))
            msgs.append(R.message_html(f"索引：{summary.chunks} 个段落，{summary.targets} 条指标，用时 {summary.seconds:.1f} s", "info"))
            return "".join(msgs), None

        def busy(text):
            return lambda: R.message_html(text, "info")

        l_upload.click(busy("正在上传并入库… / uploading and indexing…"), None, [l_status], api_visibility="private",
                       queue=False).then(upload_run, [l_files], [l_status, l_files], api_visibility="private", show_progress_on=[l_status],
                       concurrency_limit=1, concurrency_id="admin").then(
            refresh, refresh_inputs, refresh_targets, api_visibility="private")

        def delete_run(doc, confirmed, progress=gr.Progress()):
            if not doc:
                return R.message_html("请选择要删除的文件。", "warn")
            if not confirmed:
                return R.message_html("请勾选“确认删除”。", "warn")
            try:
                a = engine.require()
            except NotReady as e:
                return R.message_html(str(e), "warn")
            corpus = Path(engine.settings.corpus_dir).resolve()
            path = (corpus / doc).resolve()
            if not path.is_relative_to(corpus) or doc not in a.docs:
                return R.message_html("该文件不在资料库中。", "error")
            if not engine.admin_lock.acquire(timeout=1):
                return R.message_html("另一个入库任务正在进行，请稍后再试。", "warn")
            try:
                path.unlink(missing_ok=True)
                try:
                    if doc in D.read_overrides(corpus):
                        D.write_override_table(corpus, doc, None)
                except Exception:  # noqa: BLE001 - a stale override is harmless
                    log.warning("could not drop the metadata override of %s", doc)
                summary = _ingest(engine, None, progress)
            except Exception as e:  # noqa: BLE001
                log.exception("delete failed")
                return R.message_html(f"删除失败：{type(e).__name__}: {e}", "error")
            finally:
                engine.admin_lock.release()
            return R.message_html(f"已删除：{doc}（索引现有 {summary.chunks} 个段落）", "ok")

        l_delete.click(busy("正在删除… / deleting…"), None, [l_status], api_visibility="private",
                       queue=False).then(delete_run, [l_del_doc, l_del_ok], [l_status], api_visibility="private", show_progress_on=[l_status],
                       concurrency_limit=1, concurrency_id="admin").then(
            refresh, refresh_inputs, refresh_targets, api_visibility="private").then(
            lambda: False, None, [l_del_ok], api_visibility="private")

        def meta_load(doc):
            a = engine.assistant
            if not doc or a is None or doc not in a.docs:
                return [""] * len(meta_fields)
            m = a.docs[doc].meta
            return [m.title or "", m.region or "", m.issuer or "", m.date or "", m.doc_no or "",
                    ", ".join(str(y) for y in m.years), m.kind or "", ", ".join(m.aliases)]

        l_meta_doc.change(meta_load, [l_meta_doc], meta_fields, api_visibility="private")

        def meta_save(doc, title, region, issuer, date, doc_no, years, kind, aliases, progress=gr.Progress()):
            values = [title, region, issuer, date, doc_no, years, kind, aliases]
            if not doc:
                return R.message_html("请选择文件。", "warn")
            try:
                a = engine.require()
            except NotReady as e:
                return R.message_html(str(e), "warn")
            if doc not in a.docs:
                return R.message_html("该文件不在资料库中。", "error")
            try:
                form = D.parse_meta_form(dict(zip(D.META_FIELDS, values)))
            except ValueError as e:
                return R.message_html(str(e), "error")
            corpus = Path(engine.settings.corpus_dir).resolve()
            if not engine.admin_lock.acquire(timeout=1):
                return R.message_html("另一个入库任务正在进行，请稍后再试。", "warn")
            try:
                try:
                    ov = D.read_overrides(corpus)
                except Exception as e:  # noqa: BLE001 - never overwrite a file we cannot read
                    return R.message_html(f"metadata.toml 无法读取，未修改：{e}", "error")
                current = a.docs[doc].meta.to_dict()
                table = D.merge_override(ov.get(doc), current, form)
                if table == (ov.get(doc) or {}):
                    return R.message_html("没有改动。/ Nothing changed.", "info")
                D.write_override_table(corpus, doc, table or None)
                summary = _ingest(engine, [corpus / doc], progress)
            except Exception as e:  # noqa: BLE001
                log.exception("metadata update failed")
                return R.message_html(f"保存失败：{type(e).__name__}: {e}", "error")
            finally:
                engine.admin_lock.release()
            if summary.failed:
                return R.message_html(f"已保存，但重新入库失败：{summary.failed}", "error")
            return R.message_html(f"已保存 {doc} 的元数据并重新入库。", "ok")

        l_meta_save.click(busy("正在保存并重新入库… / saving…"), None, [l_status], api_visibility="private",
                          queue=False).then(meta_save, [l_meta_doc, *meta_fields], [l_status], api_visibility="private",
                          concurrency_limit=1, concurrency_id="admin").then(
            refresh, refresh_inputs, refresh_targets, api_visibility="private")

        # ------------------------------------------------ evaluation events
        def eval_run(qa_choice, qa_upload, progress=gr.Progress()):
            import pandas as pd

            empty = pd.DataFrame()
            qa = Path(qa_upload) if qa_upload else (ROOT / qa_choice if qa_choice else None)
            if qa is None or not qa.is_file():
                yield R.message_html("请选择或上传评测集（.jsonl）。", "warn"), "", empty, gr.update(visible=False), ""
                return
            if qa_upload is None and qa.resolve() not in {(ROOT / f).resolve() for f in _qa_files()}:
                yield R.message_html("只能选择 evals/ 下的评测集。", "error"), "", empty, gr.update(visible=False), ""
                return
            if not engine.eval_lock.acquire(blocking=False):
                yield R.message_html("另一个评测正在运行。/ An evaluation is already running.", "warn"), "", empty, gr.update(visible=False), ""
                return
            try:
                if _eval_api_available():
                    yield from _run_eval_api(engine, qa, progress)
                else:
                    yield from _run_eval(engine, qa, progress)
            finally:
                engine.eval_lock.release()

        e_run.click(eval_run, [e_file, e_upload], [e_status, e_metrics, e_failed, e_report, e_log],
                    api_visibility="private", concurrency_limit=1, concurrency_id="eval", show_progress_on=[e_metrics])

    return demo


# ---------------------------------------------------------------- ingest with progress
def _ingest(engine: Engine, paths: list[Path] | None, progress):
    """Ingest `paths` (None: the whole corpus) with a progress bar, then answer from the new index."""
    from ingest.run import ingest

    def cb(i: int, n: int, name: str) -> None:
        if progress is not None and n:
            progress((i, n), desc=f"入库 {name}" if name else "写入索引…", unit="文件")

    summary = ingest(engine.settings, paths=paths, progress=cb)
    engine.assistant.reload()
    return summary


# ---------------------------------------------------------------- evaluation
def _qa_files() -> list[str]:
    d = ROOT / "evals"
    return sorted(p.relative_to(ROOT).as_posix() for p in d.rglob("*.jsonl")
                  if "out" not in p.relative_to(d).parts) if d.is_dir() else []


def _default_qa() -> str | None:
    files = _qa_files()
    return "evals/qa.jsonl" if "evals/qa.jsonl" in files else (files[0] if files else None)


FAILED_COLUMNS = ["id", "类型 type", "语言", "问题 question", "期望 expected", "回答 got", "缺少 missing"]


def _eval_api_available() -> bool:
    try:
        from evals import report as EP
        from evals import runner as ER
        from evals import validate as EV
    except ImportError:
        return False
    need = [(ER, "evaluate"), (ER, "write_outputs"), (ER, "DocTexts"), (ER, "make_assistant"), (ER, "apply_gate"),
            (ER, "load_thresholds"), (EV, "load_items"), (EV, "validate_items"), (EP, "summary_rows"),
            (EP, "failed_items")]
    return all(hasattr(m, n) for m, n in need)


class _CountingAssistant:
    """Delegates to the Assistant and counts ``ask`` calls (the evaluation's progress)."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.asked = 0

    def ask(self, *args, **kwargs):
        try:
            return self._inner.ask(*args, **kwargs)
        finally:
            self.asked += 1

    def __getattr__(self, name):
        return getattr(self._inner, name)


def _run_eval_api(engine: Engine, qa: Path, progress):
    """Evaluate in-process with ``evals.runner`` on the app's own Assistant (the one users talk to),
    in a worker thread so that the page shows progress; writes the same outputs as the CLI."""
    import pandas as pd

    from evals import report as EP
    from evals import runner as ER
    from evals.validate import QAFileError, load_items, validate_items

    hidden = gr.update(visible=False)
    empty = pd.DataFrame(columns=FAILED_COLUMNS)
    try:
        a = engine.require()
    except NotReady as e:
        yield R.message_html(str(e), "warn"), "", empty, hidden, ""
        return
    try:
        items = load_items([qa])
    except (QAFileError, OSError, ValueError) as e:
        yield R.message_html(f"评测集无法读取：{e}", "error"), "", empty, hidden, str(e)
        return
    problems = validate_items([(f"item {i + 1}", it) for i, it in enumerate(items)], None)
    if problems or not items:
        text = "\n".join(str(p) for p in problems[:50]) or "the QA set is empty"
        yield (R.message_html(f"评测集有 {len(problems)} 个问题（python -m evals validate 可查看）/ invalid QA file", "error"),
               "", empty, hidden, text)
        return
    out = engine.download_path("eval")
    out.mkdir(parents=True, exist_ok=True)
    counting = _CountingAssistant(a)
    ablations, ablation_errors = {}, {}
    abl_settings = engine.settings  # the ablations only retrieve: never load another LLM for them
    if engine.settings.answerer == "llm":
        abl_settings = engine.settings.model_copy(update={"answerer": "extractive"})
    for name in getattr(ER, "ABLATIONS", ()):
        try:
            ablations[name] = ER.make_assistant(abl_settings, name)
        except Exception as e:  # noqa: BLE001 - reported in the metrics, not fatal
            ablation_errors[name] = f"{type(e).__name__}: {e}"
    info = {"qa": [qa.name], "corpus_dir": str(engine.settings.corpus_dir), "index_dir": str(engine.settings.index_dir),
            "answerer": engine.settings.answerer, "retrieval": "hybrid", "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "via": "web app"}
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["ev"] = ER.evaluate(items, counting, ablations=ablations, ablation_errors=ablation_errors,
                                    baselines=True, doc_texts=ER.DocTexts(a, Path(engine.settings.corpus_dir)),
                                    progress=False, info=info)
            box["paths"] = ER.write_outputs(box["ev"], out)
        except Exception as e:  # noqa: BLE001
            log.exception("evaluation failed")
            box["error"] = f"{type(e).__name__}: {e}"

    t0 = time.perf_counter()
    th = threading.Thread(target=work, name="pqa-eval", daemon=True)
    th.start()
    n = len(items)
    while th.is_alive():
        th.join(timeout=1.0)
        done = min(counting.asked, n)
        progress((done, n), desc="评测中 / evaluating", unit="题")
        yield (R.message_html(f"评测运行中：{done}/{n} 题，{time.perf_counter() - t0:.0f} s / running…", "info"),
               gr.update(), gr.update(), gr.update(), gr.update())
    if "error" in box:
        yield R.message_html(f"评测失败：{box['error']}", "error"), "", empty, hidden, box["error"]
        return
    ev = box["ev"]
    m = ev.metrics
    failures, notes = ER.apply_gate(m, ER.load_thresholds())
    rows = [{"k": k, "v": v} for k, v in EP.summary_rows(m)]
    html_out = R.table_html(rows, [("k", "指标 / metric"), ("v", "数值 / value")], css_class="pqa-table pqa-metrics")
    if hasattr(EP, "baseline_rows") and hasattr(EP, "BASELINE_HEAD"):
        head = list(EP.BASELINE_HEAD)
        brow = [dict(zip(map(str, range(len(head))), r)) for r in EP.baseline_rows(m)]
        html_out += "<h4>对比基线 / Baselines</h4>" + R.table_html(brow, [(str(i), h) for i, h in enumerate(head)])
    gate = (R.message_html("质量门槛未通过：" + "；".join(failures), "warn") if failures
            else R.message_html("质量门槛：通过 / quality gate passed", "ok"))
    failed_rows = []
    for it, res in EP.failed_items(ev.items, ev.results):
        expected = EP._expected(it) if hasattr(EP, "_expected") else str(it.get("answer", ""))
        got = EP._got(res) if hasattr(EP, "_got") else str(res.get("answer", ""))
        missing = (res.get("eval") or {}).get("missing") or []
        failed_rows.append([it.get("id", ""), it.get("type", ""), (res.get("eval") or {}).get("lang", ""),
                            it.get("question", ""), expected, got, "、".join(map(str, missing))])
    status = R.message_html(f"评测完成：{n} 题，{len(failed_rows)} 题未通过，用时 {time.perf_counter() - t0:.0f} s。", "ok")
    report = box["paths"].get("report_html")
    log_text = "\n".join([f"QA file: {qa}", f"output: {out}", *ER.summary_lines(m), *[f"gate: {x}" for x in notes],
                          *[f"GATE FAILED: {f}" for f in failures]]) if hasattr(ER, "summary_lines") else ""
    yield (status + gate, html_out, pd.DataFrame(failed_rows, columns=FAILED_COLUMNS),
           gr.update(value=str(report), visible=True) if report and Path(report).exists() else hidden, log_text)


_PROGRESS_RE = re.compile(r"(\d+)\s*/\s*(\d+)")


def _run_eval(engine: Engine, qa: Path, progress):
    """Run ``python -m evals --qa FILE --out DIR`` and show its progress, metrics and failures."""
    import pandas as pd

    out = engine.download_path("eval")
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PQA_CORPUS_DIR"] = str(Path(engine.settings.corpus_dir).resolve())
    env["PQA_INDEX_DIR"] = str(Path(engine.settings.index_dir).resolve())
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    cmd = [sys.executable, "-m", "evals", "--qa", str(qa), "--out", str(out)]
    log_lines: list[str] = [" ".join(cmd)]
    empty = pd.DataFrame()
    yield (R.message_html(f"评测运行中：{qa.name} … / running…", "info"), "", empty, gr.update(visible=False),
           "\n".join(log_lines))
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, encoding="utf-8", errors="replace", bufsize=1)
    except OSError as e:
        yield R.message_html(f"无法启动评测：{e}", "error"), "", empty, gr.update(visible=False), str(e)
        return
    assert proc.stdout is not None
    last = 0.0
    buf = ""
    for line in iter(proc.stdout.readline, ""):
        # tqdm writes \r-separated updates: keep the last of them
        for part in line.replace("\r", "\n").splitlines():
            part = part.rstrip()
            if not part:
                continue
            buf = part
            m = _PROGRESS_RE.search(part)
            if m and int(m.group(2)) > 0:
                progress((min(int(m.group(1)), int(m.group(2))), int(m.group(2))), desc="评测中", unit="题")
            if "it/s" in part or "s/it" in part:
                continue
            log_lines.append(part)
        if time.perf_counter() - last > 1.0:
            last = time.perf_counter()
            yield (R.message_html(f"评测运行中（{time.perf_counter() - t0:.0f} s）：{buf[-120:]}", "info"), gr.update(),
                   gr.update(), gr.update(), "\n".join(log_lines[-300:]))
    rc = proc.wait()
    log_lines.append(f"exit status {rc} after {time.perf_counter() - t0:.1f} s")
    metrics_path = out / "metrics.json"
    if not metrics_path.exists():
        yield (R.message_html(f"评测失败（退出码 {rc}），详见运行日志。/ The evaluation failed.", "error"), "", empty,
               gr.update(visible=False), "\n".join(log_lines[-300:]))
        return
    try:
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        yield R.message_html(f"metrics.json 无法读取：{e}", "error"), "", empty, gr.update(visible=False), "\n".join(log_lines)
        return
    failed = _failed_items(out, metrics)
    report = next((p for p in (out / "report.html", out / "report.md") if p.exists()), None)
    status = R.message_html(
        f"评测完成（{time.perf_counter() - t0:.0f} s，退出码 {rc}）：{len(failed)} 道题未通过。"
        + ("" if rc == 0 else " 质量门槛未达到或运行有错误，详见日志。"), "ok" if rc == 0 else "warn")
    summary = {k: v for k, v in metrics.items() if not isinstance(v, list)}
    yield (status, R.metrics_html(summary), pd.DataFrame(failed) if failed else pd.DataFrame({"结果": ["全部通过"]}),
           gr.update(value=str(report), visible=True) if report else gr.update(visible=False),
           "\n".join(log_lines[-300:]))


def _failed_items(out: Path, metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Failed items from the evaluation output: a results file with per-item verdicts, or a
    list in metrics.json."""
    rows: list[dict[str, Any]] = []
    for key in ("failed", "failures", "failed_items"):
        if isinstance(metrics.get(key), list):
            for it in metrics[key]:
                rows.append(_failed_row(it))
            return rows
    for name in ("results.jsonl", "items.jsonl", "per_item.jsonl", "answers.jsonl"):
        p = out / name
        if not p.exists():
            continue
        for line in p.read_text(encoding="utf-8").splitlines():
            try:
                it = json.loads(line)
            except json.JSONDecodeError:
                continue
            ok = it.get("correct", it.get("ok", it.get("pass")))
            if ok is False:
                rows.append(_failed_row(it))
        return rows
    return rows


def _failed_row(it: Any) -> dict[str, Any]:
    if not isinstance(it, dict):
        return {"item": str(it)}
    res = it.get("result") if isinstance(it.get("result"), dict) else it
    return {
        "id": it.get("id", ""), "type": it.get("type", ""), "question": it.get("question", res.get("question", "")),
        "expected": it.get("expected", it.get("gold", it.get("answer_gold", ""))) or "",
        "answer": res.get("answer", ""), "refused": res.get("refused", ""),
        "why": it.get("why", it.get("reason", it.get("missing", ""))) or "",
    }


# ---------------------------------------------------------------- launch
def launch(settings: Settings, background_build: bool = True) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = Engine(settings)
    engine.start(background=background_build)
    demo = build_ui(engine)
    demo.queue(default_concurrency_limit=4)
    auth = (settings.auth_user, settings.auth_password) if settings.auth_user and settings.auth_password else None
    demo.launch(server_name=settings.host, server_port=settings.port, share=False, auth=auth,
                auth_message="规划问答：请登录 / please log in" if auth else None,
                prevent_thread_lock=True, show_error=False, css=CSS, footer_links=[],
                max_file_size="25mb", allowed_paths=[str(engine.downloads)], quiet=True)
    print(f"规划问答 listening on http://{settings.host}:{settings.port}", flush=True)
    engine.ready_event.wait()
    if engine.state == "ready":
        print(f"ready: {len(engine.assistant.docs)} documents", flush=True)
    else:
        print(f"not ready: {engine.message}", flush=True)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
        shutil.rmtree(engine.downloads, ignore_errors=True)
