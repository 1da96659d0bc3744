"""The visit report form on the account page: an empty report is refused with the reason
under the field and nothing saved (the form sent without its script, the phone's outbox
alike); a written one is saved and the page says so."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

CAMILLE = 4


def _own_account(db: Session) -> int:
    return int(
        db.execute(
            text("SELECT account_id FROM account_assignments WHERE owner_id = :rep LIMIT 1"),
            {"rep": CAMILLE},
        ).scalar_one()
    )


def _visits(db: Session, account: int) -> int:
    return int(
        db.execute(
            text("SELECT count(*) FROM activities WHERE account_id = :a AND kind = 'visit'"),
            {"a": account},
        ).scalar_one()
    )


def _form(page: str, account: int) -> str:
    start = page.index(f'action="/comptes/{account}/compte-rendu"')
    return page[start : page.index("</details>", start)]


def _error(form: str, account: int) -> tuple[bool, str]:
    """Whether the field's error line is shown, and its text."""
    found = re.search(
        rf'<p class="error report-error" id="report-error-{account}"( hidden)?>(.*?)</p>', form
    )
    assert found, form
    return found.group(1) is None, found.group(2)


def test_an_empty_report_is_refused_under_its_field_and_nothing_is_saved(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = _own_account(demo_db)
    camille = api_as(CAMILLE)
    blank = _form(camille.get(f"/comptes/{account}").text, account)
    assert _error(blank, account) == (False, "")
    assert 'aria-invalid="true"' not in blank
    before = _visits(demo_db, account)
    refused = camille.post(
        f"/comptes/{account}/compte-rendu",
        data={"outcome": "Absent", "report": "  \n "},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    form = _form(refused.text, account)
    assert _error(form, account) == (True, "compte rendu : ne doit pas être vide")
    assert re.search(r'<textarea name="report"[^>]*aria-invalid="true"', form)
    assert 'name="outcome" maxlength="100" list="outcomes" value="Absent"' in form  # kept
    assert 'class="visit-status" role="status"></p>' in refused.text  # no « enregistré »
    assert _visits(demo_db, account) == before


def test_a_written_report_is_saved_and_confirmed(api_as: ClientFactory, demo_db: Session) -> None:
    account = _own_account(demo_db)
    camille = api_as(CAMILLE)
    before = _visits(demo_db, account)
    sent = camille.post(
        f"/comptes/{account}/compte-rendu",
        data={"outcome": "Commande", "report": "Commande de 12 kg de grains, à relancer en mai."},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/comptes/{account}?compte_rendu=envoye#visit"
    page = camille.get(sent.headers["location"]).text
    assert '<p class="visit-status ok" role="status">Compte rendu enregistré.</p>' in page
    assert _visits(demo_db, account) == before + 1
    saved = demo_db.execute(
        text("""SELECT outcome, report FROM activities WHERE account_id = :a AND kind = 'visit'
                ORDER BY id DESC LIMIT 1"""),
        {"a": account},
    ).one()
    assert tuple(saved) == ("Commande", "Commande de 12 kg de grains, à relancer en mai.")
    # the plain page says nothing of a report
    plain = camille.get(f"/comptes/{account}").text
    assert 'class="visit-status" role="status"></p>' in plain


def test_the_phone_outbox_is_refused_an_empty_report_too(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """What the page's script sends (``complete_open``): refused naming the field, in the
    reader's words; a check-in alone (no report asked) is still fine."""
    account = _own_account(demo_db)
    camille = api_as(CAMILLE)
    before = _visits(demo_db, account)
    empty = {"account_id": account, "client_key": "empty-report-1", "complete_open": True}
    for report in (None, "", "   "):
        answer = camille.post("/api/visits", json=empty | {"report": report})
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "report"
    assert _visits(demo_db, account) == before
    checkin = camille.post("/api/visits", json={"account_id": account, "client_key": "checkin-1"})
    assert checkin.status_code == 201
