"""The deployment files hold together: compose services, health checks, start order, no default
secret; the image runs as a plain user with a health check; the systemd units and the lock file
name what exists. Static checks: no container is started."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
import yaml

from fieldcrm.config import PROJECT_DIR

COMPOSE = PROJECT_DIR / "compose.yaml"
DOCKERFILE = PROJECT_DIR / "Dockerfile"
DEPLOY = PROJECT_DIR / "deploy"
SECRETS = ("POSTGRES_PASSWORD", "FIELDCRM_DB_PASSWORD", "FIELDCRM_SECRET_KEY")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _instructions(text: str) -> list[tuple[str, str]]:
    """Dockerfile instructions as (KEYWORD, arguments), continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def test_compose_runs_the_database_the_web_app_and_a_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"db", "web", "worker"} <= set(services)
    assert "postgis" in services["db"]["image"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["db"]["volumes"])
    assert "pgdata" in compose["volumes"]
    assert services["web"]["command"][:2] == ["fieldcrm", "serve"]
    assert services["worker"]["command"] == ["fieldcrm", "worker"]
    assert services["web"]["image"] == services["worker"]["image"]  # one image, two commands


def test_every_long_running_service_has_a_health_check(compose: dict[str, Any]) -> None:
    for name in ("db", "web", "worker"):
        check = compose["services"][name]["healthcheck"]
        assert not check.get("disable"), name
        assert check["test"][0] in {"CMD", "CMD-SHELL"} and len(check["test"]) > 1, name
    assert "pg_isready" in " ".join(compose["services"]["db"]["healthcheck"]["test"])
    web = compose["services"]["web"]["healthcheck"]["test"]
    assert web[-1] == "ready" and "deploy/healthcheck.py" in web
    assert compose["services"]["worker"]["healthcheck"]["test"][-1] == "worker"


def test_the_app_starts_once_the_database_is_healthy_and_migrated(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name in ("web", "worker", "migrate"):
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}, name
    for name in ("web", "worker"):
        migrate = services[name]["depends_on"]["migrate"]
        assert migrate == {"condition": "service_completed_successfully"}, name
    assert services["migrate"]["command"] == ["fieldcrm", "db", "upgrade"]


def test_no_secret_has_a_default(compose: dict[str, Any]) -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    for name in SECRETS:
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert uses, name
        # ${NAME:?message}: compose refuses to start without it; never ${NAME:-default}
        assert all(u.startswith(":?") for u in uses), (name, uses)
    app_env = compose["services"]["web"]["environment"]
    assert "${FIELDCRM_SECRET_KEY:?" in app_env["FIELDCRM_SECRET_KEY"]
    assert "${FIELDCRM_DB_PASSWORD:?" in app_env["FIELDCRM_DATABASE_URL"]


def test_the_database_role_of_the_app_is_not_a_superuser() -> None:
    init = (DEPLOY / "postgres" / "10-fieldcrm.sh").read_text(encoding="utf-8")
    role = re.search(r"CREATE ROLE fieldcrm ([^;]*);", init)
    assert role and "NOSUPERUSER" in role.group(1) and " SUPERUSER" not in role.group(1)
    assert "CREATE DATABASE fieldcrm OWNER fieldcrm" in init
    assert "CREATE EXTENSION IF NOT EXISTS postgis" in init


def test_the_image_runs_as_a_plain_user_with_a_health_check() -> None:
    steps = _instructions(DOCKERFILE.read_text(encoding="utf-8"))
    keywords = [k for k, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [arg for k, arg in steps if k == "USER"]
    assert users and users[-1] not in {"root", "0", "0:0"}
    assert keywords.index("USER") < keywords.index("CMD")
    health = next(arg for k, arg in steps if k == "HEALTHCHECK")
    assert "deploy/healthcheck.py" in health
    assert "live" in health
    assert next(arg for k, arg in steps if k == "CMD") == '["fieldcrm", "serve"]'
    installs = [arg for k, arg in steps if k == "RUN" and "uv sync" in arg]
    assert installs and all("--locked" in arg for arg in installs)


def test_the_health_check_script_probes_the_app_endpoints() -> None:
    script = (DEPLOY / "healthcheck.py").read_text(encoding="utf-8")
    assert '"/healthz"' in script and '"/readyz"' in script
    assert "check_worker" in script


@pytest.mark.parametrize("unit", ["fieldcrm-web.service", "fieldcrm-worker.service"])
def test_systemd_units_run_the_installed_commands_as_a_plain_user(unit: str) -> None:
    text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
    sections = set(re.findall(r"^\[(\w+)\]$", text, flags=re.M))
    assert sections == {"Unit", "Service", "Install"}
    start = re.search(r"^ExecStart=(.*)$", text, flags=re.M)
    assert start
    command = "serve" if "web" in unit else "worker"
    assert start.group(1).split()[1] == command
    assert re.search(r"^User=(?!root$)\w+$", text, flags=re.M)
    assert re.search(r"^EnvironmentFile=", text, flags=re.M)  # the secret is not in the unit
    assert not re.search(r"^Environment=.*SECRET", text, flags=re.M)


def test_the_lock_file_pins_every_dependency_of_the_project() -> None:
    lock = tomllib.loads((PROJECT_DIR / "uv.lock").read_text(encoding="utf-8"))
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    locked = {p["name"] for p in lock["package"]}
    wanted = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["dev"]
    names = {re.split(r"[\[<>=!~ ;]", w, maxsplit=1)[0].lower().replace("_", "-") for w in wanted}
    assert not names - locked, sorted(names - locked)
    assert all("version" in p for p in lock["package"] if p["name"] != "fieldcrm")


def test_setup_installs_from_the_lock_file() -> None:
    setup = (PROJECT_DIR / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "uv sync" in setup and "--locked" in setup


@pytest.fixture(scope="module")
def gunicorn_conf() -> dict[str, Any]:
    """deploy/gunicorn.conf.py's settings, read as gunicorn reads them (the file is executed;
    gunicorn itself is not needed)."""
    import os
    import runpy

    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("FIELDCRM_GUNICORN")}
    try:
        return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    finally:
        os.environ.update(saved)


def test_gunicorn_runs_the_app_factory_in_uvicorn_workers(gunicorn_conf: dict[str, Any]) -> None:
    import multiprocessing

    assert gunicorn_conf["wsgi_app"] == "fieldcrm.app:app_from_settings()"
    assert gunicorn_conf["worker_class"] == "uvicorn_worker.UvicornWorker"
    cpus = multiprocessing.cpu_count()
    assert gunicorn_conf["workers"] == min(2 * cpus + 1, 9)
    assert [gunicorn_conf["_workers"](n) for n in (1, 2, 4, 16)] == [3, 5, 9, 9]
    assert gunicorn_conf["bind"] == "127.0.0.1:8000"  # behind the proxy, never on all interfaces


def test_gunicorn_trusts_only_the_proxy_and_stops_gracefully(
    gunicorn_conf: dict[str, Any],
) -> None:
    assert gunicorn_conf["forwarded_allow_ips"] == "127.0.0.1"
    assert gunicorn_conf["graceful_timeout"] > 0
    nginx = (DEPLOY / "nginx" / "fieldcrm.conf").read_text(encoding="utf-8")
    read_timeout = re.search(r"proxy_read_timeout (\d+)s;", nginx)
    assert read_timeout and gunicorn_conf["timeout"] > int(read_timeout.group(1))
    upstream = re.search(r"upstream fieldcrm \{\s*server ([\d.:]+);", nginx)
    assert upstream and upstream.group(1) == gunicorn_conf["bind"]


def test_gunicorn_logs_through_the_app_s_format(gunicorn_conf: dict[str, Any]) -> None:
    config = gunicorn_conf["logconfig_dict"]
    assert config["root"]["handlers"] == ["stderr"] and "stderr" in config["handlers"]
    # gunicorn's defaults name handlers this dictionary replaces: its loggers must be redefined
    assert set(config["loggers"]) == {"gunicorn.error", "gunicorn.access"}
    assert gunicorn_conf["accesslog"] is None  # one access line per request, from the app


def test_the_server_extra_is_locked_and_provides_the_worker_class() -> None:
    lock = tomllib.loads((PROJECT_DIR / "uv.lock").read_text(encoding="utf-8"))
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    extra = project["project"]["optional-dependencies"]["server"]
    names = {re.split(r"[<>=!~ ;]", w, maxsplit=1)[0] for w in extra}
    assert names == {"gunicorn", "uvicorn-worker"}
    assert names <= {p["name"] for p in lock["package"]}
    root = next(p for p in lock["package"] if p["name"] == "fieldcrm")
    assert {d["name"] for d in root["optional-dependencies"]["server"]} == names
    unit = (DEPLOY / "systemd" / "fieldcrm-web.service").read_text(encoding="utf-8")
    assert "gunicorn -c /opt/fieldcrm/deploy/gunicorn.conf.py" in unit
