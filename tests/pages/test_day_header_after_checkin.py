"""After a check-in, Ma journée's header holds every stop it still lists (QA: checked in at the
day's first proposal, with two others of the day booked elsewhere, the header said « retour
16:55 » — then 17:40 — above a visit still listed at 17:38): the visited stop stays on the
route at its minute, a proposal refused leaves it, the others keep the
minutes their cards show, and the header times the day from them — the departure never
after a stop listed, the return never before a listed visit ends (Camille's demo Tuesday)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import plan_dates
from fieldcrm.store.plans import PARIS, PlanRow, ProposalRow
from tests.pages.test_day_figures_now import _figures
from tests.pages.test_day_visited import CAMILLE, TUESDAY, _page, _plan, _stop, _visit
from tests.web import ClientFactory

EARLY = dt.datetime(2026, 4, 21, 7, 0, tzinfo=PARIS)


def _route(plan: PlanRow) -> list[ProposalRow]:
    by_account = {p.account_id: p for p in plan.proposals}
    stops = plan.result["days"][0]["stops"]
    return [by_account[s["account_id"]] for s in stops if s["kind"] == "candidate"]


def _listed(inside: str) -> str:
    found = re.search(r'<span class="time">(\d\d:\d\d)</span>', inside)
    assert found is not None, inside
    return found.group(1)


def _plus(hhmm: str, minutes: int) -> str:
    at = dt.datetime.combine(TUESDAY, dt.time.fromisoformat(hhmm))
    return (at + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def test_the_header_holds_every_stop_listed_after_a_checkin(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: EARLY)
    client = api_as(CAMILLE)
    plan = _plan(client, demo_db, TUESDAY)
    demo_db.execute(
        text("UPDATE plans SET created_at = :t WHERE id = :i"), {"t": EARLY, "i": plan.id}
    )
    route = _route(plan)
    # the rep checks in at the day's first proposal before its time and writes the report
    # (no longer proposed, still a stop), and refuses one of the afternoon (off the day):
    # the ones after it could start sooner
    visited, refused = route[0], route[3]
    _visit(client, demo_db, visited.account_id, "day18-checkin-01", f"{TUESDAY}T07:44:00+02:00")
    done = client.post(
        f"/journee/propositions/{refused.id}",
        data={"accept": "false", "date": TUESDAY.isoformat()},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    monkeypatch.setattr(plan_dates, "now", lambda: EARLY + dt.timedelta(minutes=45))

    page = client.get(_page(TUESDAY)).text
    figures = _figures(page)
    assert figures.endswith("recalculé avec les rendez-vous de la journée"), figures
    found = re.match(r"Départ (\d\d:\d\d), retour (\d\d:\d\d)", figures)
    assert found is not None, figures
    departure, back = found.groups()
    assert "Visité le 21/04/2026" in _stop(page, visited.id)[1]
    for p in route:
        if p.id == refused.id:
            continue
        inside = _stop(page, p.id)[1]
        if p.id != visited.id:
            assert "à réserver" in inside, (p.account_name, inside)
        at = _listed(inside)
        assert departure <= at, (p.account_name, at, figures)
        assert _plus(at, p.visit_minutes) < back, (p.account_name, at, figures)
