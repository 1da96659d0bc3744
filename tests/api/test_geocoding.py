"""Geocoding API through the real app: manual pin (locked, authorised), reverse, run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.api import geocoding as api
from fieldcrm.config import Settings
from fieldcrm.geocoding.chain import GeocoderChain, build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.services import geocoding_jobs
from tests.geocoding.loopback import LoopbackServer, Reply, ban_collection, ban_feature, serving
from tests.web import ClientFactory


@pytest.fixture
def ban() -> Iterator[LoopbackServer]:
    feature = ban_feature(
        7.4246, 43.7384, label="1 Avenue de la Costa 98000 Monaco", citycode="99138"
    )
    with serving(lambda p, q: Reply(200, ban_collection(feature))) as server:
        yield server


def _chain(server: LoopbackServer) -> GeocoderChain:
    return build_chain(
        [f"ban={server.url}"], gazetteer=load_gazetteer(), threshold=0.6, max_retries=0
    )


def _owned_by(db: Session, owner: int) -> int:
    return db.execute(
        text("SELECT min(account_id) FROM account_assignments WHERE owner_id = :o"), {"o": owner}
    ).scalar_one()


def test_rep_pins_own_account_and_it_is_locked(api_as: ClientFactory, demo_db: Session) -> None:
    account = _owned_by(demo_db, 4)
    response = api_as(4).put(
        f"/api/geocoding/accounts/{account}/location", json={"lon": 7.42, "lat": 43.74}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["locked"]) == ("manual", True)
    assert body["lon"] == pytest.approx(7.42)
    row = demo_db.execute(
        text("SELECT location_locked, geocode_provider FROM accounts WHERE id = :id"),
        {"id": account},
    ).one()
    assert tuple(row) == (True, "manual")
    assert api_as(4).delete(f"/api/geocoding/accounts/{account}/lock").json()["locked"] is False


def test_rep_cannot_pin_a_colleagues_account(api_as: ClientFactory, demo_db: Session) -> None:
    account = _owned_by(demo_db, 5)
    response = api_as(4).put(
        f"/api/geocoding/accounts/{account}/location", json={"lon": 7.42, "lat": 43.74}
    )
    assert response.status_code == 403
    assert (
        api_as(2)
        .put(f"/api/geocoding/accounts/{account}/location", json={"lon": 7.42, "lat": 43.74})
        .status_code
        == 200
    )


def test_bad_point_and_unknown_account(api_as: ClientFactory) -> None:
    client = api_as(2)
    bad = client.put("/api/geocoding/accounts/1/location", json={"lon": 700, "lat": 43.7})
    assert bad.status_code == 422 and "lon" in bad.text
    assert (
        client.put(
            "/api/geocoding/accounts/99999999/location", json={"lon": 7, "lat": 43}
        ).status_code
        == 404
    )


def test_reverse_offline_and_via_provider(api_as: ClientFactory, ban: LoopbackServer) -> None:
    client = api_as(4)
    client.app.dependency_overrides[api.get_chain] = lambda: _chain(ban)  # type: ignore[attr-defined]
    offline = client.post(
        "/api/geocoding/reverse", json={"lon": 7.2661, "lat": 43.7031, "offline": True}
    )
    assert offline.status_code == 200
    assert (offline.json()["insee"], offline.json()["address"]) == ("06088", None)
    assert ban.requests == []
    online = client.post("/api/geocoding/reverse", json={"lon": 7.4246, "lat": 43.7384})
    assert online.json()["address"] == "1 Avenue de la Costa 98000 Monaco"
    assert online.json()["address_provider"] == "ban"


def test_run_is_for_the_office(
    api_as: ClientFactory, demo_db: Session, ban: LoopbackServer
) -> None:
    rep = api_as(4)
    assert rep.post("/api/geocoding/run", json={"offline": True}).status_code == 403
    dispatcher = api_as(2)
    dispatcher.app.dependency_overrides[api.get_chain] = lambda: _chain(ban)  # type: ignore[attr-defined]
    result = dispatcher.post(
        "/api/geocoding/run", json={"offline": True, "batch_size": 10, "max_batches": 1}
    )
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["processed"] == 10 and body["asked"] == {"offline": 10}
    assert ban.requests == []


def test_a_queued_run_answers_202_with_its_job_then_its_summary(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """``POST /run/jobs`` queues the run and answers at once; the job's ``result`` is the
    summary ``POST /run`` would have answered, and ``done``/``total`` count accounts."""
    assert api_as(4).post("/api/geocoding/run/jobs", json={"offline": True}).status_code == 403
    dispatcher = api_as(2)
    body = {"offline": True, "batch_size": 4, "max_batches": 3}
    queued = dispatcher.post("/api/geocoding/run/jobs", json=body)
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert (job["kind"], job["status"], job["label"]) == (
        "geocoding",
        "queued",
        "Géocodage de 12 comptes",
    )
    settings = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)
    geocoding_jobs.run_geocoding_job(lambda: nullcontext(demo_db), job["id"], settings=settings)
    done = dispatcher.get(f"/api/jobs/{job['id']}").json()
    assert (done["status"], done["done"], done["total"]) == ("done", 12, 12)
    result = done["result"]
    assert (result["processed"], result["batches"], result["asked"]) == (12, 3, {"offline": 12})
    assert result["matched_total"] + result["to_review"] + result["failed"] == 12
    bad = dispatcher.post("/api/geocoding/run/jobs", json={"batch_size": 0})
    assert bad.status_code == 422 and "batch_size" in bad.text


def test_review_queue(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(
        text("""UPDATE accounts SET geocode_status = 'to_review', geocode_score = 0.3,
                geocode_reason = 'score 0.30 < 0.60' WHERE id IN (SELECT id FROM accounts ORDER BY id LIMIT 2)""")
    )
    demo_db.execute(
        text("""UPDATE accounts SET geocode_status = 'failed', geocode_score = NULL,
                geocode_reason = 'aucune correspondance' WHERE id = (SELECT max(id) FROM accounts)""")
    )
    dispatcher = api_as(2)
    body = dispatcher.get("/api/geocoding/review").json()
    assert body["total"] >= 3
    assert body["items"][0]["status"] == "failed"  # no score first
    assert body["items"][0]["reason"] == "aucune correspondance"
    flagged = dispatcher.get(
        "/api/geocoding/review", params={"status": "to_review", "limit": 1}
    ).json()
    assert len(flagged["items"]) == 1 and flagged["items"][0]["reason"]
    assert all(i["status"] == "to_review" for i in flagged["items"])
    bad = dispatcher.get("/api/geocoding/review", params={"status": "matched"})
    assert bad.status_code == 422 and "status" in bad.text
    assert api_as(4).get("/api/geocoding/review").status_code == 403


def test_anonymous_is_401(anonymous) -> None:  # type: ignore[no-untyped-def]
    assert (
        anonymous.post("/api/geocoding/reverse", json={"lon": 7.0, "lat": 43.0}).status_code == 401
    )
