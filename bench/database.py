"""A throw-away PostGIS database per benchmark, on the local cluster the product prepares."""

from __future__ import annotations

import psycopg

from fieldcrm.config import get_settings
from fieldcrm.store import migrate
from fieldcrm.store.embedded import local_database_url


def server_url() -> str:
    """SQLAlchemy URL of the product's default database (prepared by ``make setup``)."""
    return local_database_url(get_settings())


def plain(url: str) -> str:
    """``url`` for psycopg (no SQLAlchemy driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def fresh_db(name: str) -> str:
    """Drop and recreate database ``name``, migrate it to head; return its SQLAlchemy URL."""
    base = server_url().rsplit("/", 1)[0]
    with psycopg.connect(plain(base) + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    migrate.upgrade(url)
    return url


def drop_db(url: str) -> None:
    """Drop the database ``url`` names."""
    base, name = plain(url).rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
