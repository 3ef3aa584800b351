"""Measure the web app over raw HTTP and print figures (no assertions; see tests/ui for those).

    python scripts/bench_web.py URL PID sessions [N]     open N new sessions (page, config, load event
                                                         over the queue) and print the server's RSS
    python scripts/bench_web.py URL PID payload [MB]     post a chat history of MB megabytes
    python scripts/bench_web.py URL PID logins [N]       N wrong passwords in a row for one user
    python scripts/bench_web.py URL PID targets [N]      N targets queries; files left under /tmp
    python scripts/bench_web.py URL PID chat-during-upload [KB]
                                                         upload a KB-sized document as the admin and ask
                                                         questions until its ingest is done: latencies

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


def tmp_files() -> set[str]:
    out = set()
    for root, _dirs, files in os.walk("/tmp"):
        if root.startswith(("/tmp/pqa-", "/tmp/gradio")):
            out.update(os.path.join(root, f) for f in files)
    return out


def bench_targets(url: str, pid: int, n: int) -> None:
    """n targets queries (half of them distinct); the files they leave under /tmp."""
    client = httpx.Client(timeout=60)
    cfg = config(client, url)
    fn = fn_index(cfg, api_name="targets")
    offset = int(time.time()) % 1000 * 100  # other keywords than an earlier run's
    before = tmp_files()
    for i in range(n):
        run_event(client, url, fn, ["全部", "全部", f"企业 {i + offset}" if i % 2 else "高新技术"])
    new = sorted(tmp_files() - before)
    print(f"{n} targets queries: {len(new)} new files under /tmp/pqa-* and /tmp/gradio")
    for f in new[:10]:
        print("  ", f)


def bench_chat_during_upload(url: str, pid: int, kb: int) -> None:
    """Upload a ~kb KB document (the corpus's own text, retitled) as the admin; while it is being
    ingested, ask a question again and again; print the latencies during and after."""
    admin = httpx.Client(timeout=120)
    r = admin.post(url + "login", data={"username": os.environ["PQA_ADMIN_USER"],
                                        "password": os.environ["PQA_ADMIN_PASSWORD"]})
    assert r.status_code == 303, r.text[:200]
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt")))
    body = ("2025年测试区科技创新工作要点（压力测试）\n" + text * (kb * 1024 // len(text.encode()) + 1))
    body = body.encode()[:kb * 1024].decode(errors="ignore")
    up = admin.post(f"{url}{API}/upload", files={"files": (f"bench-{int(time.time())}.txt", body.encode())})
    assert up.status_code == 200, up.text
    cfg = config(admin, url)
    upload = next(d["id"] for d in cfg["dependencies"] if d.get("api_name") == "upload_run")
    tick = next(d["id"] for d in cfg["dependencies"] if d.get("api_name") == "tick")
    chat = fn_index(cfg, api_name="chat")
    print(run_event(admin, url, upload, [[{"path": up.json()[0], "meta": {"_type": "gradio.FileData"}}]]))
    reader = httpx.Client(timeout=120)
    during, t0 = [], time.monotonic()
    while True:
        t = time.monotonic()
        run_event(reader, url, chat, ["咸宁2024年要通过认定多少家高新技术企业？", None, "全部", "全部", "全部"])
        during.append(time.monotonic() - t)
        admin.post(f"{url}{API}/queue/join", json={"data": [0], "fn_index": tick, "session_hash": "benchtick",
                                                      "event_data": None, "trigger_id": None})
        done = ""
        with admin.stream("GET", f"{url}{API}/queue/data", params={"session_hash": "benchtick"}) as st:
            for line in st.iter_lines():
                if line.startswith("data:") and '"process_completed"' in line:
                    done = line
                    break
        if "索引" in done or "失败" in done or time.monotonic() - t0 > 1800:
            break
    after = []
    for _ in range(5):
        t = time.monotonic()
        run_event(reader, url, chat, ["咸宁2024年要通过认定多少家高新技术企业？", None, "全部", "全部", "全部"])
        after.append(time.monotonic() - t)
    during.sort()
    print(f"ingest of {kb} KB took ~{time.monotonic() - t0:.0f} s; {len(during)} answers during it: "
          f"median {during[len(during) // 2]:.2f} s, max {during[-1]:.2f} s; after: median {sorted(after)[2]:.2f} s")


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
    elif what == "chat-during-upload":
        bench_chat_during_upload(url, pid, int(arg or 100))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
