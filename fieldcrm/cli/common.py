"""Helpers shared by CLI commands: settings, database session, error reporting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.text import Text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import FieldcrmError, InvalidInput
from fieldcrm.store.db import make_engine, session_scope
from fieldcrm.store.embedded import database_url

# Data (account names, alert subjects such as "[fieldcrm] …", file names) is printed as it
# is: no console markup, so brackets are never taken for styles. Colours go through ``style``.
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)


def settings() -> Settings:
    """The process settings."""
    return get_settings()


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a :class:`FieldcrmError` into a message on stderr (every problem of an invalid
    input, one per line) and exit code 1."""
    try:
        yield
    except InvalidInput as exc:
        print_problems(exc)
        raise typer.Exit(1) from exc
    except FieldcrmError as exc:
        err_console.print(Text.assemble(("Erreur :", "red"), f" {exc}"))
        raise typer.Exit(1) from exc


@contextmanager
def open_session() -> Iterator[Session]:
    """A database session on the configured (or local default) PostGIS; errors exit with code 1."""
    with reported_errors():
        url = database_url(settings())
        with session_scope(make_engine(url)) as session:
            yield session


def checked_database_url() -> str:
    """The database URL in use; a missing local database exits with code 1 and the set-up hint."""
    with reported_errors():
        return database_url(settings())


def fail(message: str, code: int = 1) -> None:
    """Print ``message`` on stderr and exit with ``code``."""
    err_console.print(message, style="red")
    raise typer.Exit(code)


def print_problems(exc: InvalidInput) -> None:
    """Print every problem of an invalid input, one per line, on stderr."""
    err_console.print(f"{len(exc.problems)} problème(s) :", style="red")
    for problem in exc.problems:
        err_console.print(f"  {problem}")


def parse_date(value: str, option: str) -> dt.date:
    """An ISO date given on the command line; anything else exits with code 2 naming the option."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        err_console.print(f"{option} : date invalide {value!r} (attendu AAAA-MM-JJ)", style="red")
        raise typer.Exit(2) from exc
