"""评测 tab: run a QA set against the app's own Assistant (admin only) — ``ui.evalrun``."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from ui import evalrun as E
from ui import render as R
from ui.engine import Engine, NotReady


def make_run(engine: Engine):
    def eval_run(qa_choice, qa_upload, request: gr.Request, progress=gr.Progress()):
        import pandas as pd

        hidden = gr.update(visible=False)
        empty = pd.DataFrame(columns=E.FAILED_COLUMNS)
        if (why := engine.refusal(request)) is not None:
            yield R.message_html(why, "error"), "", empty, hidden, ""
            return
        qa = Path(qa_upload) if qa_upload else (E.ROOT / qa_choice if qa_choice else None)
        if qa is None or not qa.is_file():
            yield R.message_html("请选择或上传评测集（.jsonl）。", "warn"), "", empty, hidden, ""
            return
        if qa_upload is None and qa.resolve() not in {(E.ROOT / f).resolve() for f in E.qa_files()}:
            yield R.message_html("只能选择 evals/ 下的评测集。", "error"), "", empty, hidden, ""
            return
        try:
            engine.require()
        except NotReady as e:
            yield R.message_html(str(e), "warn"), "", empty, hidden, ""
            return
        items, error, detail = E.load(qa)
        if items is None:
            yield R.message_html(error, "error"), "", empty, hidden, detail
            return
        if not engine.eval_lock.acquire(blocking=False):
            yield R.message_html("另一个评测正在运行。/ An evaluation is already running.", "warn"), "", empty, hidden, ""
            return
        try:
            for kind, value in E.run(engine, qa, items, progress):
                if kind == "progress":
                    yield value, gr.update(), gr.update(), gr.update(), gr.update()
                elif kind == "error":
                    yield R.message_html(f"评测失败：{value}", "error"), "", empty, hidden, value
                else:
                    status, metrics, failed, report, log_text = E.results(value, qa)
                    yield (status, metrics, pd.DataFrame(failed, columns=E.FAILED_COLUMNS),
                           gr.update(value=str(report), visible=True) if report else hidden, log_text)
        finally:
            engine.eval_lock.release()

    return eval_run


def build(engine: Engine) -> SimpleNamespace:
    with gr.Tab("评测", id="evals"):
        gr.Markdown("用助手本身回答评测集并打分（需要管理员登录）。留出集请用 `python -m evals --set dev` 运行。"
                    " / Scores a QA set with the app's own assistant (admin only).")
        with gr.Row():
            qa_file = gr.Dropdown(E.qa_files(), value=E.default_qa(), label="评测集 / QA file", elem_id="pqa-e-file",
                                  scale=3)
            upload = gr.File(label="或上传 .jsonl 评测集", file_types=[".jsonl"], scale=2, height=120,
                             elem_id="pqa-e-upload")
            run = gr.Button("运行评测", variant="primary", elem_id="pqa-e-run", scale=1)
        status = gr.HTML(elem_id="pqa-e-status")
        metrics = gr.HTML(elem_id="pqa-e-metrics")
        gr.Markdown("#### 未通过的题目 / Failed items")
        failed = gr.Dataframe(headers=E.FAILED_COLUMNS, interactive=False, wrap=True, max_height=480,
                              elem_id="pqa-e-failed", column_widths=["70px", "80px", "50px", "24%", "24%", "24%", "12%"])
        report = gr.DownloadButton("下载评测报告", visible=False)
        with gr.Accordion("运行日志 / log", open=False):
            log_box = gr.Textbox(lines=12, max_lines=30, show_label=False, buttons=["copy"])
    run.click(make_run(engine), [qa_file, upload], [status, metrics, failed, report, log_box],
              api_visibility="private", concurrency_limit=1, concurrency_id="eval", show_progress_on=[metrics])
    return SimpleNamespace(buttons=[run])
