"""``fieldcrm demo``: seed the demo company."""

from __future__ import annotations

import datetime as dt

import typer

from fieldcrm.cli.common import console, open_session, settings
from fieldcrm.config import PACKAGE_DATA
from fieldcrm.services import scoring
from fieldcrm.services.demo import seed_demo
from fieldcrm.services.demo_data import PASSWORD
from fieldcrm.store import migrate
from fieldcrm.store.embedded import database_url


def demo(
    reset: bool = typer.Option(True, "--reset/--no-reset", help="Replace existing data."),
    today: str = typer.Option("", help="Reference date (YYYY-MM-DD); default: today."),
    seed: int = typer.Option(2026, help="Random seed (same seed and date → same data)."),
    rules: bool = typer.Option(
        True, "--rules/--no-rules", help="Load the shipped rules and run them once."
    ),
) -> None:
    """Seed a deterministic demo company on the Riviera (migrates the database first)."""
    migrate.upgrade(database_url(settings()))
    reference = dt.date.fromisoformat(today) if today else dt.date.today()
    with console.status("Création de la société de démonstration…"), open_session() as session:
        summary = seed_demo(session, today=reference, reset=reset, seed=seed)
    console.print(
        f"Démo prête au {reference:%d/%m/%Y} : {summary.users} utilisateurs, {summary.accounts} comptes "
        f"({summary.pending_geocoding} à géocoder), {summary.sales_rows} lignes de ventes, "
        f"{summary.activities} activités, {summary.appointments} rendez-vous, "
        f"{summary.territories} territoires."
    )
    if rules:
        with console.status("Règles stratégiques…"), open_session() as session:
            for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
                scoring.import_rules(session, path.read_text(encoding="utf-8"))
            report = scoring.run_rules(session, as_of=reference)
        console.print(
            f"Règles : {report.rules} actives, {report.new_alerts} alertes, {report.tasks} tâches."
        )
    console.print(
        f"Connexion : camille.martin@cafes-riviera.fr (commerciale), claire.lefevre@… "
        f"(directrice), karim.benali@… (affectations), admin@… — mot de passe « {PASSWORD} »"
    )
