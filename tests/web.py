"""Shared helpers for API and page tests: the real app on the rolled-back demo session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.app import create_app
from fieldcrm.config import Settings
from fieldcrm.http.deps import get_session

PASSWORD = "demo1234"
TEST_SECRET = "test-secret-not-for-production-0123456789abcdef"
"""A secret long enough for the app to start (the tests serve over plain HTTP)."""
EMAILS = {
    1: "claire.lefevre@cafes-riviera.fr",
    2: "karim.benali@cafes-riviera.fr",
    3: "admin@cafes-riviera.fr",
    4: "camille.martin@cafes-riviera.fr",
    5: "julien.bernard@cafes-riviera.fr",
    6: "sophie.durand@cafes-riviera.fr",
}


def _request_scope(session: Session) -> Callable[[], Iterator[Session]]:
    """Each request uses the test's session; a request that fails leaves it usable, as in production."""

    def scope() -> Iterator[Session]:
        try:
            yield session
        except Exception:
            session.rollback()
            raise

    return scope


def make_client(session: Session, *, raise_server_exceptions: bool = False) -> TestClient:
    """The real app whose requests use ``session``."""
    settings = Settings(
        database_url="postgresql+psycopg://unused/unused",
        # the product's cap, which a search stops well before (on its iteration budget): a
        # test's plan is then the same under any load (a 1 s cap cut it on a loaded machine)
        planner_time_limit_s=20.0,
        secret_key=TEST_SECRET,
        secure_cookies=False,
        _env_file=None,
    )
    app = create_app(settings, sessions=sessionmaker())
    app.dependency_overrides[get_session] = _request_scope(session)
    return TestClient(app, raise_server_exceptions=raise_server_exceptions)


@contextmanager
def logged_in(session: Session, user_id: int) -> Iterator[TestClient]:
    """A client logged in (cookie and bearer token) as a demo user."""
    client = make_client(session)
    response = client.post("/api/auth/login", json={"email": EMAILS[user_id], "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    yield client


ClientFactory = Callable[[int], TestClient]


@pytest.fixture
def api_as(demo_db: Session) -> Iterator[ClientFactory]:
    """Factory: ``api_as(4)`` is a client logged in as Camille Martin (rep), inside ``demo_db``."""
    with ExitStack() as stack:

        def factory(user_id: int) -> TestClient:
            return stack.enter_context(logged_in(demo_db, user_id))

        yield factory


@pytest.fixture
def anonymous(demo_db: Session) -> TestClient:
    """A client with no session."""
    return make_client(demo_db)
