"""政策匹配 tab: support measures that apply to an enterprise (region, kind, keywords)."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from ui import data as D
from ui import render as R
from ui.engine import ALL, Engine, NotReady, opt, public_text, regions


def make_run(engine: Engine):
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
        region = opt(region)
        groups = D.find_policies(a.docs, region, kinds, kws, include_general=bool(general))
        heading = f"{region or '全部地区'} · {'、'.join(kinds) or '企业'}" + (f" · {'、'.join(kws)}" if kws else "")
        if not groups:
            # nothing matched the vocabulary: ask the assistant (question type: policy)
            q = D.policy_question(region, kinds, kws)
            try:
                ans = a.ask(q, filters={"region": region, "year": None, "doc": None})
            except Exception as e:  # noqa: BLE001
                return R.message_html(f"查找失败：{public_text(str(e), engine.settings)}", "error"), hidden, hidden
            html_out = (R.message_html("没有找到直接匹配的条目，以下是助手的回答：", "info")
                        + R.question_html(q) + R.answer_html(ans, "policy", engine.text_of))
            return html_out, hidden, hidden
        md_path = engine.downloads.write("政策匹配.md", R.policy_markdown(groups, heading))
        rows = D.policy_rows(groups)
        csv_text = D.to_csv(list(rows[0].keys()), [list(r.values()) for r in rows])
        csv_path = engine.downloads.write("政策匹配.csv", csv_text, encoding="utf-8-sig")
        return (R.policy_html(groups, engine.text_of, heading),
                gr.update(value=str(md_path), visible=True), gr.update(value=str(csv_path), visible=True))

    return policy_run


def build(engine: Engine) -> SimpleNamespace:
    a0 = engine.ready_assistant()
    with gr.Tab("政策匹配", id="policy"):
        with gr.Row():
            region = gr.Dropdown([ALL] + regions(a0), value=ALL, label="地区 / Region", elem_id="pqa-p-region")
            kinds = gr.CheckboxGroup(D.POLICY_KINDS, label="企业类型 / Enterprise kind", elem_id="pqa-p-kinds")
        with gr.Row():
            keywords = gr.Textbox(label="行业或关键词（可选，用空格或逗号分隔）/ Industry or keywords", scale=3,
                                  elem_id="pqa-p-keywords", placeholder="例如：新材料 生物医药")
            general = gr.Checkbox(True, label="包括面向所有企业的普遍措施", scale=1)
            run = gr.Button("查找适用政策", variant="primary", scale=1, elem_id="pqa-p-run")
        with gr.Row():
            dl_md = gr.DownloadButton("下载 Markdown", visible=False, size="sm", scale=0, min_width=160)
            dl_csv = gr.DownloadButton("下载 CSV", visible=False, size="sm", scale=0, min_width=160)
        out = gr.HTML(elem_id="pqa-p-out")
    run.click(make_run(engine), [region, kinds, keywords, general], [out, dl_md, dl_csv], api_name="policy")
    return SimpleNamespace(region=region)
