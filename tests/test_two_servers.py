"""Two real app servers (two ``fieldcrm serve`` processes on two ports) on one database, and a
user whose requests alternate between them, as behind a load balancer: the session, the data
and the login throttling live in PostgreSQL, so either server answers the same."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from fieldcrm.auth.passwords import hash_password
from fieldcrm.store import migrate
from fieldcrm.store.users import create_user
from tests.conftest import _drop, _recreate, _server_url
from tests.web import TEST_SECRET

EMAIL = "deux.serveurs@example.fr"
PASSWORD = "bon-mot-de-passe-42"
FIELDCRM = Path(sys.executable).with_name("fieldcrm")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """An empty database of its own (migrated once the servers are starting)."""
    url = _recreate(_server_url(), os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_2srv")
    yield url
    _drop(url)


def _migrate_with_a_user(url: str) -> None:
    """Migrate ``url`` and add one admin who can log in."""
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        create_user(
            session,
            email=EMAIL,
            full_name="Deux Serveurs",
            role="admin",
            password_hash=hash_password(PASSWORD),
        )
        session.commit()
    engine.dispose()


@pytest.fixture(scope="module")
def servers(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Base URLs of two ``fieldcrm serve`` processes on the same database."""
    env = {
        **os.environ,
        "FIELDCRM_DATABASE_URL": database,
        "FIELDCRM_SECRET_KEY": TEST_SECRET,
        "FIELDCRM_SECURE_COOKIES": "false",
        "FIELDCRM_ROUTING_ENGINE": "crowfly",  # no road graph to load: the test stays quick
        "FIELDCRM_LOG_LEVEL": "WARNING",
    }
    logs = tmp_path_factory.mktemp("servers")
    processes, urls, files = [], [], []
    for name in ("a", "b"):
        port = _free_port()
        log = (logs / f"{name}.log").open("w")
        files.append(log)
        command = [str(FIELDCRM), "serve", "--host", "127.0.0.1", "--port", str(port)]
        processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        _migrate_with_a_user(database)  # while the servers import and warm up
        deadline = time.monotonic() + 60
        for url, process in zip(urls, processes, strict=True):
            while True:
                assert process.poll() is None, (logs / "a.log").read_text() + (
                    logs / "b.log"
                ).read_text()
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the app servers did not start"
                time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
        for log in files:
            log.close()


def _post(url: str, path: str, token: str | None, **kwargs: object) -> httpx.Response:
    """A browser's write: the session cookie and the Origin of the server it is sent to."""
    cookies = {"fieldcrm_session": token} if token else None
    return httpx.post(f"{url}{path}", cookies=cookies, headers={"Origin": url}, **kwargs)  # type: ignore[arg-type]


def _get(url: str, path: str, token: str) -> httpx.Response:
    return httpx.get(f"{url}{path}", cookies={"fieldcrm_session": token})


def test_a_session_started_on_one_server_is_honoured_and_ended_on_both(
    servers: list[str],
) -> None:
    a, b = servers
    login = _post(a, "/api/auth/login", None, json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200
    token = login.cookies["fieldcrm_session"]
    assert token == login.json()["token"]

    me = _get(b, "/api/auth/me", token)  # read on B with A's cookie
    assert me.status_code == 200 and me.json()["id"] == login.json()["user_id"]

    created = _post(b, "/api/accounts", token, json={"name": "Cafe des Deux Serveurs"})
    assert created.status_code == 201  # written on B …
    account_id = created.json()["id"]
    seen = _get(a, f"/api/accounts/{account_id}", token)  # … read on A
    assert seen.status_code == 200 and "Cafe des Deux Serveurs" in seen.text

    assert _post(a, "/api/auth/logout", token).status_code == 204  # logged out on A …
    assert _get(b, "/api/auth/me", token).status_code == 401  # … refused on B
    page = httpx.get(f"{b}/comptes", cookies={"fieldcrm_session": token})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_failed_logins_on_both_servers_add_up_to_one_throttle(servers: list[str]) -> None:
    a, b = servers
    wrong = {"email": EMAIL, "password": "mauvais-mot-de-passe"}
    answers = [_post((a, b)[i % 2], "/api/auth/login", None, json=wrong) for i in range(6)]
    # five failures are allowed in the window, whichever server saw them; the sixth is refused
    assert [r.status_code for r in answers] == [403] * 5 + [429]
    right = {"email": EMAIL, "password": PASSWORD}
    for url in (a, b):  # the right password now waits too, on either server
        refused = _post(url, "/api/auth/login", None, json=right)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
