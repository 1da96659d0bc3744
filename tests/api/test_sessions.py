"""Sessions live on the server: logout and a new password end them; guessing is throttled."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth import passwords
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden, RateLimited
from fieldcrm.services import users
from tests.web import EMAILS, PASSWORD

CAMILLE = 4


def _login(client: TestClient, user: int = CAMILLE, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/auth/login", json={"email": EMAILS[user], "password": password})


def _me(client: TestClient, token: str) -> int:
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_logout_ends_the_token_everywhere(anonymous: TestClient) -> None:
    token = _login(anonymous).json()["token"]
    assert _me(anonymous, token) == 200
    out = anonymous.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.status_code == 204
    assert _me(anonymous, token) == 401


def test_the_logout_page_ends_the_cookie_session(anonymous: TestClient) -> None:
    token = _login(anonymous).json()["token"]  # the login also set the cookie
    assert anonymous.get("/api/auth/me").status_code == 200
    anonymous.get("/logout", follow_redirects=False)  # a link or a prefetch: harmless
    assert _me(anonymous, token) == 200
    anonymous.post(
        "/logout", headers={"Origin": "http://testserver"}, follow_redirects=False
    )  # the menu's button
    assert _me(anonymous, token) == 401


def test_a_new_password_ends_every_session(anonymous: TestClient, demo_db: Session) -> None:
    first, second = (_login(anonymous).json()["token"] for _ in range(2))
    users.set_password(
        demo_db, actor=Actor(3, Role.ADMIN), email=EMAILS[CAMILLE], password="nouveau-1234"
    )
    assert _me(anonymous, first) == _me(anonymous, second) == 401
    assert _login(anonymous, password="nouveau-1234").status_code == 200


def test_after_five_failures_even_the_right_password_waits(anonymous: TestClient) -> None:
    for _ in range(5):
        assert _login(anonymous, password="mauvais-mot").status_code == 403
    refused = _login(anonymous)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "900"
    assert "trop de tentatives" in refused.json()["detail"]
    assert _login(anonymous, user=5).status_code == 200, "another account is not locked"


def test_a_success_clears_the_account_failures(anonymous: TestClient) -> None:
    for _ in range(4):
        _login(anonymous, password="mauvais-mot")
    assert _login(anonymous).status_code == 200
    for _ in range(4):
        _login(anonymous, password="mauvais-mot")
    assert _login(anonymous).status_code == 200


def test_an_address_guessing_many_accounts_is_throttled(anonymous: TestClient) -> None:
    for k in range(30):
        anonymous.post("/api/auth/login", json={"email": f"x{k}@nowhere.fr", "password": "x"})
    assert _login(anonymous).status_code == 429


def test_an_unknown_email_costs_the_same_work(anonymous: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = passwords.verify_password

    def counted(password_hash, password):  # type: ignore[no-untyped-def]
        calls.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counted)
    anonymous.post("/api/auth/login", json={"email": "who@nowhere.fr", "password": "essai-1"})
    _login(anonymous, password="essai-2")
    assert calls == ["essai-1", "essai-2"], "one Argon2 verification each, known account or not"


def test_the_login_page_says_when_to_come_back(anonymous: TestClient) -> None:
    for _ in range(5):
        anonymous.post("/login", data={"email": EMAILS[CAMILLE], "password": "mauvais-mot"})
    page = anonymous.post("/login", data={"email": EMAILS[CAMILLE], "password": PASSWORD})
    assert page.status_code == 429
    assert "Trop de tentatives de connexion : réessayez dans 15 minutes." in page.text


def _service_login(db: Session, address: str, password: str = PASSWORD) -> Actor:
    actor, _token = users.log_in(
        db, email=EMAILS[CAMILLE], password=password, address=address, secret="s" * 40
    )
    return actor


def _fail(db: Session, address: str) -> None:
    with pytest.raises(Forbidden):
        _service_login(db, address, password="mauvais-mot")


def _age_failures(db: Session, seconds: int) -> None:
    db.execute(
        text("UPDATE login_failures SET at = at - make_interval(secs => :s)"), {"s": seconds}
    )


def test_five_wrong_passwords_from_one_address_do_not_lock_the_rep_out_on_the_road(
    demo_db: Session,
) -> None:
    """QA 22: anyone could lock a rep out for 15 minutes with 5 wrong passwords. The address
    that guessed waits the window; the account waits only a second after the last failure."""
    for _ in range(5):
        _fail(demo_db, "203.0.113.9")
    with pytest.raises(RateLimited) as guesser:
        _service_login(demo_db, "203.0.113.9")
    assert guesser.value.retry_after_s == 900
    _age_failures(demo_db, 2)  # the account's delay after 5 failures: 1 s
    assert _service_login(demo_db, "198.51.100.7").id == CAMILLE  # the rep's phone
    with pytest.raises(RateLimited):  # the guesser still waits
        _service_login(demo_db, "203.0.113.9")


def test_guessing_from_many_addresses_makes_the_account_wait_a_doubling_delay(
    demo_db: Session,
) -> None:
    for k in range(8):  # 8 failures, each past the delay the ones before set
        _fail(demo_db, f"192.0.2.{k}")
        if k >= 4:  # from the 5th on, each one waits its delay (a minute passes here)
            with pytest.raises(RateLimited):
                _service_login(demo_db, f"192.0.2.{k + 1}")
            _age_failures(demo_db, 60)
    _fail(demo_db, "192.0.2.100")  # the 9th, fresh: 2 ** (9 - 5) = 16 s
    with pytest.raises(RateLimited) as waiting:
        _service_login(demo_db, "198.51.100.7")  # even the right password
    assert 8 < waiting.value.retry_after_s <= 16
    assert "réessayez dans" in str(waiting.value) and "secondes" in str(waiting.value)
    _age_failures(demo_db, 17)
    assert _service_login(demo_db, "198.51.100.7").id == CAMILLE


def test_the_account_delay_doubles_from_one_second_to_its_cap() -> None:
    policy = users.LoginPolicy()
    delays = [policy.account_delay(n).total_seconds() for n in (0, 4, 5, 6, 8, 13, 40)]
    assert delays == [0, 0, 1, 2, 8, 256, 300]
