"""The worker as shipped: ``fieldcrm worker`` processes sharing one database, and the jobs a
sales import sets off (rules, then alerts by e-mail) without anyone running a command."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import PACKAGE_DATA, Settings
from fieldcrm.services import background, imports, scoring
from fieldcrm.store import jobs as job_store
from fieldcrm.store.tables import Alert, Notification
from fieldcrm.worker.queue import run_worker
from tests.services.loopback import smtp_server
from tests.services.scoring_world import World, add_account, user

pytestmark = pytest.mark.db
PARIS = ZoneInfo("Europe/Paris")
FIELDCRM = str(Path(sys.executable).with_name("fieldcrm"))


def _start_worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FIELDCRM_DATABASE_URL": url,
        "FIELDCRM_WORKER_TICK_CRON": "* * * * * *",  # a tick every second (6th field: seconds)
        "FIELDCRM_SCHEDULE_RULES_AT": "00:00",  # every scheduled job is due at once
        "FIELDCRM_SCHEDULE_TRIPS_AT": "00:00",
        "FIELDCRM_SCHEDULE_RETENTION_AT": "00:00",  # weekly from Monday 00:00: due any day
        "FIELDCRM_SMTP_PORT": "1",  # nothing to send; never a real server
    }
    return subprocess.Popen(
        [FIELDCRM, "worker"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def _wait_until(engine: Engine, query: str, at_least: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(text(query)).scalar_one() >= at_least:
                return
        time.sleep(0.2)
    raise AssertionError(f"never {at_least}: {query}")


def test_two_workers_share_the_queue_and_run_each_periodic_job_once(
    worker_url: str, worker_engine: Engine, tmp_path: Path
) -> None:
    """Two worker processes (two machines) on one database for a few seconds: every
    per-second tick is run by one of them only, the daily jobs run once in all, and the queued
    imports are shared between them."""
    workers = [_start_worker(worker_url, tmp_path / f"worker{k}.log") for k in (1, 2)]
    try:
        # a loaded machine takes a while to start them (imports alone: ~10 s of CPU)
        _wait_until(worker_engine, "SELECT count(*) FROM procrastinate_workers", 2, timeout_s=180)
        with worker_engine.begin() as conn:  # both are up: 20 imports to share
            db = Session(bind=conn)
            for k in range(20):
                rows = "".join(f"A{k}-{i};Compte {k}-{i};Nice\n" for i in range(200))
                job_id = job_store.create_job(
                    db,
                    kind="import",
                    label=f"comptes{k}.csv",
                    user_id=None,
                    params={"kind": "accounts", "filename": f"comptes{k}.csv"},
                    data=f"code client;nom;ville\n{rows}".encode(),
                )
                job_store.defer(db, job_store.IMPORT_FILE, {"job_id": job_id})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with worker_engine.connect() as conn:
                ticks = conn.execute(
                    text("""SELECT count(*) FROM procrastinate_jobs
                            WHERE task_name = 'fieldcrm.tick' AND status = 'succeeded'""")
                ).scalar_one()
                imported = conn.execute(
                    text("""SELECT count(*) FROM procrastinate_jobs
                            WHERE task_name = :t AND status = 'succeeded'"""),
                    {"t": job_store.IMPORT_FILE},
                ).scalar_one()
            if ticks >= 4 and imported == 20:
                break
            time.sleep(0.5)
    finally:
        for w in workers:  # killed, not stopped: their rows (and job→worker links) remain
            w.send_signal(signal.SIGKILL)
            w.wait()
    logs = "".join((tmp_path / f"worker{k}.log").read_text() for k in (1, 2))
    assert ticks >= 4 and imported == 20, logs
    with worker_engine.connect() as conn:
        ran_ticks, distinct_seconds = conn.execute(
            text("""SELECT count(*), count(DISTINCT args->>'timestamp') FROM procrastinate_jobs
                    WHERE task_name = 'fieldcrm.tick' AND status = 'succeeded'""")
        ).one()
        scheduled = conn.execute(
            text("""SELECT name, count(*), count(finished_at) FROM scheduled_runs
                    GROUP BY name ORDER BY name""")
        ).all()
        sharing = conn.execute(
            text("""SELECT count(DISTINCT worker_id) FROM procrastinate_jobs
                    WHERE task_name = :t AND status = 'succeeded'"""),
            {"t": job_store.IMPORT_FILE},
        ).scalar_one()
        workers_seen = conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
    assert ran_ticks == distinct_seconds  # each second's tick ran once, on one worker
    # each job ran once for its period (a quarter hour may turn during the test: geocoding
    # and the expired exports' clean-up then run once in each), and every run finished
    assert [(name, n) for name, n, _ in scheduled if name not in ("geocoding", "exports")] == [
        ("retention", 1),
        ("rules", 1),
        ("trips", 1),
    ]
    assert all(n == finished for _, n, finished in scheduled)
    assert [name for name, _, _ in scheduled] == [
        "exports",
        "geocoding",
        "retention",
        "rules",
        "trips",
    ]
    assert workers_seen == 2 and sharing == 2, logs


def _sales_csv(rows: list[tuple[str, str, float]]) -> bytes:
    lines = ["siret;mois;ca"] + [
        f"{siret};{month};{revenue:.2f}".replace(".", ",") for siret, month, revenue in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_a_sales_import_that_drops_lambda_revenue_alerts_the_rep_and_the_director(
    sessions: sessionmaker[Session], worker_settings: Settings
) -> None:
    """The brief's story, pushed: the nightly run has passed, LAMBDA SARL is fine; then the
    office imports this month's sales, its revenue falls 25 % below last year's, and the rep
    gets the alert by e-mail with the director in copy — nobody types a command."""
    today = dt.datetime.now(PARIS).date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    a_year_before = last_month.replace(year=last_month.year - 1)
    with sessions() as db:
        director = user(db, "directeur@acme.fr", "manager")
        rep = user(db, "paul.rep@acme.fr", "rep", manager_id=director.id)
        office = user(db, "bureau@acme.fr", "dispatcher")
        add_account(
            db,
            World(),
            name="LAMBDA SARL",
            owner=rep,
            potential_eur_month=40_000,
            qualification="A",
            siret="73282932000074",
            sales={f"{a_year_before:%Y-%m}": 20_000, f"{last_month:%Y-%m}": 20_000},
            visits=[today - dt.timedelta(days=300)],
        )
        db.commit()
        for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
            scoring.import_rules(db, path.read_text())
        office_actor = Actor(id=office.id, role=Role.DISPATCHER, name="Bureau")
        rep_id, director_id = rep.id, director.id

    with smtp_server() as (port, box):
        # one job at a time: a worker with nothing to fetch stops once its running jobs end,
        # so jobs queued by a running job (the rules after the import) are only sure to run
        # after it with a single slot
        cfg = worker_settings.model_copy(update={"smtp_port": port, "worker_concurrency": 1})
        background.run_due(sessions, cfg)  # tonight's scheduled run has already happened
        with sessions() as db:
            assert db.scalars(select(Alert)).all() == []  # LAMBDA is fine so far
            job_id = imports.start_import(
                db,
                actor=office_actor,
                kind="sales",
                filename="ventes.csv",
                data=_sales_csv([("73282932000074", f"{last_month:%Y-%m}", 15_000.0)]),
            )
        # the worker: import, then rules, then delivery (in a thread of its own, as a
        # separate process would be: the browser tests keep an event loop in this one)
        worker = threading.Thread(target=run_worker, args=(cfg,), kwargs={"wait": False})
        worker.start()
        worker.join(timeout=120)

        with sessions() as db:
            job = job_store.job(db, job_id)
            assert job is not None and job.status == "done", job
            assert (job.result or {})["updated"] == 1
            alert = db.scalars(select(Alert)).one()
            assert (alert.rule_key, alert.recipient_id) == ("declining-key-account", rep_id)
            assert "−25,0 %" in alert.message  # a true minus sign, a decimal comma
            emails = db.scalars(select(Notification).where(Notification.channel == "email")).all()
            assert [(n.user_id, n.status) for n in emails] == [(rep_id, "sent")]
            in_app = {
                n.user_id
                for n in db.scalars(select(Notification).where(Notification.channel == "in_app"))
            }
            assert in_app == {rep_id, director_id}
    mails = [m for _, m in box.messages if "LAMBDA SARL" in m["Subject"]]
    assert len(mails) == 1
    assert (mails[0]["To"], mails[0]["Cc"]) == ("paul.rep@acme.fr", "directeur@acme.fr")
