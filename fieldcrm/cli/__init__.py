"""The ``fieldcrm`` command-line tool: sub-commands call the same services as the web app."""

from __future__ import annotations

import typer

from fieldcrm.cli import db as db_cli
from fieldcrm.cli import demo as demo_cli
from fieldcrm.cli import geocode as geocode_cli
from fieldcrm.cli import plan as plan_cli
from fieldcrm.cli import report as report_cli
from fieldcrm.cli import roads as roads_cli
from fieldcrm.cli import rules as rules_cli
from fieldcrm.cli import serve as serve_cli
from fieldcrm.cli import territories as territories_cli
from fieldcrm.cli import transfer
from fieldcrm.cli import users as users_cli
from fieldcrm.cli import worker as worker_cli

app = typer.Typer(
    help="fieldcrm: field-sales CRM — geocoding, territories, route planning, rules, costs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(db_cli.app, name="db")
app.command("demo")(demo_cli.demo)
app.command("serve")(serve_cli.serve)
app.command("worker")(worker_cli.worker)
app.add_typer(transfer.import_app, name="import")
app.add_typer(transfer.export_app, name="export")
app.add_typer(rules_cli.app, name="rules")
app.add_typer(geocode_cli.app, name="geocode")
app.add_typer(rules_cli.notify_app, name="notify")
app.add_typer(users_cli.app, name="users")
app.add_typer(territories_cli.app, name="territories")
app.add_typer(plan_cli.app, name="plan")
app.add_typer(roads_cli.app, name="roads")
app.add_typer(report_cli.app, name="report")


def main() -> None:
    """Console-script entry point."""
    app()
