"""The local default database: use the PostGIS that ``scripts/setup.sh`` prepared.

With no ``FIELDCRM_DATABASE_URL``, fieldcrm connects to the database ``local_db_name`` on the
local cluster (``127.0.0.1:local_db_port``) as ``local_db_user``. It never installs packages,
starts a server or creates a role or a database itself: that is the set-up script's job
(``make setup``), run once by someone allowed to. When the local database cannot be reached,
:class:`LocalDatabaseMissing` says so in French and names the command to run.
"""

from __future__ import annotations

import time
from typing import Protocol

import psycopg
from pydantic import SecretStr

from fieldcrm.errors import ExternalServiceError

SETUP_HINT = "lancez « make setup » (scripts/setup.sh) ou définissez FIELDCRM_DATABASE_URL"


class LocalDatabaseMissing(ExternalServiceError):
    """No FIELDCRM_DATABASE_URL and the local default database cannot be reached."""


def local_url(*, user: str, password: str, database: str, port: int = 5432) -> str:
    """SQLAlchemy URL of a database on the local cluster."""
    return f"postgresql+psycopg://{user}:{password}@127.0.0.1:{port}/{database}"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def check_local_database(*, user: str, password: str, database: str, port: int = 5432) -> str:
    """The local database's URL once a connection succeeds; :class:`LocalDatabaseMissing` otherwise.

    Nothing is created: a missing server, role, database or PostGIS extension is reported
    with the set-up command to run.
    """
    try:
        with psycopg.connect(
            host="127.0.0.1",
            port=port,
            user=user,
            password=password,
            dbname=database,
            connect_timeout=3,
        ) as conn:
            has_postgis = conn.execute(
                "SELECT 1 FROM pg_extension WHERE extname = 'postgis'"
            ).fetchone()
    except psycopg.OperationalError as exc:
        raise LocalDatabaseMissing(
            f"base de données locale « {database} » injoignable sur 127.0.0.1:{port} "
            f"avec le rôle « {user} » ({_first_line(exc)}) : {SETUP_HINT}."
        ) from None
    if has_postgis is None:
        raise LocalDatabaseMissing(
            f"l’extension PostGIS manque dans la base locale « {database} » : {SETUP_HINT}."
        )
    return local_url(user=user, password=password, database=database, port=port)


class LocalDatabaseSettings(Protocol):
    """The part of :class:`fieldcrm.config.Settings` this adapter reads."""

    database_url: str
    local_db_user: str
    local_db_name: str
    local_db_port: int

    @property
    def local_db_password(self) -> SecretStr: ...


def local_database_url(settings: LocalDatabaseSettings) -> str:
    """URL of the local default database, checked (see :func:`check_local_database`)."""
    return check_local_database(
        user=settings.local_db_user,
        password=settings.local_db_password.get_secret_value(),
        database=settings.local_db_name,
        port=settings.local_db_port,
    )


def database_url(settings: LocalDatabaseSettings) -> str:
    """The configured URL, else the local default database if it is there (never created)."""
    if settings.database_url:
        return settings.database_url
    return local_database_url(settings)


def _url_parts(url: str) -> tuple[str, str, str]:
    """(server part, database name, query with its ``?`` or empty) of a database ``url``:
    the one split of a URL around its database name.

    >>> _url_parts("postgresql+psycopg://u:p@db:5432/crm?sslmode=require")
    ('postgresql+psycopg://u:p@db:5432', 'crm', '?sslmode=require')
    >>> _url_parts("postgresql://u:p@db/crm")
    ('postgresql://u:p@db', 'crm', '')
    """
    path, _, query = url.partition("?")
    base, name = path.rsplit("/", 1)
    return base, name, f"?{query}" if query else ""


def _server_conn_url(url: str) -> tuple[str, str]:
    """(psycopg URL of the server's ``postgres`` database, database name) for ``url``; the
    URL's query (``?sslmode=…``) is kept on the first, left out of the second.

    >>> _server_conn_url("postgresql+psycopg://u:p@db:5432/crm?sslmode=require")
    ('postgresql://u:p@db:5432/postgres?sslmode=require', 'crm')
    """
    base, name, query = _url_parts(url.replace("postgresql+psycopg://", "postgresql://"))
    return f"{base}/postgres{query}", name


def drop_database(url: str) -> None:
    """Drop the database ``url`` names, if it exists, closing the connections its role holds.

    ``DROP DATABASE … WITH (FORCE)`` is not used: PostgreSQL 15 refuses it to a role that is
    not a superuser while an autovacuum worker is busy in the database (as right after a bulk
    load). A plain ``DROP DATABASE`` stops autovacuum itself; a connection that closes late
    gets a few more tries.
    """
    server, name = _server_conn_url(url)
    with psycopg.connect(server, autocommit=True) as conn:
        for attempt in range(20):
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND usename = current_user AND pid <> pg_backend_pid()",
                (name,),
            )
            try:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 19:
                    raise
                time.sleep(0.5)


def recreate_database(server_url: str, name: str) -> str:
    """Drop and create the empty database ``name`` beside ``server_url``'s (the same server,
    role and query); return its URL."""
    base, _, query = _url_parts(server_url)
    url = f"{base}/{name}{query}"
    drop_database(url)
    server, _ = _server_conn_url(url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url
