"""``fieldcrm demo``: seed the demo company."""

from __future__ import annotations

import datetime as dt

import typer

from fieldcrm.cli.common import checked_database_url, console, fail, open_session
from fieldcrm.config import PACKAGE_DATA
from fieldcrm.services import scoring
from fieldcrm.services.demo import describe_existing, existing_data, seed_demo
from fieldcrm.services.demo_data import PASSWORD
from fieldcrm.store import migrate


def demo(
    force: bool = typer.Option(
        False, "--force", help="Erase whatever the database holds and seed the demo again."
    ),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Seed only an empty database; otherwise keep it and say so."
    ),
    today: str = typer.Option("", help="Reference date (YYYY-MM-DD); default: today."),
    seed: int = typer.Option(2026, help="Random seed (same seed and date → same data)."),
    rules: bool = typer.Option(
        True, "--rules/--no-rules", help="Load the shipped rules and run them once."
    ),
) -> None:
    """Seed a deterministic demo company on the Riviera (migrates the database first).

    A database holding anything (accounts, users, audit entries…) is refused unless ``--force``
    (it would be erased); ``--if-empty`` leaves it as it is and exits successfully.
    """
    if force and if_empty:
        fail("--force et --if-empty s’excluent : choisissez l’un des deux.", code=2)
    migrate.upgrade(checked_database_url())
    reference = dt.date.fromisoformat(today) if today else dt.date.today()
    with open_session() as session:
        found = existing_data(session)
    if found and not force:
        what = describe_existing(found)
        if if_empty:
            console.print(f"La base contient déjà des données ({what}) : démo non recréée.")
            return
        fail(
            f"La base contient déjà des données que la démo effacerait : {what}.\n"
            "Relancez avec --force pour tout effacer et recréer la démo "
            "(ou --if-empty pour garder la base telle quelle)."
        )
    with console.status("Création de la société de démonstration…"), open_session() as session:
        summary = seed_demo(session, today=reference, reset=force, seed=seed)
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
