"""``fieldcrm geocode``: geocode pending accounts in resumable batches, with a progress bar
and a summary; ``fieldcrm geocode reverse LON LAT`` for the nearest commune and address."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from fieldcrm.cli.common import console, open_session, settings
from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.services import ban, geocoding
from fieldcrm.services.geocoding import SYSTEM, GeocodeSummary

app = typer.Typer(
    help="Géocodage des comptes : par lots reprenables, hors ligne possible.",
    invoke_without_command=True,
)

PRECISION_FR = {"housenumber": "numéro", "street": "rue", "municipality": "commune"}


def summary_table(summary: GeocodeSummary) -> Table:
    """The end-of-run summary: matched by precision, to review, failed, cache use."""
    table = Table(title="Géocodage : résumé")
    table.add_column("Résultat")
    table.add_column("Comptes", justify="right")
    for precision in ("housenumber", "street", "municipality"):
        table.add_row(
            f"trouvés — précision {PRECISION_FR[precision]}", str(summary.matched[precision])
        )
    table.add_row("à revoir", str(summary.to_review))
    table.add_row("en échec", str(summary.failed))
    table.add_row("total traité", str(summary.processed))
    table.add_row("réponses du cache", str(summary.cached))
    if summary.locked:
        table.add_row("verrouillés (position manuelle), ignorés", str(summary.locked))
    if summary.missing:
        table.add_row("introuvables", str(summary.missing))
    if summary.changed:
        table.add_row("modifiés pendant le géocodage, laissés tels quels", str(summary.changed))
    for provider, calls in sorted(summary.asked.items()):
        table.add_row(f"appels {provider}", str(calls))
    return table


@app.callback()
def geocode(
    ctx: typer.Context,
    batch_size: int = typer.Option(
        200, "--batch-size", min=1, help="Comptes par lot (un commit par lot)"
    ),
    offline: bool = typer.Option(
        False, "--offline", help="Sans réseau : répertoire des communes seulement"
    ),
    account: list[int] = typer.Option([], "--account", help="Re-géocoder ces comptes (répétable)"),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Reprendre aussi les échecs"),
    refresh: bool = typer.Option(False, "--refresh", help="Ignorer le cache"),
) -> None:
    """Geocode pending accounts (or the --account selection); resumable after interruption."""
    if ctx.invoked_subcommand is not None:
        return
    chain = geocoding.chain_from_settings(settings(), offline=offline)
    with open_session() as session:
        total = (
            len(set(account))
            if account
            else geocoding.count_todo(session, retry_failed=retry_failed)
        )
        console.print(f"Fournisseurs : {', '.join(chain.names)} — {total} compte(s) à traiter")
        with Progress(
            TextColumn("{task.description}", style="progress.description", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Géocodage", total=total)
            summary = geocoding.geocode_accounts(
                session,
                actor=SYSTEM,
                chain=chain,
                batch_size=batch_size,
                account_ids=account or None,
                retry_failed=retry_failed,
                refresh=refresh,
                progress=lambda n: progress.advance(task, n),
            )
    console.print(summary_table(summary))
    if chain.down:
        console.print(
            "Hors service pendant l’exécution (à relancer plus tard) : " + ", ".join(chain.down),
            style="yellow",
        )
    for reason, count in summary.reasons.most_common(5):
        console.print(f"  échec ×{count} : {reason}")


@app.command("reverse")
def reverse(
    lon: float = typer.Argument(..., help="Longitude"),
    lat: float = typer.Argument(..., help="Latitude"),
    offline: bool = typer.Option(False, "--offline", help="Commune seulement, sans réseau"),
) -> None:
    """Nearest commune (offline) and nearest address (online provider) of a point."""
    try:
        point = GeoPoint(lon, lat)
    except InvalidInput as exc:
        console.print(str(exc), style="red")
        raise typer.Exit(2) from exc
    answer = geocoding.reverse(
        point, chain=geocoding.chain_from_settings(settings(), offline=offline)
    )
    console.print(
        f"Commune : {answer.commune} ({answer.insee}, {answer.postcode}), "
        f"centre à {answer.commune_distance_m:.0f} m"
    )
    if answer.address:
        console.print(f"Adresse : {answer.address} ({answer.address_provider})")


@app.command("load-ban")
def load_ban(
    file: Path = typer.Argument(
        ..., help="Export BAN d’un département (adresses-NN.csv ou .csv.gz)"
    ),
) -> None:
    """Load a Base Adresse Nationale département file for offline house-number geocoding
    (reloading a département replaces it)."""
    with (
        open_session() as session,
        Progress(
            TextColumn("{task.description}", style="progress.description", markup=False),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress,
    ):
        task = progress.add_task(f"Lecture de {file.name}", total=None)

        def advance(done: int, size: int) -> None:
            progress.update(task, completed=done, total=size)

        summary = ban.load_ban(session, actor=SYSTEM, path=file, progress=advance)
    console.print(
        f"BAN chargée : département(s) {', '.join(summary.departments)} — "
        f"{summary.addresses} adresses, {summary.streets} voies"
        + (f", {summary.skipped} ligne(s) ignorée(s)" if summary.skipped else "")
    )


@app.command("ban")
def ban_status() -> None:
    """The Base Adresse Nationale départements loaded."""
    with open_session() as session:
        rows = ban.loaded(session, actor=SYSTEM)
    if not rows:
        console.print("Aucun département BAN chargé (fieldcrm geocode load-ban FICHIER).")
        return
    table = Table(title="Base Adresse Nationale chargée")
    for column in ("Département", "Fichier", "Voies", "Adresses", "Chargé le"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.department,
            r.source,
            str(r.streets),
            str(r.addresses),
            f"{r.loaded_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)
