"""Jobs a vanished worker left ``doing`` run again, once per stall: a worker process killed
with SIGKILL in the middle of an import, then another worker that finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import nullcontext
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import imports
from fieldcrm.services import jobs as job_service
from fieldcrm.store import jobs as job_store
from tests.worker.test_worker import FIELDCRM

pytestmark = pytest.mark.db
ADMIN = Actor(id=3, role=Role.ADMIN, name="Admin")
ROWS = 50_000


def _worker(url: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [FIELDCRM, "worker"],
        env={
            **os.environ,
            "FIELDCRM_DATABASE_URL": url,
            "FIELDCRM_SMTP_PORT": "1",
            "FIELDCRM_GEOCODE_BACKLOG_BATCHES": "0",
            **env,
        },
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _poll(engine: Engine, query: str, params: dict[str, object], timeout_s: float = 120) -> tuple:
    """The first row of ``query`` once it is truthy in its first column."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            row = conn.execute(text(query), params).first()
        if row is not None and row[0]:
            return tuple(row)
        time.sleep(0.1)
    raise AssertionError(f"never true: {query}")


def test_an_import_cut_by_a_killed_worker_is_finished_by_another_exactly_once(
    worker_url: str, worker_engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    lines = "".join(f"K{i};Compte tué {i};Nice\n" for i in range(ROWS))
    with sessions() as db:
        job_id = job_store.create_job(
            db,
            kind="import",
            label="gros.csv",
            user_id=None,
            params={"kind": "accounts", "filename": "gros.csv"},
            data=f"code client;nom;ville\n{lines}".encode(),
        )
        queue_id = job_store.defer(db, job_store.IMPORT_FILE, {"job_id": job_id})
        db.commit()

    first = _worker(worker_url, tmp_path / "first.log", FIELDCRM_WORKER_CONCURRENCY="1")
    try:
        _poll(
            worker_engine,
            "SELECT status = 'running' AND done > 0 FROM jobs WHERE id = :id",
            {"id": job_id},
        )
    finally:
        first.send_signal(signal.SIGKILL)  # no clean-up of any kind: the machine is gone
        first.wait()
    with worker_engine.begin() as conn:
        status, attempts, dead = conn.execute(
            text("SELECT status::text, attempts, worker_id FROM procrastinate_jobs WHERE id = :q"),
            {"q": queue_id},
        ).one()
        user_status = conn.execute(
            text("SELECT status FROM jobs WHERE id = :id"), {"id": job_id}
        ).scalar_one()
        assert (status, attempts, user_status) == ("doing", 0, "running"), (
            tmp_path / "first.log"
        ).read_text()
        assert conn.execute(text("SELECT count(*) FROM accounts")).scalar_one() == 0
        # time passes: the dead worker's last heartbeat gets old
        conn.execute(
            text("""UPDATE procrastinate_workers
                    SET last_heartbeat = now() - interval '10 minutes' WHERE id = :w"""),
            {"w": dead},
        )

    second = _worker(worker_url, tmp_path / "second.log", FIELDCRM_WORKER_TICK_CRON="* * * * * *")
    try:
        _poll(
            worker_engine,
            "SELECT status = 'done' FROM jobs WHERE id = :id",
            {"id": job_id},
            timeout_s=240,
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    log = (tmp_path / "second.log").read_text()
    with worker_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM accounts")).scalar_one() == ROWS, log
        assert (
            conn.execute(text("SELECT count(DISTINCT external_id) FROM accounts")).scalar_one()
            == ROWS
        )
        events = (
            conn.execute(
                text(
                    """SELECT type::text FROM procrastinate_events WHERE job_id = :q ORDER BY id"""
                ),
                {"q": queue_id},
            )
            .scalars()
            .all()
        )
        status = conn.execute(
            text("SELECT status::text FROM procrastinate_jobs WHERE id = :q"), {"q": queue_id}
        ).scalar_one()
        result = conn.execute(
            text("SELECT result FROM jobs WHERE id = :id"), {"id": job_id}
        ).scalar_one()
        workers = conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
    # started on the first, put back once, started and finished on the second
    moves = [e for e in events if e != "scheduled"]  # the retry is scheduled "now"
    assert moves == ["deferred", "started", "deferred_for_retry", "started", "succeeded"], log
    assert status == "succeeded"
    assert (result["read"], result["inserted"]) == (ROWS, ROWS)
    assert workers == 0  # the dead worker was forgotten; the second one said goodbye


# ------------------------------------------------------------------ the rule, in one process
def _dead_worker(db: Session, *, minutes: int) -> int:
    return int(
        db.execute(
            text("""INSERT INTO procrastinate_workers (last_heartbeat)
                    VALUES (now() - make_interval(mins => :m)) RETURNING id"""),
            {"m": minutes},
        ).scalar_one()
    )


def _doing(
    db: Session,
    task: str,
    args: dict[str, object],
    worker: int,
    *,
    attempts: int = 0,
    qlock: str | None = None,
) -> int:
    queue_id = job_store.defer(db, task, args, queueing_lock=qlock)
    assert queue_id is not None
    db.execute(
        text("""UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w, attempts = :a
                WHERE id = :id"""),
        {"w": worker, "a": attempts, "id": queue_id},
    )
    return queue_id


def _user_job(db: Session, status: str) -> int:
    job_id = job_store.create_job(
        db, kind="import", label="x.csv", user_id=None, params={}, data=b"code;nom\n"
    )
    db.execute(
        text("UPDATE jobs SET status = :s, done = 7 WHERE id = :id"), {"s": status, "id": job_id}
    )
    return job_id


def _queue_state(db: Session, queue_id: int) -> tuple[str, int]:
    status, attempts = db.execute(
        text("SELECT status::text, attempts FROM procrastinate_jobs WHERE id = :id"),
        {"id": queue_id},
    ).one()
    return status, attempts


def test_each_stall_is_retried_once_and_a_job_stalled_too_often_fails_naming_why(
    db: Session,
) -> None:
    gone = _dead_worker(db, minutes=5)
    alive = _dead_worker(db, minutes=0)
    running = _user_job(db, "running")
    cut = _doing(db, job_store.IMPORT_FILE, {"job_id": running}, gone)
    finished = _user_job(db, "done")  # its import committed just before the kill
    committed = _doing(db, job_store.IMPORT_FILE, {"job_id": finished}, gone)
    busy = _doing(db, job_store.IMPORT_FILE, {"job_id": _user_job(db, "running")}, alive)
    weary_job = _user_job(db, "running")
    weary = _doing(db, job_store.IMPORT_FILE, {"job_id": weary_job}, gone, attempts=2)
    rules = _doing(db, job_store.EVALUATE_RULES, {}, gone)

    report = job_service.recover_stalled(db, stale_after_s=60)

    assert sorted(report.retried) == sorted([cut, committed, rules])
    assert report.failed == [weary]
    assert _queue_state(db, cut) == ("todo", 1)
    assert _queue_state(db, busy) == ("doing", 0), "a live worker's job is left alone"
    assert _queue_state(db, weary) == ("failed", 3)
    again = job_store.job(db, running)
    assert again is not None and (again.status, again.done, again.started_at) == ("queued", 0, None)
    assert job_store.job(db, finished).status == "done"  # type: ignore[union-attr]
    failed = job_store.job(db, weary_job)
    assert failed is not None and failed.status == "failed"
    assert failed.error == job_service.STALLED_TOO_OFTEN.format(n=3)
    assert (
        db.execute(
            text("SELECT count(*) FROM procrastinate_workers WHERE id = :w"), {"w": gone}
        ).scalar_one()
        == 0
    )

    # an admin runs the weary one again ("Relancer" on "Tâches de fond"): its import too
    job_service.retry_queue_job(db, weary, actor=ADMIN)
    assert _queue_state(db, weary) == ("todo", 0)
    reopened = job_store.job(db, weary_job)
    assert reopened is not None and (reopened.status, reopened.error) == ("queued", None)
    assert job_store.job_input(db, weary_job) == b"code;nom\n"

    second = job_service.recover_stalled(db, stale_after_s=60)
    assert (second.retried, second.failed) == ([], []), "one retry per stall"
    # a done job run again does nothing: the import is not applied twice
    imports.run_import_job(lambda: nullcontext(db), finished)
    assert job_store.job(db, finished).status == "done"  # type: ignore[union-attr]


def test_a_stalled_job_superseded_by_a_waiting_one_is_failed_not_retried(db: Session) -> None:
    gone = _dead_worker(db, minutes=5)
    stalled = _doing(db, "fieldcrm.tick", {"timestamp": 1}, gone, qlock="fieldcrm.tick")
    waiting = job_store.defer(db, "fieldcrm.tick", {"timestamp": 2}, queueing_lock="fieldcrm.tick")
    assert waiting is not None
    report = job_service.recover_stalled(db, stale_after_s=60)
    assert (report.retried, report.failed) == ([], [stalled])
    assert _queue_state(db, stalled)[0] == "failed"
    assert _queue_state(db, waiting) == ("todo", 0)
