"""Check-ins and visit reports: idempotent resend, ownership, clear errors."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory


def _own_account(db: Session, rep_id: int) -> tuple[int, float, float]:
    row = db.execute(
        text(
            "SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM accounts LEFT JOIN account_assignments ON account_id = id WHERE owner_id = :r AND geom IS NOT NULL ORDER BY id LIMIT 1"
        ),
        {"r": rep_id},
    ).one()
    return row.id, row.lon, row.lat


def test_check_in_then_report_make_one_visit_even_when_resent(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account, lon, lat = _own_account(demo_db, 4)
    client = api_as(4)
    checkin = {
        "account_id": account,
        "client_key": "visit-abc-123",
        "lon": lon + 0.0005,
        "lat": lat,
    }
    first = client.post("/api/visits", json=checkin)
    assert first.status_code == 201 and first.json()["created"] is True
    assert 20 < first.json()["distance_m"] < 60 and first.json()["far_from_account"] is False
    again = client.post("/api/visits", json=checkin)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    report = {
        "account_id": account,
        "client_key": "visit-abc-123",
        "outcome": "commande",
        "report": "Le gérant veut une remise sur le café en grains.",
    }
    done = client.post("/api/visits", json=report)
    assert done.status_code == 200 and done.json()["report"].startswith("Le gérant")
    assert done.json()["checkin_lon"] is not None  # the check-in point stays
    count = demo_db.execute(
        text("SELECT count(*) FROM activities WHERE client_key = 'visit-abc-123'")
    ).scalar_one()
    assert count == 1
    found = demo_db.execute(
        text(
            "SELECT count(*) FROM activities WHERE report_tsv @@ plainto_tsquery('french', 'remises') AND client_key = 'visit-abc-123'"
        )
    ).scalar_one()
    assert found == 1


def test_a_far_check_in_is_flagged_not_refused(api_as: ClientFactory, demo_db: Session) -> None:
    account, lon, lat = _own_account(demo_db, 4)
    response = api_as(4).post(
        "/api/visits",
        json={"account_id": account, "client_key": "far-away-01", "lon": lon + 0.05, "lat": lat},
    )
    assert response.status_code == 201 and response.json()["far_from_account"] is True


def test_a_rep_may_not_report_on_another_reps_account(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account, _, _ = _own_account(demo_db, 5)
    response = api_as(4).post(
        "/api/visits", json={"account_id": account, "client_key": "not-mine-01"}
    )
    assert response.status_code == 403


def test_a_key_cannot_be_reused_for_another_account(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    first, _, _ = _own_account(demo_db, 4)
    other = demo_db.execute(
        text(
            "SELECT account_id FROM account_assignments WHERE owner_id = 4 AND account_id <> :a"
            " ORDER BY 1 LIMIT 1"
        ),
        {"a": first},
    ).scalar_one()
    assert (
        client.post(
            "/api/visits", json={"account_id": first, "client_key": "shared-key-1"}
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/visits", json={"account_id": other, "client_key": "shared-key-1"}
        ).status_code
        == 409
    )


def test_bad_input_names_the_field(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(4)
    account, _, _ = _own_account(demo_db, 4)
    bad_kind = client.post(
        "/api/visits", json={"account_id": account, "client_key": "bad-kind-01", "kind": "party"}
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["field"] == "kind"
    naive = client.post(
        "/api/visits",
        json={"account_id": account, "client_key": "naive-time", "at": "2026-04-15T10:00:00"},
    )
    assert naive.status_code == 422 and naive.json()["field"] == "at"
    unknown = client.post("/api/visits", json={"account_id": 999999, "client_key": "no-account"})
    assert unknown.status_code == 404


def test_a_report_sent_under_a_lost_key_completes_the_days_far_check_in(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """QA: a far check-in, then the report sent from a phone that had lost the check-in's key
    made two visits (the far one never counted). The page's report form (``complete_open``)
    completes the rep's check-in of that account that day instead, even when sent again."""
    account, lon, lat = _own_account(demo_db, 4)
    client = api_as(4)
    checkin = {
        "account_id": account,
        "client_key": "lost-key-checkin",
        "lon": lon + 0.05,
        "lat": lat,
    }
    far = client.post("/api/visits", json=checkin)
    assert far.status_code == 201 and far.json()["far_from_account"] is True
    assert far.json()["counts"] is False
    report = {
        "account_id": account,
        "client_key": "lost-key-report",  # a key this phone made anew
        "complete_open": True,
        "outcome": "suivi",
        "report": "Point sur la machine à grain, essai prolongé.",
    }
    done = client.post("/api/visits", json=report)
    assert done.status_code == 200, done.text
    visit = done.json()
    assert visit["id"] == far.json()["id"] and visit["client_key"] == "lost-key-checkin"
    assert visit["created"] is False and visit["counts"] is True
    assert visit["checkin_lon"] is not None and visit["report"].startswith("Point sur")
    again = client.post("/api/visits", json=report)  # the first answer was lost: sent again
    assert again.status_code == 200 and again.json()["id"] == far.json()["id"]
    visits = demo_db.execute(
        text(
            "SELECT count(*) FROM activities WHERE account_id = :a AND rep_id = 4"
            " AND kind = 'visit' AND client_key LIKE 'lost-key-%'"
        ),
        {"a": account},
    ).scalar_one()
    assert visits == 1

    # that visit has its report now: another report is another visit
    other = client.post(
        "/api/visits",
        json={**report, "client_key": "lost-key-second", "report": "Deuxième passage."},
    )
    assert other.status_code == 201 and other.json()["id"] != far.json()["id"]


def test_without_complete_open_a_new_key_is_a_new_visit(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Other API clients keep the key's meaning: a new key is a new activity."""
    account, lon, lat = _own_account(demo_db, 4)
    client = api_as(4)
    checkin = {"account_id": account, "client_key": "plain-key-checkin", "lon": lon, "lat": lat}
    first = client.post("/api/visits", json=checkin)
    assert first.status_code == 201
    report = {"account_id": account, "client_key": "plain-key-report", "report": "Compte rendu."}
    second = client.post("/api/visits", json=report)
    assert second.status_code == 201 and second.json()["id"] != first.json()["id"]
