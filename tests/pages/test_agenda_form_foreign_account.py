"""A booking form refused for a wrong field whose account is unknown or not the rep's: the
agenda shows the form again (422) with both errors in French — the wrong field's and the
account's (« introuvable », the same for both, nothing told about another rep's account) —
and no account kept in the form, instead of a 404 or 403 page; nothing is stored."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.pages.test_agenda_form_errors import BOOKING, _count, _field_error
from tests.web import ClientFactory


def _not_reps(db: Session, rep_id: int) -> int:
    """An account that ``rep_id`` does not own."""
    return int(
        db.execute(
            text(
                """SELECT min(id) FROM accounts WHERE id NOT IN
                   (SELECT account_id FROM account_assignments WHERE owner_id = :r)"""
            ),
            {"r": rep_id},
        ).scalar_one()
    )


@pytest.mark.parametrize("whose", ["unknown", "another rep's"])
def test_a_wrong_field_and_an_account_not_the_reps_show_the_form_with_both_errors(
    api_as: ClientFactory, demo_db: Session, whose: str
) -> None:
    account = 999999 if whose == "unknown" else _not_reps(demo_db, 4)
    before = _count(demo_db)
    typed = BOOKING | {"time": "25:00", "account_id": str(account)}
    refused = api_as(4).post("/agenda/rendez-vous", data=typed)
    assert refused.status_code == 422, refused.text[:300]
    page = refused.text
    assert 'id="new-appointment"' in page and "Erreur 4" not in page
    assert _field_error(page, "new", "time") == "heure : heure attendue (HH:MM)"
    said = re.search(r'<p class="error field-error" id="new-account_id-error">(.*?)</p>', page)
    assert said is not None, page
    assert html.unescape(said.group(1)) == f"compte : le compte {account} est introuvable."
    assert 'name="account_id"' not in page, "no such account booked on the next try"
    assert 'name="address"' in page and 'value="Dégustation au port"' in page
    alert = re.search(r'id="agenda-error">([^<]*)<', page)
    assert alert is not None and "heure" in alert.group(1) and "compte" in alert.group(1)
    assert _count(demo_db) == before
