"""Helpers of the browser tests (Playwright on Debian's /usr/bin/chromium; never `playwright install`)."""
from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STEP_TIMEOUT = 60_000  # ms for one answer in the browser
INGEST_TIMEOUT = 180_000  # ms for a step that re-ingests (upload, metadata save, delete): embedding
# on a loaded 2-core CI machine can take far longer than on an idle one


def login(pg, url: str, user: str, password: str) -> None:
    """Log in on the app's login page; lands on the app."""
    pg.goto(url + "login", wait_until="load")
    pg.fill("#u", user)
    pg.fill("#p", password)
    pg.click("#pqa-login button[type=submit]")
    pg.wait_for_selector("#pqa-question textarea")


# ---------------------------------------------------------------- helpers
def ask(pg, question: str) -> str:
    """Type a question, press Enter, wait for the finished answer; returns its text."""
    pg.get_by_role("tab", name="问答", exact=True).click()
    done = pg.locator("#pqa-chat .pqa-foot")
    before = done.count()
    box = pg.locator("#pqa-question textarea")
    box.fill(question)
    box.press("Enter")
    pg.wait_for_function(
        "n => document.querySelectorAll('#pqa-chat .pqa-foot').length > n", arg=before, timeout=STEP_TIMEOUT)
    return pg.locator("#pqa-chat .pqa-answer").last.inner_text()


def last_answer(pg):
    return pg.locator("#pqa-chat .pqa-answer").last


def choose(pg, elem_id: str, option: str) -> None:
    pg.locator(f"#{elem_id} input").click()
    pg.get_by_role("option", name=option, exact=True).click()


def choose_containing(pg, elem_id: str, text: str) -> None:
    """Pick the dropdown option whose label contains ``text`` (typing filters the options)."""
    box = pg.locator(f"#{elem_id} input")
    box.click()
    box.fill(text)
    opt = pg.get_by_role("option").filter(has_text=text).first
    opt.click()
    wait_value = "([sel, t]) => document.querySelector(sel).value.includes(t)"
    pg.wait_for_function(wait_value, arg=[f"#{elem_id} input", text])


def tab(pg, name: str) -> None:
    pg.get_by_role("tab", name=name, exact=True).click()


def choose_file(pg, selector: str, path: Path, tries: int = 3) -> None:
    """Set the file of a File component and wait until it shows it. Gradio's File component now
    and then drops a file set while the page is busy: its upload is answered 200 and the component
    still shows an empty drop zone (seen about once in ten uploads on a loaded 2-core machine, with
    the app before and after the role/job changes alike); a person would choose the file again,
    and so does this helper."""
    for attempt in range(tries):
        pg.locator(f"{selector} input[type=file]").set_input_files(str(path))
        try:
            wait_text(pg, selector, path.name, timeout=20_000)
            return
        except Exception:
            if attempt == tries - 1:
                SHOTS.mkdir(parents=True, exist_ok=True)
                pg.screenshot(path=str(SHOTS / "upload_failure.png"), full_page=True)
                raise AssertionError(f"{path.name} not shown after {tries} tries: "
                                     + pg.locator(selector).inner_text()[:500]) from None


def upload(pg, path: Path) -> str:
    tab(pg, "资料库")
    choose_file(pg, "#pqa-l-files", path)
    pg.locator("#pqa-l-upload").click()
    # the status first says "uploading", then names the file with the outcome
    pg.wait_for_function(
        "name => { const t = document.querySelector('#pqa-l-status').innerText;"
        " return t.includes(name) && (t.includes('索引：') || t.includes('失败')); }",
        arg=path.name, timeout=INGEST_TIMEOUT)
    return pg.locator("#pqa-l-status").inner_text()


def wait_text(pg, selector: str, text: str, timeout: int = STEP_TIMEOUT) -> None:
    """Wait until the element's visible text contains ``text``."""
    pg.wait_for_function(
        "([sel, t]) => { const e = document.querySelector(sel); return !!e && e.innerText.includes(t); }",
        arg=[selector, text], timeout=timeout)


def wait_outcome(pg, selector: str, outcomes: list[str], timeout: int = INGEST_TIMEOUT) -> str:
    """Wait until the element shows one of the final outcomes (success or a reason), return its text."""
    pg.wait_for_function(
        "([sel, ts]) => { const e = document.querySelector(sel); return !!e && ts.some(t => e.innerText.includes(t)); }",
        arg=[selector, outcomes], timeout=timeout)
    return pg.locator(selector).inner_text()


def shot(pg, name: str, full_page: bool = True) -> None:
    pg.wait_for_timeout(300)
    pg.screenshot(path=str(SHOTS / name), full_page=full_page)
