"""Exports as jobs: the file a worker writes is the export, kept for its starter, then purged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from contextlib import nullcontext

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Forbidden, InvalidInput, NotFound
from fieldcrm.services import costs, exports
from fieldcrm.store import jobs as job_store
from fieldcrm.store.jobs import JobFileView

pytestmark = pytest.mark.db
SETTINGS = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)
CLAIRE = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))
KARIM = Actor(id=2, role=Role.DISPATCHER, name="Karim Benali")
ADMIN = Actor(id=3, role=Role.ADMIN, name="Admin fieldcrm")
CAMILLE = Actor(id=4, role=Role.REP, name="Camille Martin")


def _run(db: Session, job_id: int) -> None:
    exports.run_export_job(lambda: nullcontext(db), job_id, settings=SETTINGS)


def _bytes(db: Session, found: JobFileView) -> bytes:
    return b"".join(exports.file_bytes(lambda: nullcontext(db), found))


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_an_accounts_export_job_writes_every_account_as_text_never_a_formula(
    demo_db: Session,
) -> None:
    demo_db.execute(
        text(
            "UPDATE accounts SET name = '=HYPERLINK(\"http://x\")' WHERE id = (SELECT min(id) FROM accounts)"
        )
    )
    accounts = demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    job_id = exports.start_accounts_export(demo_db, actor=KARIM, fmt="csv")
    assert job_store.job(demo_db, job_id).status == "queued"  # type: ignore[union-attr]
    _run(demo_db, job_id)

    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "done", job
    assert (job.done, job.total) == (accounts, accounts)
    found = exports.export_file(demo_db, job_id, actor=KARIM)
    assert (found.name, found.media_type) == ("comptes.csv", "text/csv; charset=utf-8")
    data = _bytes(demo_db, found)
    assert len(data) == found.size == job.result["file"]["size"]  # type: ignore[index]
    rows = _csv_rows(data)
    assert rows[0][:4] == ["Id fieldcrm", "Identifiant", "SIRET", "Raison sociale"]
    assert len(rows) - 1 == accounts == job.result["rows"]  # type: ignore[index]
    names = [r[rows[0].index("Raison sociale")] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names and '=HYPERLINK("http://x")' not in names


def test_a_file_bigger_than_a_chunk_comes_back_whole(
    demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "CHUNK_BYTES", 1000)
    job_id = exports.start_accounts_export(demo_db, actor=KARIM, fmt="xlsx")
    _run(demo_db, job_id)
    found = exports.export_file(demo_db, job_id, actor=KARIM)
    assert found.chunks == -(-found.size // 1000) > 1
    book = load_workbook(io.BytesIO(_bytes(demo_db, found)), read_only=True)
    count = demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    assert sum(1 for _ in book["Comptes"].iter_rows()) == count + 1


def test_a_rep_exports_their_own_accounts_only(demo_db: Session) -> None:
    own = demo_db.execute(
        text("SELECT count(*) FROM account_assignments WHERE owner_id = 4")
    ).scalar_one()
    job_id = exports.start_accounts_export(demo_db, actor=CAMILLE, fmt="csv")
    _run(demo_db, job_id)
    rows = _csv_rows(_bytes(demo_db, exports.export_file(demo_db, job_id, actor=CAMILLE)))
    assert 0 < len(rows) - 1 == own
    owner = rows[0].index("Commercial")
    assert {r[owner] for r in rows[1:]} == {"camille.martin@cafes-riviera.fr"}


def test_only_the_starter_and_an_admin_may_download(demo_db: Session) -> None:
    job_id = exports.start_accounts_export(demo_db, actor=KARIM, fmt="csv")
    with pytest.raises(NotFound):  # not done yet: no file
        exports.export_file(demo_db, job_id, actor=KARIM)
    _run(demo_db, job_id)
    assert exports.export_file(demo_db, job_id, actor=ADMIN).name == "comptes.csv"
    for other in (CLAIRE, CAMILLE):
        with pytest.raises(NotFound):
            exports.export_file(demo_db, job_id, actor=other)


def test_the_rights_are_checked_again_when_the_job_runs(demo_db: Session) -> None:
    job_id = exports.start_accounts_export(demo_db, actor=KARIM, fmt="csv")
    demo_db.execute(text("UPDATE users SET active = false WHERE id = 2"))
    _run(demo_db, job_id)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "failed"
    assert job.error is not None and job.error.startswith("Vous ne pouvez plus faire cet export")
    assert job_store.job_file(demo_db, job_id, now=dt.datetime.now(dt.UTC)) is None


def test_bad_requests_are_refused_at_once_and_queue_nothing(demo_db: Session) -> None:
    before = demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one()
    with pytest.raises(InvalidInput) as bad_format:
        exports.start_accounts_export(demo_db, actor=KARIM, fmt="pdf")
    assert bad_format.value.problems[0].field == "format"
    with pytest.raises(InvalidInput) as bad_period:
        exports.start_costs_export(demo_db, actor=CLAIRE, fmt="csv", month="2026-13")
    assert bad_period.value.problems[0].field == "month"
    with pytest.raises(Forbidden):
        exports.start_costs_export(demo_db, actor=CAMILLE, fmt="csv", month="2026-03", rep_id=5)
    assert demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one() == before


def test_a_costs_export_is_the_same_file_as_the_direct_download(demo_db: Session) -> None:
    job_id = exports.start_costs_export(
        demo_db, actor=CLAIRE, fmt="csv", month="2026-03", group_by="week", lang="en"
    )
    _run(demo_db, job_id)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "done" and (job.done, job.total) == (2, 2)
    report = costs.period_report(
        demo_db, actor=CLAIRE, settings=SETTINGS, month="2026-03", group_by="week"
    )
    direct, media, name = costs.export_report(report, "csv", lang="en")
    found = exports.export_file(demo_db, job_id, actor=CLAIRE)
    assert (found.name, found.media_type) == (name, media)
    assert _bytes(demo_db, found) == direct


def test_a_costs_export_queued_by_the_previous_version_still_runs(demo_db: Session) -> None:
    """Jobs queued before the period was stored as its first and last day (a month then)."""
    job_id = exports.start_costs_export(demo_db, actor=CLAIRE, fmt="csv", month="2026-03")
    _run(demo_db, job_id)
    today = _bytes(demo_db, exports.export_file(demo_db, job_id, actor=CLAIRE))
    old = {"month": "2026-03", "week": None, "year": None, "start": None, "end": None}
    demo_db.execute(
        text("""UPDATE jobs SET status = 'queued',
                  params = jsonb_set(params, '{period}', (params -> 'period') || CAST(:old AS jsonb))
                WHERE id = :id"""),
        {"id": job_id, "old": json.dumps(old)},
    )
    _run(demo_db, job_id)
    job = job_store.job(demo_db, job_id)
    assert job is not None and job.status == "done", job
    assert job.params["period"]["month"] == "2026-03"
    assert _bytes(demo_db, exports.export_file(demo_db, job_id, actor=CLAIRE)) == today


def test_a_run_again_replaces_its_file_and_expired_files_are_purged(demo_db: Session) -> None:
    job_id = exports.start_accounts_export(demo_db, actor=KARIM, fmt="csv")
    _run(demo_db, job_id)
    first = exports.export_file(demo_db, job_id, actor=KARIM)
    assert job_store.requeue(demo_db, job_id) is False  # done: nothing to run again
    demo_db.execute(text("UPDATE jobs SET status = 'queued' WHERE id = :id"), {"id": job_id})
    _run(demo_db, job_id)  # as after a stall: the file is written anew, not twice
    again = exports.export_file(demo_db, job_id, actor=KARIM)
    assert (again.size, again.chunks) == (first.size, first.chunks)
    assert (
        demo_db.execute(
            text("SELECT count(*) FROM job_file_chunks WHERE job_id = :id"), {"id": job_id}
        ).scalar_one()
        == again.chunks
    )

    expires = again.expires_at
    assert expires - dt.datetime.now(dt.UTC) > dt.timedelta(hours=SETTINGS.export_keep_hours - 1)
    assert exports.purge_expired(demo_db, now=expires) == 0  # within the grace: kept
    assert exports.purge_expired(demo_db, now=expires + exports.PURGE_GRACE) == 1
    with pytest.raises(NotFound):
        exports.export_file(demo_db, job_id, actor=KARIM)
    assert (
        demo_db.execute(
            text("SELECT count(*) FROM job_file_chunks WHERE job_id = :id"), {"id": job_id}
        ).scalar_one()
        == 0
    )
