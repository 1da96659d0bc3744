"""Migration 0012_calendar links appointments booked before it to their accepted proposal."""

from __future__ import annotations

from sqlalchemy import text

from fieldcrm.store import migrate
from tests.store.test_migrations import scratch_database


def test_appointments_booked_from_a_proposal_get_their_link() -> None:
    with scratch_database("_migrations_0012") as (url, engine):
        migrate.upgrade(url, "0011_month_closing")
        with engine.begin() as conn:
            rep = conn.execute(
                text(
                    "INSERT INTO users (email, full_name, role) VALUES ('r@t.fr', 'R', 'rep') RETURNING id"
                )
            ).scalar_one()
            account = conn.execute(
                text("INSERT INTO accounts (name) VALUES ('LAMBDA SARL') RETURNING id")
            ).scalar_one()
            plan = conn.execute(
                text(
                    "INSERT INTO plans (rep_id, day, request, result) VALUES (:r, '2026-04-21', '{}', '{}')"
                    " RETURNING id"
                ),
                {"r": rep},
            ).scalar_one()
            proposal = conn.execute(
                text(
                    "INSERT INTO plan_proposals (plan_id, account_id, slot_start, slot_end, detour_minutes,"
                    " detour_km, status, decided_at) VALUES (:p, :a, '2026-04-21 14:00+02',"
                    " '2026-04-21 14:30+02', 5, 3, 'accepted', now()) RETURNING id"
                ),
                {"p": plan, "a": account},
            ).scalar_one()
            booked, own = (
                conn.execute(
                    text(
                        "INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at) VALUES"
                        " (:r, :a, 'Visite LAMBDA SARL', '2026-04-21 14:10+02', '2026-04-21 14:55+02'),"
                        " (:r, :a, 'Rendez-vous LAMBDA SARL', '2026-04-22 10:00+02', '2026-04-22 11:00+02')"
                        " RETURNING id"
                    ),
                    {"r": rep, "a": account},
                )
                .scalars()
                .all()
            )
        migrate.upgrade(url, "0012_calendar")
        with engine.connect() as conn:
            links = dict(
                conn.execute(
                    text("SELECT id, proposal_id FROM appointments WHERE id = ANY(:i)"),
                    {"i": [booked, own]},
                ).all()
            )
        assert links == {booked: proposal, own: None}
        migrate.downgrade(url, "0011_month_closing")
        migrate.upgrade(url)
