"""``fieldcrm territories …``: import/export shapes, assign accounts, balance and rebalance."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from fieldcrm.cli.common import console, err_console, open_session, parse_date
from fieldcrm.http.coverage_text import coverage_text
from fieldcrm.services import assignment
from fieldcrm.services import territories as svc
from fieldcrm.services.territories import SYSTEM

app = typer.Typer(
    help="Territoires : importer, exporter, affecter les comptes, équilibrer.",
    no_args_is_help=True,
)


def _euros(value: float) -> str:
    return f"{value:,.0f} €".replace(",", "\u202f")


@app.command("list")
def list_() -> None:
    """List the territories with their rep, priority, area and accounts."""
    with open_session() as session:
        rows = svc.list_territories(session, actor=SYSTEM, with_geometry=False)
    table = Table("id", "nom", "commercial", "priorité", "km²", "comptes")
    for r in rows:
        table.add_row(
            str(r.id),
            r.name,
            r.rep_name or "—",
            str(r.priority),
            f"{r.area_km2:,.1f}",
            str(r.accounts),
        )
    console.print(table)


@app.command("import")
def import_(file: Path = typer.Argument(..., help="Fichier GeoJSON (FeatureCollection)")) -> None:
    """Create or update (by name) one territory per feature; all or nothing."""
    try:
        document = file.read_bytes()
    except OSError as exc:
        err_console.print(f"Impossible de lire {file} : {exc}", style="red")
        raise typer.Exit(2) from exc
    with open_session() as session:
        result = svc.import_geojson(session, document, actor=SYSTEM)
    console.print(f"{len(result.created)} territoire(s) créé(s), {len(result.updated)} mis à jour.")
    for name, repairs in result.repairs.items():
        console.print(f"  réparé « {name} » : " + "; ".join(repairs))


@app.command("export")
def export(
    file: Path | None = typer.Argument(None, help="Fichier de sortie (sinon la sortie standard)"),
) -> None:
    """Write every territory as GeoJSON (re-importable)."""
    with open_session() as session:
        document = svc.export_geojson(session, actor=SYSTEM)
    text = json.dumps(document, ensure_ascii=False)
    if file is None:
        typer.echo(text)
    else:
        file.write_text(text, encoding="utf-8")
        console.print(f"{len(document['features'])} territoire(s) écrit(s) dans {file}")


@app.command("build")
def build(
    name: str = typer.Argument(..., help="Nom du territoire"),
    commune: list[str] = typer.Option([], "--commune", "-c", help="Code INSEE (répétable)"),
    postcode: list[str] = typer.Option([], "--postcode", "-p", help="Code postal (répétable)"),
    departement: list[str] = typer.Option([], "--departement", "-d", help="Département"),
    rep: int | None = typer.Option(None, "--rep", help="Id du commercial"),
    priority: int = typer.Option(0, "--priority", help="Priorité en cas de chevauchement"),
) -> None:
    """Create a territory as the union of communes, postcodes and départements."""
    with open_session() as session:
        new_id = svc.build_territory(
            session,
            name=name,
            communes=commune,
            postcodes=postcode,
            departements=departement,
            rep_id=rep,
            priority=priority,
            actor=SYSTEM,
        )
    console.print(f"Territoire {new_id} « {name} » créé.")


@app.command("assign")
def assign(
    preview: bool = typer.Option(False, "--preview", help="Afficher les mouvements sans appliquer"),
    reason: str = typer.Option("affectation automatique", "--reason", help="Motif (historique)"),
) -> None:
    """Give every unlocked located account to the rep of the territory covering it."""
    with open_session() as session:
        if preview:
            diff = assignment.preview_assignment(session, actor=SYSTEM)
        else:
            diff = assignment.assign_all(session, actor=SYSTEM, reason=reason)
    table = Table("de", "vers", "territoire avant", "territoire après", "comptes")
    for m in diff.moves:
        table.add_row(
            m.from_rep_name or "—",
            m.to_rep_name or "—",
            str(m.from_territory_id or "—"),
            str(m.to_territory_id or "—"),
            str(m.accounts),
        )
    if diff.moves:
        console.print(table)
    verb = "changeraient" if preview else "ont changé"
    console.print(f"{diff.total} compte(s) {verb} de commercial ou de territoire.")


@app.command("balance")
def balance(
    as_of: str | None = typer.Option(None, "--as-of", help="Date de référence AAAA-MM-JJ"),
) -> None:
    """Metrics per territory: accounts, potential, revenue, workload, distance from home."""
    when = parse_date(as_of, "--as-of") if as_of else None
    with open_session() as session:
        report = svc.balance_report(session, as_of=when, actor=SYSTEM)
    table = Table(
        "territoire",
        "comptes",
        "clients",
        "prospects",
        "potentiel/mois",
        "CA 12 mois",
        "charge h/mois",
        "km domicile",
    )
    for r in report.rows:
        table.add_row(
            r.name,
            str(r.accounts),
            str(r.clients),
            str(r.prospects),
            _euros(r.potential_eur_month),
            _euros(r.revenue_12m),
            f"{r.workload_hours_month:.1f}",
            "—" if r.centroid_home_km is None else f"{r.centroid_home_km:.0f}",
        )
    console.print(table)
    for s in report.spreads:
        console.print(f"  {s.metric}: min {s.minimum:,.1f}, max {s.maximum:,.1f}, CV {s.cv:.2f}")


@app.command("rebalance")
def rebalance(
    metric: str = typer.Option("potential_eur_month", "--metric", help=", ".join(svc.METRICS)),
    max_moves: int = typer.Option(30, "--max-moves", help="Nombre maximal de communes déplacées"),
    as_of: str | None = typer.Option(None, "--as-of", help="Date de référence AAAA-MM-JJ"),
    apply: bool = typer.Option(
        False, "--apply", help="Redessiner les territoires selon la proposition"
    ),
    commune: list[str] = typer.Option(
        [], "--commune", "-c", help="Avec --apply : n’appliquer que ces communes (répétable)"
    ),
) -> None:
    """Propose whole-commune moves between adjacent territories; ``--apply`` redraws them."""
    when = parse_date(as_of, "--as-of") if as_of else None
    with open_session() as session:
        proposal = svc.rebalance_proposal(
            session,
            metric=metric,
            max_moves=max_moves,
            as_of=when,
            actor=SYSTEM,
        )
        applied = (
            svc.apply_rebalance(
                session,
                metric=metric,
                max_moves=max_moves,
                as_of=when,
                codes=commune or None,
                actor=SYSTEM,
            )
            if apply
            else None
        )
    table = Table("commune", "code", "de", "vers", metric)
    for m in proposal.moves:
        table.add_row(m.name, m.code, str(m.from_id), str(m.to_id), f"{m.weight:,.1f}")
    if proposal.moves:
        console.print(table)
    totals = Table("territoire", *(e.metric for e in proposal.effects))
    for tid in sorted(proposal.before):
        totals.add_row(
            str(tid), *(f"{e.before[tid]:,.1f} → {e.after[tid]:,.1f}" for e in proposal.effects)
        )
    console.print(totals)
    for e in proposal.effects:
        if e.worse:
            console.print(
                f"Attention : {e.metric} plus inégal après les déplacements "
                f"(coefficient de variation {e.spread_before.cv:.3f} → {e.spread_after.cv:.3f})."
            )
        for tid in e.pushed_over:
            console.print(
                f"Attention : le territoire {tid} dépasserait le temps de terrain d’un rep."
            )
    for o in proposal.left_out:
        console.print(
            f"Territoire {o.territory_id} laissé hors du rééquilibrage : territoire superposé "
            "(grands comptes, national)."
        )
    console.print(
        f"{len(proposal.moves)} commune(s) proposée(s) ; coefficient de variation "
        f"{proposal.spread_before.cv:.3f} → {proposal.spread_after.cv:.3f}."
    )
    if applied is None:
        console.print("Rien n’est appliqué (--apply pour redessiner).")
    elif not applied.moves:
        console.print("Aucune commune à déplacer : rien n’est redessiné.")
    else:
        console.print(
            f"{len(applied.moves)} commune(s) déplacée(s) ; territoires redessinés : "
            + ", ".join(str(t) for t in applied.territory_ids)
            + ". Les comptes suivront à la prochaine affectation "
            "(fieldcrm territories assign --preview)."
        )


@app.command("overlaps")
def overlaps() -> None:
    """Pairs of overlapping territories, the shared area and who wins it."""
    with open_session() as session:
        found = svc.overlaps(session, actor=SYSTEM)
    for o in found:
        console.print(
            f"{o.first_id} ∩ {o.second_id} : {o.area_m2 / 1e6:,.2f} km², gagné par {o.winner_id}"
        )
    console.print(f"{len(found)} chevauchement(s).")


@app.command("gaps")
def gaps(limit: int = typer.Option(20, "--limit", help="Comptes affichés")) -> None:
    """Accounts placed outside every territory, and every account counted once (in a
    territory, outside every territory, position to check, no position yet), as the
    territories screen says it."""
    with open_session() as session:
        report = svc.gap_report(session, limit=limit, actor=SYSTEM)
    for i in report.gaps[1]:
        console.print(f"{i.id}\t{i.name}\t{i.postcode or ''} {i.city or ''}")
    said = coverage_text(report.coverage)
    for line in (said.outside, said.to_check, said.not_placed, said.total):
        if line:
            console.print(line)


@app.command("queue")
def queue(limit: int = typer.Option(20, "--limit", help="Comptes affichés")) -> None:
    """Accounts without an owner, best priority first, with the reason."""
    with open_session() as session:
        total, items = assignment.unassigned_queue(session, limit=limit, actor=SYSTEM)
    for i in items:
        console.print(f"{i.id}\t{i.name}\t{i.postcode or ''} {i.city or ''}\t{i.reason}")
    console.print(f"{total} compte(s) sans commercial.")


@app.command("give")
def give(
    accounts: list[int] = typer.Argument(..., help="Ids des comptes"),
    rep: int = typer.Option(..., "--rep", help="Id du commercial"),
    lock: bool = typer.Option(True, "--lock/--no-lock", help="Verrouiller contre l’affectation"),
    reason: str = typer.Option("affectation manuelle", "--reason", help="Motif (historique)"),
) -> None:
    """Give accounts to a rep by hand (locked against the automatic assignment by default)."""
    with open_session() as session:
        changed = assignment.manual_assign(
            session, accounts, rep_id=rep, lock=lock, reason=reason, actor=SYSTEM
        )
    console.print(f"{changed} compte(s) attribué(s).")


@app.command("unlock")
def unlock(accounts: list[int] = typer.Argument(..., help="Ids des comptes")) -> None:
    """Let the automatic assignment move these accounts again."""
    with open_session() as session:
        changed = assignment.set_lock(session, accounts, locked=False, actor=SYSTEM)
    console.print(f"{changed} compte(s) déverrouillé(s).")
