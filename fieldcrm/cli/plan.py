"""``fieldcrm plan …``: plan a rep's day or trip, list stored plans, accept or reject proposals."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from fieldcrm.auth.roles import SYSTEM
from fieldcrm.cli.common import console, err_console, open_session, parse_date, reported_errors
from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.services import plan_dates
from fieldcrm.services import planning as svc

app = typer.Typer(
    help="Tournées : planifier une journée ou un déplacement, accepter les propositions.",
    no_args_is_help=True,
)


KINDS = {"appointment": "rendez-vous", "candidate": "proposition"}


def _hm(value: Any) -> str:
    if value is None:
        return "—"
    moment = dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(plan_dates.company_zone())
    return moment.strftime("%H:%M")


def print_plan(doc: dict[str, Any]) -> None:
    """Print a stored plan (as :func:`fieldcrm.services.planning.plan_json` gives it)."""
    result = doc["result"]
    for day in result.get("days", []):
        table = Table(
            "#",
            "arrivée",
            "début",
            "départ",
            "étape",
            "type",
            "score",
            title=f"Plan {doc['id']} — {day.get('day', doc['day'])}",
        )
        for i, stop in enumerate(day.get("stops", []), start=1):
            table.add_row(
                str(i),
                _hm(stop.get("arrival")),
                _hm(stop.get("start")),
                _hm(stop.get("departure")),
                str(stop.get("name") or stop.get("label") or ""),
                KINDS.get(stop.get("kind", ""), stop.get("kind", "")),
                f"{stop['score']:.1f}" if stop.get("score") is not None else "",
            )
        console.print(table)
        console.print(
            f"  conduite {day.get('driving_km', 0):.1f} km, "
            f"{day.get('driving_minutes', 0):.0f} min ; attente {day.get('waiting_minutes', 0):.0f} min"
        )
    if doc["proposals"]:
        table = Table("id", "compte", "à réserver", "détour", "statut", title="Propositions")
        for p in doc["proposals"]:
            table.add_row(
                str(p["id"]),
                p["account_name"],
                f"{_hm(p['slot_start'])}–{_hm(p['slot_end'])}",
                f"{p['detour_minutes']:.0f} min, {p['detour_km']:.1f} km",
                p["status"],
            )
        console.print(table)
    omissions = result.get("omissions", [])
    if omissions:
        console.print(f"{len(omissions)} compte(s) écarté(s) :")
        for o in omissions[:15]:
            console.print(f"  {o.get('name', o.get('account_id'))} — {o.get('label', o['reason'])}")
    overnight = result.get("overnight")
    if overnight:
        console.print(Text.assemble("Nuitée : ", (str(overnight.get("label")), "bold")))
    figures = result.get("figures", {})
    console.print(
        f"Valeur des visites : {figures.get('value_eur', 0):.0f} € · "
        f"valeur nette : {figures.get('net_eur', 0):.0f} € "
        f"({result.get('eur_per_km', 0):.3f} €/km)"
    )


@app.command("day")
def day(
    rep: int = typer.Option(..., "--rep", help="Id du commercial"),
    date: str = typer.Option(..., "--date", help="Jour à planifier (AAAA-MM-JJ)"),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Secondes de calcul"),
    as_json: bool = typer.Option(False, "--json", help="Sortie JSON"),
) -> None:
    """Plan a rep's day around the fixed appointments and store it."""
    when = parse_date(date, "--date")
    with open_session() as session:
        plan = svc.plan_day(session, actor=SYSTEM, rep_id=rep, day=when, time_limit_s=time_limit)
        doc = svc.plan_json(plan)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False))
    else:
        print_plan(doc)


@app.command("trip")
def trip(
    rep: int = typer.Option(..., "--rep", help="Id du commercial"),
    start: str = typer.Option(..., "--from", help="Premier jour (AAAA-MM-JJ)"),
    end: str = typer.Option(..., "--to", help="Dernier jour (AAAA-MM-JJ)"),
    hotel: str | None = typer.Option(None, "--hotel", help="Hôtel préféré « lon,lat »"),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Secondes de calcul"),
    as_json: bool = typer.Option(False, "--json", help="Sortie JSON"),
) -> None:
    """Plan a trip of several days with the overnight decision, and store it."""
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    place = None
    if hotel:
        try:
            lon, lat = (float(x) for x in hotel.split(","))
            place = GeoPoint(lon, lat)
        except (ValueError, InvalidInput) as exc:
            err_console.print(f"--hotel : attendu « lon,lat », reçu {hotel!r}", style="red")
            raise typer.Exit(2) from exc
    with open_session() as session:
        plan = svc.plan_trip(
            session,
            actor=SYSTEM,
            rep_id=rep,
            start_day=first,
            end_day=last,
            hotel=place,
            time_limit_s=time_limit,
        )
        doc = svc.plan_json(plan)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    print_plan(doc)
    decision = doc["result"]["overnight"]
    table = Table("", "rentrer chaque soir", "dormir sur place", title="Nuitée ou retour ?")
    for key, label in (
        ("feasible", "faisable"),
        ("value_eur", "valeur des visites (€)"),
        ("km", "km"),
        ("km_cost_eur", "coût km (€)"),
        ("hotel_and_meals_eur", "hôtel et repas (€)"),
        ("net_eur", "valeur nette (€)"),
    ):
        table.add_row(
            label, str(decision["home"].get(key, "—")), str(decision["stay"].get(key, "—"))
        )
    console.print(table)
    if decision["home"].get("error"):
        console.print(f"  retour impossible : {decision['home']['error']}")


@app.command("solve")
def solve(
    problem: Path = typer.Argument(
        ..., help="Problème JSON (docs/planning-json.md) ; « - » : entrée"
    ),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Plafond de sécurité (s)"),
    explain: bool = typer.Option(
        True, "--explain/--no-explain", help="Raisons et détours vérifiés"
    ),
) -> None:
    """Plan a problem given as JSON, without a database, and print the plan as JSON."""
    try:
        text = sys.stdin.read() if str(problem) == "-" else problem.read_text(encoding="utf-8")
        doc = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        err_console.print(f"{problem} : JSON illisible ({exc})", style="red")
        raise typer.Exit(2) from exc
    with reported_errors():
        out = svc.solve_document(doc, time_limit_s=time_limit, explain=explain)
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


@app.command("list")
def list_(
    rep: int = typer.Option(..., "--rep", help="Id du commercial"),
    date: str | None = typer.Option(None, "--date", help="Jour couvert (AAAA-MM-JJ)"),
) -> None:
    """List the rep's latest stored plans."""
    day = parse_date(date, "--date") if date else None
    with open_session() as session:
        rows = svc.list_plans(session, actor=SYSTEM, rep_id=rep, day=day)
    table = Table("id", "type", "jour", "fin", "propositions", "créé le")
    for p in rows:
        table.add_row(
            str(p.id),
            p.kind,
            p.day.isoformat(),
            p.end_day.isoformat() if p.end_day else "",
            str(len(p.proposals)),
            p.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)


@app.command("show")
def show(
    plan_id: int = typer.Argument(..., help="Id du plan"),
    as_json: bool = typer.Option(False, "--json", help="Sortie JSON"),
) -> None:
    """Show a stored plan: stops, proposals, omissions."""
    with open_session() as session:
        # the slots as booked now, as the day page and the API show them
        doc = svc.live_plan_json(session, svc.get_plan(session, actor=SYSTEM, plan_id=plan_id))
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False))
    else:
        print_plan(doc)


@app.command("decide")
def decide(
    proposal_id: int = typer.Argument(..., help="Id de la proposition"),
    accept: bool = typer.Option(True, "--accept/--reject", help="Accepter ou refuser"),
) -> None:
    """Accept (books an appointment at the slot) or reject a proposal."""
    with open_session() as session:
        decision = svc.decide_proposal(
            session, actor=SYSTEM, proposal_id=proposal_id, accept=accept
        )
    p = decision.proposal
    if decision.appointment_id is not None:
        console.print(
            f"Rendez-vous {decision.appointment_id} pris chez {p.account_name} "
            f"le {p.slot_start.astimezone(plan_dates.company_zone()):%d/%m à %H:%M}."
        )
    else:
        console.print(f"Proposition {p.id} ({p.account_name}) refusée.")
