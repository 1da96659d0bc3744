"""A counted visit takes its account out of the proposals until it is due again (QA: checked in
at « Restauration collective Palmeraie SASU » and wrote the report, yet « Ma journée » still
proposed it « à réserver 08:30–09:32 … jamais visité · +330 € », so did the plan of a later
day, and the account page still said « Visite en retard de 172 jours : +20,0 points » beside
« dernière visite : 07/12/2026 » and « Visite proposée le … pas encore réservée »).

The visit's own day keeps its stop (the rep is there) but its card no longer proposes it; a
later day's card reads « Visité le … » off the route; planning again leaves the account out
until its next visit is due (its interval after the visit); the account page's priority is
counted again from the real last visit, by the nightly run's formulas."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import plan_dates, planning_inputs, scoring
from fieldcrm.store import intervals, plans
from fieldcrm.store.plans import PARIS, PlanRow, ProposalRow
from tests.web import ClientFactory

CAMILLE = 4
TUESDAY = dt.date(2026, 4, 21)
WEDNESDAY = TUESDAY + dt.timedelta(days=1)


def _page(day: dt.date) -> str:
    return f"/journee?date={day.isoformat()}&rep={CAMILLE}"


def _plan(client: TestClient, db: Session, day: dt.date) -> PlanRow:
    done = client.post("/journee/planifier", data={"date": day.isoformat()}, follow_redirects=False)
    assert done.status_code == 303, done.text
    plan_id = db.execute(
        text("SELECT max(id) FROM plans WHERE rep_id = :r AND day = :d"), {"r": CAMILLE, "d": day}
    ).scalar_one()
    return plans.get_plan(db, plan_id)


def _stop(page: str, proposal_id: int) -> tuple[str, str]:
    """The classes and the inside of the proposal's stop."""
    found = re.search(
        rf'<li class="(stop candidate[^"]*)"[^>]*data-proposal="{proposal_id}">(.*?)</li>',
        page,
        re.S,
    )
    assert found is not None, page
    return found.group(1), found.group(2)


def _whole_route(page: str) -> str:
    found = re.search(r'id="whole-route"><a class="button"[^>]*href="([^"]*)"', page)
    assert found is not None
    return found.group(1)


def _visit(client: TestClient, db: Session, account_id: int, key: str, at: str | None) -> None:
    """Check in at the account's own place, then write the report (two messages, one visit)."""
    lon, lat = db.execute(
        text("SELECT ST_X(geom), ST_Y(geom) FROM accounts WHERE id = :a"), {"a": account_id}
    ).one()
    checkin = {"account_id": account_id, "client_key": key, "lon": lon, "lat": lat}
    first = client.post("/api/visits", json=checkin | ({"at": at} if at else {}))
    assert first.status_code == 201, first.text
    done = client.post(
        "/api/visits",
        json={"account_id": account_id, "client_key": key, "outcome": "commande", "report": "Vu."},
    )
    assert done.status_code in (200, 201), done.text
    assert done.json()["counts"] is True


def _candidates(db: Session, day: dt.date) -> set[int]:
    """The accounts the planner may propose to Camille on ``day``."""
    found = planning_inputs.gather(
        db,
        rep_id=CAMILLE,
        first_day=day,
        last_day=day,
        detour_km=30.0,
        max_candidates=400,
        tz="Europe/Paris",
    )
    return {c.id for c in found.candidates}


def _first(plan: PlanRow) -> ProposalRow:
    return min((p for p in plan.proposals if p.status == "proposed"), key=lambda p: p.slot_start)


def _said(inside: str) -> str:
    found = re.search(r'<p class="ok status visited">(.*?)</p>', inside, re.S)
    assert found is not None, inside
    return found.group(1)


def test_a_visited_account_is_no_longer_proposed_that_day_nor_later_until_due(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: dt.datetime(2026, 4, 21, 7, 0, tzinfo=PARIS))
    client = api_as(CAMILLE)
    tuesday, wednesday = _plan(client, demo_db, TUESDAY), _plan(client, demo_db, WEDNESDAY)
    # made at the test's clock (the visits below happen after them, on Tuesday)
    demo_db.execute(
        text("UPDATE plans SET created_at = :t WHERE id = ANY(:ids)"),
        {"t": dt.datetime(2026, 4, 21, 7, 0, tzinfo=PARIS), "ids": [tuesday.id, wednesday.id]},
    )
    # the first proposals of the two days, of two accounts (both days may propose the same
    # account first: it is visited on neither yet)
    x = _first(tuesday)
    y = min(
        (p for p in wednesday.proposals if p.status == "proposed" and p.account_id != x.account_id),
        key=lambda p: p.slot_start,
    )
    before = client.get(_page(TUESDAY)).text
    _, inside = _stop(before, x.id)
    assert "à réserver" in inside and 'class="accept"' in inside
    later = client.get(_page(WEDNESDAY)).text
    y_stop = next(
        s for s in wednesday.result["days"][0]["stops"] if s.get("account_id") == y.account_id
    )
    where = f"{y_stop['lat']},{y_stop['lon']}"
    assert where in _whole_route(later)

    candidates = {d: _candidates(demo_db, d) for d in (TUESDAY, WEDNESDAY)}
    assert x.account_id in candidates[TUESDAY] and y.account_id in candidates[WEDNESDAY]

    # Tuesday: the rep visits X (its stop) and Y (proposed for Wednesday), reports both
    _visit(client, demo_db, x.account_id, "visited-x-0001", f"{TUESDAY}T10:05:00+02:00")
    _visit(client, demo_db, y.account_id, "visited-y-0001", f"{TUESDAY}T11:30:00+02:00")
    due = {
        a: intervals.rhythm(demo_db, a, today=TUESDAY, tz="Europe/Paris").due_on
        for a in (x.account_id, y.account_id)
    }
    assert all(d is not None and d > WEDNESDAY for d in due.values())

    # X's card on its day: no longer a proposal, its stop (the visit) stays on the route
    page = client.get(_page(TUESDAY)).text
    classes, inside = _stop(page, x.id)
    assert classes == "stop candidate"
    assert _said(inside) == (
        "Visité le 21/04/2026 : la visite n’est plus proposée "
        f"(prochaine visite prévue le {due[x.account_id]:%d/%m/%Y})."
    )
    for gone in ("à réserver", 'name="heure"', 'class="accept"', "Refuser", "jamais visité"):
        assert gone not in inside, gone
    assert x.reason and "détour" in x.reason and x.reason.split(" · ")[-1] not in inside

    # Y's card on Wednesday: visited the day before, off the route
    page = client.get(_page(WEDNESDAY)).text
    classes, inside = _stop(page, y.id)
    assert classes == "stop candidate released"
    assert "Visité le 21/04/2026 : la visite n’est plus proposée" in _said(inside)
    for gone in ('class="time"', "à réserver", 'class="accept"', "Refuser", 'class="checkin"'):
        assert gone not in inside, gone
    assert where not in _whole_route(page)

    # the API and accepting say the same
    api = client.get(f"/api/planning/day/{WEDNESDAY.isoformat()}").json()
    assert {p["id"]: p for p in api["proposals"]}[y.id]["bookable"] is None
    refused = client.post(
        f"/journee/propositions/{y.id}",
        data={"accept": "true", "date": WEDNESDAY.isoformat(), "heure": "15:00"},
        follow_redirects=True,
    ).text
    alert = re.search(r'id="day-refusal">(.*?)</p>', refused)
    assert alert is not None and "a été visité le 21/04/2026" in alert.group(1)
    assert plans.get_proposal(demo_db, y.id).status == "proposed"

    # planned again: neither is a candidate before it is due (X not even on its own day)
    assert x.account_id not in _candidates(demo_db, TUESDAY)
    assert y.account_id not in _candidates(demo_db, WEDNESDAY)
    assert y.account_id not in _candidates(demo_db, TUESDAY)
    # ... and from its due day on, it is again
    assert y.account_id in _candidates(demo_db, due[y.account_id])
    assert x.account_id not in {p.account_id for p in _plan(client, demo_db, TUESDAY).proposals}
    assert y.account_id not in {p.account_id for p in _plan(client, demo_db, WEDNESDAY).proposals}


def _section(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</section>", start)]


def test_the_account_page_counts_the_visit_at_once(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime.now(dt.UTC)
    monkeypatch.setattr(plan_dates, "now", lambda: now)
    today = now.astimezone(PARIS).date()
    scoring.run_rules(demo_db, as_of=today)  # the nightly run, as of today
    # Camille's account whose stored priority says its visit is the latest
    account, late, points, index = demo_db.execute(
        text("""SELECT ap.account_id, ap.overdue_days, ap.overdue_points, ap.score
                FROM account_priorities ap
                JOIN account_assignments asg ON asg.account_id = ap.account_id
                JOIN accounts a ON a.id = ap.account_id
                WHERE asg.owner_id = :r AND ap.overdue_days > 0 AND a.geom IS NOT NULL
                ORDER BY ap.overdue_days DESC, ap.account_id LIMIT 1"""),
        {"r": CAMILLE},
    ).one()
    # proposed in five days by a plan of Camille's
    plan_id = demo_db.execute(
        text("""INSERT INTO plans (rep_id, kind, day, status, request, result, created_at)
                VALUES (:r, 'day', (now() + interval '5 days')::date, 'proposed', '{}', '{}',
                        now() - interval '1 hour') RETURNING id"""),
        {"r": CAMILLE},
    ).scalar_one()
    demo_db.execute(
        text("""INSERT INTO plan_proposals (plan_id, account_id, slot_start, slot_end,
                    detour_minutes, detour_km)
                VALUES (:p, :a, date_trunc('day', now() + interval '5 days') + interval '9 hours',
                        date_trunc('day', now() + interval '5 days') + interval '10 hours', 5, 3)"""),
        {"p": plan_id, "a": account},
    )
    client = api_as(CAMILLE)
    page = client.get(f"/comptes/{account}").text
    assert "Visite en retard de" in _section(page, 'id="priority"')
    assert "Visite proposée le" in _section(page, 'id="coming"')

    _visit(client, demo_db, account, "visited-acc-0001", None)

    page = client.get(f"/comptes/{account}").text
    priority = _section(page, 'id="priority"')
    assert "Visite en retard de" not in priority
    stored = demo_db.execute(
        text(
            "SELECT overdue_days, overdue_points, score FROM account_priorities"
            " WHERE account_id = :a"
        ),
        {"a": account},
    ).one()
    assert stored.overdue_days is None and stored.overdue_points is None
    assert stored.score == pytest.approx(index - points, abs=0.011)
    assert f"{today:%d/%m/%Y}" in _section(page, 'id="visit-rhythm"')
    assert "Visite proposée le" not in _section(page, 'id="coming"')
    assert late > 0
