"""The embedded default: prepare and use a local PostgreSQL + PostGIS.

With no ``FIELDCRM_DATABASE_URL``, fieldcrm installs (Debian/Ubuntu, as root) the
``postgresql`` and matching ``postgresql-NN-postgis-3`` packages when missing, starts the
cluster, creates the role and the database and enables PostGIS. Every step is idempotent.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

import psycopg
from psycopg import sql
from pydantic import SecretStr

from fieldcrm.errors import ExternalServiceError

log = logging.getLogger(__name__)

PG_LIB = Path("/usr/lib/postgresql")


def local_url(*, user: str, password: str, database: str, port: int = 5432) -> str:
    """SQLAlchemy URL of a database on the local cluster."""
    return f"postgresql+psycopg://{user}:{password}@127.0.0.1:{port}/{database}"


def _can_connect(user: str, password: str, database: str, port: int) -> bool:
    try:
        with psycopg.connect(
            host="127.0.0.1",
            port=port,
            user=user,
            password=password,
            dbname=database,
            connect_timeout=3,
        ) as conn:
            row = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
            return row is not None
    except psycopg.OperationalError:
        return False


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    log.info("running %s", " ".join(cmd))
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ExternalServiceError(
            f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.strip()}"
        )
    return done


def installed_pg_versions() -> list[int]:
    """Major versions of PostgreSQL server binaries present on this machine."""
    if not PG_LIB.is_dir():
        return []
    return sorted(
        int(p.name)
        for p in PG_LIB.iterdir()
        if p.name.isdigit() and (p / "bin" / "postgres").exists()
    )


def _has_postgis(version: int) -> bool:
    share = Path(f"/usr/share/postgresql/{version}/extension")
    return any(share.glob("postgis.control"))


def install_packages() -> int:
    """Install PostgreSQL and PostGIS with apt when missing; return the server's major version."""
    versions = installed_pg_versions()
    if versions and _has_postgis(versions[-1]):
        return versions[-1]
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise ExternalServiceError(
            "PostgreSQL with PostGIS is not installed and cannot be installed automatically "
            "(needs Debian/Ubuntu and root). Install postgresql and postgresql-NN-postgis-3, "
            "or set FIELDCRM_DATABASE_URL."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
    if not versions:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "postgresql"],
            check=True,
            env=env,
            capture_output=True,
        )
        versions = installed_pg_versions()
    version = versions[-1]
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", f"postgresql-{version}-postgis-3"],
        check=True,
        env=env,
        capture_output=True,
    )
    return version


def _psql(command: str, *, database: str = "postgres") -> str:
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    done = _run([*runner, "psql", "-v", "ON_ERROR_STOP=1", "-qAtX", "-d", database, "-c", command])
    return done.stdout.strip()


def start_cluster(version: int, port: int) -> None:
    """Create (if needed) and start the Debian cluster ``version/main``."""
    listing = _run(["pg_lsclusters", "--no-header"]).stdout
    clusters = [line.split() for line in listing.splitlines() if line.strip()]
    if not any(c[0] == str(version) and c[1] == "main" for c in clusters):
        _run(["pg_createcluster", str(version), "main", "--port", str(port)])
        clusters = [[str(version), "main", str(port), "down"]]
    for cluster in clusters:
        if cluster[0] == str(version) and cluster[1] == "main" and cluster[3] != "online":
            _run(["pg_ctlcluster", str(version), "main", "start"])


def ensure_database(
    *, user: str, password: str, database: str, template_postgis: bool = True
) -> None:
    """Create role and database if missing and enable PostGIS in it."""
    role = _psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{user}'")
    if role != "1":
        _psql(
            sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}")
            .format(sql.Identifier(user), sql.Literal(password))
            .as_string(None)
        )
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
    if exists != "1":
        _psql(
            sql.SQL("CREATE DATABASE {} OWNER {}")
            .format(sql.Identifier(database), sql.Identifier(user))
            .as_string(None)
        )
    if template_postgis:
        _psql("CREATE EXTENSION IF NOT EXISTS postgis", database=database)


def ensure_local_postgis(*, user: str, password: str, database: str, port: int = 5432) -> str:
    """Make sure a local PostGIS database is ready and return its SQLAlchemy URL."""
    if not _can_connect(user, password, database, port):
        version = install_packages()
        start_cluster(version, port)
        ensure_database(user=user, password=password, database=database)
    return local_url(user=user, password=password, database=database, port=port)


class LocalDatabaseSettings(Protocol):
    """The part of :class:`fieldcrm.config.Settings` this adapter reads."""

    database_url: str
    local_db_user: str
    local_db_name: str
    local_db_port: int

    @property
    def local_db_password(self) -> SecretStr: ...


def database_url(settings: LocalDatabaseSettings) -> str:
    """The configured URL, or the embedded local PostGIS prepared on demand."""
    if settings.database_url:
        return settings.database_url
    return ensure_local_postgis(
        user=settings.local_db_user,
        password=settings.local_db_password.get_secret_value(),
        database=settings.local_db_name,
        port=settings.local_db_port,
    )
