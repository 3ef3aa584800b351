"""The web app attacked over raw HTTP (issue 14 item 1): no gradio_client, only what any client
can send — ``POST /gradio_api/queue/join`` with each admin handler's ``fn_index``, multipart
uploads, forged Host / Origin headers, wrong passwords.

Three servers, each on its own copy of the test index: default settings (no accounts), an admin
account only (reading open), and viewer + admin accounts (reading needs a login). In every one,
every admin handler is refused to anyone but the admin, and nothing on disk changes.
"""
from __future__ import annotations

import json
import time

import pytest

from store import MANIFEST

from tests.ui import webapp as W

pytestmark = pytest.mark.slow

ADMIN_PW = "correct horse battery staple"
VIEWER_PW = "viewer-secret-1"
# the admin handlers, by their function's name (Gradio's default api_name)
ADMIN_HANDLERS = ["upload_run", "delete_run", "meta_save", "eval_run"]
REFUSED = ("此操作需要管理员登录", "管理操作已关闭")
MODES = {
    "default": {},
    "admin-only": {"PQA_ADMIN_USER": "admin"},
    "viewer+admin": {"PQA_ADMIN_USER": "admin", "PQA_AUTH_USER": "viewer", "PQA_AUTH_PASSWORD": VIEWER_PW},
}


@pytest.fixture(scope="module", params=list(MODES))
def server(request, tmp_path_factory, settings, built_index):
    from ui.security import hash_password

    env = dict(MODES[request.param])
    if "PQA_ADMIN_USER" in env:
        env["PQA_ADMIN_PASSWORD"] = hash_password(ADMIN_PW)  # a hash, as the README recommends
    env["PQA_TRUSTED_PROXIES"] = "127.0.0.1"  # lets a test speak for several client addresses
    app = W.start_app(tmp_path_factory.mktemp(f"http-{request.param}"), settings.corpus_dir,
                      settings.index_dir, env)
    app.mode = request.param
    try:
        yield app
    finally:
        W.stop_app(app)


def disk_state(app) -> dict:
    """What an admin action would change: corpus files, metadata.toml, the index manifest."""
    meta = app.corpus / "metadata.toml"
    return {"files": sorted(p.name for p in app.corpus.iterdir()),
            "metadata": meta.read_text(encoding="utf-8") if meta.exists() else None,
            "manifest": (app.index / MANIFEST).read_text(encoding="utf-8")}


def admin_calls(app, cfg, upload_path: str | None) -> list[tuple[str, int, list]]:
    """(name, fn_index, data) of every admin handler with arguments that would do real work."""
    doc = sorted(p.name for p in app.corpus.iterdir() if p.suffix == ".txt")[0]
    file_data = {"path": upload_path or str(app.corpus / doc), "orig_name": "new.txt",
                 "meta": {"_type": "gradio.FileData"}}
    args = {"upload_run": [[file_data]], "delete_run": [doc, True],
            "meta_save": [doc, "被改写的标题", "", "", "", "", "", "", ""], "eval_run": ["evals/qa.jsonl", None]}
    return [(name, W.by_name(cfg, name)["id"], args[name]) for name in ADMIN_HANDLERS]


def logged_in(app, user: str, password: str, addr: str = "10.9.9.9"):
    c = W.client()
    r = W.login(c, app.url, user, password, **{"X-Forwarded-For": addr})
    assert r.status_code == 303, r.text[-500:]
    return c


def assert_refused(app, c, before: dict, upload_path: str | None = None) -> None:
    cfg = W.app_config(c, app.url)
    for name, fn, data in admin_calls(app, cfg, upload_path):
        status, output = W.call(c, app.url, fn, data)
        assert status == 200, (name, status, output)
        assert any(word in W.text_of(output) for word in REFUSED), (name, output)
    time.sleep(1.0)  # a job, had one started, would be writing now
    assert disk_state(app) == before


# handlers anyone who may read may run: they change nothing on disk except the feedback log
READER_HANDLERS = {"load_example", "chat", "chat_submit", "on_new_chat", "on_new_chat_1", "on_like", "policy",
                   "targets", "targets_run", "chart", "chart_run", "lambda", "lambda_1", "lambda_2", "lambda_3",
                   "load", "tick", "on_user", "on_load", "on_tick", "refresh"}


# ---------------------------------------------------------------- admin handlers
def test_every_handler_is_either_a_readers_or_a_checked_admin_handler(server):
    """A new handler fails this test until it is classified: an admin one joins ADMIN_HANDLERS
    (and so the attacks below)."""
    c = logged_in(server, "viewer", VIEWER_PW) if server.mode == "viewer+admin" else W.client()
    names = [d.get("api_name") for d in W.app_config(c, server.url)["dependencies"]]
    assert set(ADMIN_HANDLERS) <= set(names)
    assert set(names) - set(ADMIN_HANDLERS) <= READER_HANDLERS, set(names) - set(ADMIN_HANDLERS) - READER_HANDLERS


def test_anonymous_client_cannot_run_any_admin_handler(server):
    before = disk_state(server)
    c = W.client()
    if server.mode == "viewer+admin":  # reading needs a login: nothing at all without one
        assert c.get(server.url).status_code == 303
        assert c.get(server.url + "config").status_code == 401
        cfg = W.app_config(logged_in(server, "viewer", VIEWER_PW), server.url)  # the fn_index values
        for _, fn, data in admin_calls(server, cfg, None):
            r, _ = W.join(c, server.url, fn, data)
            assert r.status_code == 401
    else:
        assert_refused(server, c, before)
    # the multipart upload endpoint itself refuses files from anyone but the admin
    r = c.post(server.url + "gradio_api/upload", files={"files": ("a.txt", "咸宁".encode(), "text/plain")})
    assert r.status_code in (401, 403)
    assert disk_state(server) == before


def test_viewer_login_cannot_run_any_admin_handler(server):
    if server.mode != "viewer+admin":
        pytest.skip("no viewer account in this mode")
    before = disk_state(server)
    c = logged_in(server, "viewer", VIEWER_PW)
    r = c.post(server.url + "gradio_api/upload", files={"files": ("a.txt", "咸宁".encode(), "text/plain")})
    assert r.status_code == 403
    # even with a file the admin uploaded, the viewer's call to the upload handler is refused
    admin = logged_in(server, "admin", ADMIN_PW)
    up = admin.post(server.url + "gradio_api/upload", files={"files": ("x.txt", "江夏区".encode(), "text/plain")})
    assert up.status_code == 200, up.text
    assert_refused(server, c, before, upload_path=up.json()[0])


def test_reading_works_and_the_admin_can_administer(server):
    """The positive control: the same calls do work for the admin (so the refusals above are the
    role check, not malformed requests), and reading works for whoever may read."""
    reader = logged_in(server, "viewer", VIEWER_PW) if server.mode == "viewer+admin" else W.client()
    cfg = W.app_config(reader, server.url)
    chat = W.dependency(cfg, "pqa-question", "submit")["id"]
    status, out = W.call(reader, server.url, chat, ["咸宁2024年要通过认定多少家高新技术企业？", None, "全部", "全部", "全部"])
    assert status == 200 and "310" in W.text_of(out)
    if server.mode == "default":
        return
    admin = logged_in(server, "admin", ADMIN_PW)
    fn = W.by_name(cfg, "meta_save")["id"]
    doc = sorted(p.name for p in server.corpus.iterdir() if p.suffix == ".txt")[0]
    status, out = W.call(admin, server.url, fn, [doc, "", "", "", "2024-13-45", "", "", "", ""])
    assert "日期不存在" in W.text_of(out)  # an impossible date is refused, nothing saved
    assert not (server.corpus / "metadata.toml").exists() or "2024-13-45" not in (
        server.corpus / "metadata.toml").read_text(encoding="utf-8")
    status, out = W.call(admin, server.url, fn, [doc, "", "", "", "2024-02-29", "", "", "", ""])
    assert "正在保存" in W.text_of(out), out
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "2024-02-29" not in (server.corpus / "metadata.toml").read_text("utf-8"):
        time.sleep(0.5)
    assert 'date = "2024-02-29"' in (server.corpus / "metadata.toml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- hosts and origins
def test_foreign_host_is_refused(server):
    c = W.client()
    for path in ("", "config", "login", "gradio_api/queue/join"):
        r = c.get(server.url + path, headers={"Host": "evil.example"})
        assert r.status_code == 400, (path, r.status_code)
        assert "Host" in r.text
    r = c.post(server.url + "login", data={"username": "admin", "password": ADMIN_PW},
               headers={"Host": "attacker.example:80"})
    assert r.status_code == 400
    assert c.get(server.url + "login", headers={"Host": f"localhost:{server.port}"}).status_code == 200


def test_cross_origin_writes_are_refused(server):
    c = W.client()
    evil = {"Origin": "http://evil.example"}
    r = c.post(server.url + "login", data={"username": "admin", "password": ADMIN_PW}, headers=evil)
    assert r.status_code == 403
    r = c.post(server.url + "gradio_api/upload", files={"files": ("a.txt", b"x", "text/plain")}, headers=evil)
    assert r.status_code == 403
    r, _ = W.join(c, server.url, 1, ["问题", None, "全部", "全部", "全部"], **evil)
    assert r.status_code == 403
    # another port on the same host is another origin; so is a Referer from elsewhere and "null"
    for headers in ({"Origin": "http://127.0.0.1:1"}, {"Referer": "http://evil.example/page"}, {"Origin": "null"}):
        assert c.post(server.url + "login", data={"username": "a", "password": "b"}, headers=headers).status_code == 403
    # the page's own origin is fine
    same = {"Origin": server.url.rstrip("/")}
    assert c.post(server.url + "login", data={"username": "nobody", "password": "x"}, headers=same).status_code == 401


# ---------------------------------------------------------------- request size
def test_huge_payloads_are_refused(server):
    pid_rss = W.rss_mb(server.pid)
    c = W.client(timeout=60)
    history = [{"role": "user", "content": "长" * 1000}] * 17_000  # ≈ 50 MB of JSON
    body = json.dumps({"data": ["问题", history, "全部", "全部", "全部"], "fn_index": 1, "session_hash": "abcdefghijk"},
                      ensure_ascii=False).encode()
    assert len(body) > 50_000_000
    r = c.post(server.url + "gradio_api/queue/join", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.text

    def chunks():  # no Content-Length: the limit is enforced while the body streams in
        for i in range(0, len(body), 1 << 20):
            yield body[i:i + (1 << 20)]

    try:
        r = c.post(server.url + "gradio_api/queue/join", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
    except Exception as e:  # the server may also close the connection once the limit is passed
        assert "closed" in str(e).lower() or "disconnect" in str(e).lower() or "reset" in str(e).lower(), e
    assert W.rss_mb(server.pid) - pid_rss < 50


# ---------------------------------------------------------------- lockout (last: it locks accounts)
def test_repeated_login_failures_lock_the_user_and_the_address(server):
    if server.mode == "default":
        r = W.login(W.client(), server.url, "admin", "x")
        assert r.status_code == 401  # no accounts: every login fails, plainly
        return
    c = W.client()
    user = "viewer" if server.mode == "viewer+admin" else "admin"
    good = VIEWER_PW if user == "viewer" else ADMIN_PW
    # per user: five wrong passwords from five addresses lock the name, even for the right password
    for i in range(5):
        r = W.login(c, server.url, user, f"wrong-{i}", **{"X-Forwarded-For": f"10.0.0.{i + 1}"})
        assert r.status_code == (401 if i < 4 else 429), (i, r.status_code)
    r = W.login(c, server.url, user, good, **{"X-Forwarded-For": "10.0.0.99"})
    assert r.status_code == 429 and "分钟后再试" in r.text and int(r.headers["retry-after"]) > 200
    # per address: five failures from one address (any names) lock that address for every name
    for i in range(5):
        W.login(c, server.url, f"guess{i}", "x", **{"X-Forwarded-For": "10.0.1.1"})
    r = W.login(c, server.url, "admin", ADMIN_PW, **{"X-Forwarded-For": "10.0.1.1"})
    assert r.status_code == 429
    if user != "admin":  # the admin from another address is not locked out
        assert W.login(c, server.url, "admin", ADMIN_PW, **{"X-Forwarded-For": "10.0.1.2"}).status_code == 303
