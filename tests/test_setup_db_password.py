"""scripts/setup-db.sh on a machine where the role already exists (a second checkout, a fresh
clone in CI): the first known password that logs in is kept in .env and the machine's file,
nothing else in .env is lost, and the role keeps its password."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from fieldcrm.config import PROJECT_DIR, get_settings


def _setup(env_file: Path, secret_file: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FIELDCRM_LOCAL_DB_PASSWORD"}
    env |= {"FIELDCRM_ENV_FILE": str(env_file), "FIELDCRM_LOCAL_DB_SECRET_FILE": str(secret_file)}
    return subprocess.run(
        ["bash", "scripts/setup-db.sh"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )


def _password_in(path: Path) -> str:
    lines = [
        ln for ln in path.read_text().splitlines() if ln.startswith("FIELDCRM_LOCAL_DB_PASSWORD=")
    ]
    assert len(lines) == 1, lines
    return lines[0].split("=", 1)[1]


def test_a_stale_env_file_takes_the_machines_password_and_keeps_its_other_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    right = get_settings().local_db_password.get_secret_value()
    env_file, secret_file = tmp_path / "checkout.env", tmp_path / "machine" / "local-db.env"
    env_file.write_text("FIELDCRM_SECRET_KEY=keep-me\nFIELDCRM_LOCAL_DB_PASSWORD=stale\n")
    secret_file.parent.mkdir()
    secret_file.write_text(f"FIELDCRM_LOCAL_DB_PASSWORD={right}\n")

    done = _setup(env_file, secret_file)

    assert done.returncode == 0, done.stderr
    assert "setting a new one" not in done.stdout, "the role's password must not change"
    assert _password_in(env_file) == right
    assert "FIELDCRM_SECRET_KEY=keep-me" in env_file.read_text()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_a_working_env_file_is_kept_for_the_machine(tmp_path) -> None:  # type: ignore[no-untyped-def]
    right = get_settings().local_db_password.get_secret_value()
    env_file, secret_file = tmp_path / "checkout.env", tmp_path / "new" / "local-db.env"
    env_file.write_text(f"FIELDCRM_LOCAL_DB_PASSWORD={right}\n")

    done = _setup(env_file, secret_file)

    assert done.returncode == 0, done.stderr
    assert "setting a new one" not in done.stdout
    assert _password_in(secret_file) == right
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
