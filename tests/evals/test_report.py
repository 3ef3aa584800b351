"""Report rendering: escaping, charts, failed items."""
from __future__ import annotations

from evals.report import histogram, render_html, render_markdown, svg_bars
from evals.runner import evaluate

from .conftest import FakeAssistant


def _run(items):
    fake = FakeAssistant(script={
        "咸宁认定多少家高企?": ("<script>alert('x')</script> 通过认定310家[1]", ["通过认定高新技术企业310家"]),
        "How many tech SMEs in Xianning?": ("About 2,000 & more", ["科技型中小企业入库2300家"]),
    })
    items = [dict(it) for it in items]
    items[1]["question"] = "How many <script>alert(2)</script> SMEs?"
    fake.script[items[1]["question"]] = fake.script.pop("How many tech SMEs in Xianning?")
    return evaluate(items, fake, progress=False, info={"qa": "<b>qa</b>"})


def test_html_escapes_script_everywhere(items):
    ev = _run(items)
    page = render_html(ev.metrics, ev.items, ev.results)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page  # question of a failed item
    assert "&lt;b&gt;qa&lt;/b&gt;" in page  # run info
    assert "About 2,000 &amp; more" in page  # the wrong answer is shown, escaped
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # self-contained


def test_html_has_charts_tables_and_failed_items(items):
    ev = _run(items)
    page = render_html(ev.metrics, ev.items, ev.results)
    assert page.count("<svg") == 3  # accuracy by type, by language, latency histogram
    for text in ("Accuracy by question type", "Accuracy by language", "Latency", "Baselines and ablations",
                 "naive RAG", "Failed items (", "e1", "f1", "must include: 2300", "Definitions"):
        assert text in page, text
    assert ">n1<" not in page  # correct items are not listed as failures


def test_markdown_report(items):
    ev = _run(items)
    md = render_markdown(ev.metrics, ev.items, ev.results)
    assert md.startswith("# Evaluation report")
    assert "| answer accuracy (all items) |" in md
    assert "### e1 (numeric, en)" in md and "missing: 2300" in md
    assert "### n1" not in md


def test_svg_bars_escape_labels_and_clamp():
    svg = svg_bars([("<x>", 1.5, 3), ("none", None, 0)], "t<itle>")
    assert "&lt;x&gt;" in svg and "t&lt;itle&gt;" in svg and "<x>" not in svg
    assert "n/a" in svg


def test_histogram_bins():
    assert histogram([]) == []
    assert histogram([5.0, 5.0]) == [(5.0, 5.0, 2)]
    bins = histogram([0.0, 1.0, 2.0, 10.0], bins=5)
    assert len(bins) == 5 and sum(c for _, _, c in bins) == 4 and bins[-1][2] == 1


def test_blind_report_holds_aggregates_only(items):
    ev = _run(items)
    warnings = ["1 item(s): any_of-empty (deviation)"]
    for page in (render_markdown(ev.metrics, ev.items, ev.results, blind=True, warnings=warnings),
                 render_html(ev.metrics, ev.items, ev.results, blind=True, warnings=warnings)):
        assert "Failed items" not in page and "How many" not in page and "e1" not in page
        assert "blind set" in page and "any_of-empty" in page and "Accuracy by type" in page


def test_warnings_are_listed(items):
    ev = _run(items)
    ev.metrics["warnings"] = ["qa.jsonl:2 [e1]: `any_of` is empty; read as absent"]
    md = render_markdown(ev.metrics, ev.items, ev.results)
    assert "## Warnings (1)" in md and "[e1]: `any_of` is empty" in md
    page = render_html(ev.metrics, ev.items, ev.results)
    assert "Warnings (1)" in page and "<code>--strict</code>" in page
