"""Helpers for tests that drive the web app over raw HTTP: start ``app.py`` in a subprocess on a
copy of the test index, and talk to Gradio's queue the way any HTTP client can (no gradio_client:
``POST /gradio_api/queue/join`` with an ``fn_index``, then the SSE stream of
``/gradio_api/queue/data``)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
API = "gradio_api"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(work: Path, corpus: Path, index: Path, env_extra: dict[str, str], timeout: float = 240.0,
              script: str = "app.py"):
    """Copy corpus and index into ``work`` and start ``python app.py`` (or ``script``) there; returns
    a namespace (url, proc, corpus, index, log, pid). Stop it with :func:`stop_app`."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(corpus, work / "corpus")
    shutil.copytree(index, work / "index")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PQA_")}
    env.update({"PQA_CORPUS_DIR": str(work / "corpus"), "PQA_INDEX_DIR": str(work / "index"),
                "PQA_FEEDBACK_FILE": str(work / "feedback.jsonl"), "GRADIO_ANALYTICS_ENABLED": "False",
                "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                "PYTHONUNBUFFERED": "1", **env_extra})
    port = free_port()
    log_path = work / "app.log"
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, script, "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    t0 = time.monotonic()
    while True:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        if "\nready:" in text or text.startswith("ready:"):
            break
        if "not ready:" in text or proc.poll() is not None or time.monotonic() - t0 > timeout:
            stop_app(SimpleNamespace(proc=proc, logfile=log))
            raise RuntimeError(f"the app did not start (exit {proc.poll()}):\n{text[-3000:]}")
        time.sleep(0.3)
    return SimpleNamespace(url=f"http://127.0.0.1:{port}/", port=port, proc=proc, pid=proc.pid,
                           corpus=work / "corpus", index=work / "index", log=log_path, logfile=log, work=work)


def stop_app(app) -> None:
    app.proc.terminate()
    try:
        app.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        app.proc.kill()
        app.proc.wait()
    app.logfile.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------- raw HTTP
def client(**kw) -> httpx.Client:
    return httpx.Client(timeout=kw.pop("timeout", 120), follow_redirects=False, **kw)


def login(c: httpx.Client, url: str, user: str, password: str, **headers) -> httpx.Response:
    return c.post(url + "login", data={"username": user, "password": password}, headers=headers)


def app_config(c: httpx.Client, url: str) -> dict[str, Any]:
    r = c.get(url + "config")
    r.raise_for_status()
    return r.json()


def dependency(cfg: dict[str, Any], elem_id: str, trigger: str = "click") -> dict[str, Any]:
    """The event that ``trigger`` on the component with ``elem_id`` starts."""
    ids = {comp["id"] for comp in cfg["components"] if comp.get("props", {}).get("elem_id") == elem_id}
    for dep in cfg["dependencies"]:
        if any(t[0] in ids and t[1] == trigger for t in dep.get("targets", [])):
            return dep
    raise KeyError(f"no {trigger} event on #{elem_id}")


def by_name(cfg: dict[str, Any], api_name: str) -> dict[str, Any]:
    """The event whose handler has this name (Gradio's api_name defaults to the function's name)."""
    for dep in cfg["dependencies"]:
        if dep.get("api_name") == api_name:
            return dep
    raise KeyError(f"no event named {api_name}")


def join(c: httpx.Client, url: str, fn_index: int, data: list[Any], session: str | None = None,
         **headers) -> tuple[httpx.Response, str]:
    session = session or uuid.uuid4().hex[:11]
    body = {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None}
    return c.post(f"{url}{API}/queue/join", json=body, headers=headers), session


def events(c: httpx.Client, url: str, session: str, timeout: float = 120.0) -> list[dict[str, Any]]:
    """All messages of a session's SSE stream until its event completes."""
    out = []
    with c.stream("GET", f"{url}{API}/queue/data", params={"session_hash": session}, timeout=timeout) as s:
        for line in s.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                out.append(msg)
                if msg.get("msg") in ("process_completed", "close_stream"):
                    break
    return out


def call(c: httpx.Client, url: str, fn_index: int, data: list[Any], **headers) -> tuple[int, Any]:
    """Run one event to its end: (join status, the completed event's output data or the error)."""
    r, session = join(c, url, fn_index, data, **headers)
    if r.status_code != 200:
        return r.status_code, r.text
    done = [m for m in events(c, url, session) if m.get("msg") == "process_completed"]
    if not done:
        return 200, None
    out = done[-1].get("output") or {}
    return 200, out.get("data", out.get("error"))


def text_of(output: Any) -> str:
    """Everything a handler returned, flattened to text (for 'does it say refused')."""
    return json.dumps(output, ensure_ascii=False)
