"""The Gradio Blocks web app of 规划问答, one module per tab (``ui/tabs``), and its launch.

Tabs: 问答 (chat with cited sources), 政策匹配 (policy finder), 指标 (targets), 资料库 (library:
upload / delete / correct metadata — admin), 评测 (evaluation — admin). The state they share is
the ``Engine`` (ui/engine.py); the page's style is ``ui/static/style.css``; the HTTP side (logins,
hosts, origins, body limits) is ``ui/server.py`` and ``ui/guard.py``.
"""
from __future__ import annotations

import logging
import os
from types import SimpleNamespace
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from base.settings import Settings  # noqa: E402
from ui import data as D  # noqa: E402
from ui import render as R  # noqa: E402
from ui.engine import ALL, Engine, doc_choices, regions, years  # noqa: E402
from ui.security import ADMIN  # noqa: E402
from ui.tabs import chat, evaluation, library, policy, targets  # noqa: E402

log = logging.getLogger("pqa.app")


def banner_html(engine: Engine) -> str:
    kind, text = engine.banner()
    return f'<div class="pqa-banner pqa-banner-{kind}">{R.esc(text)}</div>'


def user_html(engine: Engine, user: str | None) -> str:
    """Who is logged in, with log-in / log-out links (the login page is ours: ui/server.py)."""
    root = engine.settings.root_path
    if user:
        role = "管理员 / admin" if engine.accounts.role_of(user) == ADMIN else "查看 / viewer"
        return (f'<div class="pqa-user">已登录：{R.esc(user)}（{role}） · '
                f'<a href="{R.esc(root)}/logout">退出 / log out</a></div>')
    if engine.accounts.admin_configured:
        return f'<div class="pqa-user"><a href="{R.esc(root)}/login">管理员登录 / admin login</a></div>'
    return ""


def _refresher(engine: Engine, lists: SimpleNamespace):
    """The function that refreshes every choice list, the library table and the banner after the
    index changed (start-up build, upload, delete, metadata save)."""
    def refresh(*values):
        import pandas as pd

        a = engine.ready_assistant()
        regs, yrs, docs = regions(a), years(a), doc_choices(a)
        doc_values = [p for _, p in docs]

        def keep(v, allowed):
            return v if v in allowed else ALL

        vals = iter(values)
        out = [gr.update(choices=[ALL] + regs, value=keep(next(vals), regs)) for _ in lists.regions]
        out += [gr.update(choices=[ALL] + yrs, value=keep(next(vals), yrs)) for _ in lists.years]
        out += [gr.update(choices=[(ALL, ALL)] + docs, value=keep(next(vals), doc_values)) for _ in lists.docs]
        out += [gr.update(choices=docs, value=None) for _ in lists.picks]
        rows = D.doc_rows(a.docs) if a is not None else []
        return (*out, pd.DataFrame(rows, columns=D.DOC_COLUMNS), banner_html(engine))

    return refresh


def build_ui(engine: Engine) -> gr.Blocks:
    ttl = engine.settings.download_ttl_s
    with gr.Blocks(title="规划问答", delete_cache=(min(600, ttl), ttl)) as demo:
        with gr.Row():
            gr.Markdown("## 规划问答 · 地方科技创新规划问答助手\n"
                        "回答均引自已收录的规划文件原文，编号 [n] 可点击查看出处。"
                        " / Answers quote the indexed plan documents; click a marker [n] to see its source.")
            user_bar = gr.HTML(elem_id="pqa-user")
        banner = gr.HTML(banner_html(engine), elem_id="pqa-banner")
        timer = gr.Timer(2.0, active=False)
        c = chat.build(engine)
        p = policy.build(engine)
        t = targets.build(engine)
        lib = library.build(engine)
        ev = evaluation.build(engine)
        _wire(engine, demo, SimpleNamespace(regions=[c.region, p.region, t.region], years=[c.year, t.year],
                                            docs=[c.doc], picks=[lib.del_doc, lib.meta_doc]),
              SimpleNamespace(user_bar=user_bar, banner=banner, timer=timer, lib=lib, admin=lib.buttons + ev.buttons))
    return demo


def _wire(engine: Engine, demo: gr.Blocks, lists: SimpleNamespace, page: SimpleNamespace) -> None:
    """Page load (who is logged in, the lists), the start-up poll and the refresh after a job."""
    inputs = lists.regions + lists.years + lists.docs
    outputs = inputs + lists.picks + [page.lib.table, page.banner]
    refresh = _refresher(engine, lists)

    def on_user(request: gr.Request):
        user = getattr(request, "username", None) or None
        note, admin = library.role_note(engine, user)
        return user_html(engine, user), note, *[gr.update(interactive=admin) for _ in page.admin]

    def on_load(*vals):
        return gr.Timer(active=engine.state not in ("ready", "error")), *refresh(*vals)

    demo.load(on_user, None, [page.user_bar, page.lib.role, *page.admin], api_visibility="private")
    demo.load(on_load, inputs, [page.timer, *outputs], api_visibility="private")

    def on_tick(*vals):
        if engine.state in ("ready", "error"):
            return (gr.Timer(active=False), *refresh(*vals))
        return (gr.Timer(active=True), *[gr.update() for _ in outputs[:-1]], banner_html(engine))

    page.timer.tick(on_tick, inputs, [page.timer, *outputs], show_progress="hidden", api_visibility="private")
    page.lib.finished.change(refresh, inputs, outputs, api_visibility="private", show_progress="hidden")


# ---------------------------------------------------------------- launch
def launch(settings: Settings, background_build: bool = True) -> None:
    from ui.server import Web, create_app, serve, start_housekeeping

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = Engine(settings)
    engine.start(background=background_build)
    demo = build_ui(engine)
    demo.queue(default_concurrency_limit=4)
    web = Web(settings, engine.accounts)
    app = create_app(settings, demo, web, allowed_paths=[str(engine.downloads.root)], on_shutdown=engine.close)
    start_housekeeping(demo, engine, settings)
    _warn_about_exposure(settings, engine)

    def started() -> None:
        print(f"规划问答 listening on http://{settings.host}:{settings.port}{settings.root_path}", flush=True)
        engine.ready_event.wait()
        if engine.state == "ready":
            print(f"ready: {len(engine.assistant.docs)} documents", flush=True)
        else:
            print(f"not ready: {engine.message}", flush=True)

    serve(settings, app, started)


def _warn_about_exposure(settings: Settings, engine: Any) -> None:
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.allowed_hosts:
        log.warning("bound to %s but PQA_ALLOWED_HOSTS is empty: only loopback host names are answered",
                    settings.host)
    if not engine.accounts.admin_configured:
        log.info("no admin account (PQA_ADMIN_USER / PQA_ADMIN_PASSWORD): the library is read-only")
