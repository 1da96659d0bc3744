"""Benchmark: latency of key pages and API calls at 50 concurrent users (locust, in one run).

Seeds the demo company in its own database, serves the app with uvicorn (2 workers, the
machine's cores), and runs locust headless in this process: 50 users (reps, a manager, a
dispatcher) log in and browse with 1–2 s of think time (``--think MIN MAX`` to change it).
The peer, in the same run, is the smallest response the same server can give: a static file
(``/static/css/app.css``), the floor of the stack. Prints requests, median, p95 and p99 per
endpoint.

Usage: ``python -m bench.web_load [--users 50] [--seconds 60] [--think 1 2]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import gevent
import httpx

# locust patches the standard library with gevent: import it first.
import locust
import psutil
from locust import HttpUser, task
from locust.env import Environment

from fieldcrm.config import Settings
from fieldcrm.store import migrate
from fieldcrm.store.embedded import database_url, recreate_database

DB = "fieldcrm_bench_web"
PASSWORD = "demo1234"
REPS = ["camille.martin", "julien.bernard", "sophie.durand"]
EMAIL = "{}@cafes-riviera.fr"
PATHS: dict[str, list[str]] = {}
# the phone's position for the nearby page (Monaco, where most demo accounts are)
QUERY = {"/autour": "?lon=7.4246&lat=43.7384&rayon=2000"}


def prepare() -> str:
    """A fresh database with the demo company; its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from fieldcrm.services.demo import seed_demo

    server = database_url(Settings(_env_file=None))
    url = recreate_database(server, DB)
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        seed_demo(session, today=dt.date.today(), reset=True)
    engine.dispose()
    return url


def server_memory_mb(server: subprocess.Popen[bytes]) -> list[tuple[int, float, float]]:
    """(pid, peak RSS = VmHWM, current RSS = VmRSS) in MB of the server and its children."""
    rows = []
    for proc in [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rows.append(
            (
                proc.pid,
                int(fields["VmHWM"].split()[0]) / 1024,
                int(fields["VmRSS"].split()[0]) / 1024,
            )
        )
    return rows


def mounted_paths(base: str) -> set[str]:
    """GET paths the running app serves (pages that do not exist yet are left out)."""
    spec = httpx.get(f"{base}/api/openapi.json", timeout=30).json()
    api = {p for p, ops in spec["paths"].items() if "get" in ops}
    return api


def fetch(client: object, path: str, name: str) -> None:
    """GET ``path``; a bounce to the login page counts as a failure (lost session)."""
    with client.get(path, name=name, catch_response=True) as response:  # type: ignore[attr-defined]
        if response.url and "/login" in response.url:
            response.failure("redirected to /login")


THINK_SECONDS = [1.0, 2.0]
"""Think time between two of a user's actions (``--think``); set before locust starts."""


def think(user: HttpUser) -> float:
    """Seconds ``user`` waits before its next action, uniform in ``THINK_SECONDS``."""
    return random.uniform(*THINK_SECONDS)


class Rep(HttpUser):
    """A rep on the phone: home, own accounts, nearby, the day."""

    weight = 8
    wait_time = think

    def on_start(self) -> None:
        who = REPS[id(self) % len(REPS)]
        self.client.post(
            "/login", data={"email": EMAIL.format(who), "password": PASSWORD}, allow_redirects=False
        )

    @task(3)
    def home(self) -> None:
        fetch(self.client, "/", "page /")

    @task(3)
    def me(self) -> None:
        self.client.get("/api/auth/me", name="api /api/auth/me")

    @task(3)
    def rep_paths(self) -> None:
        for path in PATHS["rep"]:
            fetch(
                self.client,
                path + QUERY.get(path, ""),
                f"page {path}" if not path.startswith("/api") else f"api {path}",
            )

    @task(2)
    def static_file(self) -> None:
        self.client.get("/static/css/app.css", name="peer: static file")


class Office(HttpUser):
    """A manager or dispatcher at a desk: territories, assignments."""

    weight = 2
    wait_time = think

    def on_start(self) -> None:
        who = "claire.lefevre" if id(self) % 2 else "karim.benali"
        self.client.post(
            "/login", data={"email": EMAIL.format(who), "password": PASSWORD}, allow_redirects=False
        )

    @task
    def office_paths(self) -> None:
        for path in PATHS["office"]:
            fetch(
                self.client, path, f"page {path}" if not path.startswith("/api") else f"api {path}"
            )

    @task
    def static_file(self) -> None:
        self.client.get("/static/css/app.css", name="peer: static file")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=THINK_SECONDS,
        metavar=("MIN", "MAX"),
        help="seconds a user waits between two actions (default 1 2)",
    )
    args = parser.parse_args()
    THINK_SECONDS[:] = args.think
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
        before = {pid: rss for pid, _, rss in server_memory_mb(server)}
        runner.start(args.users, spawn_rate=args.users)
        # measure the steady state, not the logins: every user logs in first (argon2 hashes,
        # ~0.15 s of CPU and 64 MiB each), which takes several seconds for 50 users on 2 cores
        started = time.perf_counter()
        # (fetch the entry each time: the runner may clear the stats once spawning starts)
        while (
            environment.stats.get("/login", "POST").num_requests < args.users
            and time.perf_counter() - started < 180
        ):
            gevent.sleep(0.5)
        logins = environment.stats.get("/login", "POST")
        print(
            f"{logins.num_requests} logins in {time.perf_counter() - started:.1f} s "
            f"(median {logins.get_response_time_percentile(0.5):.0f} ms, "
            f"max {logins.max_response_time:.0f} ms, failures {logins.num_failures})",
            flush=True,
        )
        login_memory = server_memory_mb(server)
        gevent.sleep(2)
        environment.stats.reset_all()
        gevent.sleep(args.seconds)
        runner.quit()
        stats = environment.stats
        print(
            f"\n{args.users} users, {args.seconds} s, think {args.think[0]:g}–{args.think[1]:g} s, "
            "uvicorn 2 workers\n"
        )
        memory = server_memory_mb(server)
        print("| endpoint | requests | req/s | failures | median ms | p95 ms | p99 ms |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for entry in sorted(
            (e for e in stats.entries.values() if e.num_requests), key=lambda e: e.name
        ):
            print(
                f"| {entry.name} | {entry.num_requests} | {entry.num_requests / args.seconds:.1f} | "
                f"{entry.num_failures} | "
                f"{entry.get_response_time_percentile(0.5):.0f} | {entry.get_response_time_percentile(0.95):.0f} | "
                f"{entry.get_response_time_percentile(0.99):.0f} |"
            )
        total = stats.total
        print(
            f"| all | {total.num_requests} | {total.num_requests / args.seconds:.1f} | "
            f"{total.num_failures} | {total.get_response_time_percentile(0.5):.0f} | "
            f"{total.get_response_time_percentile(0.95):.0f} | {total.get_response_time_percentile(0.99):.0f} |"
        )
        for error in stats.errors.values():
            print(f"error: {error.method} {error.name}: {error.error} × {error.occurrences}")
        print(
            "\n| server process | RSS before load MB | peak RSS after logins MB "
            "| peak RSS at end MB | RSS at end MB |"
        )
        print("|---|---:|---:|---:|---:|")
        after_login = {pid: peak for pid, peak, _ in login_memory}
        for pid, peak, rss in memory:
            print(
                f"| {pid} | {before.get(pid, 0):.0f} | {after_login.get(pid, 0):.0f} | "
                f"{peak:.0f} | {rss:.0f} |"
            )
        print(
            f"| all | {sum(before.values()):.0f} | {sum(after_login.values()):.0f} | "
            f"{sum(m[1] for m in memory):.0f} | "
            f"{sum(m[2] for m in memory):.0f} |"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    _ = locust
    main()
