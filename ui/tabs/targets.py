"""指标 tab: the target table (filter, CSV export) and a chart comparing regions."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from ui import data as D
from ui import render as R
from ui.engine import ALL, Engine, NotReady, opt, regions, year, years


def make_table(engine: Engine):
    def targets_run(region, year_v, kw):
        import pandas as pd

        try:
            a = engine.require()
        except NotReady as e:
            return R.message_html(str(e), "warn"), pd.DataFrame(columns=D.TARGET_VIEW_COLUMNS), gr.update(visible=False)
        recs = D.filter_targets(D.target_records(a.docs), opt(region), year(year_v), kw)
        rows = D.target_table_rows(recs)
        # one file per distinct result (its name carries a hash of the content), aged out by the
        # server's housekeeping: repeated queries never pile files up under /tmp
        path = engine.downloads.write("指标.csv", D.to_csv(D.TARGET_COLUMNS, rows), encoding="utf-8-sig")
        return (f"共 **{len(rows)}** 条指标 / {len(rows)} targets",
                pd.DataFrame(D.target_view_rows(recs), columns=D.TARGET_VIEW_COLUMNS),
                gr.update(value=str(path), visible=True))

    return targets_run


def make_chart(engine: Engine):
    def chart_run(kw, year_v):
        try:
            a = engine.require()
        except NotReady as e:
            return R.message_html(str(e), "warn"), ""
        if not D.split_keywords(kw):
            return R.message_html("请输入指标关键词，例如：高新技术企业。", "warn"), ""
        bars, unit, notes = D.chart_bars(D.target_records(a.docs), kw, year(year_v))
        if not bars:
            return R.message_html(f"没有找到名称包含“{kw}”的数值指标。", "warn"), ""
        title = f"各地区“{kw.strip()}”目标对比" + (f" · {year(year_v)}年" if year(year_v) else "")
        note = R.message_html("；".join(notes), "info") if notes else ""
        return R.bar_chart_svg(bars, title, unit) + note, R.quotes_table(bars, engine.text_of)

    return chart_run


def build(engine: Engine) -> SimpleNamespace:
    a0 = engine.ready_assistant()
    with gr.Tab("指标", id="targets"):
        with gr.Row():
            region = gr.Dropdown([ALL] + regions(a0), value=ALL, label="地区 / Region", elem_id="pqa-t-region")
            year_dd = gr.Dropdown([ALL] + years(a0), value=ALL, label="年份 / Year", elem_id="pqa-t-year")
            kw = gr.Textbox(label="指标关键词 / Indicator keyword", elem_id="pqa-t-kw", placeholder="例如：研发 高新技术企业")
            run = gr.Button("筛选", variant="primary", elem_id="pqa-t-run")
        count = gr.Markdown()
        table = gr.Dataframe(headers=D.TARGET_VIEW_COLUMNS, interactive=False, wrap=True, max_height=420,
                             elem_id="pqa-t-table",
                             column_widths=["80px", "60px", "16%", "10%", "60px", "14%", "16%", "30%"])
        with gr.Row():
            dl = gr.DownloadButton("下载 CSV", visible=False, size="sm", scale=0, min_width=160)
        gr.Markdown("### 地区对比 / Compare regions")
        with gr.Row():
            c_kw = gr.Textbox("高新技术企业", label="对比的指标关键词", elem_id="pqa-c-kw", scale=3)
            c_run = gr.Button("画图", elem_id="pqa-c-run", scale=1)
        chart = gr.HTML(elem_id="pqa-c-chart")
        quotes = gr.HTML(elem_id="pqa-c-quotes")

    table_fn = make_table(engine)
    run.click(table_fn, [region, year_dd, kw], [count, table, dl], api_name="targets")
    kw.submit(table_fn, [region, year_dd, kw], [count, table, dl], api_visibility="private")
    chart_fn = make_chart(engine)
    c_run.click(chart_fn, [c_kw, year_dd], [chart, quotes], api_name="chart")
    c_kw.submit(chart_fn, [c_kw, year_dd], [chart, quotes], api_visibility="private")
    return SimpleNamespace(region=region, year=year_dd)
