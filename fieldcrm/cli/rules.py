"""``fieldcrm rules …`` (strategic rules) and ``fieldcrm notify send`` (push delivery)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from fieldcrm.cli.common import console, err_console, open_session, reported_errors, settings
from fieldcrm.services import notifications, scoring

app = typer.Typer(
    help="Règles stratégiques : lister, valider, importer, exécuter.", no_args_is_help=True
)
notify_app = typer.Typer(
    help="Notifications : envoyer les messages en attente.", no_args_is_help=True
)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        err_console.print(f"Impossible de lire {path} : {exc}", style="red")
        raise typer.Exit(2) from exc


@app.command("validate")
def validate(file: Path = typer.Argument(..., help="Fichier YAML ou JSON de règles")) -> None:
    """Check a rules file; every problem is printed with its path (rules[1].when…)."""
    with reported_errors():
        rules = scoring.validate_document(_read(file))
    console.print(f"{len(rules)} règle(s) valide(s) : " + ", ".join(r.key for r in rules))


@app.command("import")
def import_(file: Path = typer.Argument(..., help="Fichier YAML ou JSON de règles")) -> None:
    """Validate a rules file, then store its rules (replacing rules with the same key)."""
    text = _read(file)
    with open_session() as session:
        saved = scoring.import_rules(session, text)
    console.print(f"{len(saved)} règle(s) importée(s) : " + ", ".join(r.key for r in saved))


@app.command("list")
def list_() -> None:
    """List the stored rules."""
    with open_session() as session:
        rules = scoring.list_rules(session)
    table = Table("clé", "active", "description", "modifiée")
    for rule in rules:
        table.add_row(
            rule.key,
            "oui" if rule.enabled else "non",
            rule.description.strip()[:60],
            f"{rule.updated_at:%Y-%m-%d %H:%M}" if rule.updated_at else "",
        )
    console.print(table)


@app.command("run")
def run(
    dry_run: bool = typer.Option(False, "--dry-run", help="Lister ce qui se déclencherait"),
    date: str = typer.Option(
        None, "--date", help="Date d’exécution AAAA-MM-JJ (défaut : aujourd’hui)"
    ),
    show: int = typer.Option(50, help="Nombre de déclenchements listés"),
) -> None:
    """Evaluate every enabled rule (idempotent: one alert per rule, account and period)."""
    try:
        as_of = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError as exc:
        err_console.print(f"--date : date invalide {date!r} (attendu AAAA-MM-JJ)", style="red")
        raise typer.Exit(2) from exc
    with open_session() as session:
        report = scoring.run_rules(
            session, as_of=as_of, dry_run=dry_run, settings=settings(), keep=show
        )
    mode = "simulation" if dry_run else "exécution"
    console.print(
        f"{mode} du {as_of} : {report.rules} règle(s), {report.accounts} compte(s), "
        f"{report.firings} déclenchement(s)"
    )
    for key, n in sorted(report.by_rule.items()):
        console.print(f"  {key} : {n}")
    if report.fired:
        table = Table("règle", "compte", "période", "objet")
        for item in report.fired[:show]:
            table.add_row(item.rule_key, item.account, item.period, item.subject)
        console.print(table)
    if not dry_run:
        console.print(
            f"nouvelles alertes {report.new_alerts}, tâches {report.tasks}, "
            f"notifications {report.notifications}, réaffectations {report.reassigned}, "
            f"rappels {report.reminders}, priorités mises à jour "
            f"{report.priorities_updated}"
        )
    console.print("durées : " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))


@notify_app.command("send")
def send(limit: int = typer.Option(500, help="Nombre maximum de messages par passage")) -> None:
    """Deliver due notifications (email, SMS, in-app); failures are retried later."""
    with open_session() as session:
        report = notifications.deliver_pending(session, settings=settings(), limit=limit)
    console.print(f"envoyées {report.sent}, à réessayer {report.retry}, en échec {report.failed}")
