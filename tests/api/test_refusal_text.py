"""A refused write answers, beside the developer's ``message`` (each field with its name in the
code: « date et heure (at) »), the ``text`` a person reads (the phone's offline outbox shows
it): each field by its French label only, as the pages say it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.rows import own_account
from tests.web import ClientFactory


def test_a_refused_visit_gives_the_readers_text_beside_the_developers_message(
    api_as: ClientFactory, demo_db: Session
) -> None:
    visit = {
        "account_id": own_account(demo_db, 4),
        "client_key": "visit-future-1",
        "at": "2099-01-01T09:00:00+01:00",
        "report": "bad\u0000report",
    }
    refused = api_as(4).post("/api/visits", json=visit)
    assert refused.status_code == 422
    body = refused.json()
    assert [p["field"] for p in body["problems"]] == ["at", "report"]
    assert body["message"].startswith(
        "date et heure (at) : ne doit pas être dans le futur (reçu : "
    )
    assert "compte rendu (report) : caractère nul interdit" in body["message"]
    assert body["text"] == body["message"].replace(" (at)", "").replace(" (report)", "")
    assert body["text"].startswith("date et heure : ne doit pas être dans le futur (reçu : ")
    assert "compte rendu : caractère nul interdit" in body["text"]


def test_a_refused_visits_time_reads_the_french_way_in_the_companys_zone(
    api_as: ClientFactory, demo_db: Session
) -> None:
    visit = {
        "account_id": own_account(demo_db, 4),
        "client_key": "visit-future-2",
        "at": "2099-07-01T08:00:00+00:00",
    }
    refused = api_as(4).post("/api/visits", json=visit)
    assert refused.status_code == 422
    body = refused.json()
    # 08:00 UTC is 10:00 in Paris in July; the value itself stays ISO for programs
    assert (
        body["text"] == "date et heure : ne doit pas être dans le futur (reçu : 01/07/2099 10:00)"
    )
    assert body["message"] == body["text"].replace("date et heure", "date et heure (at)")
    assert body["problems"][0]["value"] == "2099-07-01T08:00:00+00:00"
    assert body["detail"] == "at: in the future (got '2099-07-01T08:00:00+00:00')"
