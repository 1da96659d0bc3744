"""The account page's « À venir » says only what is true: a cancelled appointment is not
coming, the line under the appointments speaks of plan proposals only (it says there is none
when none is proposed, whatever is booked), and a one-minute slot reads « à réserver à
HH:MM » as on the day page (one macro, ``_slot.html``)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.pages.test_account_coming import LAMBDA, _section
from tests.web import ClientFactory

NO_PROPOSAL = "Aucune visite proposée par un plan."


def _propose(db: Session, start: str, end: str) -> None:
    """A plan of Camille's in five days proposing LAMBDA between ``start`` and ``end`` (UTC)."""
    plan_id = db.execute(
        text("""INSERT INTO plans (rep_id, kind, day, status, request, result)
                VALUES (4, 'day', (now() + interval '5 days')::date, 'proposed', '{}', '{}')
                RETURNING id""")
    ).scalar_one()
    db.execute(
        text("""INSERT INTO plan_proposals (plan_id, account_id, slot_start, slot_end,
                    detour_minutes, detour_km)
                VALUES (:p, :a, date_trunc('day', now() + interval '5 days') + CAST(:s AS interval),
                        date_trunc('day', now() + interval '5 days') + CAST(:e AS interval), 5, 3)"""),
        {"p": plan_id, "a": LAMBDA, "s": start, "e": end},
    )


def test_a_cancelled_appointment_is_not_coming(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(text("DELETE FROM appointments WHERE account_id = :a"), {"a": LAMBDA})
    demo_db.execute(
        text("""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, status)
                VALUES (4, :a, 'RDV annulé', now() + interval '2 days',
                        now() + interval '2 days 30 minutes', 'cancelled'),
                       (4, :a, 'RDV maintenu', now() + interval '3 days',
                        now() + interval '3 days 30 minutes', 'confirmed')"""),
        {"a": LAMBDA},
    )
    coming = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    items = re.findall(r'<li data-appointment="\d+">(.*?)</li>', coming, re.S)
    assert len(items) == 1 and "RDV maintenu" in items[0], items
    assert "RDV annulé" not in coming
    # only cancelled ones: nothing is coming
    demo_db.execute(
        text("UPDATE appointments SET status = 'cancelled' WHERE account_id = :a"), {"a": LAMBDA}
    )
    coming = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert "data-appointment=" not in coming
    assert "Aucun rendez-vous à venir." in coming


def test_booked_visits_and_no_proposal_read_true(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(text("DELETE FROM plan_proposals WHERE account_id = :a"), {"a": LAMBDA})
    demo_db.execute(
        text("""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at)
                VALUES (4, :a, 'Visite réservée', now() + interval '40 days',
                        now() + interval '40 days 45 minutes')"""),
        {"a": LAMBDA},
    )
    coming = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert "Visite réservée" in coming
    next_visit = coming[coming.index('id="next-visit"') :]
    assert NO_PROPOSAL in next_visit
    assert "Aucune visite planifiée" not in coming, "a booked visit is a planned one"
    # a proposal (far from the booked visit): the empty-state line is gone
    _propose(demo_db, "13:00", "13:45")
    coming = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert "Visite proposée le" in coming and NO_PROPOSAL not in coming


def test_a_one_minute_slot_reads_as_on_the_day_page(
    api_as: ClientFactory, demo_db: Session
) -> None:
    demo_db.execute(text("DELETE FROM appointments WHERE account_id = :a"), {"a": LAMBDA})
    demo_db.execute(text("DELETE FROM plan_proposals WHERE account_id = :a"), {"a": LAMBDA})
    _propose(demo_db, "13:00", "13:00:30")  # a single whole minute: 13:00 UTC
    coming = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    visit = coming[coming.index('id="next-visit"') :]
    found = re.search(r"\(à réserver à (\d\d:\d\d)\), pas encore réservée", visit)
    assert found is not None, visit
    assert found.group(1) in ("14:00", "15:00")  # 13:00 UTC in Paris (winter or summer time)
    assert f"{found.group(1)}–{found.group(1)}" not in visit
    english = _section(api_as(4).get(f"/comptes/{LAMBDA}?lang=en").text)
    assert f"(to book at {found.group(1)}), not booked yet" in english
    # a longer slot still reads as a range, the same words as the day page
    demo_db.execute(text("DELETE FROM plan_proposals WHERE account_id = :a"), {"a": LAMBDA})
    _propose(demo_db, "13:00", "13:45")
    visit = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert re.search(r"\(à réserver (\d\d:\d\d)–(\d\d:\d\d)\), pas encore réservée", visit)
