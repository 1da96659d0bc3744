"""Ma journée's header after bookings (QA: « Selon le plan du … : retour 18:22 … déjeuner vers
12:07 » above « Hôtel Carnot à 12:00 » and a last visit 17:57–18:27): once visits are booked
off their planned minute, the departure, return, km and lunch are those of the day as it is
booked now — the return never before the last booking ends, lunch never across a booking —
and say so; a booking beyond the working hours is timed as booked, and said to be; a day
whose bookings cannot follow one another says the plan's figures no longer hold, with the
button to plan it again, and shows none of them."""

from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.plans import PARIS, PlanRow, ProposalRow
from tests.pages.test_day_slots_after_booking import (
    DAY,
    TUESDAY,
    _accept,
    _planned,
    _shown_slot,
)
from tests.web import ClientFactory


def _figures(page: str) -> str:
    found = re.search(r'id="day-figures">(.*?)</p>', page, re.S)
    assert found is not None, "the day's figures are shown"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()))


def _route(plan: PlanRow) -> list[ProposalRow]:
    by_account = {p.account_id: p for p in plan.proposals}
    stops = plan.result["days"][0]["stops"]
    return [by_account[s["account_id"]] for s in stops if s["kind"] == "candidate"]


def _plus(hhmm: str, minutes: int) -> str:
    at = dt.datetime.combine(TUESDAY, dt.time.fromisoformat(hhmm))
    return (at + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def _booked(db: Session) -> list[tuple[str, str]]:
    """The day's appointments not cancelled, as (start, end) in Paris ``HH:MM``."""
    rows = db.execute(
        text(
            """SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') AS s,
                      to_char(ends_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') AS e
               FROM appointments
               WHERE rep_id = 4 AND status <> 'cancelled'
                 AND (starts_at AT TIME ZONE 'Europe/Paris')::date = :d"""
        ),
        {"d": TUESDAY},
    ).all()
    return [(r.s, r.e) for r in rows]


def test_the_header_gives_the_day_as_booked_now(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    stored = plan.result["days"][0]
    lunch = stored["lunch"][11:16]
    page = client.get(DAY).text
    assert _figures(page).startswith(f"Départ {stored['departure'][11:16]}, retour ")
    assert f"déjeuner vers {lunch}" in _figures(page)
    # a visit booked across the planned lunch
    across = None
    for p in _route(plan):
        first, last = _shown_slot(page, p.id)
        at = min(max(lunch, first), last)
        if at < _plus(lunch, 60) and _plus(at, p.visit_minutes) > lunch:
            across = (p, at)
            break
    assert across is not None, "the demo Tuesday has a slot across its lunch"
    page = _accept(client, across[0].id, across[1])
    # the last visit of the route as late as its slot of now allows
    last = _route(plan)[-1]
    latest = _shown_slot(page, last.id)[1]
    page = _accept(client, last.id, latest)
    ends = _plus(latest, last.visit_minutes)

    figures = _figures(page)
    assert "Selon le plan" not in figures
    assert figures.endswith("recalculé avec les rendez-vous de la journée")
    found = re.fullmatch(
        r"Départ (\d\d:\d\d), retour (\d\d:\d\d) · [\d,]+ km, \d+ min de route · attente \d+ min"
        r"(?: \(dont \d+ min de marge après les visites proposées\))?"
        r" · déjeuner vers (\d\d:\d\d) · recalculé avec les rendez-vous de la journée",
        figures,
    )
    assert found is not None, figures
    departure, back, eats = found.groups()
    booked = _booked(demo_db)
    assert back >= max(end for _, end in booked) == ends
    assert departure <= min(start for start, _ in booked)
    assert eats != lunch
    for start, end in booked:
        assert _plus(eats, 60) <= start or end <= eats, (eats, start, end)
    assert 'id="proven-optimal"' not in page, "a claim about the plan, not the day booked"
    assert 'id="figures-gone"' not in page
    english = _figures(client.get(DAY + "&lang=en").text)
    assert english.endswith("recomputed with the day's appointments"), english


def _insert(db: Session, title: str, start: str, end: str) -> None:
    """An appointment of Camille's on Tuesday with no place, ``start``–``end`` (``HH:MM``)."""
    db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, :t, CAST(:start AS timestamptz), CAST(:end AS timestamptz),
                       'confirmed')"""
        ),
        {
            "t": title,
            "start": f"{TUESDAY} {start} Europe/Paris",
            "end": f"{TUESDAY} {end} Europe/Paris",
        },
    )


def test_a_booking_beyond_the_working_day_gives_the_return_after_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    _planned(client, demo_db)
    assert 'id="day-overtime"' not in client.get(DAY).text
    _insert(demo_db, "Soirée", "20:00", "20:30")
    figures = _figures(client.get(DAY).text)
    back = re.search(r"retour (\d\d:\d\d)", figures)
    assert back is not None and back.group(1) >= "20:30", figures
    assert "les rendez-vous réservés dépassent vos horaires de travail" in figures
    assert figures.endswith("recalculé avec les rendez-vous de la journée")


def test_a_day_whose_bookings_cannot_follow_one_another_says_its_figures_no_longer_hold(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    assert 'id="figures-gone"' not in client.get(DAY).text
    _insert(demo_db, "Pendant LAMBDA", "10:30", "10:45")  # during the 10:00-11:00 at LAMBDA
    page = client.get(DAY).text
    assert 'id="day-figures"' not in page, "no departure, return nor lunch that is not true"
    gone = re.search(r'<section class="card" id="figures-gone">(.*?)</section>', page, re.S)
    assert gone is not None
    made = plan.created_at.astimezone(PARIS)
    said = " ".join(re.sub(r"<[^>]+>", " ", gone.group(1)).split())
    assert said.startswith(f"Les horaires du plan du {made:%d/%m/%Y} à {made:%H:%M} "), said
    assert "ne tiennent plus avec les rendez-vous de la journée : replanifiez la journée." in said
    assert 'action="/journee/planifier"' in gone.group(1)
    assert f'name="date" value="{TUESDAY.isoformat()}"' in gone.group(1)
    assert 'id="replan-figures"' in gone.group(1)
    assert 'id="day-lunch"' not in page
