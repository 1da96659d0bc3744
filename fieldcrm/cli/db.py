"""``fieldcrm db``: prepare the database and run migrations."""

from __future__ import annotations

import typer

from fieldcrm.cli.common import console, settings
from fieldcrm.store import migrate
from fieldcrm.store.embedded import database_url

app = typer.Typer(
    help="Database: prepare the local PostGIS, migrate, roll back.", no_args_is_help=True
)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Prepare the database (embedded PostGIS if no URL is set) and apply migrations."""
    url = database_url(settings())
    migrate.upgrade(url, revision)
    console.print(f"Base de données à jour : {', '.join(sorted(migrate.current_heads(url)))}")


@app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base.")) -> None:
    """Roll migrations back to ``revision``."""
    url = database_url(settings())
    migrate.downgrade(url, revision)
    console.print(f"Base de données ramenée à : {revision}")


@app.command("url")
def url() -> None:
    """Print the database URL in use (password hidden)."""
    from sqlalchemy.engine import make_url

    console.print(make_url(database_url(settings())).render_as_string(hide_password=True))
