"""End-to-end tests of the web app in headless Chromium (Playwright).

One app process for the whole module: started on a free loopback port with a temporary copy of
the corpus and an empty temporary index (so the app also builds the index at start-up), then
driven through every tab, logged in as the admin (the library and evaluation need that role).
Screenshots go to tests/ui/screenshots/.
Needs Debian's /usr/bin/chromium and a CJK font (scripts/browser.sh); skipped otherwise.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from store import MANIFEST

from tests.ui.browser import (CHROME_ARGS, CHROMIUM, INGEST_TIMEOUT, SHOTS, STEP_TIMEOUT, ask, choose, choose_file,
                               choose_containing, last_answer, login, shot, tab, upload, wait_outcome, wait_text)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 300  # seconds: building the index of the corpus on a busy 2-core machine
ADMIN = ("admin", "browser-admin-pw")

Q_XIANNING = "咸宁2024年要通过认定多少家高新技术企业"

NEW_DOC = """2025年江夏区科技创新工作要点

一、总体目标
2025年，全区科技创新工作以建设光谷科创大走廊南部门户为目标，全面提升区域创新能力。

二、重点任务
1.壮大高新技术企业群体。新增高新技术企业42家，高新技术企业总数达到520家。
2.加大研发投入。全社会研发经费投入占GDP比重达到3.1%。
3.支持科技型中小企业发展。对新认定的科技型中小企业给予一次性奖励2万元。

江夏区科学技术和经济信息化局
2025年3月10日
"""

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_DOC = f"""2025年余杭区科技创新测试要点

一、主要指标
1.建设孵化载体。新增省级孵化器7家{XSS_SCRIPT}，并建设{XSS_IMG}公共服务平台。
2.培育创新主体。培育科技型中小企业100家。
3.支持孵化器提质。对新认定的省级孵化器给予一次性奖励{XSS_SCRIPT}。

余杭区科技局
2025年4月1日
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/browser.sh` (Debian chromium + CJK font)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-test.txt)")
    work = tmp_path_factory.mktemp("webapp")
    corpus = work / "corpus"
    corpus.mkdir()
    for p in (ROOT / "corpus").iterdir():
        if p.is_file():
            shutil.copy(p, corpus / p.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PQA_")}
    env.update({
        "PQA_CORPUS_DIR": str(corpus), "PQA_INDEX_DIR": str(work / "index"),
        "PQA_FEEDBACK_FILE": str(work / "feedback.jsonl"),
        "GRADIO_ANALYTICS_ENABLED": "False", "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False", "PYTHONUNBUFFERED": "1",
        "PQA_ADMIN_USER": ADMIN[0], "PQA_ADMIN_PASSWORD": ADMIN[1],
    })
    port = _free_port()
    log_path = work / "app.log"
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    t0 = time.monotonic()
    try:
        while True:
            text = log_path.read_text(encoding="utf-8", errors="replace")
            if "\nready:" in text or text.startswith("ready:"):
                break
            if "not ready:" in text or proc.poll() is not None or time.monotonic() - t0 > START_TIMEOUT:
                pytest.fail(f"the app did not become ready (exit {proc.poll()}):\n{text[-4000:]}")
            time.sleep(0.5)
        yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", work=work, corpus=corpus,
                              feedback=work / "feedback.jsonl", log=log_path, start_s=time.monotonic() - t0)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(STEP_TIMEOUT)
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    login(pg, app.url, *ADMIN)  # the library and evaluation tabs are the admin's
    pg.wait_for_selector(".pqa-banner-ready")
    yield pg
    ctx.close()


# ---------------------------------------------------------------- tests (run in file order)
def test_start_builds_index_and_is_ready(app, page):
    assert "已加载 5 份文件" in page.locator("#pqa-banner").inner_text()
    assert (app.work / "index" / MANIFEST).exists()


def test_chat_answer_with_cited_source_card(page):
    text = ask(page, Q_XIANNING)
    answer = last_answer(page)
    assert "310" in answer.locator(".pqa-text").inner_text()
    card = answer.locator(".pqa-card.pqa-source").first
    assert "咸宁" in card.locator(".pqa-card-meta").inner_text()
    assert "2024年全市科技创新工作要点" in card.inner_text()
    assert "310" in card.locator("mark").inner_text()  # the cited span is highlighted
    assert "抽取式" in text  # which answerer produced it
    # the marker [1] links to its card
    answer.locator("a.pqa-cite").first.click()
    page.wait_for_function("() => location.hash === '#src-0-1'")
    assert page.evaluate("() => document.querySelector('#src-0-1').matches(':target')")
    shot(page, "chat.png")


def test_follow_up_uses_the_conversation(page):
    text = ask(page, "那高新技术企业总数呢？")
    assert "650" in last_answer(page).locator(".pqa-text").inner_text(), text
    assert page.locator("#pqa-chat .pqa-foot").count() == 2
    shot(page, "chat_followup.png", full_page=False)


def test_feedback_is_appended(app, page):
    # gradio translates the label with the browser's locale (zh-CN: 赞)
    page.locator("#pqa-chat button[aria-label='赞'], #pqa-chat button[aria-label='Like']").first.click()
    wait_text(page, "#pqa-chat-status", "已记录反馈")
    lines = app.feedback.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[-1])
    assert rec["rating"] == "up" and rec["question"] == Q_XIANNING
    assert "310" in rec["answer"] and rec["citations"] and rec["time"]


def test_empty_and_too_long_questions_get_a_message(page):
    box = page.locator("#pqa-question textarea")
    box.fill("   ")
    box.press("Enter")
    page.wait_for_selector("#pqa-chat-status .pqa-msg-error")
    assert "问题为空" in page.locator("#pqa-chat-status").inner_text()
    box.fill("咸宁" * 400)
    box.press("Enter")
    wait_text(page, "#pqa-chat-status", "问题过长")
    assert page.locator("#pqa-chat .pqa-foot").count() == 2  # nothing added to the conversation


def test_new_conversation_and_english_question(page):
    page.locator("#pqa-new-chat").click()
    page.wait_for_function("() => document.querySelectorAll('#pqa-chat .pqa-answer').length === 0")
    ask(page, "How many high-tech enterprises will Xianning certify in 2024?")
    answer = last_answer(page)
    assert "310" in answer.locator(".pqa-text").inner_text()
    assert "咸宁" in answer.locator(".pqa-card").first.inner_text()
    shot(page, "chat_english.png")


def test_sessions_keep_their_own_conversation(browser, app, page):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    other = ctx.new_page()
    try:
        other.goto(app.url, wait_until="load")
        other.wait_for_selector("#pqa-question textarea")
        other.wait_for_selector(".pqa-banner-ready")
        assert other.locator("#pqa-chat .pqa-answer").count() == 0
        ask(other, "东宝区到2022年高新技术企业数量要达到多少家？")
        assert "80" in last_answer(other).locator(".pqa-text").inner_text()
    finally:
        ctx.close()
    assert page.locator("#pqa-chat .pqa-foot").count() == 1  # the first session is untouched


def test_unanswerable_question_is_labelled(page):
    ask(page, "北京市2024年要认定多少家高新技术企业？")
    answer = last_answer(page)
    assert answer.locator(".pqa-refused").is_visible()
    assert "北京" in answer.locator(".pqa-text").inner_text()
    assert answer.locator(".pqa-card.pqa-source").count() == 0  # no source shown as the answer's
    shot(page, "chat_refused.png", full_page=False)


def test_policy_finder(page):
    tab(page, "政策匹配")
    choose(page, "pqa-p-region", "咸宁市")
    page.locator("#pqa-p-kinds").get_by_label("科技型中小企业").check()
    page.locator("#pqa-p-run").click()
    page.wait_for_selector("#pqa-p-out .pqa-doc-group")
    out = page.locator("#pqa-p-out").inner_text()
    assert "2024年全市科技创新工作要点" in out
    # a support measure for enterprises, not a bare count target of the kind
    assert "抓好省外企业招引和培育" in out
    assert "入库2300家" not in out
    assert "东宝区" not in out  # only the chosen region
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载 Markdown").click()
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert md.startswith("# 政策匹配结果") and "抓好省外企业招引和培育" in md and "入库2300家" not in md
    shot(page, "policy.png")


def test_targets_table_and_chart(page):
    tab(page, "指标")
    choose(page, "pqa-t-region", "咸宁市")
    page.locator("#pqa-t-run").click()
    wait_text(page, "#pqa-t-table", "通过认定高新技术企业")
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载 CSV").click()
    csv_text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.startswith("地区,年份,指标") and "310" in csv_text and "东宝区" not in csv_text
    page.locator("#pqa-c-run").click()
    page.wait_for_selector("#pqa-c-chart svg.pqa-chart")
    assert page.locator("#pqa-c-chart svg rect").count() >= 3
    quotes = page.locator("#pqa-c-quotes").inner_text()
    assert "310" in quotes and "东宝区" in quotes and "咸宁市" in quotes
    shot(page, "targets.png")


def test_upload_new_document_and_ask_about_it(app, page, tmp_path):
    doc = tmp_path / "江夏区2025年科技创新工作要点.txt"
    doc.write_text(NEW_DOC, encoding="utf-8")
    status = upload(page, doc)
    assert "已添加" in status, status
    wait_text(page, "#pqa-l-table", "江夏区")
    assert (app.corpus / doc.name).exists()
    shot(page, "library.png")
    text = ask(page, "江夏区2025年要新增多少家高新技术企业？")
    answer = last_answer(page)
    assert "42" in answer.locator(".pqa-text").inner_text(), text
    assert "江夏" in answer.locator(".pqa-card").first.inner_text()


def test_failed_upload_gets_a_message(app, page, tmp_path):
    doc = tmp_path / "空白文件.txt"
    doc.write_text("  \n\n  ", encoding="utf-8")
    status = upload(page, doc)
    assert "上传失败" in status and doc.name in status, status
    assert not (app.corpus / doc.name).exists()  # a file that cannot be indexed is not kept
    assert "42" in ask(page, "江夏区2025年要新增多少家高新技术企业？")  # the app keeps working


def test_xss_document_is_shown_as_text(app, page, tmp_path):
    doc = tmp_path / "xss_test.txt"
    doc.write_text(XSS_DOC, encoding="utf-8")
    status = upload(page, doc)
    assert "已添加" in status, status
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    ask(page, "余杭区2025年新增省级孵化器多少家？")
    answer = last_answer(page)
    shown = answer.inner_text()
    assert XSS_SCRIPT in shown  # rendered as text …
    assert XSS_IMG in shown
    assert page.locator("#pqa-chat img[src='x']").count() == 0  # … not as elements
    assert page.locator("#pqa-chat script").count() == 0
    answer.locator(".pqa-card").first.scroll_into_view_if_needed()
    shot(page, "xss.png", full_page=False)
    # the same text in the other tabs stays text too
    tab(page, "指标")
    page.locator("#pqa-t-kw input, #pqa-t-kw textarea").first.fill("孵化器")
    choose(page, "pqa-t-region", "全部")
    page.locator("#pqa-t-run").click()
    wait_text(page, "#pqa-t-table", "余杭区")
    tab(page, "政策匹配")
    choose(page, "pqa-p-region", "余杭区")
    page.locator("#pqa-p-kinds").get_by_label("孵化器/众创空间").check()
    page.locator("#pqa-p-run").click()
    wait_text(page, "#pqa-p-out", "余杭区")
    found = page.locator("#pqa-p-out").inner_text()
    assert "对新认定的省级孵化器给予一次性奖励" + XSS_SCRIPT in found  # the measure itself, as text
    tab(page, "资料库")
    wait_text(page, "#pqa-l-table", "余杭区")
    page.wait_for_timeout(500)
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.locator("img[src='x']").count() == 0


def test_metadata_correction_and_delete(app, page):
    tab(page, "资料库")
    choose_containing(page, "pqa-l-meta-doc", "江夏区2025年科技创新工作要点.txt")
    title = page.get_by_label("标题 title")
    # the form is filled by the document's choice: wait for the title field itself (the dropdown's
    # own input names the file too, so waiting on any input raced the form and saved nothing)
    page.wait_for_function("() => (document.querySelector('#pqa-l-meta-title textarea, #pqa-l-meta-title input')"
                           " || {value: ''}).value.includes('江夏区')")
    title.fill("江夏区2025年科技创新工作要点（修订）")
    page.locator("#pqa-l-meta-save").click()
    status = wait_outcome(page, "#pqa-l-status", ["已保存", "没有改动", "另一个入库任务", "失败", "无效"])
    assert "已保存" in status, status
    wait_text(page, "#pqa-l-table", "（修订）")
    toml = (app.corpus / "metadata.toml").read_text(encoding="utf-8")
    assert "（修订）" in toml and "江夏区2025年科技创新工作要点.txt" in toml
    original = ROOT / "corpus" / "metadata.toml"
    if original.exists():  # the corpus's own corrections and comments are kept
        import tomllib

        before = tomllib.loads(original.read_text(encoding="utf-8"))
        after = tomllib.loads(toml)
        assert all(after.get(k) == v for k, v in before.items())
        first = original.read_text(encoding="utf-8").splitlines()[0]
        assert not first.startswith("#") or toml.startswith(first)
    # delete the XSS document
    choose_containing(page, "pqa-l-del-doc", "xss_test.txt")
    page.get_by_label("确认删除（从资料库和索引中移除）").check()
    page.locator("#pqa-l-delete").click()
    wait_text(page, "#pqa-l-status", "已删除", INGEST_TIMEOUT)
    page.wait_for_function("() => !document.querySelector('#pqa-l-table').innerText.includes('xss_test')")
    assert not (app.corpus / "xss_test.txt").exists()


def test_evaluation_tab(page, tmp_path):
    tab(page, "评测")
    page.wait_for_selector("#pqa-e-run")
    # a small QA file (a few items of the shipped set) keeps the run short
    lines = (ROOT / "evals" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    small = tmp_path / "qa_small.jsonl"
    small.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    choose_file(page, "#pqa-e-upload", small)
    page.locator("#pqa-e-run").click()
    wait_text(page, "#pqa-e-status", "评测完成")
    assert "answer accuracy" in page.locator("#pqa-e-metrics").inner_text()
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载评测报告").click()
    assert "<html" in Path(dl.value.path()).read_text(encoding="utf-8").lower()
    shot(page, "evals.png")
    assert not page.errors, page.errors
