"""Accounts, roles and login protection of the web app (no Gradio, no HTTP here).

Two roles: a *viewer* reads (chat, policy finder, targets); an *admin* also administers the library
(upload, delete, metadata) and runs evaluations. Accounts come from the settings: ``auth_user`` /
``auth_password`` is the viewer login (unset: reading needs no login), ``admin_user`` /
``admin_password`` the admin (unset: nobody administers; the library is read-only). A password is
given plainly or as a hash written by :func:`hash_password` (``python app.py --hash-password``).

Every admin handler asks :meth:`Accounts.is_admin` with the user name Gradio derived from the
login cookie (``gr.Request.username``), so hiding a button is never what protects an action.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from base.settings import Settings

VIEWER = "viewer"
ADMIN = "admin"
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


# ---------------------------------------------------------------- passwords
def hash_password(password: str, *, n: int = _SCRYPT["n"], r: int = _SCRYPT["r"], p: int = _SCRYPT["p"]) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) of ``password`` with a random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (a plain password or a :func:`hash_password` hash);
    compared in constant time."""
    if stored.startswith("scrypt$"):
        try:
            _, n, r, p, salt, digest = stored.split("$")
            want = base64.b64decode(digest)
            got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                 p=int(p), dklen=len(want), maxmem=256 * 1024 * 1024)
        except (ValueError, TypeError):
            return False
        return hmac.compare_digest(got, want)
    return hmac.compare_digest(password.encode("utf-8"), stored.encode("utf-8"))


# ---------------------------------------------------------------- accounts
@dataclass(frozen=True)
class Account:
    name: str
    role: str  # VIEWER | ADMIN


class Accounts:
    """The configured logins and their roles."""

    def __init__(self, settings: Settings) -> None:
        self._secrets: dict[str, tuple[str, str]] = {}
        if settings.auth_user and settings.auth_password is not None:
            self._secrets[settings.auth_user] = (settings.auth_password.get_secret_value(), VIEWER)
        if settings.admin_user and settings.admin_password is not None:
            self._secrets[settings.admin_user] = (settings.admin_password.get_secret_value(), ADMIN)
        self.login_required = bool(settings.auth_user)  # reading needs a login
        self.admin_configured = bool(settings.admin_user)
        hashed = any(secret.startswith("scrypt$") for secret, _ in self._secrets.values())
        self._dummy = hash_password(secrets.token_hex(8)) if hashed else secrets.token_hex(16)
        # a hash check takes ~16 MB and tens of ms: at most two at a time, however many logins arrive
        self._checks = threading.BoundedSemaphore(2)

    @property
    def any(self) -> bool:
        return bool(self._secrets)

    def check(self, user: str, password: str) -> Account | None:
        """The account when ``user`` / ``password`` match one, else None. An unknown user costs a hash
        check too, so that timing does not tell which names exist."""
        entry = self._secrets.get(user)
        with self._checks:
            if entry is None:
                verify_password(password, self._dummy)
                return None
            secret, role = entry
            return Account(user, role) if verify_password(password, secret) else None

    def role_of(self, user: str | None) -> str | None:
        entry = self._secrets.get(user or "")
        return entry[1] if entry else None

    def is_admin(self, user: str | None) -> bool:
        return self.role_of(user) == ADMIN


def admin_refusal(accounts: Accounts, user: str | None) -> str | None:
    """None when ``user`` may administer; else the message to show instead of doing it."""
    if accounts.is_admin(user):
        return None
    if not accounts.admin_configured:
        return ("管理操作已关闭：未配置管理员账号（PQA_ADMIN_USER / PQA_ADMIN_PASSWORD），资料库为只读。"
                " / Admin actions are off: no admin account is configured; the library is read-only.")
    return "此操作需要管理员登录。/ This action needs an admin login."


# ---------------------------------------------------------------- lockout
class LoginLimiter:
    """Failed logins counted per user name and per client address. ``max_failures`` failures
    within ``lockout_s`` seconds lock that name / address for ``lockout_s`` seconds; a success
    clears both counters. Bounded: at most ``capacity`` keys are remembered (oldest dropped)."""

    def __init__(self, max_failures: int, lockout_s: float, clock: Callable[[], float] = time.monotonic,
                 capacity: int = 10_000) -> None:
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self.clock = clock
        self.capacity = capacity
        self._lock = threading.Lock()
        # key → [failures, first failure time, locked until]
        self._state: OrderedDict[tuple[str, str], list[float]] = OrderedDict()

    @staticmethod
    def _keys(user: str, addr: str) -> list[tuple[str, str]]:
        return [("user", user.strip().lower()), ("addr", addr or "?")]

    def locked_for(self, user: str, addr: str) -> float:
        """Seconds until ``user`` and ``addr`` may try again (0: they may now)."""
        now = self.clock()
        with self._lock:
            return max([0.0] + [s[2] - now for k in self._keys(user, addr) if (s := self._state.get(k))])

    def failure(self, user: str, addr: str) -> float:
        """Count one failure; returns the lockout now in force (seconds, 0 if none)."""
        now = self.clock()
        with self._lock:
            for k in self._keys(user, addr):
                s = self._state.pop(k, None)
                if s is None or now - s[1] > self.lockout_s:
                    s = [0.0, now, s[2] if s else 0.0]
                s[0] += 1
                if s[0] >= self.max_failures:
                    s[2] = now + self.lockout_s
                    s[0], s[1] = 0.0, now
                self._state[k] = s
            while len(self._state) > self.capacity:
                self._state.popitem(last=False)
        return self.locked_for(user, addr)

    def remaining(self, user: str, addr: str) -> int:
        """Failures left before a lockout (the smaller of the user's and the address's)."""
        now = self.clock()
        with self._lock:
            used = [s[0] for k in self._keys(user, addr)
                    if (s := self._state.get(k)) and now - s[1] <= self.lockout_s]
        return int(self.max_failures - max(used, default=0))

    def success(self, user: str, addr: str) -> None:
        with self._lock:
            for k in self._keys(user, addr):
                s = self._state.get(k)
                if s is not None and s[2] <= self.clock():
                    del self._state[k]


# ---------------------------------------------------------------- login sessions
class LoginSessions:
    """Random tokens (the login cookie) → account, each valid for ``ttl_s`` seconds; bounded."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic, capacity: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self.capacity = capacity
        self._lock = threading.Lock()
        self._tokens: OrderedDict[str, tuple[Account, float]] = OrderedDict()

    def create(self, account: Account) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (account, self.clock() + self.ttl_s)
            while len(self._tokens) > self.capacity:
                self._tokens.popitem(last=False)
        return token

    def get(self, token: str | None) -> Account | None:
        if not token:
            return None
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return None
            if entry[1] <= self.clock():
                del self._tokens[token]
                return None
            return entry[0]

    def drop(self, token: str | None) -> None:
        with self._lock:
            self._tokens.pop(token or "", None)
