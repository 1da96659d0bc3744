"""A request the API refuses before any service sees it (a value of the wrong type) answers,
beside FastAPI's ``detail`` (every error, for a developer), the ``text`` a person reads, as
every error body does: the phone's offline outbox shows it, in the reader's language, the
field by its label as the pages say it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.rows import own_account
from tests.web import ClientFactory


def _visit(account: object) -> dict[str, object]:
    return {"account_id": account, "client_key": "visit-bad-type-1", "report": "ok"}


def test_a_value_of_the_wrong_type_is_said_in_french_for_the_reader(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    refused = client.post("/api/visits", json=_visit("abc"))
    assert refused.status_code == 422
    body = refused.json()
    assert [e["loc"] for e in body["detail"]] == [["body", "account_id"]]
    assert body["detail"][0]["type"] == "int_parsing"
    assert body["text"] == "compte : nombre entier attendu"
    english = client.post("/api/visits?lang=en", json=_visit("abc"))
    assert english.status_code == 422
    assert english.json()["text"].startswith("account: ")  # its English label, not its code
    assert "entier" not in english.json()["text"]
    # the same visit with a right account is taken: only the type was wrong
    good = client.post("/api/visits", json=_visit(own_account(demo_db, 4)))
    assert good.status_code in (200, 201), good.text
