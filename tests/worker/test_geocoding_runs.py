"""Geocoding runs on a database whose sessions really commit, as the worker's and the CLI's
do: no row lock is held while providers answer, a pin placed by hand meanwhile is kept, two
runs never ask for the same account, a killed run's claims expire, and a queued run is a job."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.chain import GeocoderChain
from fieldcrm.geocoding.model import GeocodeResult
from fieldcrm.geocoding.normalize import NormalizedAddress
from fieldcrm.services import accounts, geocoding, geocoding_jobs
from fieldcrm.services.geocoding import SYSTEM
from fieldcrm.store import geocache
from fieldcrm.store import jobs as job_store
from fieldcrm.store.tables import Account
from fieldcrm.worker.queue import make_queue

pytestmark = pytest.mark.db
ADMIN = Actor(id=0, role=Role.ADMIN, name="test")
PIN = GeoPoint(7.25, 43.70)


@pytest.fixture(autouse=True)
def no_cached_answers(worker_engine: Engine) -> Iterator[None]:
    """Each test asks its providers: the answer cache is emptied around it."""
    with worker_engine.begin() as conn:
        conn.execute(text("TRUNCATE geocode_cache"))
    yield
    with worker_engine.begin() as conn:
        conn.execute(text("TRUNCATE geocode_cache"))


class Probe:
    """An online provider that finds every address in Nice, after running ``during`` with the
    account it is asked about (what happens elsewhere while the provider answers)."""

    name = "probe"

    def __init__(self, ids: dict[str, int], during: Callable[[int], None]) -> None:
        self.ids = ids  # street line → account id
        self.during = during
        self.asked: list[int] = []

    def geocode(self, address: NormalizedAddress) -> GeocodeResult | None:
        account_id = self.ids[address.street_line]
        self.asked.append(account_id)
        self.during(account_id)
        return GeocodeResult(
            provider=self.name,
            point=GeoPoint(7.2801, 43.7045),
            precision="housenumber",
            score=0.95,
            label=address.query.title(),
            citycode="06088",
            postcode="06000",
        )

    def reverse(self, point: GeoPoint) -> GeocodeResult | None:
        return None


def _accounts(sessions: sessionmaker[Session], n: int) -> dict[str, int]:
    """``n`` pending accounts in Nice, committed; street line → id."""
    with sessions() as db:
        rows = [
            Account(name=f"C{i}", address_line1=f"{i} rue de France", postcode="06000", city="Nice")
            for i in range(1, n + 1)
        ]
        db.add_all(rows)
        db.commit()
        return {f"{i} RUE DE FRANCE": a.id for i, a in enumerate(rows, start=1)}


def _state(engine: Engine, account_id: int) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(
            text("""SELECT geocode_status, geocode_provider, location_locked, ST_X(geom),
                           ST_Y(geom),
                           coalesce(geocoded_at > clock_timestamp(), false) AS claimed
                    FROM accounts WHERE id = :id"""),
            {"id": account_id},
        ).one()
    return dict(zip(("status", "provider", "locked", "lon", "lat", "claimed"), row, strict=True))


def _row_lock_free(engine: Engine, account_id: int) -> bool:
    """True when another connection can lock the account's row at once."""
    with engine.connect() as conn:
        try:
            conn.execute(
                text("SELECT id FROM accounts WHERE id = :id FOR UPDATE NOWAIT"), {"id": account_id}
            )
        except OperationalError:
            return False
        finally:
            conn.rollback()
    return True


def test_no_row_lock_is_held_while_the_providers_answer(
    sessions: sessionmaker[Session], worker_engine: Engine
) -> None:
    """While the provider is asked about an account, another connection locks its row with
    NOWAIT: it must succeed, in every batch; the account is claimed all the same."""
    ids = _accounts(sessions, 5)
    free: dict[int, bool] = {}
    claimed: dict[int, bool] = {}

    def elsewhere(account_id: int) -> None:
        free[account_id] = _row_lock_free(worker_engine, account_id)
        claimed[account_id] = bool(_state(worker_engine, account_id)["claimed"])

    probe = Probe(ids, elsewhere)
    with sessions() as session:
        summary = geocoding.geocode_accounts(
            session, actor=SYSTEM, chain=GeocoderChain([probe], threshold=0.6), batch_size=2
        )
    assert sorted(probe.asked) == sorted(ids.values())
    assert free == dict.fromkeys(ids.values(), True)
    assert claimed == dict.fromkeys(ids.values(), True)
    assert (summary.processed, summary.matched["housenumber"], summary.batches) == (5, 5, 3)
    for account_id in ids.values():
        state = _state(worker_engine, account_id)
        assert (state["status"], state["provider"], state["claimed"]) == ("matched", "probe", False)


def test_a_pin_placed_or_an_address_edited_while_the_provider_answers_is_kept(
    sessions: sessionmaker[Session], worker_engine: Engine
) -> None:
    """The office pins the first account by hand and edits the second one's address while the
    run asks the provider about them: the run's answers are not written over either change;
    the edited account stays pending, free for the next run, which geocodes it."""
    ids = _accounts(sessions, 3)
    pinned, edited, untouched = ids.values()

    def office(account_id: int) -> None:
        with sessions() as other:
            other.execute(text("SET lock_timeout = '2s'"))  # the old row locks: fail, not hang
            if account_id == pinned:
                geocoding.set_location(other, actor=ADMIN, account_id=pinned, point=PIN)
            elif account_id == edited:
                accounts.update_account(
                    other, actor=ADMIN, account_id=edited, changes={"address_line1": "9 rue Neuve"}
                )

    with sessions() as session:
        summary = geocoding.geocode_accounts(
            session, actor=SYSTEM, chain=GeocoderChain([Probe(ids, office)], threshold=0.6)
        )
    assert (summary.processed, summary.changed) == (1, 2)
    state = _state(worker_engine, pinned)
    assert (state["status"], state["provider"], state["locked"]) == ("manual", "manual", True)
    assert (state["lon"], state["lat"]) == (pytest.approx(PIN.lon), pytest.approx(PIN.lat))
    state = _state(worker_engine, edited)
    assert (state["status"], state["lon"], state["claimed"]) == ("pending", None, False)
    assert _state(worker_engine, untouched)["status"] == "matched"
    probe = Probe({"9 RUE NEUVE": edited}, lambda account_id: None)
    with sessions() as session:
        again = geocoding.geocode_accounts(
            session, actor=SYSTEM, chain=GeocoderChain([probe], threshold=0.6)
        )
    assert (again.processed, probe.asked) == (1, [edited])
    assert _state(worker_engine, edited)["status"] == "matched"
    assert _state(worker_engine, pinned)["provider"] == "manual"


def test_two_runs_at_once_never_ask_for_the_same_account(
    sessions: sessionmaker[Session], worker_engine: Engine
) -> None:
    """While the first run waits on the provider for its first batch, a second run takes the
    whole backlog: it skips the first run's batch; every account is asked about once."""
    ids = _accounts(sessions, 6)
    second = Probe(ids, lambda account_id: None)

    def run_second(account_id: int) -> None:
        if second.asked:
            return
        with sessions() as other:
            geocoding.geocode_accounts(
                other, actor=SYSTEM, chain=GeocoderChain([second], threshold=0.6), batch_size=2
            )

    first = Probe(ids, run_second)
    with sessions() as session:
        summary = geocoding.geocode_accounts(
            session, actor=SYSTEM, chain=GeocoderChain([first], threshold=0.6), batch_size=2
        )
    first_batch = sorted(ids.values())[:2]
    assert first.asked == first_batch
    assert sorted(second.asked) == sorted(ids.values())[2:]
    assert summary.processed == 2
    assert all(_state(worker_engine, i)["status"] == "matched" for i in ids.values())


def test_the_claims_of_a_killed_run_are_taken_again_once_expired(
    sessions: sessionmaker[Session], worker_engine: Engine
) -> None:
    """A run killed after claiming its batch never gives it back: its accounts stay pending,
    skipped by other runs while the claim holds, and geocoded once it has expired."""
    ids = _accounts(sessions, 2)
    held, expiring = sorted(ids.values())
    with sessions() as killed:  # claims committed, then nothing: the process died
        geocache.claim_accounts(killed, [held], claim_s=geocoding.CLAIM_S)
        geocache.claim_accounts(killed, [expiring], claim_s=1.5)
        killed.commit()
    assert _state(worker_engine, held)["claimed"] and _state(worker_engine, expiring)["claimed"]
    probe = Probe(ids, lambda account_id: None)
    chain = GeocoderChain([probe], threshold=0.6)
    with sessions() as session:
        assert geocoding.count_todo(session) == 2  # still waiting, not lost
        assert geocoding.geocode_accounts(session, actor=SYSTEM, chain=chain).processed == 0
        time.sleep(1.6)
        assert geocoding.geocode_accounts(session, actor=SYSTEM, chain=chain).processed == 1
    assert probe.asked == [expiring]
    assert _state(worker_engine, held)["status"] == "pending"
    assert _state(worker_engine, expiring)["status"] == "matched"


def test_a_queued_run_is_a_job_the_worker_task_runs_with_progress(
    sessions: sessionmaker[Session], worker_engine: Engine, worker_settings: Settings
) -> None:
    """The screen's run is queued as a job with its queue task; the worker's task runs it:
    the progress counts accounts and the result is the summary."""
    _accounts(sessions, 30)
    with sessions() as db:
        job_id = geocoding_jobs.start_geocoding(db, actor=ADMIN, offline=True)
        job = job_store.job(db, job_id)
        assert job is not None and (job.kind, job.status) == ("geocoding", "queued")
        assert job.label == "Géocodage de 30 comptes"
        (queued,) = job_store.queue_jobs(db, statuses=("todo",))
        assert (queued.task, queued.args) == (job_store.GEOCODE_ACCOUNTS, {"job_id": job_id})
    task = make_queue(worker_settings, sessions=sessions).tasks[job_store.GEOCODE_ACCOUNTS]
    task(**queued.args)
    with sessions() as db:
        job = job_store.job(db, job_id)
        assert job is not None and job.status == "done", job
        assert (job.done, job.total) == (30, 30)
        result = job.result or {}
        assert result["processed"] == 30 and result["asked"] == {"offline": 30}
        assert result["matched_total"] + result["to_review"] + result["failed"] == 30
        assert result["batches"] == 2  # the screen's batches of 25
        assert geocoding.count_todo(db) == 0
