"""``fieldcrm roads``: build and cache the road graph, fetch a place's roads, calibrate crow-fly."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from fieldcrm.cli.common import console, reported_errors, settings
from fieldcrm.routing.network import RoadNetwork, cache_path, load_network
from fieldcrm.services import roads

app = typer.Typer(help="Réseau routier : graphe OSM, cache, temps de trajet.", no_args_is_help=True)


def _summary(network: RoadNetwork, seconds: float, title: str) -> Table:
    table = Table(title=title)
    table.add_column("")
    table.add_column("", justify="right")
    table.add_row("nœuds", f"{network.n_nodes:,}".replace(",", " "))
    table.add_row("arcs", f"{network.n_edges:,}".replace(",", " "))
    table.add_row("km de voies (arcs orientés)", f"{network.metres.sum() / 1000:.1f}")
    table.add_row("durée", f"{seconds:.2f} s")
    return table


@app.command("build")
def build(
    file: Path | None = typer.Argument(
        None, help="Fichier .osm/.osm.pbf (défaut : FIELDCRM_ROAD_NETWORK_FILE)"
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Reconstruire même si le cache existe"),
) -> None:
    """Build the drivable graph of an OSM file and cache it (the second load is fast)."""
    s = settings()
    source = file or Path(s.road_network_file)
    cache_dir = Path(s.road_cache_dir)
    if no_cache and source.is_file():
        cache_path(source, cache_dir).unlink(missing_ok=True)
    start = time.perf_counter()
    with reported_errors(), console.status("construction du graphe…") as status:
        network = load_network(source, cache_dir=cache_dir, progress=lambda m: status.update(m))
    console.print(_summary(network, time.perf_counter() - start, f"Graphe routier : {source.name}"))
    if source.suffix != ".npz":
        console.print(f"cache : {cache_path(source, cache_dir)}")


@app.command("fetch")
def fetch(place: str = typer.Argument(..., help='Lieu, par ex. "Ille-et-Vilaine, France"')) -> None:
    """Download a place's drivable roads from OpenStreetMap (needs the Internet)."""
    start = time.perf_counter()
    with reported_errors(), console.status("téléchargement…") as status:
        network, path = roads.fetch(settings(), place, progress=lambda m: status.update(m))
    console.print(_summary(network, time.perf_counter() - start, f"Graphe routier : {place}"))
    console.print(f"enregistré : {path}\nà utiliser avec FIELDCRM_ROAD_NETWORK_FILE={path}")


@app.command("calibrate")
def calibrate() -> None:
    """Fit the crow-fly fallback on the road graph and print its error."""
    with reported_errors():
        cal = roads.calibration(settings())
    table = Table(title=f"Vol d’oiseau calibré ({cal.n_pairs} trajets du graphe)")
    table.add_column("bande (km)")
    table.add_column("km/h", justify="right")
    table.add_column("trajets", justify="right")
    lower = 0.0
    for (upper, kmh), n in zip(cal.model.bands, cal.pairs_per_band, strict=True):
        label = (
            f"{lower / 1000:g}–{upper / 1000:g}" if upper != float("inf") else f"> {lower / 1000:g}"
        )
        table.add_row(label, f"{kmh:.1f}", str(n))
        lower = upper
    console.print(table)
    console.print(f"facteur de détour : {cal.model.detour:.3f}")
    console.print(
        f"erreur relative sur le temps : médiane {cal.median_error_s:.1%}, "
        f"90e centile {cal.p90_error_s:.1%} (valeurs par défaut : {cal.default_median_error_s:.1%})"
    )
    console.print(
        f"erreur relative sur la distance : médiane {cal.median_error_m:.1%}, "
        f"90e centile {cal.p90_error_m:.1%} (valeurs par défaut : {cal.default_median_error_m:.1%})"
    )
