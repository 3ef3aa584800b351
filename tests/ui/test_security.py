"""Accounts, password hashes, the login lockout and login sessions (ui/security.py)."""
from __future__ import annotations

import pytest

from base.settings import Settings
from ui import security as S


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_password_hashes_verify_and_differ():
    h1, h2 = S.hash_password("秘密 pass"), S.hash_password("秘密 pass")
    assert h1 != h2 and h1.startswith("scrypt$")  # salted
    assert S.verify_password("秘密 pass", h1) and S.verify_password("秘密 pass", h2)
    assert not S.verify_password("秘密 pasS", h1)
    assert S.verify_password("plain", "plain") and not S.verify_password("plain", "plain2")
    assert not S.verify_password("x", "scrypt$broken")
    Settings(admin_user="a", admin_password=h1)  # the settings accept the hash format


def test_roles_from_settings():
    acc = S.Accounts(Settings(auth_user="v", auth_password="vp", admin_user="a", admin_password=S.hash_password("ap")))
    assert acc.login_required and acc.admin_configured
    assert acc.check("a", "ap") == S.Account("a", S.ADMIN)
    assert acc.check("v", "vp") == S.Account("v", S.VIEWER)
    assert acc.check("v", "ap") is None and acc.check("nobody", "vp") is None
    assert acc.is_admin("a") and not acc.is_admin("v") and not acc.is_admin(None) and not acc.is_admin("")
    assert S.admin_refusal(acc, "a") is None
    assert "管理员登录" in S.admin_refusal(acc, "v") and "管理员登录" in S.admin_refusal(acc, None)
    none = S.Accounts(Settings())
    assert not none.login_required and not none.admin_configured and not none.any
    assert "只读" in S.admin_refusal(none, "a")


def test_settings_refuse_half_accounts_and_shared_names():
    with pytest.raises(ValueError):
        Settings(admin_user="a")
    with pytest.raises(ValueError):
        Settings(auth_user="a", auth_password="x", admin_user="a", admin_password="y")
    with pytest.raises(ValueError):
        Settings(admin_user="a", admin_password="scrypt$1$2")  # looks like a hash, is not one


def test_lockout_per_user_and_per_address():
    clock = Clock()
    lim = S.LoginLimiter(max_failures=5, lockout_s=300, clock=clock)
    for i in range(4):
        assert lim.failure("Admin", f"10.0.0.{i}") == 0
    assert lim.remaining("admin", "10.0.0.9") == 1
    assert lim.failure("admin", "10.0.0.5") == pytest.approx(300)  # the fifth: the name is locked
    assert lim.locked_for("ADMIN ", "10.9.9.9") == pytest.approx(300)  # from anywhere, any case
    assert lim.locked_for("other", "10.0.0.1") == 0
    clock.t += 299
    assert lim.locked_for("admin", "1.1.1.1") == pytest.approx(1)
    clock.t += 2
    assert lim.locked_for("admin", "1.1.1.1") == 0  # the lock expires
    for i in range(5):
        lim.failure(f"user{i}", "10.1.1.1")
    assert lim.locked_for("someone", "10.1.1.1") > 0 and lim.locked_for("someone", "10.1.1.2") == 0


def test_failures_spread_over_time_do_not_lock_and_success_clears():
    clock = Clock()
    lim = S.LoginLimiter(max_failures=3, lockout_s=60, clock=clock)
    for _ in range(5):
        lim.failure("a", "x")
        clock.t += 61  # each failure outside the window of the previous
    assert lim.locked_for("a", "x") == 0
    lim.failure("a", "x")
    lim.failure("a", "x")
    lim.success("a", "x")
    lim.failure("a", "x")
    assert lim.locked_for("a", "x") == 0 and lim.remaining("a", "x") == 2


def test_limiter_memory_is_bounded():
    lim = S.LoginLimiter(max_failures=5, lockout_s=60, capacity=100)
    for i in range(1000):
        lim.failure(f"name{i}", f"addr{i}")
    assert len(lim._state) <= 100


def test_login_sessions_expire_and_drop():
    clock = Clock()
    sessions = S.LoginSessions(ttl_s=60, clock=clock, capacity=3)
    t = sessions.create(S.Account("a", S.ADMIN))
    assert sessions.get(t) == S.Account("a", S.ADMIN) and sessions.get("forged") is None and sessions.get(None) is None
    clock.t += 61
    assert sessions.get(t) is None
    tokens = [sessions.create(S.Account(f"u{i}", S.VIEWER)) for i in range(5)]
    assert sessions.get(tokens[0]) is None and sessions.get(tokens[-1]) is not None  # bounded
    sessions.drop(tokens[-1])
    assert sessions.get(tokens[-1]) is None
