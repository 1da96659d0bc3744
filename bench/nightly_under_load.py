"""Benchmark: the worker's nightly rules over 1 000 000 accounts while reps use the web app.

    python -m bench.nightly_under_load [--accounts 1000000] [--users 50] [--baseline 60]

1. Generates the 1 000 000-account company of ``bench.rules`` (its own database) with its 10
   rules; seeds the demo company in a second database and serves it with uvicorn (2 workers).
2. Runs locust in this process at a reading pace (50 users, 5–15 s between taps, the pages
   of ``bench.web_load``): ``--baseline`` seconds without the worker's job, then again while
   a separate process runs the nightly job as the worker does
   (:func:`fieldcrm.services.background.evaluate_rules`: every rule, alerts, tasks,
   priorities, then the first batch of notifications), until it ends.
3. Prints the p95 of every page during the baseline and during the nightly run.

The peer is the same web load with no nightly job (the baseline). Both databases live on the
same PostgreSQL cluster and the same 2 cores as the web server, the load generator and the
job. Target (issue 19): the web pages' p95 stays under 300 ms during the nightly run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import gevent
import httpx
from locust.env import Environment

import bench.web_load as web
from bench.database import drop_db, fresh_db
from bench.rules import AS_OF, RULES, generate

DB_NAME = "fieldcrm_bench_nightly"
NIGHTLY = """
import datetime as dt, sys, time
from fieldcrm.config import Settings
from fieldcrm.services import background
from fieldcrm.store.db import make_engine, make_sessionmaker
AS_OF = dt.date.fromisoformat(sys.argv[2])
settings = Settings(_env_file=None, database_url=sys.argv[1], smtp_port=1)
sessions = make_sessionmaker(make_engine(sys.argv[1]))
start = time.perf_counter()
print(background.evaluate_rules(sessions, settings, today=AS_OF), flush=True)
print(f"nightly job: {time.perf_counter() - start:.1f} s", flush=True)
"""


def table(stats: object) -> dict[str, tuple[int, float, float]]:
    """{endpoint: (requests, median ms, p95 ms)} of a locust stats object."""
    out = {}
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):  # type: ignore[attr-defined]
        if entry.num_requests and entry.name != "/login":
            out[entry.name] = (
                entry.num_requests,
                entry.get_response_time_percentile(0.5),
                entry.get_response_time_percentile(0.95),
            )
    total = stats.total  # type: ignore[attr-defined]
    out["all"] = (
        total.num_requests,
        total.get_response_time_percentile(0.5),
        total.get_response_time_percentile(0.95),
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--baseline", type=int, default=60)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    web.THINK_SECONDS[:] = [5.0, 15.0]
    big = fresh_db(DB_NAME)
    server = None
    try:
        made = generate(big, args.accounts)
        print(f"generated {made['accounts']:,} accounts in {made['seconds']:.0f} s", flush=True)
        from fieldcrm.services import scoring
        from fieldcrm.store.db import make_engine, session_scope

        with session_scope(make_engine(big)) as session:
            scoring.import_rules(session, RULES)
        demo = web.prepare()
        env = {**os.environ, "FIELDCRM_DATABASE_URL": demo, "FIELDCRM_ENVIRONMENT": "development"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "fieldcrm.app:app_from_settings",
                "--factory",
                "--port",
                str(args.port),
                "--workers",
                "2",
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(240):
            try:
                httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        web.PATHS["rep"] = ["/comptes", "/autour", "/journee", "/api/accounts", "/api/alerts"]
        web.PATHS["office"] = [
            "/territoires",
            "/affectations",
            "/api/territories",
            "/api/assignment/queue",
        ]
        environment = Environment(user_classes=[web.Rep, web.Office], host=base)
        runner = environment.create_local_runner()
        runner.start(args.users, spawn_rate=args.users)
        started = time.perf_counter()
        while (
            environment.stats.get("/login", "POST").num_requests < args.users
            and time.perf_counter() - started < 180
        ):
            gevent.sleep(0.5)
        gevent.sleep(5)
        environment.stats.reset_all()
        gevent.sleep(args.baseline)
        baseline = table(environment.stats)
        environment.stats.reset_all()
        job_started = time.perf_counter()
        job = subprocess.Popen(
            [sys.executable, "-c", NIGHTLY, big, AS_OF.isoformat()],
            stdout=subprocess.PIPE,
            text=True,
        )
        while job.poll() is None:
            gevent.sleep(0.5)
        during = table(environment.stats)
        job_seconds = time.perf_counter() - job_started
        runner.quit()
        print(job.stdout.read() if job.stdout else "", flush=True)
        print(
            f"\n{args.users} users, think 5–15 s; baseline {args.baseline} s; nightly job "
            f"{job_seconds:.0f} s over {args.accounts:,} accounts (as of {AS_OF})\n"
        )
        print(
            "| endpoint | baseline: requests / median / p95 ms | during the nightly job: "
            "requests / median / p95 ms |"
        )
        print("|---|---:|---:|")
        for name in sorted(set(baseline) | set(during), key=lambda n: (n == "all", n)):
            b = baseline.get(name, (0, 0.0, 0.0))
            d = during.get(name, (0, 0.0, 0.0))
            print(
                f"| {name} | {b[0]} / {b[1]:.0f} / {b[2]:.0f} | {d[0]} / {d[1]:.0f} / {d[2]:.0f} |"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop_db(big)


if __name__ == "__main__":
    main()
