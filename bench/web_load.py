"""Benchmark: latency of key pages and API calls at 50 concurrent users (locust, in one run).

Seeds the demo company in its own database, serves the app with uvicorn (2 workers, the
machine's cores), and runs locust headless in this process: 50 users (reps, a manager, a
dispatcher) log in and browse with 1–2 s of think time. The peer, in the same run, is the
smallest response the same server can give: a static file (``/static/css/app.css``), the floor
of the stack. Prints requests, median, p95 and p99 per endpoint.

Usage: ``python -m bench.web_load [--users 50] [--seconds 60]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time

import gevent
import httpx

# locust patches the standard library with gevent: import it first.
import locust
import psycopg
from locust import HttpUser, between, task
from locust.env import Environment

from fieldcrm.config import Settings
from fieldcrm.store import migrate
from fieldcrm.store.embedded import database_url

DB = "fieldcrm_bench_web"
PASSWORD = "demo1234"
REPS = ["camille.martin", "julien.bernard", "sophie.durand"]
EMAIL = "{}@cafes-riviera.fr"
PATHS: dict[str, list[str]] = {}


def prepare() -> str:
    """A fresh database with the demo company; its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from fieldcrm.services.demo import seed_demo

    server = database_url(Settings(_env_file=None))
    base = server.rsplit("/", 1)[0]
    with psycopg.connect(
        base.replace("postgresql+psycopg://", "postgresql://") + "/postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    url = f"{base}/{DB}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        seed_demo(session, today=dt.date.today(), reset=True)
    engine.dispose()
    return url


def mounted_paths(base: str) -> set[str]:
    """GET paths the running app serves (pages that do not exist yet are left out)."""
    spec = httpx.get(f"{base}/api/openapi.json", timeout=30).json()
    api = {p for p, ops in spec["paths"].items() if "get" in ops}
    return api


class Rep(HttpUser):
    """A rep on the phone: home, own accounts, nearby, the day."""

    weight = 8
    wait_time = between(1, 2)

    def on_start(self) -> None:
        who = REPS[id(self) % len(REPS)]
        self.client.post(
            "/login", data={"email": EMAIL.format(who), "password": PASSWORD}, allow_redirects=False
        )

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="page /")

    @task(3)
    def me(self) -> None:
        self.client.get("/api/auth/me", name="api /api/auth/me")

    @task(3)
    def rep_paths(self) -> None:
        for path in PATHS["rep"]:
            self.client.get(
                path, name=f"page {path}" if not path.startswith("/api") else f"api {path}"
            )

    @task(2)
    def static_file(self) -> None:
        self.client.get("/static/css/app.css", name="peer: static file")


class Office(HttpUser):
    """A manager or dispatcher at a desk: territories, assignments."""

    weight = 2
    wait_time = between(1, 2)

    def on_start(self) -> None:
        who = "claire.lefevre" if id(self) % 2 else "karim.benali"
        self.client.post(
            "/login", data={"email": EMAIL.format(who), "password": PASSWORD}, allow_redirects=False
        )

    @task
    def office_paths(self) -> None:
        for path in PATHS["office"]:
            self.client.get(
                path, name=f"page {path}" if not path.startswith("/api") else f"api {path}"
            )

    @task
    def static_file(self) -> None:
        self.client.get("/static/css/app.css", name="peer: static file")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    url = prepare()
    env = {**os.environ, "FIELDCRM_DATABASE_URL": url}
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
    try:
        for _ in range(120):
            try:
                httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        api = mounted_paths(base)
        wanted_rep = ["/comptes", "/autour", "/journee", "/api/accounts", "/api/alerts"]
        wanted_office = [
            "/territoires",
            "/affectations",
            "/api/territories",
            "/api/assignment/queue",
        ]
        pages = {"/comptes", "/autour", "/journee", "/territoires", "/affectations"}
        available = {
            p for p in pages if httpx.get(f"{base}{p}", timeout=30).status_code in (200, 303)
        } | api
        PATHS["rep"] = [p for p in wanted_rep if p in available]
        PATHS["office"] = [p for p in wanted_office if p in available]
        print(f"endpoints: rep {PATHS['rep']}, office {PATHS['office']}", flush=True)
        environment = Environment(user_classes=[Rep, Office], host=base)
        runner = environment.create_local_runner()
        runner.start(args.users, spawn_rate=args.users)
        gevent.sleep(5)
        environment.stats.reset_all()  # measure the steady state, not the logins
        gevent.sleep(args.seconds)
        runner.quit()
        stats = environment.stats
        print(f"\n{args.users} users, {args.seconds} s, uvicorn 2 workers\n")
        print("| endpoint | requests | failures | median ms | p95 ms | p99 ms |")
        print("|---|---:|---:|---:|---:|---:|")
        for entry in sorted(
            (e for e in stats.entries.values() if e.num_requests), key=lambda e: e.name
        ):
            print(
                f"| {entry.name} | {entry.num_requests} | {entry.num_failures} | "
                f"{entry.get_response_time_percentile(0.5):.0f} | {entry.get_response_time_percentile(0.95):.0f} | "
                f"{entry.get_response_time_percentile(0.99):.0f} |"
            )
        total = stats.total
        print(
            f"| all | {total.num_requests} | {total.num_failures} | {total.get_response_time_percentile(0.5):.0f} | "
            f"{total.get_response_time_percentile(0.95):.0f} | {total.get_response_time_percentile(0.99):.0f} |"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    _ = locust
    main()
