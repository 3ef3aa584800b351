"""规划问答 web app: ``python app.py [--host H] [--port P] [--corpus DIR] [--index DIR] …``

Binds 127.0.0.1:7860 by default. Every setting has a flag (``python app.py --help``) and an
environment variable (PQA_*). Reading is open unless a viewer login is set (PQA_AUTH_USER /
PQA_AUTH_PASSWORD); administering the library needs the admin login (PQA_ADMIN_USER /
PQA_ADMIN_PASSWORD). ``python app.py --hash-password`` prints a hash to use instead of a plain
password. Never shares publicly.
"""
from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def hash_password_prompt() -> int:
    import getpass

    from ui.security import hash_password

    pw = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not pw:
        print("error: empty password", file=sys.stderr)
        return 2
    if sys.stdin.isatty() and getpass.getpass("again: ") != pw:
        print("error: the passwords differ", file=sys.stderr)
        return 2
    print(hash_password(pw))
    return 0


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError

    from base.settings import add_settings_args, settings_from_args

    ap = argparse.ArgumentParser(prog="python app.py", description="规划问答 web app")
    ap.add_argument("--hash-password", action="store_true",
                    help="read a password (prompt or stdin), print its hash for PQA_ADMIN_PASSWORD / PQA_AUTH_PASSWORD")
    add_settings_args(ap)
    args = ap.parse_args(argv)
    if args.hash_password:
        return hash_password_prompt()
    try:
        settings = settings_from_args(args)
    except ValidationError as e:  # never echo the input: it may hold a password
        for err in e.errors(include_input=False):
            where = ".".join(str(x) for x in err.get("loc", ())) or "settings"
            print(f"error: bad setting {where}: {err.get('msg')}", file=sys.stderr)
        return 2

    from ui.app import launch

    launch(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
