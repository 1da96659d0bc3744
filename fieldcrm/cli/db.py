"""``fieldcrm db``: prepare the database and run migrations."""

from __future__ import annotations

import typer

from fieldcrm.cli.common import checked_database_url, console
from fieldcrm.store import migrate

app = typer.Typer(
    help="Database: migrate, roll back (scripts/setup.sh prepares the local PostGIS).",
    no_args_is_help=True,
)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Apply migrations (to the local default database if no URL is set)."""
    url = checked_database_url()
    migrate.upgrade(url, revision)
    console.print(f"Base de données à jour : {', '.join(sorted(migrate.current_heads(url)))}")


@app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base.")) -> None:
    """Roll migrations back to ``revision``."""
    url = checked_database_url()
    migrate.downgrade(url, revision)
    console.print(f"Base de données ramenée à : {revision}")


@app.command("url")
def url() -> None:
    """Print the database URL in use (password hidden)."""
    from sqlalchemy.engine import make_url

    console.print(make_url(checked_database_url()).render_as_string(hide_password=True))
