"""An ASGI middleware in front of the whole web app (Gradio and the login pages).

It refuses, before any handler runs:
- a ``Host`` header that is not an allowed host (loopback names by default, ``allowed_hosts``
  in the settings) — 400; the precondition of DNS rebinding;
- a write (POST, PUT, PATCH, DELETE) whose ``Origin`` (or, without one, ``Referer``) is another
  origin than the one the request is addressed to — 403; requests without either header come
  from non-browser clients, which the roles govern;
- a request body larger than ``max_request_kb`` (file uploads: ``max_upload_mb``) — 413, checked
  on ``Content-Length`` and again while the body streams in;
- a file upload (``/gradio_api/upload``) by anyone who is not a logged-in admin — 403 (only the
  library and evaluation tabs take files, and both are admin actions).
And it sends a page load without the login a viewer account requires to the login page.
"""
from __future__ import annotations

import ipaddress
import json
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

LOOPBACK = ("localhost", "127.0.0.1", "::1")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]


def split_host(value: str) -> tuple[str, str | None]:
    """``host[:port]`` (IPv6 in brackets) → (lower-case host, port or None); ports 80/443 count as
    none, as browsers leave the default port out of Origin."""
    value = value.strip().lower()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
    elif value.count(":") == 1:
        host, port = value.split(":")
    else:
        host, port = value, None
    return host.rstrip("."), (None if port in (None, "", "80", "443") else port)


class HostPolicy:
    """Which ``Host`` names the app answers: loopback names, the bound address, the configured ones."""

    def __init__(self, allowed: list[str], bind_host: str | None = None) -> None:
        names = {h.strip().lower() for h in allowed if h.strip()}
        self.any = "*" in names
        self.names = set(LOOPBACK) | {split_host(h)[0] for h in names - {"*"}}
        if bind_host and bind_host not in ("0.0.0.0", "::", ""):
            self.names.add(split_host(bind_host)[0])

    def allows(self, host: str) -> bool:
        if self.any:
            return True
        if host in self.names:
            return True
        try:  # any loopback address (127.0.0.2 …) is local
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def cross_origin(headers: dict[str, str]) -> bool:
    """True when a browser sent this write from another origin than the one it addresses."""
    source = headers.get("origin") or headers.get("referer")
    if source is None:
        return False
    if source == "null":
        return True
    parts = urlsplit(source)
    if not parts.netloc:
        return True
    return split_host(parts.netloc) != split_host(headers.get("host", ""))


async def _respond(send: Callable, status: int, message: str, extra: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": message}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The middleware. ``user_of(headers)`` returns (user name, is admin) of the request's login
    cookie; ``login_required`` says whether reading needs a login (viewer account configured)."""

    def __init__(self, app: ASGIApp, *, hosts: HostPolicy, max_body: int, max_upload: int,
                 user_of: Callable[[dict[str, str]], tuple[str | None, bool]], login_required: bool,
                 login_url: str = "/login") -> None:
        self.app = app
        self.hosts = hosts
        self.max_body = max_body
        self.max_upload = max_upload
        self.user_of = user_of
        self.login_required = login_required
        self.login_url = login_url  # as the browser sees it (with a proxy's sub-path)

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host, _ = split_host(headers.get("host", ""))
        if not self.hosts.allows(host):
            await self._refuse(scope, send, 400, "Invalid Host header: this server does not answer that name.")
            return
        method = scope.get("method", "GET")
        if (method in UNSAFE or scope["type"] == "websocket") and cross_origin(headers):
            await self._refuse(scope, send, 403, "Cross-origin request refused.")
            return
        path = scope.get("path", "")
        user, admin = self.user_of(headers)
        if path.rstrip("/").endswith("/gradio_api/upload") and not admin:
            await self._refuse(scope, send, 403, "File uploads need an admin login.")
            return
        if self.login_required and user is None and method == "GET" and path in ("", "/"):
            await send({"type": "http.response.start", "status": 303,
                        "headers": [(b"location", self.login_url.encode()), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        limit = self.max_upload if path.rstrip("/").endswith("/gradio_api/upload") else self.max_body
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(scope, send, 413, f"Request body too large (limit {limit // 1024} KB).")
            return
        await self._limited(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, send: Callable, status: int, message: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await _respond(send, status, message)

    async def _limited(self, scope: Scope, receive: Callable, send: Callable, limit: int) -> None:
        """Run the app; a body that grows past ``limit`` while streaming ends as 413."""
        seen = 0
        over = False
        started = False

        async def limited_receive() -> dict:
            nonlocal seen, over
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return msg

        async def tracking_send(msg: dict) -> None:
            nonlocal started
            if over and not started:
                return  # the app's reaction to the cut body is replaced by the 413 below
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not over:
                raise
        if over and not started:
            await _respond(send, 413, f"Request body too large (limit {limit // 1024} KB).")
