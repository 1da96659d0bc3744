"""Benchmark: reading the travel-cost report, as the Frais screen does, beside deriving on read.

``python -m bench.costs_report`` seeds the demo company in a throw-away database and times
``GET /frais`` (the whole page: report, template) as the sales director, through the app; the
peer is the former behaviour, which derived a year of trips on every view before reading
(``costs.derive_trips`` for the year, then the same page). Then it stores 50 reps × 12 months
of trips (22 working days a month, one trip each) and times the year's report for all of them
through :func:`fieldcrm.services.costs.travel_report` and the page of one month. Medians of
several runs after a warm-up. Prints a Markdown table for bench/README.md.

Targets (issue 20): under 300 ms at the demo's size, under 1 s for 50 reps × 12 months.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.database import drop_db, fresh_db
from fieldcrm.app import create_app
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.services import costs
from fieldcrm.services.demo import seed_demo
from fieldcrm.store.db import make_sessionmaker

DEMO_TODAY = dt.date(2026, 4, 15)
SECRET = "bench-secret-" + "x" * 40


def median_ms(run: Callable[[], object], repeat: int = 9) -> float:
    """Median wall time of ``run`` in milliseconds, after one warm-up run."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def client_for(url: str, settings: Settings) -> TestClient:
    app = create_app(settings, sessions=make_sessionmaker(create_engine(url)))
    client = TestClient(app)
    answer = client.post(
        "/api/auth/login",
        json={"email": "claire.lefevre@cafes-riviera.fr", "password": "demo1234"},
    )
    answer.raise_for_status()
    return client


def big_company(engine: object, reps: int = 50, year: int = 2026) -> None:
    """``reps`` reps near Nice with a trip on each working day of ``year``."""
    rng = random.Random(20)
    with Session(engine) as session:  # type: ignore[arg-type]
        for k in range(reps):
            rep_id = session.execute(
                text("""INSERT INTO users (email, full_name, role, manager_id, home, fiscal_hp)
                        VALUES (:email, :name, 'rep', 1,
                                ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 5) RETURNING id"""),
                {
                    "email": f"bench{k}@exemple.fr",
                    "name": f"Commercial {k:02d}",
                    "lon": 7.0 + rng.random(),
                    "lat": 43.5 + rng.random() * 0.5,
                },
            ).scalar_one()
            rows = []
            day = dt.date(year, 1, 1)
            while day.year == year:
                if day.weekday() < 5:
                    rows.append(
                        {
                            "rep": rep_id,
                            "day": day,
                            "km": rng.uniform(20, 220),
                            "drive": rng.randint(1800, 12000),
                            "visits": rng.randint(2, 7),
                        }
                    )
                day += dt.timedelta(days=1)
            session.execute(
                text("""INSERT INTO trips (rep_id, kind, start_day, end_day, km, driving_seconds,
                                           visiting_seconds, visits)
                        VALUES (:rep, 'actual', :day, :day, :km, :drive, 3600, :visits)"""),
                rows,
            )
        session.commit()


def main() -> None:
    url = fresh_db("fieldcrm_bench_costs")
    try:
        settings = Settings(
            database_url=url, secret_key=SECRET, secure_cookies=False, _env_file=None
        )
        engine = create_engine(url)
        with Session(engine) as session:
            seed_demo(session, today=DEMO_TODAY, reset=True, settings=settings)
            trips = session.execute(text("SELECT count(*) FROM trips")).scalar_one()
        client = client_for(url, settings)

        def page() -> None:
            client.get("/frais?month=2026-03").raise_for_status()

        def derive_then_page() -> None:
            with Session(engine) as session:
                costs.derive_trips(session, settings=settings, year=2026)
            page()

        rows = [
            (f"demo ({trips} trips), GET /frais March", "read stored trips", median_ms(page)),
            (
                f"demo ({trips} trips), GET /frais March",
                "peer: derive the year, then read (before)",
                median_ms(derive_then_page, repeat=3),
            ),
        ]
        big_company(engine)
        admin = Actor(3, Role.ADMIN)
        with Session(engine) as session:
            stored = session.execute(text("SELECT count(*) FROM trips")).scalar_one()

            def year_report() -> None:
                costs.travel_report(
                    session,
                    actor=admin,
                    settings=settings,
                    start=dt.date(2026, 1, 1),
                    end=dt.date(2026, 12, 31),
                )

            rows.append(
                (
                    f"50 reps × 12 months ({stored} trips), year report",
                    "travel_report",
                    median_ms(year_report),
                )
            )
        rows.append(
            (
                f"50 reps × 12 months ({stored} trips), GET /frais March",
                "read stored trips",
                median_ms(page),
            )
        )
        print("| case | path | median ms |\n|---|---|---:|")
        for case, path, ms in rows:
            print(f"| {case} | {path} | {ms:.0f} |")
    finally:
        drop_db(url)


if __name__ == "__main__":
    main()
