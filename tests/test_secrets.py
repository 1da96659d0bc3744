"""A weak secret lets anyone forge a session: the app refuses to start with one."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import sessionmaker

from fieldcrm.app import create_app
from fieldcrm.config import DEFAULT_SECRET, InsecureSettings, Settings
from tests.web import TEST_SECRET

URL = "postgresql+psycopg://unused/unused"


@pytest.mark.parametrize("secret", [DEFAULT_SECRET, "", "x", "a" * 31])
@pytest.mark.parametrize("secure", [None, True])
def test_weak_secret_refuses_to_start(secret: str, secure: bool | None) -> None:
    settings = Settings(database_url=URL, secret_key=secret, secure_cookies=secure, _env_file=None)  # type: ignore[arg-type]
    with pytest.raises(InsecureSettings, match="FIELDCRM_SECRET_KEY"):
        create_app(settings, sessions=sessionmaker())


def test_strong_secret_starts_with_secure_cookies_by_default() -> None:
    settings = Settings(database_url=URL, secret_key=TEST_SECRET, _env_file=None)  # type: ignore[arg-type]
    create_app(settings, sessions=sessionmaker())
    assert settings.cookies_secure


def test_development_mode_is_explicit() -> None:
    settings = Settings(database_url=URL, environment="development", _env_file=None)
    create_app(settings, sessions=sessionmaker())
    assert not settings.cookies_secure


@pytest.mark.db
def test_token_signed_with_the_default_secret_is_refused(demo_db) -> None:  # type: ignore[no-untyped-def]
    from tests.web import make_client

    # what the old signed tokens looked like, signed with the default secret: nobody's session
    forged = URLSafeTimedSerializer(DEFAULT_SECRET, salt="fieldcrm-session").dumps({"uid": 3})
    client = make_client(demo_db)
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    client.cookies.set("fieldcrm_session", forged)
    assert client.get("/api/auth/me").status_code == 401
