"""规划问答 web app: ``python app.py [--host H] [--port P] [--corpus DIR] [--index DIR] …``

Binds 127.0.0.1:7860 by default (settings host/port, env PQA_HOST / PQA_PORT). Optional login with
settings auth_user / auth_password (PQA_AUTH_USER / PQA_AUTH_PASSWORD). Never shares publicly.
"""
from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError

    from base.settings import add_settings_args, settings_from_args

    ap = argparse.ArgumentParser(prog="python app.py", description="规划问答 web app")
    ap.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=None, help="port (default 7860)")
    add_settings_args(ap)
    args = ap.parse_args(argv)
    try:
        settings = settings_from_args(args, host=args.host, port=args.port)
    except ValidationError as e:
        print(f"error: bad settings: {e}", file=sys.stderr)
        return 2

    from ui.app import launch

    launch(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
