"""Dates far outside working life are a 422 naming the field, never a 500: by its name in
the API, by its French label on a page (« mois », « début »)."""

from __future__ import annotations

import pytest

from tests.web import ClientFactory

GETS = [
    ("/api/costs/report", {"month": "9999-12"}, "month"),
    ("/api/costs/report", {"start": "0001-01-01", "end": "2026-01-01"}, "start"),
    ("/api/costs/report", {"year": 9999}, "year"),
    ("/frais", {"month": "9999-12"}, "mois :"),
    ("/tournee", {"start": "9999-12-31", "rep": 4}, "début :"),
    ("/journee", {"date": "0001-01-01", "rep": 4}, "date"),
    ("/api/territories/balance", {"as_of": "0001-01-01"}, "as_of"),
]


@pytest.mark.parametrize(("path", "params", "field"), GETS)
def test_far_dates_are_refused_by_name(
    api_as: ClientFactory, path: str, params: dict, field: str
) -> None:
    r = api_as(1).get(path, params=params)
    assert r.status_code == 422, r.text[:300]
    assert field in r.text


def test_far_dates_in_writes_are_refused_by_name(api_as: ClientFactory) -> None:
    manager = api_as(1)
    assert manager.post("/api/rules/dry-run", params={"as_of": "9999-12-31"}).status_code == 422
    r = manager.post("/journee/planifier", data={"date": "9999-12-31", "rep": 4})
    assert r.status_code == 422 and "date" in r.text
    r = manager.post(
        "/tournee/planifier", data={"start": "9999-12-30", "end": "9999-12-31", "rep": 4}
    )
    assert r.status_code == 422 and "début :" in r.text


def test_only_reps_receive_accounts(api_as: ClientFactory) -> None:
    """Giving accounts to the dispatcher (or a manager) is refused, naming the field."""
    dispatcher = api_as(2)
    account = dispatcher.get("/api/assignment/queue").json()["items"][0]
    account_id = account.get("id") or account["account_id"]
    for user in (2, 1):
        r = dispatcher.post(
            "/api/assignment/manual", json={"account_ids": [account_id], "rep_id": user}
        )
        assert r.status_code == 422 and r.json()["field"] == "rep_id", r.text
    ok = dispatcher.post("/api/assignment/manual", json={"account_ids": [account_id], "rep_id": 5})
    assert ok.status_code == 200 and ok.json()["changed"] == 1, ok.text
