"""Geocoding use cases on PostGIS: cache hits, resumable batches, manual lock, failures kept
with their reason, and the demo company's pending accounts geocoded with no network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.chain import GeocoderChain, build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.services import geocoding
from fieldcrm.services.geocoding import SYSTEM
from fieldcrm.store.tables import Account
from tests.geocoding.loopback import LoopbackServer, Reply, ban_collection, ban_feature, serving

ADMIN = Actor(id=0, role=Role.ADMIN, name="test")


def _ban_answer(path: str, query: dict[str, str]) -> Reply:
    """A BAN look-alike: every query with a house number is found in Nice."""
    q = query.get("q", "")
    if q[:1].isdigit():
        return Reply(
            200,
            ban_collection(
                ban_feature(
                    7.2801, 43.7045, label=q.title(), citycode="06088", postcode="06000", score=0.9
                )
            ),
        )
    return Reply(200, ban_collection())


@pytest.fixture
def ban() -> Iterator[LoopbackServer]:
    with serving(_ban_answer) as server:
        yield server


def _chain(server: LoopbackServer) -> GeocoderChain:
    return build_chain(
        [f"ban={server.url}", "offline"],
        gazetteer=load_gazetteer(),
        threshold=0.6,
        timeout_s=1.0,
        max_retries=0,
        sleep=lambda s: None,
    )


def _account(
    db: Session, name: str, line1: str | None, postcode: str | None, city: str | None, **kw: object
) -> int:
    account = Account(name=name, address_line1=line1, postcode=postcode, city=city, **kw)
    db.add(account)
    db.flush()
    return account.id


def _fresh(db: Session) -> None:
    """Only the test's accounts are pending."""
    db.execute(
        text("UPDATE accounts SET geocode_status = 'matched' WHERE geocode_status = 'pending'")
    )


def _state(db: Session, account_id: int) -> dict[str, object]:
    row = db.execute(
        text("""SELECT geocode_status, geocode_provider, geocode_precision, geocode_reason,
                       geocode_label, ST_X(geom), ST_Y(geom), location_locked
                FROM accounts WHERE id = :id"""),
        {"id": account_id},
    ).one()
    keys = ("status", "provider", "precision", "reason", "label", "lon", "lat", "locked")
    return dict(zip(keys, row, strict=True))


def test_same_address_asks_the_provider_once(db: Session, ban: LoopbackServer) -> None:
    _fresh(db)
    a = _account(db, "A", "12 bd de la République", "06000", "Nice")
    b = _account(db, "B", "12 BOULEVARD DE LA REPUBLIQUE", "6000", "NICE CEDEX 1")
    summary = geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(ban))
    assert len(ban.requests) == 1
    assert summary.processed == 2 and summary.matched["housenumber"] == 2 and summary.cached == 1
    assert _state(db, a)["status"] == _state(db, b)["status"] == "matched"
    # A second run on the same address: answered from the cache table, no request.
    db.execute(
        text("UPDATE accounts SET geocode_status = 'pending' WHERE id IN (:a, :b)"),
        {"a": a, "b": b},
    )
    again = geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(ban))
    assert len(ban.requests) == 1
    assert again.cached == 2 and again.asked == {}
    state = _state(db, a)
    assert (state["provider"], state["precision"]) == ("ban", "housenumber")
    assert state["lon"] == pytest.approx(7.2801)


def test_resumable_after_interruption(db: Session, ban: LoopbackServer) -> None:
    _fresh(db)
    ids = [_account(db, f"R{i}", f"{i} rue de France", "06000", "Nice") for i in range(1, 6)]
    chain = _chain(ban)
    calls = 0
    real = chain.geocode

    def dying(address):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt  # the process is stopped in the middle of batch 2
        return real(address)

    chain.geocode = dying  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        geocoding.geocode_accounts(db, actor=ADMIN, chain=chain, batch_size=2)
    db.rollback()  # what the database does when the process dies: batch 2 is lost, batch 1 kept
    states = [_state(db, i)["status"] for i in ids]
    assert states == ["matched", "matched", "pending", "pending", "pending"]
    assert geocoding.count_todo(db) == 3
    summary = geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(ban), batch_size=2)
    assert summary.processed == 3 and summary.batches == 2
    assert all(_state(db, i)["status"] == "matched" for i in ids)
    # Five distinct addresses, each asked once (the interrupted one again after the restart).
    assert len(ban.requests) == 5


def test_max_batches_leaves_the_rest_pending(db: Session, ban: LoopbackServer) -> None:
    _fresh(db)
    for i in range(1, 4):
        _account(db, f"M{i}", f"{i} rue de Paris", "06000", "Nice")
    summary = geocoding.geocode_accounts(
        db, actor=ADMIN, chain=_chain(ban), batch_size=2, max_batches=1
    )
    assert summary.processed == 2 and geocoding.count_todo(db) == 1


def test_failed_is_recorded_with_reason_never_dropped(db: Session, ban: LoopbackServer) -> None:
    _fresh(db)
    nowhere = _account(db, "N", "lieu-dit Nulle Part", None, "Qwxzyk")
    empty = _account(db, "E", None, None, None)
    rough = _account(db, "V", "chemin des Vignes", "06600", "Antibes")
    summary = geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(ban))
    assert summary.failed == 2 and summary.to_review == 1
    assert _state(db, nowhere)["status"] == "failed"
    assert _state(db, nowhere)["reason"] == "aucune correspondance"
    assert _state(db, nowhere)["lon"] is None
    assert _state(db, empty)["reason"] == "adresse vide"
    state = _state(db, rough)
    assert (state["status"], state["provider"], state["precision"]) == (
        "to_review",
        "offline",
        "municipality",
    )
    assert "précision à la commune (attendue : à la rue)" in str(state["reason"])
    # Failed accounts are not retried by default, only with retry_failed.
    assert geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(ban)).processed == 0
    assert (
        geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(ban), retry_failed=True).processed
        == 2
    )


def test_provider_down_misses_are_not_cached(db: Session) -> None:
    _fresh(db)
    with serving(lambda p, q: Reply(500, {})) as down:
        acc = _account(db, "D", "3 rue Inconnue", None, "Qwxzyk")
        summary = geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(down))
        assert summary.failed == 1
        assert "ban:" in str(_state(db, acc)["reason"])
        guess = _account(db, "G", "4 rue de France", "06000", "Nice")
        assert geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(down)).to_review == 1
        assert _state(db, guess)["provider"] == "offline"
    count = "SELECT count(*) FROM geocode_cache WHERE key LIKE :k"
    assert db.execute(text(count), {"k": "3 RUE INCONNUE%"}).scalar_one() == 0
    # The gazetteer's guess made while the provider was down is not cached either.
    assert db.execute(text(count), {"k": "4 RUE DE FRANCE%"}).scalar_one() == 0


def test_offline_run_reads_the_cache_but_writes_nothing(db: Session, ban: LoopbackServer) -> None:
    _fresh(db)
    online = _account(db, "O1", "7 rue de la Buffa", "06000", "Nice")
    geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(ban))
    offline_chain = build_chain(["offline"], gazetteer=load_gazetteer(), threshold=0.6)
    guess = _account(db, "O2", "8 rue Inconnue", "06000", "Nice")
    db.execute(
        text("UPDATE accounts SET geocode_status = 'pending' WHERE id = :id"), {"id": online}
    )
    summary = geocoding.geocode_accounts(db, actor=ADMIN, chain=offline_chain)
    assert summary.cached == 1 and summary.asked == {"offline": 1}
    assert _state(db, online)["provider"] == "ban"  # the provider's answer, from the cache
    assert _state(db, guess)["provider"] == "offline"
    keys = db.execute(text("SELECT key FROM geocode_cache WHERE key LIKE '8 RUE INCONNUE%'")).all()
    assert keys == []  # a commune guess never hides a provider's answer later


def test_manual_pin_locks_against_regeocoding(db: Session, ban: LoopbackServer) -> None:
    _fresh(db)
    acc = _account(db, "P", "12 bd de la République", "06000", "Nice")
    pin = GeoPoint(7.2700, 43.7000)
    located = geocoding.set_location(db, actor=ADMIN, account_id=acc, point=pin)
    assert (located.status, located.locked) == ("manual", True)
    assert located.lon == pytest.approx(7.27)
    summary = geocoding.geocode_accounts(
        db, actor=ADMIN, chain=_chain(ban), account_ids=[acc], refresh=True
    )
    assert summary.locked == 1 and summary.processed == 0
    state = _state(db, acc)
    assert (state["status"], state["lon"], state["lat"]) == (
        "manual",
        pytest.approx(7.27),
        pytest.approx(43.70),
    )
    assert ban.requests == []
    audit = db.execute(
        text("SELECT count(*) FROM audit_log WHERE action = 'locate' AND entity_id = :id"),
        {"id": str(acc)},
    ).scalar_one()
    assert audit == 1
    geocoding.unlock_location(db, actor=ADMIN, account_id=acc)
    assert (
        geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(ban), account_ids=[acc]).processed
        == 1
    )
    assert _state(db, acc)["status"] == "matched"


def test_manual_pin_authorisation(db: Session) -> None:
    acc = _account(db, "Q", "1 rue X", "06000", "Nice")
    with pytest.raises(NotFound):
        geocoding.set_location(db, actor=ADMIN, account_id=10**9, point=GeoPoint(7.0, 43.0))
    dispatcher = Actor(id=0, role=Role.DISPATCHER)
    assert geocoding.set_location(
        db, actor=dispatcher, account_id=acc, point=GeoPoint(7.0, 43.0)
    ).locked
    with pytest.raises(Forbidden):
        geocoding.geocode_accounts(
            db,
            actor=Actor(id=99, role=Role.REP),
            chain=build_chain(["offline"], gazetteer=load_gazetteer(), threshold=0.6),
        )


def test_reverse_offline_and_through_provider(ban: LoopbackServer) -> None:
    offline = build_chain(["offline"], gazetteer=load_gazetteer(), threshold=0.6)
    answer = geocoding.reverse(GeoPoint(7.2661, 43.7031), chain=offline)
    assert (answer.insee, answer.commune, answer.address) == ("06088", "Nice", None)
    # Biot's centre is nearer, but the point lies inside Antibes's shipped outline.
    assert geocoding.reverse(GeoPoint(7.1165, 43.6193), chain=offline).insee == "06004"
    ban.push(
        Reply(200, ban_collection(ban_feature(7.2661, 43.7031, label="1 Place Masséna 06000 Nice")))
    )
    answer = geocoding.reverse(GeoPoint(7.2661, 43.7031), chain=_chain(ban))
    assert (answer.address, answer.address_provider) == ("1 Place Masséna 06000 Nice", "ban")


def test_demo_pending_accounts_end_matched_or_flagged_offline(demo_db: Session) -> None:
    ids = (
        demo_db.execute(text("SELECT id FROM accounts WHERE geocode_status = 'pending'"))
        .scalars()
        .all()
    )
    pending = geocoding.count_todo(demo_db)
    assert pending == len(ids) > 0
    chain = geocoding.chain_from_settings(offline=True)
    seen: list[int] = []
    summary = geocoding.geocode_accounts(
        demo_db, actor=SYSTEM, chain=chain, batch_size=25, progress=seen.append
    )
    assert sum(seen) == pending == summary.processed
    assert summary.asked.keys() <= {"offline"}
    assert geocoding.count_todo(demo_db) == 0
    rows = demo_db.execute(
        text(
            "SELECT geocode_status, geocode_reason, geom IS NULL FROM accounts WHERE id = ANY(:ids)"
        ),
        {"ids": list(ids)},
    ).all()
    assert len(rows) == pending
    for status, reason, no_point in rows:
        assert status in ("matched", "to_review", "failed")
        if status != "matched":
            assert reason
        assert no_point == (status == "failed")
    assert summary.matched_total + summary.to_review + summary.failed == pending
    print(
        pending,
        dict(summary.matched),
        summary.to_review,
        summary.failed,
        summary.reasons.most_common(3),
    )
