"""The ASGI guard in front of the app (ui/guard.py): hosts, origins, body size, uploads, login page."""
from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.guard import Guard, HostPolicy, cross_origin, split_host


async def echo(request: Request):
    body = await request.body()
    return JSONResponse({"n": len(body), "path": request.url.path})


def client(login_required=False, admin=False, allowed=(), max_body=1000, max_upload=5000) -> TestClient:
    inner = Starlette(routes=[Route("/{p:path}", echo, methods=["GET", "POST"])])
    app = Guard(inner, hosts=HostPolicy(list(allowed), "127.0.0.1"), max_body=max_body, max_upload=max_upload,
                user_of=lambda h: ("a", True) if admin else (None, False), login_required=login_required,
                login_url="/pqa/login")
    return TestClient(app, base_url="http://127.0.0.1:7860")


def test_split_host():
    assert split_host("Example.ORG:7860") == ("example.org", "7860")
    assert split_host("example.org:443") == ("example.org", None)
    assert split_host("[::1]:7860") == ("::1", "7860") and split_host("::1") == ("::1", None)


def test_host_policy():
    p = HostPolicy([], "0.0.0.0")
    assert p.allows("localhost") and p.allows("127.0.0.1") and p.allows("127.0.0.2") and p.allows("::1")
    assert not p.allows("evil.example") and not p.allows("10.0.0.1")
    p = HostPolicy(["plans.example.org", "10.0.0.5:7860"], "10.0.0.5")
    assert p.allows("plans.example.org") and p.allows("10.0.0.5") and not p.allows("www.example.org")
    assert HostPolicy(["*"]).allows("anything")


@pytest.mark.parametrize("headers, cross", [
    ({"host": "a.org"}, False),  # no Origin / Referer: not a browser
    ({"host": "a.org", "origin": "https://a.org"}, False),
    ({"host": "a.org:8080", "origin": "http://a.org:8080"}, False),
    ({"host": "a.org:8080", "origin": "http://a.org:9090"}, True),
    ({"host": "a.org", "origin": "https://b.org"}, True),
    ({"host": "a.org", "origin": "null"}, True),
    ({"host": "a.org", "referer": "https://b.org/x"}, True),
    ({"host": "a.org", "referer": "https://a.org/x?y"}, False),
])
def test_cross_origin(headers, cross):
    assert cross_origin(headers) is cross


def test_foreign_host_refused_before_the_app():
    c = client()
    assert c.get("/", headers={"host": "evil.example"}).status_code == 400
    assert c.get("/", headers={"host": "localhost:7860"}).status_code == 200


def test_cross_origin_write_refused_read_allowed():
    c = client()
    assert c.post("/x", content=b"1", headers={"origin": "http://evil.example"}).status_code == 403
    assert c.get("/x", headers={"origin": "http://evil.example"}).status_code == 200
    assert c.post("/x", content=b"1", headers={"origin": "http://127.0.0.1:7860"}).status_code == 200


def test_body_limits_declared_and_streamed():
    c = client(max_body=1000)
    assert c.post("/x", content=b"a" * 1000).json()["n"] == 1000
    assert c.post("/x", content=b"a" * 1001).status_code == 413

    def chunks():
        for _ in range(10):
            yield b"a" * 300

    r = c.post("/x", content=chunks())  # no Content-Length
    assert r.status_code == 413 and "too large" in r.text


def test_uploads_only_for_the_admin_with_their_own_limit():
    assert client().post("/gradio_api/upload", content=b"a").status_code == 403
    admin = client(admin=True, max_body=1000, max_upload=5000)
    assert admin.post("/gradio_api/upload", content=b"a" * 4000).status_code == 200
    assert admin.post("/gradio_api/upload", content=b"a" * 5001).status_code == 413


def test_page_load_without_the_required_login_goes_to_the_login_page():
    c = client(login_required=True)
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/pqa/login"
    assert c.get("/config").status_code == 200  # the app itself answers 401 there (Gradio's login_check)
    assert client(login_required=True, admin=True).get("/", follow_redirects=False).status_code == 200
