"""The account page shows what is coming: booked appointments, the next planned visit, open tasks."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

LAMBDA = 1  # LAMBDA SARL, Camille's client


def _section(page: str) -> str:
    start = page.index('id="coming"')
    return page[start : page.index("</section>", start)]


def test_upcoming_appointments_soonest_first_and_past_ones_left_out(
    api_as: ClientFactory, demo_db: Session
) -> None:
    demo_db.execute(
        text("""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at) VALUES
                (4, :a, 'RDV passé', now() - interval '3 days', now() - interval '3 days' + interval '1 hour'),
                (4, :a, 'RDV lointain', now() + interval '20 days', now() + interval '20 days 1 hour'),
                (4, :a, 'RDV proche', now() + interval '2 days', now() + interval '2 days 1 hour')"""),
        {"a": LAMBDA},
    )
    coming = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert "RDV passé" not in coming
    assert 0 < coming.index("RDV proche") < coming.index("RDV lointain")


def test_the_next_planned_visit_comes_from_the_newest_plan_of_its_day(
    api_as: ClientFactory, demo_db: Session
) -> None:
    def plan(created: str, slot: str) -> None:
        plan_id = demo_db.execute(
            text("""INSERT INTO plans (rep_id, kind, day, status, request, result, created_at)
                    VALUES (4, 'day', (now() + interval '5 days')::date, 'proposed', '{}', '{}',
                            now() - CAST(:created AS interval)) RETURNING id"""),
            {"created": created},
        ).scalar_one()
        demo_db.execute(
            text("""INSERT INTO plan_proposals (plan_id, account_id, slot_start, slot_end,
                        detour_minutes, detour_km)
                    VALUES (:p, :a, date_trunc('day', now() + interval '5 days') + CAST(:slot AS interval),
                            date_trunc('day', now() + interval '5 days') + CAST(:slot AS interval)
                              + interval '45 minutes', 5, 3)"""),
            {"p": plan_id, "a": LAMBDA, "slot": slot},
        )

    plan("2 hours", "08:00")  # replaced by the newer plan of the same day
    plan("1 hour", "13:00")
    coming = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    visit = coming[coming.index('id="next-visit"') :]
    assert "Visite proposée le" in visit and "à réserver" in visit
    assert "pas encore réservée" in visit, "a proposal does not read like an appointment"
    assert "14:00" in visit or "15:00" in visit  # 13:00 UTC in Paris (winter or summer time)
    assert "09:00" not in visit and "10:00" not in visit
    # booked since, two days before the proposed day: no longer a proposal
    demo_db.execute(
        text("""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, status)
                VALUES (4, :a, 'Visite', date_trunc('day', now() + interval '3 days')
                          + interval '9 hours', date_trunc('day', now() + interval '3 days')
                          + interval '10 hours', 'confirmed')"""),
        {"a": LAMBDA},
    )
    stale = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert "Visite proposée le" not in stale[stale.index('id="next-visit"') :]


def test_no_plan_no_appointment_says_so(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(text("DELETE FROM appointments WHERE account_id = :a"), {"a": LAMBDA})
    demo_db.execute(text("DELETE FROM plan_proposals WHERE account_id = :a"), {"a": LAMBDA})
    coming = _section(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert "Aucun rendez-vous à venir." in coming
    assert "Aucune visite proposée par un plan." in coming


def test_an_other_reps_account_is_not_even_confirmed(
    api_as: ClientFactory, demo_db: Session
) -> None:
    other = demo_db.execute(
        text("SELECT account_id FROM account_assignments WHERE owner_id = 5 ORDER BY 1 LIMIT 1")
    ).scalar_one()
    assert api_as(4).get(f"/comptes/{other}").status_code == 404
