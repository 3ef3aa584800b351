"""资料库 tab: the indexed documents; upload, delete and metadata corrections (admin only).

Every admin handler checks the caller's role itself (``Engine.refusal`` on ``gr.Request``), so an
anonymous or viewer request posted straight to the queue is refused like a click in the page.
The work that rewrites the index runs as a background job (``ui.jobs``): the handler returns at
once, a timer polls the job's progress, and chat keeps answering meanwhile.
"""
from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from ui import overrides as O
from ui import render as R
from ui.engine import Engine, NotReady, doc_choices, public_text
from ui.jobs import Job

log = logging.getLogger("pqa.app")
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".pdf", ".docx"]
BUSY = "另一个入库任务正在进行，请稍后再试。/ Another ingest is running, try again shortly."


def _started(job: Job | None, what: str) -> tuple[str, object]:
    if job is None:
        return R.message_html(BUSY, "warn"), gr.Timer(active=False)
    return R.message_html(f"{what}… / working…", "info"), gr.Timer(active=True)


def progress_html(job: Job) -> str:
    step = f"（{job.step}/{job.steps}）" if job.steps else ""
    current = f"：{job.current}" if job.current else ""
    return R.message_html(f"{job.title}{step}{current}，已用 {job.seconds:.0f} s。入库期间仍可提问。"
                          " / in progress; chat keeps answering.", "info")


def summary_html(summary, engine: Engine, prefix: str = "") -> str:
    msgs = [R.message_html(prefix, "ok")] if prefix else []
    msgs += [R.message_html(f"已添加：{n}", "ok") for n in summary.added]
    msgs += [R.message_html(f"已更新：{n}", "ok") for n in summary.updated]
    msgs += [R.message_html(f"上传失败：{n} — {public_text(why, engine.settings)}", "error")
             for n, why in summary.failed.items()]
    msgs.append(R.message_html(f"索引：{summary.chunks} 个段落，{summary.targets} 条指标，用时 {summary.seconds:.1f} s", "info"))
    return "".join(msgs)


# ---------------------------------------------------------------- upload
def _upload_work(engine: Engine, files: list[Path], unchanged_note: list[str]):
    from ingest.run import add_to_corpus

    def work(job: Job) -> str:
        corpus = Path(engine.settings.corpus_dir).resolve()
        stored, new_files, same = [], [], []
        for p in files:
            existed = {q.name for q in corpus.iterdir()} if corpus.exists() else set()
            dst = add_to_corpus(p, corpus, name=p.name)
            stored.append(dst)
            (same if dst.name in existed else new_files).append(dst)
        summary = engine.ingest(stored, progress=job.progress)
        for dst in new_files:  # a new file that could not be processed leaves the corpus again
            if dst.name in summary.failed:
                dst.unlink(missing_ok=True)
        notes = "".join(unchanged_note)
        notes += "".join(R.message_html(f"已存在（内容相同）：{n}", "info") for n in summary.unchanged)
        return notes + summary_html(summary, engine)

    return work


def make_upload(engine: Engine):
    def upload_run(files, request: gr.Request):
        if (why := engine.refusal(request)) is not None:
            return R.message_html(why, "error"), gr.update(), gr.Timer(active=False)
        if not files:
            return R.message_html("请先选择要上传的文件。/ Choose files first.", "warn"), gr.update(), gr.Timer(active=False)
        try:
            engine.require()
        except NotReady as e:
            return R.message_html(str(e), "warn"), gr.update(), gr.Timer(active=False)
        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in files]
        bad = [p.name for p in paths if p.suffix.lower() not in UPLOAD_TYPES]
        good = [p for p in paths if p.suffix.lower() in UPLOAD_TYPES]
        notes = [R.message_html(f"不支持的文件类型，已跳过：{'、'.join(bad)}（支持 {' '.join(UPLOAD_TYPES)}）", "error")] if bad else []
        if not good:
            return "".join(notes), gr.update(), gr.Timer(active=False)
        names = "、".join(p.name for p in good)

        def failed(e: Exception) -> str:
            return "".join(notes) + R.message_html(
                f"上传失败：{names} — {type(e).__name__}: {public_text(str(e), engine.settings)}", "error")

        job = engine.jobs.start(f"上传 {names}", _upload_work(engine, good, notes), failed)
        status, timer = _started(job, f"正在入库：{names}")
        return "".join(notes) + status, None if job else gr.update(), timer

    return upload_run


# ---------------------------------------------------------------- delete
def make_delete(engine: Engine):
    def delete_run(doc, confirmed, request: gr.Request):
        if (why := engine.refusal(request)) is not None:
            return R.message_html(why, "error"), gr.Timer(active=False)
        if not doc:
            return R.message_html("请选择要删除的文件。", "warn"), gr.Timer(active=False)
        if not confirmed:
            return R.message_html("请勾选“确认删除”。", "warn"), gr.Timer(active=False)
        try:
            a = engine.require()
        except NotReady as e:
            return R.message_html(str(e), "warn"), gr.Timer(active=False)
        corpus = Path(engine.settings.corpus_dir).resolve()
        path = (corpus / str(doc)).resolve()
        if not path.is_relative_to(corpus) or doc not in a.docs:
            return R.message_html("该文件不在资料库中。", "error"), gr.Timer(active=False)

        def work(job: Job) -> str:
            path.unlink(missing_ok=True)
            try:
                if doc in O.read_overrides(corpus):
                    O.write_override_table(corpus, doc, None)
            except Exception:  # noqa: BLE001 - a stale override is harmless
                log.warning("could not drop the metadata override of %s", doc)
            summary = engine.ingest(None, progress=job.progress)
            return R.message_html(f"已删除：{doc}（索引现有 {summary.chunks} 个段落）", "ok")

        def failed(e: Exception) -> str:
            return R.message_html(f"删除失败：{doc} — {type(e).__name__}: {public_text(str(e), engine.settings)}", "error")

        return _started(engine.jobs.start(f"删除 {doc}", work, failed), f"正在删除：{doc}")

    return delete_run


# ---------------------------------------------------------------- metadata
def make_meta_save(engine: Engine):
    def meta_save(doc, title, region, issuer, date, doc_no, years, kind, aliases, request: gr.Request):
        if (why := engine.refusal(request)) is not None:
            return R.message_html(why, "error"), gr.Timer(active=False)
        off = gr.Timer(active=False)
        if not doc:
            return R.message_html("请选择文件。", "warn"), off
        try:
            a = engine.require()
        except NotReady as e:
            return R.message_html(str(e), "warn"), off
        if doc not in a.docs:
            return R.message_html("该文件不在资料库中。", "error"), off
        try:
            form = O.parse_meta_form(dict(zip(O.META_FIELDS, [title, region, issuer, date, doc_no, years, kind, aliases])))
        except ValueError as e:
            return R.message_html(f"无效的元数据，未保存：{e}", "error"), off
        corpus = Path(engine.settings.corpus_dir).resolve()
        try:
            ov = O.read_overrides(corpus)
        except Exception as e:  # noqa: BLE001 - never overwrite a file we cannot read
            return R.message_html(f"metadata.toml 无法读取，未修改：{public_text(str(e), engine.settings)}", "error"), off
        table = O.merge_override(ov.get(doc), a.docs[doc].meta.to_dict(), form)
        if table == (ov.get(doc) or {}):
            return R.message_html("没有改动。/ Nothing changed.", "info"), off

        def work(job: Job) -> str:
            O.write_override_table(corpus, doc, table or None)
            summary = engine.ingest([corpus / doc], progress=job.progress)
            if summary.failed:
                return R.message_html(f"已保存，但重新入库失败：{public_text(str(summary.failed), engine.settings)}", "error")
            return R.message_html(f"已保存 {doc} 的元数据并重新入库。", "ok")

        def failed(e: Exception) -> str:
            return R.message_html(f"保存失败：{type(e).__name__}: {public_text(str(e), engine.settings)}", "error")

        return _started(engine.jobs.start(f"保存 {doc} 的元数据", work, failed), "正在保存并重新入库")

    return meta_save


def meta_load(engine: Engine):
    def load(doc):
        a = engine.ready_assistant()
        if not doc or a is None or doc not in a.docs:
            return [""] * len(O.META_FIELDS)
        m = a.docs[doc].meta
        return [m.title or "", m.region or "", m.issuer or "", m.date or "", m.doc_no or "",
                ", ".join(str(y) for y in m.years), m.kind or "", ", ".join(m.aliases)]

    return load


def make_tick(engine: Engine):
    def tick(seen):
        job = engine.jobs.latest()
        if job is None:
            return gr.update(), gr.Timer(active=False), seen
        if not job.done:
            return progress_html(job), gr.Timer(active=True), seen
        return job.result, gr.Timer(active=False), job.id  # a new id refreshes the lists

    return tick


def role_note(engine: Engine, user: str | None) -> tuple[str, bool]:
    """(HTML note, admin?) shown above the library for this user."""
    if engine.accounts.is_admin(user):
        return R.message_html(f"已以管理员身份登录（{user}）：可上传、删除和修改元数据。", "ok"), True
    why = engine.refusal(SimpleNamespace(username=user)) or ""
    return f'<div class="pqa-readonly">只读 / read-only — {R.esc(why)}</div>', False


# ---------------------------------------------------------------- layout
def build(engine: Engine) -> SimpleNamespace:
    docs0 = doc_choices(engine.ready_assistant())
    with gr.Tab("资料库", id="library"):
        role = gr.HTML(elem_id="pqa-l-role")
        status = gr.HTML(elem_id="pqa-l-status")
        table = gr.Dataframe(interactive=False, wrap=True, max_height=360, elem_id="pqa-l-table")
        with gr.Row():
            with gr.Column():
                gr.Markdown("#### 上传文件 / Upload\n支持 .txt .md .html .htm .pdf .docx")
                files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="选择文件", elem_id="pqa-l-files")
                upload = gr.Button("上传并入库", variant="primary", elem_id="pqa-l-upload")
            with gr.Column():
                gr.Markdown("#### 删除文件 / Delete")
                del_doc = gr.Dropdown(docs0, value=None, label="文件", elem_id="pqa-l-del-doc")
                del_ok = gr.Checkbox(False, label="确认删除（从资料库和索引中移除）")
                delete = gr.Button("删除", variant="stop", elem_id="pqa-l-delete")
        gr.Markdown("#### 修改元数据 / Correct metadata\n写入 corpus/metadata.toml 后重新入库。留空的字段恢复为自动识别的值。")
        meta_doc = gr.Dropdown(docs0, value=None, label="文件", elem_id="pqa-l-meta-doc")
        with gr.Row():
            m_title = gr.Textbox(label="标题 title", elem_id="pqa-l-meta-title")
            m_region = gr.Textbox(label="地区 region")
            m_issuer = gr.Textbox(label="发布机构 issuer")
        with gr.Row():
            m_date = gr.Textbox(label="日期 date（2024-02-27）")
            m_doc_no = gr.Textbox(label="文号 doc_no")
            m_years = gr.Textbox(label="年份 years（逗号分隔）")
            m_kind = gr.Textbox(label="类型 kind")
            m_aliases = gr.Textbox(label="地区别名 aliases（逗号分隔）")
        meta_save = gr.Button("保存元数据并重新入库", elem_id="pqa-l-meta-save")
        fields = [m_title, m_region, m_issuer, m_date, m_doc_no, m_years, m_kind, m_aliases]
        timer = gr.Timer(1.0, active=False)
        finished = gr.State(0)  # id of the last finished job this page has shown

    admin = dict(api_visibility="private", concurrency_limit=2, concurrency_id="admin")

    def busy(text: str):  # replaces the last outcome at once, before the handler answers
        return lambda: R.message_html(text, "info")

    private = dict(api_visibility="private", queue=False, show_progress="hidden")
    upload.click(busy("正在上传… / uploading…"), None, [status], **private).then(
        make_upload(engine), [files], [status, files, timer], **admin)
    delete.click(busy("正在删除… / deleting…"), None, [status], **private).then(
        make_delete(engine), [del_doc, del_ok], [status, timer], **admin).then(
        lambda: False, None, [del_ok], api_visibility="private")
    meta_save.click(busy("正在保存… / saving…"), None, [status], **private).then(
        make_meta_save(engine), [meta_doc, *fields], [status, timer], **admin)
    meta_doc.change(meta_load(engine), [meta_doc], fields, api_visibility="private")
    timer.tick(make_tick(engine), [finished], [status, timer, finished], show_progress="hidden",
               api_visibility="private")
    return SimpleNamespace(role=role, table=table, del_doc=del_doc, meta_doc=meta_doc, finished=finished,
                           buttons=[upload, delete, meta_save])
