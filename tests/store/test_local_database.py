"""Without FIELDCRM_DATABASE_URL the app only connects: it never installs or creates anything."""

from __future__ import annotations

import subprocess

import pytest
from pydantic import SecretStr

from fieldcrm.config import PROJECT_DIR, Settings
from fieldcrm.store import embedded


def test_a_configured_url_is_used_as_is() -> None:
    settings = Settings(database_url="postgresql+psycopg://u:p@db.example/x", _env_file=None)
    assert embedded.database_url(settings) == "postgresql+psycopg://u:p@db.example/x"


def test_a_missing_local_database_fails_in_french_naming_the_setup(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def forbidden(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"the app ran a command: {args}")

    monkeypatch.setattr(subprocess, "run", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)
    settings = Settings(
        database_url="",
        local_db_name="fieldcrm_no_such_database_x",
        local_db_user="fieldcrm_no_such_role_x",
        local_db_password=SecretStr("nope"),
        _env_file=None,
    )
    with pytest.raises(embedded.LocalDatabaseMissing) as caught:
        embedded.database_url(settings)
    message = str(caught.value)
    assert "make setup" in message and "scripts/setup.sh" in message
    assert "fieldcrm_no_such_database_x" in message and "injoignable" in message
    assert "nope" not in message, "never the password"


def test_no_code_of_the_app_installs_packages_or_creates_roles() -> None:
    for path in (PROJECT_DIR / "fieldcrm").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for needle in ("apt-get", "CREATE ROLE", "SUPERUSER", "pg_createcluster"):
            assert needle not in source, f"{path.name} mentions {needle}"
