"""Measure the web app over raw HTTP and print figures (no assertions; see tests/app for those).

    python scripts/bench_web.py URL PID sessions [N]     open N new sessions (page, config, load event
                                                         over the queue) and print the server's RSS
    python scripts/bench_web.py URL PID payload [MB]     post a chat history of MB megabytes
    python scripts/bench_web.py URL PID logins [N]       N wrong passwords in a row for one user
    python scripts/bench_web.py URL PID targets [N]      N targets queries; files left under /tmp

URL is the app's root (http://127.0.0.1:7860/), PID the server process (for /proc/PID/status).
Admin steps read PQA_ADMIN_USER / PQA_ADMIN_PASSWORD from the environment.
"""
from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path

import httpx

API = "gradio_api"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def config(client: httpx.Client, url: str) -> dict:
    r = client.get(url + "config")
    r.raise_for_status()
    return r.json()


def fn_index(cfg: dict, *, api_name: str | None = None, trigger: str | None = None) -> int:
    for dep in cfg["dependencies"]:
        if api_name and dep.get("api_name") == api_name:
            return dep["id"]
        if trigger and any(t[1] == trigger for t in dep.get("targets", [])):
            return dep["id"]
    raise SystemExit(f"no event {api_name or trigger} in the app's config")


def run_event(client: httpx.Client, url: str, fn: int, data: list, session: str | None = None,
              timeout: float = 120.0) -> tuple[int, str]:
    """POST queue/join, then read the SSE stream to the end; (join status, last message kind)."""
    session = session or uuid.uuid4().hex[:11]
    body = {"data": data, "fn_index": fn, "session_hash": session, "event_data": None, "trigger_id": None}
    r = client.post(f"{url}{API}/queue/join", json=body)
    if r.status_code != 200:
        return r.status_code, r.text[:200]
    last = ""
    with client.stream("GET", f"{url}{API}/queue/data", params={"session_hash": session}, timeout=timeout) as s:
        for line in s.iter_lines():
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            last = msg.get("msg", "")
            if last == "process_completed":
                ok = msg.get("success", True)
                return 200, "completed" if ok else f"failed: {str(msg.get('output'))[:200]}"
            if last == "close_stream":
                break
    return 200, last


def bench_sessions(url: str, pid: int, n: int) -> None:
    client = httpx.Client(timeout=60)
    cfg = config(client, url)
    load = fn_index(cfg, trigger="load")
    n_inputs = len(next(d for d in cfg["dependencies"] if d["id"] == load)["inputs"])
    start = rss_mb(pid)
    print(f"RSS before: {start:.1f} MB")
    t0 = time.monotonic()
    for i in range(1, n + 1):
        c = httpx.Client(timeout=60)  # a new client: no cookies carried over
        c.get(url)
        run_event(c, url, load, [None] * n_inputs)
        c.close()
        if i % 100 == 0 or i == n:
            print(f"  {i:5d} sessions: RSS {rss_mb(pid):.1f} MB (+{rss_mb(pid) - start:.1f}), "
                  f"{time.monotonic() - t0:.0f} s", flush=True)
    print(f"RSS after {n} sessions: {rss_mb(pid):.1f} MB (+{rss_mb(pid) - start:.1f} MB)")


def bench_payload(url: str, pid: int, mb: float) -> None:
    client = httpx.Client(timeout=300)
    cfg = config(client, url)
    chat = fn_index(cfg, api_name="chat")
    dep = next(d for d in cfg["dependencies"] if d["id"] == chat)
    n_inputs = len(dep["inputs"])
    filler = "长" * 1000
    msgs = []
    size = 0
    while size < mb * 1e6:
        msgs.append({"role": "user", "content": filler})
        msgs.append({"role": "assistant", "content": filler})
        size += 2 * (len(filler.encode()) + 40)
    data = ["咸宁2024年要通过认定多少家高新技术企业？", msgs] + [None] * (n_inputs - 2)
    body = json.dumps({"data": data, "fn_index": chat, "session_hash": uuid.uuid4().hex[:11],
                       "event_data": None, "trigger_id": None}, ensure_ascii=False).encode()
    before = rss_mb(pid)
    t0 = time.monotonic()
    try:
        r = client.post(f"{url}{API}/queue/join", content=body, headers={"content-type": "application/json"})
        status = f"{r.status_code} {r.text[:120]!r}"
    except httpx.HTTPError as e:
        status = f"connection closed: {type(e).__name__}"
    time.sleep(2)
    print(f"payload {len(body) / 1e6:.1f} MB: {status} in {time.monotonic() - t0:.1f} s; "
          f"RSS {before:.1f} → {rss_mb(pid):.1f} MB")


def bench_logins(url: str, pid: int, n: int) -> None:
    client = httpx.Client(timeout=30)
    for i in range(1, n + 1):
        r = client.post(url + "login", data={"username": os.environ.get("PQA_ADMIN_USER", "admin"),
                                             "password": f"wrong-{i}"}, follow_redirects=False)
        print(f"  attempt {i:2d}: {r.status_code} {r.text[:100]!r}")


def tmp_files() -> int:
    n = 0
    for root, _dirs, files in os.walk("/tmp"):
        if root.startswith(("/tmp/pqa-", "/tmp/gradio")) or "/pqa-" in root:
            n += len(files)
    return n


def bench_targets(url: str, pid: int, n: int) -> None:
    client = httpx.Client(timeout=60)
    cfg = config(client, url)
    fn = fn_index(cfg, api_name="targets")
    before = tmp_files()
    for i in range(n):
        run_event(client, url, fn, ["全部", "全部", f"企业 {i}" if i % 2 else "高新技术"])
    print(f"{n} targets queries: files under /tmp/pqa-* and /tmp/gradio {before} → {tmp_files()}")


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    url, pid, what = argv[0].rstrip("/") + "/", int(argv[1]), argv[2]
    arg = argv[3] if len(argv) > 3 else None
    if what == "sessions":
        bench_sessions(url, pid, int(arg or 1000))
    elif what == "payload":
        bench_payload(url, pid, float(arg or 50))
    elif what == "logins":
        bench_logins(url, pid, int(arg or 30))
    elif what == "targets":
        bench_targets(url, pid, int(arg or 100))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
