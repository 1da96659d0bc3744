"""Bench: the candidates of a trip with no appointment (a day's reach of home) among N accounts.

    python -m bench.anchorless_trip [--accounts 1000000] [--repeat 20]

Runs on the database ``python -m bench.corridor --accounts N --keep`` leaves (N accounts over
mainland France, a quarter of them around the Riviera; rep 1 at home in Nice owns half of
them), migrated to head, with a second rep added here: rep 2, a national key-account rep at
home in Paris who owns one account in 500 (2 000 of 1 000 000), spread over the country.
For each rep, median and p95 of ``--repeat`` runs after one warm-up, each in its own
transaction:

* ours, whole: :func:`fieldcrm.services.planning_inputs.gather` with ``home_reach=True`` for a
  two-day trip with no appointment, the call ``plan_trip`` makes (the disc of a day's reach
  around home, read by bands; then the rep's :data:`FAR_LOOKED_AT` best own accounts in
  France, which :func:`fieldcrm.routing.reach.far_areas` reads to say where the value lies);
* ours, that second read alone (:func:`fieldcrm.store.plans.candidates_in`, ``owned_only``);
* peer: read the rep's accounts and keep, with numpy, the best by score.

The peer's best ids must equal ours (same score rule: the stored priority, else the potential
scaled to the largest among them, floored).
"""

from __future__ import annotations

import argparse
import datetime as dt
from functools import partial

import numpy as np
from sqlalchemy import text

from bench.corridor import DB_NAME, existing, timed, vacuum
from fieldcrm.config import Settings
from fieldcrm.services.planning_inputs import FAR_LOOKED_AT, FRANCE, gather
from fieldcrm.store import migrate
from fieldcrm.store import plans as store
from fieldcrm.store.db import make_engine

FIRST = dt.date(2027, 3, 1)
SETTINGS = Settings(_env_file=None)


NATIONAL = 2
"""Rep 2: home in Paris, owns the accounts whose id is 1 modulo 500."""


def add_national_rep(url: str) -> None:
    """Add rep 2 and their portfolio, once (the accounts it takes were nobody's)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                """INSERT INTO users (id, email, full_name, role, home)
                   VALUES (2, 'national@bench', 'National Bench', 'rep',
                           ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326))
                   ON CONFLICT DO NOTHING"""
            )
        )
        conn.execute(
            text(
                """INSERT INTO account_assignments (account_id, owner_id)
                   SELECT id, 2 FROM accounts WHERE id % 500 = 1
                   ON CONFLICT (account_id) DO NOTHING"""
            )
        )
    engine.dispose()
    vacuum(url)


def whole(session, rep: int) -> list[int]:  # type: ignore[no-untyped-def]
    inputs = gather(
        session,
        rep_id=rep,
        first_day=FIRST,
        last_day=FIRST + dt.timedelta(days=1),
        detour_km=SETTINGS.planner_detour_km,
        max_candidates=SETTINGS.planner_max_candidates,
        rejected_days=SETTINGS.planner_rejected_days,
        booked_days=SETTINGS.planner_booked_days,
        home_reach=True,
        eur_per_point=SETTINGS.planner_eur_per_score_point,
        tz=SETTINGS.scoring_timezone,
    )
    WHOLE_FIGURES[:] = [len(inputs.candidates), len(inputs.far), inputs.reach_m or 0.0]
    return [c.id for c in inputs.candidates]


def best_in_france(session, rep: int) -> list[int]:  # type: ignore[no-untyped-def]
    never = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    rows = store.candidates_in(
        session,
        rep_id=rep,
        polygon_wkt=FRANCE,
        limit=FAR_LOOKED_AT,
        rejected_since=never,
        rejected_for=(never, never),
        booked_between=(never, never),
        due_on=FIRST,
        tz=SETTINGS.scoring_timezone,
        owned_only=True,
    )
    return [r.id for r in rows]


def peer(session, rep: int) -> list[int]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        text(
            """SELECT a.id, ap.score, coalesce(potential_eur_month, 0)::float8
               FROM accounts a LEFT JOIN account_priorities ap ON ap.account_id = a.id
               JOIN account_assignments s ON s.account_id = a.id
               WHERE geom IS NOT NULL AND owner_id = :rep"""
        ),
        {"rep": rep},
    ).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    stored = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
    potential = np.array([r[2] for r in rows], dtype=float)
    top = potential.max() if len(potential) else 0.0
    fallback = 30.0 * potential / top if top else np.zeros(len(rows))
    score = np.maximum(1.0, np.where(np.isnan(stored), fallback, stored))
    order = np.lexsort((ids, -score))[:FAR_LOOKED_AT]
    return [int(i) for i in ids[order]]


WHOLE_FIGURES: list[float] = []
"""Candidates kept, far areas named and the reach in metres of the last whole run."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = existing(DB_NAME, args.accounts)
    if url is None:
        raise SystemExit(
            f"no kept bench database of {args.accounts} accounts: run "
            f"python -m bench.corridor --accounts {args.accounts} --keep"
        )
    migrate.upgrade(url)
    add_national_rep(url)
    engine = make_engine(url)
    for rep, who in ((1, "rep 1 (Nice, owns half)"), (NATIONAL, "rep 2 (Paris, owns 1 in 500)")):
        t_whole, p95_whole, _ = timed(partial(whole, rep=rep), engine, args.repeat)
        t_far, p95_far, a_far = timed(partial(best_in_france, rep=rep), engine, args.repeat)
        t_peer, p95_peer, a_peer = timed(partial(peer, rep=rep), engine, max(3, args.repeat // 5))
        kept, areas, reach = WHOLE_FIGURES
        print(
            f"== {who}: reach {reach / 1000:.0f} km; candidates kept {kept:.0f}; "
            f"far areas named {areas:.0f}"
        )
        print(f"{'':40}{'median':>10}{'p95':>10}")
        for label, median, p95 in (
            ("ours: gather (disc + best in France)", t_whole, p95_whole),
            ("ours: best own accounts alone", t_far, p95_far),
            ("peer: scan + numpy", t_peer, p95_peer),
        ):
            print(f"{label:40}{median * 1000:>7.1f} ms{p95 * 1000:>7.1f} ms")
        print(f"same best {FAR_LOOKED_AT}: {a_far == a_peer}")


if __name__ == "__main__":
    main()
