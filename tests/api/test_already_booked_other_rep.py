"""The API's ``already_booked`` of a proposal whose account was booked elsewhere since its
plan: the appointment's id only when it is the plan's rep's own; another rep's booking of
the same account (the rule matches on the account, whoever booked it) keeps its id to that
rep (null), the message still saying its date, as the day page does."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.plans import PARIS
from tests.pages.test_day_slots_after_booking import TUESDAY, _planned
from tests.services.test_slots_after_booking import _pair
from tests.web import ClientFactory

CAMILLE = 4


def _other_rep(db: Session) -> int:
    return int(
        db.execute(
            text("SELECT min(id) FROM users WHERE role = 'rep' AND id <> :r"), {"r": CAMILLE}
        ).scalar_one()
    )


def _book(db: Session, rep_id: int, account_id: int, at: dt.datetime) -> tuple[int, dt.datetime]:
    """An appointment of ``rep_id`` at the account, made now (after the plan)."""
    found = db.execute(
        text(
            """INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at,
                                         created_at, updated_at)
               VALUES (:rep, :account, 'Visite', :at, :at + interval '1 hour',
                       clock_timestamp(), clock_timestamp())
               RETURNING id, starts_at"""
        ),
        {"rep": rep_id, "account": account_id, "at": at},
    ).one()
    return int(found[0]), found[1]


@pytest.mark.parametrize("whose", ["own", "other"])
def test_already_booked_names_the_appointment_only_to_its_rep(
    api_as: ClientFactory, demo_db: Session, whose: str
) -> None:
    client = api_as(CAMILLE)
    plan = _planned(client, demo_db)
    _a, x, _slot = _pair(plan)
    rep_id = CAMILLE if whose == "own" else _other_rep(demo_db)
    wednesday = dt.datetime.combine(TUESDAY + dt.timedelta(days=1), dt.time(9, 0), PARIS)
    booked_id, starts_at = _book(demo_db, rep_id, x.account_id, wednesday)
    api = client.get(f"/api/planning/day/{TUESDAY.isoformat()}")
    assert api.status_code == 200
    by_id = {p["id"]: p for p in api.json()["proposals"]}
    assert by_id[x.id]["bookable"] is None
    assert by_id[x.id]["already_booked"] == {
        "appointment_id": booked_id if whose == "own" else None,
        "starts_at": starts_at.isoformat(),
        "message": "Déjà réservé le 22/04/2026 à 09:00 : la visite n’est plus proposée.",
    }
