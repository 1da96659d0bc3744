"""The agenda's refusals read in English for an English reader: each French template kept
with its refusal has its English twin in the catalogue (QA 23: « indiquez un compte, une
adresse ou un point » and « Le rendez-vous … est annulé » on the English agenda)."""

from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.agenda import clashes, times
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import PROJECT_DIR
from fieldcrm.errors import Conflict, InvalidInput
from fieldcrm.http.error_text import describe
from fieldcrm.services import appointments
from tests.web import ClientFactory

FRENCH = re.compile(r"\b(le|la|les|un|une|des|du|est|indiquez|trop|hors|caractères|jours)\b")
BOOKING = {
    "date": "2026-06-10",
    "time": "09:00",
    "duration": "60",
    "vue": "jour",
    "title": "Tasting at the harbour",
    "lon": "7.4246",
    "lat": "43.7384",
}
TEMPLATES = (
    *appointments.REFUSALS,
    *times.REFUSALS,
    clashes.OVERLAP,
    clashes.FROM_PREVIOUS,
    clashes.TO_FOLLOWING,
)


def _english() -> dict[str, str]:
    with (PROJECT_DIR / "web" / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale="en") if isinstance(m.id, str)}


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_agenda_refusal_has_its_english_twin(template: str) -> None:
    english = _english().get(template)
    assert english, f"no English for {template!r}"
    assert sorted(re.findall(r"%\((\w+)\)s", english)) == sorted(
        re.findall(r"%\((\w+)\)s", template)
    ), "the same fields"


def test_lengths_out_of_range_read_in_english() -> None:
    with pytest.raises(InvalidInput) as refused:
        appointments._check_lengths(0, "x" * 301, "y" * 5001)
    said = describe(refused.value, "en")
    assert "duration out of range (got 0); expected: 5–720" in said
    assert "title: title too long (got 301); expected: at most 300 characters" in said
    assert "note: note too long (got 5,001); expected: at most 5,000 characters" in said
    assert not FRENCH.search(said), said
    french = describe(refused.value, "fr")
    assert "titre trop long (reçu : 301) ; attendu : 300 caractères au plus" in french
    assert "5\u202f000 caractères au plus" in french


def _field_error(page: str, prefix: str, name: str) -> str:
    found = re.search(
        rf'<(?:span|p) class="error field-error" id="{prefix}-{name}-error">(.*?)</(?:span|p)>',
        page,
    )
    assert found is not None, f"no error next to {name}"
    return html.unescape(found.group(1))


def test_a_booking_without_a_place_is_refused_in_english(
    api_as: ClientFactory, demo_db: Session
) -> None:
    where = {"lon": "", "lat": "", "address": ""}
    refused = api_as(4).post("/agenda/rendez-vous?lang=en", data=BOOKING | where)
    assert refused.status_code == 422
    assert _field_error(refused.text, "new", "address") == (
        "address: give an account, an address or a point"
    )


def test_an_unknown_account_is_named_the_english_way(
    api_as: ClientFactory, demo_db: Session
) -> None:
    refused = api_as(4).post("/agenda/rendez-vous?lang=en", data=BOOKING | {"account_id": "999999"})
    assert refused.status_code == 422
    assert _field_error(refused.text, "new", "account_id") == "account: account 999999 not found"


def test_moving_a_cancelled_appointment_is_refused_in_english(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    camille.post("/agenda/rendez-vous", data=BOOKING)
    appointment = demo_db.execute(
        text("SELECT id FROM appointments WHERE rep_id = 4 AND title = :t"),
        {"t": BOOKING["title"]},
    ).scalar_one()
    demo_db.execute(
        text("UPDATE appointments SET status = 'cancelled' WHERE id = :i"), {"i": appointment}
    )
    with pytest.raises(Conflict) as refused:
        appointments.move_appointment(
            demo_db,
            actor=Actor(id=4, role=Role.REP, name="Camille Martin"),
            appointment_id=appointment,
            changes=appointments.Changes(note="later"),
        )
    assert describe(refused.value, "fr") == (
        "Le rendez-vous « Tasting at the harbour » est annulé : il ne peut plus être déplacé."
    )
    english = "The appointment “Tasting at the harbour” is cancelled: it can no longer be moved."
    assert describe(refused.value, "en") == english
    move = {"date": BOOKING["date"], "time": "10:00", "duration": "60", "vue": "jour"}
    page = camille.post(f"/agenda/rendez-vous/{appointment}?lang=en", data=move)
    assert page.status_code == 409
    assert english in html.unescape(page.text)
    assert "annulé" not in html.unescape(page.text)
