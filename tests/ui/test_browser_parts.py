"""Browser tests of what a reader sees: structured answers (issue 15: an overview as sections with
an expandable "more", an all-region comparison as a table, both with citation markers) and the
library as a read-only page for anyone but the admin (issue 14).

The app is the real one (app.py) over the corpus: the overview and the table are what the answer
step composes. Screenshots go to /tmp/ui-shots/ and tests/ui/screenshots/.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui import webapp as W
from tests.ui.browser import CHROME_ARGS, CHROMIUM, SHOTS, STEP_TIMEOUT, ask, last_answer, tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OUT = Path("/tmp/ui-shots")
OVERVIEW_Q = "总结一下咸宁2024年科技创新工作的主要内容"
COMPARE_Q = "各地区高新技术企业的目标分别是多少？"


@pytest.fixture(scope="module")
def app(tmp_path_factory, settings, built_index):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/browser.sh` (Debian chromium + CJK font)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-test.txt)")
    env = {"PQA_ADMIN_USER": "admin", "PQA_ADMIN_PASSWORD": "parts-admin-pw"}
    a = W.start_app(tmp_path_factory.mktemp("parts"), settings.corpus_dir, settings.index_dir, env)
    try:
        yield a
    finally:
        W.stop_app(a)


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        ctx = b.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        pg = ctx.new_page()
        pg.set_default_timeout(STEP_TIMEOUT)
        pg.errors = []
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.goto(app.url, wait_until="load")  # anonymous: reading needs no login here
        pg.wait_for_selector(".pqa-banner-ready")
        yield pg
        ctx.close()
        b.close()


def save(pg, name: str, answer=None) -> None:
    """Screenshot of the page, or of an answer's structured part (with the question above it)."""
    pg.wait_for_timeout(300)
    if answer is not None:  # the chat scrolls inside a box: let it grow for the picture, then restore it
        target = answer.locator(".pqa-parts").first
        undo = target.evaluate("""e => {
            const saved = [];
            for (let n = e.parentElement; n && n !== document.body; n = n.parentElement) {
                saved.push([n, n.getAttribute('style')]);
                n.style.setProperty('height', 'auto', 'important');
                n.style.setProperty('max-height', 'none', 'important');
                n.style.setProperty('overflow', 'visible', 'important');
            }
            window.__pqaSaved = saved;
            return saved.length;
        }""")
        assert undo > 0
        size = pg.viewport_size
        pg.set_viewport_size({"width": size["width"], "height": 3000})
        target.screenshot(path=str(OUT / name))
        pg.set_viewport_size(size)
        target.evaluate("""() => { for (const [n, s] of window.__pqaSaved) {
            if (s === null) n.removeAttribute('style'); else n.setAttribute('style', s); } }""")
    else:
        pg.screenshot(path=str(OUT / name))
    shutil.copy(OUT / name, SHOTS / name)


def test_overview_renders_as_sections_with_citations_and_more(page):
    ask(page, OVERVIEW_Q)
    answer = last_answer(page)
    sections = answer.locator("li.pqa-sec")
    assert sections.count() >= 4
    titles = answer.locator(".pqa-sec-title").all_inner_texts()
    assert titles[0].startswith("一、") and titles[1].startswith("二、")  # the plan's own skeleton, in order
    assert answer.locator(".pqa-sec-text a.pqa-cite").count() >= 2  # figures carry their markers
    more = answer.locator("details.pqa-more").first
    assert not more.locator(".pqa-more-body").is_visible()
    save(page, "chat_overview.png", answer)
    more.locator("summary").click()
    assert more.locator(".pqa-more-body").is_visible() and more.locator("li").count() >= 1
    answer.locator("a.pqa-cite").first.click()  # a marker still jumps to its source card
    page.wait_for_function("() => location.hash.startsWith('#src-')")
    save(page, "chat_overview_more.png", answer)


def test_comparison_renders_as_a_table_with_one_row_per_document(page):
    ask(page, COMPARE_Q)
    answer = last_answer(page)
    table = answer.locator("table.pqa-compare")
    assert table.locator("thead th").all_inner_texts() == ["地区", "数值", "口径", "出处"]
    rows = table.locator("tbody tr")
    assert rows.count() >= 4  # the five plans that set a high-tech enterprise target, one row each
    regions = [r.locator("td").first.inner_text() for r in rows.all()]
    assert len(set(regions)) == len(regions) and {"咸宁市", "东宝区", "下陆区", "岳阳楼区"} <= set(regions)
    assert table.locator("a.pqa-cite").count() == rows.count()  # every row cites its quote
    assert answer.locator(".pqa-card.pqa-source").count() == rows.count()
    assert "口径不同" in answer.locator(".pqa-tail").inner_text()  # 申报 / 新增 / 总量 side by side
    save(page, "chat_comparison.png", answer)


def test_library_is_read_only_for_a_reader(page, app):
    tab(page, "资料库")
    assert "只读" in page.locator("#pqa-l-role").inner_text()
    assert page.locator("#pqa-l-upload").is_disabled() and page.locator("#pqa-l-delete").is_disabled()
    assert "管理员登录" in page.locator("#pqa-user").inner_text()
    save(page, "library_readonly.png")
    assert not page.errors, page.errors
