"""Helpers shared by CLI commands: settings, database session, error reporting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import FieldcrmError
from fieldcrm.store.db import make_engine, session_scope
from fieldcrm.store.embedded import database_url

console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    """The process settings."""
    return get_settings()


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a :class:`FieldcrmError` into a message on stderr and exit code 1."""
    try:
        yield
    except FieldcrmError as exc:
        err_console.print(f"[red]Erreur :[/red] {exc}")
        raise typer.Exit(1) from exc


@contextmanager
def open_session() -> Iterator[Session]:
    """A database session on the configured (or embedded) PostGIS; errors exit with code 1."""
    url = database_url(settings())
    with reported_errors(), session_scope(make_engine(url)) as session:
        yield session


def fail(message: str, code: int = 1) -> None:
    """Print ``message`` on stderr and exit with ``code``."""
    err_console.print(f"[red]{message}[/red]")
    raise typer.Exit(code)
