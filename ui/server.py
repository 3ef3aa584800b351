"""The HTTP server of the web app: login pages, the Gradio Blocks mounted on FastAPI behind
:class:`ui.guard.Guard`, served by uvicorn.

Logins are ours, not Gradio's built-in ``auth`` (which would demand a login from every reader even
when only an admin account exists): ``POST /login`` checks the account with a lockout per user and
per client address, then sets an HttpOnly, SameSite=Lax cookie holding a random token. Gradio learns
who is asking through ``auth_dependency`` (the account name of the cookie's token), which becomes
``gr.Request.username`` in every handler; admin handlers check that name's role themselves.
"""
from __future__ import annotations

import contextlib
import html
import logging
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from base.settings import Settings
from ui.guard import Guard, HostPolicy
from ui.security import Account, Accounts, LoginLimiter, LoginSessions

log = logging.getLogger("pqa.app")
COOKIE = "pqa_session"
STATIC = Path(__file__).resolve().parent / "static"


class Web:
    """Accounts, lockout and login sessions of one server process."""

    def __init__(self, settings: Settings, accounts: Accounts | None = None) -> None:
        self.settings = settings
        self.accounts = accounts or Accounts(settings)
        self.limiter = LoginLimiter(settings.login_max_failures, settings.login_lockout_s)
        self.sessions = LoginSessions(settings.login_session_s)

    def account_of(self, cookie_header: str | None) -> Account | None:
        if not cookie_header:
            return None
        jar = SimpleCookie()
        try:
            jar.load(cookie_header)
        except Exception:  # noqa: BLE001 - a malformed cookie header is no login
            return None
        morsel = jar.get(COOKIE)
        return self.sessions.get(morsel.value) if morsel else None

    def user_of(self, headers: dict[str, str]) -> tuple[str | None, bool]:
        """(account name or None, is admin) — for the Guard."""
        acct = self.account_of(headers.get("cookie"))
        return (acct.name, self.accounts.is_admin(acct.name)) if acct else (None, False)

    def auth_dependency(self, request: Any) -> str | None:
        """Gradio's view of the user: the account name; "" for an anonymous reader when reading
        needs no login; None (Gradio answers 401) when it does."""
        acct = self.account_of(request.headers.get("cookie"))
        if acct is not None:
            return acct.name
        return None if self.accounts.login_required else ""

    def url(self, path: str) -> str:
        return f"{self.settings.root_path}{path}"


# ---------------------------------------------------------------- login page
def login_page(web: Web, message: str = "", kind: str = "error", user: str = "") -> str:
    if not web.accounts.any:
        note = "此服务未配置任何账号。/ No accounts are configured on this server."
    elif web.accounts.login_required:
        note = "请登录后使用。/ Please log in."
    else:
        note = "无需登录即可提问；管理资料库需要管理员登录。/ Reading needs no login; the admin logs in here."
    msg = f'<p class="pqa-msg pqa-msg-{kind}">{html.escape(message)}</p>' if message else ""
    home = "" if web.accounts.login_required else f'<p><a href="{html.escape(web.url("/"))}">返回 / back</a></p>'
    return f"""<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>规划问答 · 登录</title>
<style>body{{font-family:system-ui,sans-serif;max-width:420px;margin:60px auto;padding:0 16px;color:#111827}}
label{{display:block;margin:10px 0 4px}}input{{width:100%;padding:8px;box-sizing:border-box;font-size:1em}}
button{{margin-top:14px;padding:8px 18px;font-size:1em;background:#2563eb;color:#fff;border:0;border-radius:6px}}
.pqa-msg{{padding:6px 10px;border-radius:6px}}.pqa-msg-error{{background:#fef2f2;color:#991b1b}}
.pqa-msg-ok{{background:#ecfdf5;color:#065f46}}</style></head><body>
<h2>规划问答 · 登录 / Log in</h2><p>{html.escape(note)}</p>{msg}
<form method="post" action="{html.escape(web.url('/login'))}" id="pqa-login">
<label for="u">用户名 / user</label><input id="u" name="username" autocomplete="username" value="{html.escape(user)}" required>
<label for="p">密码 / password</label><input id="p" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录 / Log in</button></form>{home}</body></html>"""


def _minutes(seconds: float) -> int:
    return max(1, int(seconds + 59) // 60)


def add_login_routes(app: Any, web: Web) -> None:
    @app.get("/login", response_class=HTMLResponse)
    def get_login() -> HTMLResponse:
        return HTMLResponse(login_page(web), headers={"cache-control": "no-store"})

    @app.post("/login", response_class=HTMLResponse)
    async def post_login(request: Request):
        form = await request.form()
        user = str(form.get("username") or "").strip()[:200]
        password = str(form.get("password") or "")[:1000]
        addr = request.client.host if request.client else "?"
        wait = web.limiter.locked_for(user, addr)
        if wait > 0:
            return _locked(web, user, wait)
        import anyio

        account = await anyio.to_thread.run_sync(web.accounts.check, user, password) if web.accounts.any else None
        if account is None:
            wait = web.limiter.failure(user, addr)
            log.warning("failed login for %r from %s", user, addr)
            if wait > 0:
                return _locked(web, user, wait)
            left = web.limiter.remaining(user, addr)
            return HTMLResponse(login_page(web, f"用户名或密码错误（再错 {left} 次将锁定 {_minutes(web.limiter.lockout_s)} 分钟）。"
                                                f" / Wrong user name or password ({left} attempts left).", user=user),
                                status_code=401, headers={"cache-control": "no-store"})
        web.limiter.success(user, addr)
        token = web.sessions.create(account)
        resp = RedirectResponse(web.url("/"), status_code=303)
        resp.set_cookie(COOKIE, token, max_age=int(web.settings.login_session_s), httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path=web.url("/"))
        log.info("login: %s (%s) from %s", account.name, account.role, addr)
        return resp

    @app.get("/logout")
    def logout(request: Request):
        web.sessions.drop(request.cookies.get(COOKIE))
        resp = RedirectResponse(web.url("/login" if web.accounts.login_required else "/"), status_code=303)
        resp.delete_cookie(COOKIE, path=web.url("/"))
        return resp


def _locked(web: Web, user: str, wait: float) -> HTMLResponse:
    minutes = _minutes(wait)
    return HTMLResponse(login_page(web, f"登录失败次数过多，已锁定，请 {minutes} 分钟后再试。"
                                        f" / Too many failed logins: locked, try again in {minutes} min.", user=user),
                        status_code=429, headers={"retry-after": str(int(wait) + 1), "cache-control": "no-store"})


# ---------------------------------------------------------------- the application
def create_app(settings: Settings, demo: Any, web: Web, allowed_paths: list[str],
               on_shutdown: Callable[[], None] | None = None) -> Any:
    """The ASGI application: Guard → FastAPI (login routes) → Gradio mounted at /. ``on_shutdown``
    runs when the server stops (uvicorn re-raises SIGTERM afterwards, so code after it never runs)."""
    import gradio as gr
    from fastapi import FastAPI

    @contextlib.asynccontextmanager
    async def lifespan(app: Any):
        yield
        if on_shutdown is not None:
            on_shutdown()

    parent = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    add_login_routes(parent, web)
    demo.state_session_capacity = settings.max_sessions  # LRU eviction of per-session state
    gr.mount_gradio_app(parent, demo, path="/", auth_dependency=web.auth_dependency,
                        root_path=settings.root_path or None, allowed_paths=allowed_paths,
                        max_file_size=f"{settings.max_upload_mb}mb", show_error=False, footer_links=[],
                        run_history=False, server_name=settings.host, server_port=settings.port,
                        css_paths=[STATIC / "style.css"])
    hosts = HostPolicy(settings.allowed_hosts, settings.host)
    return Guard(parent, hosts=hosts, max_body=settings.max_request_kb * 1024,
                 max_upload=settings.max_upload_mb * 1024 * 1024 + 64 * 1024, user_of=web.user_of,
                 login_required=web.accounts.login_required, login_url=web.url("/login"))


def evict_idle_sessions(demo: Any, idle_s: float) -> int:
    """Drop the per-session state of browser sessions idle longer than ``idle_s`` (Gradio keeps it
    in ``demo.state_holder``, bounded by ``state_session_capacity`` but never aged). Returns how
    many were dropped."""
    import datetime as dt

    holder = getattr(demo, "state_holder", None)
    if holder is None:
        return 0
    cutoff = dt.datetime.now() - dt.timedelta(seconds=idle_s)
    with holder.lock:
        stale = [sid for sid, t in list(holder.time_last_used.items()) if t < cutoff]
        for sid in stale:
            holder.session_data.pop(sid, None)
            holder.time_last_used.pop(sid, None)
    return len(stale)


def start_housekeeping(demo: Any, engine: Any, settings: Settings, every_s: float = 60.0) -> threading.Thread:
    """A daemon thread that ages out idle sessions and old download files."""
    def loop() -> None:
        while True:
            time.sleep(every_s)
            try:
                n = evict_idle_sessions(demo, settings.session_idle_s)
                m = engine.downloads.sweep()
                if n or m:
                    log.info("housekeeping: %d idle sessions, %d old download files removed", n, m)
            except Exception:  # noqa: BLE001 - housekeeping must never stop the server
                log.exception("housekeeping failed")

    t = threading.Thread(target=loop, name="pqa-housekeeping", daemon=True)
    t.start()
    return t


def serve(settings: Settings, app: Any, on_started) -> None:
    """Run uvicorn in this thread until SIGINT/SIGTERM; ``on_started()`` runs once it listens."""
    import uvicorn

    proxies = settings.trusted_proxies
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            proxy_headers=bool(proxies), forwarded_allow_ips=proxies or "",
                            server_header=False, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.1)
        if server.started:
            on_started()

    threading.Thread(target=announce, name="pqa-announce", daemon=True).start()
    server.run()
