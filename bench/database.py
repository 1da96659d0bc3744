"""A throw-away PostGIS database per benchmark, on the local cluster the product prepares."""

from __future__ import annotations

from fieldcrm.config import get_settings
from fieldcrm.store import migrate
from fieldcrm.store.embedded import drop_database, local_database_url, recreate_database


def server_url() -> str:
    """SQLAlchemy URL of the product's default database (prepared by ``make setup``)."""
    return local_database_url(get_settings())


def plain(url: str) -> str:
    """``url`` for psycopg (no SQLAlchemy driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def fresh_db(name: str) -> str:
    """Drop and recreate database ``name``, migrate it to head; return its SQLAlchemy URL."""
    url = recreate_database(server_url(), name)
    migrate.upgrade(url)
    return url


def drop_db(url: str) -> None:
    """Drop the database ``url`` names."""
    drop_database(url)
