"""A wrong value in the agenda's forms (QA at 390×844: a bare « Erreur 422 » page) shows the
agenda again, status 422, with what was typed and, next to the field, its French label and
what is wrong; nothing is stored."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

DAY = "2026-06-10"
BOOKING = {
    "date": DAY,
    "time": "09:00",
    "duration": "60",
    "vue": "jour",
    "title": "Dégustation au port",
    "note": "Entrée côté quai",
    "lon": "7.4246",
    "lat": "43.7384",
}


def _count(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM appointments WHERE rep_id = 4")).scalar_one())


def _field_error(page: str, prefix: str, name: str) -> str:
    found = re.search(
        rf'<span class="error field-error" id="{prefix}-{name}-error">(.*?)</span>', page
    )
    assert found is not None, f"no error next to {name}"
    return html.unescape(found.group(1)).replace("\u00a0", " ")


def _input(page: str, form_id: str, name: str) -> str:
    form = re.search(rf"{form_id}(.*?)</form>", page, re.S)
    assert form is not None, form_id
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', form.group(1))
    assert tag is not None, name
    return tag.group(0)


@pytest.mark.parametrize(
    ("field", "typed", "french"),
    [
        ("time", "", "heure : champ obligatoire"),
        ("time", "25:00", "heure : heure attendue (HH:MM)"),
        ("date", "", "date : champ obligatoire"),
        ("date", "1850-01-01", "date : valeur invalide"),
        ("duration", "0", "durée : valeur trop petite"),
        ("duration", "", "durée : champ obligatoire"),
    ],
)
def test_a_wrong_booking_field_shows_the_form_again_with_its_error(
    api_as: ClientFactory, demo_db: Session, field: str, typed: str, french: str
) -> None:
    before = _count(demo_db)
    refused = api_as(4).post("/agenda/rendez-vous", data=BOOKING | {field: typed})
    assert refused.status_code == 422
    page = refused.text
    assert 'id="new-appointment"' in page and "Erreur 422" not in page
    assert _field_error(page, "new", field) == french
    tag = _input(page, 'id="new-appointment"', field)
    assert 'aria-invalid="true"' in tag and f'aria-describedby="new-{field}-error"' in tag
    assert "autofocus" in tag, "the phone goes to the field to fix"
    # what was typed stays, the wrong value too
    assert 'value="Dégustation au port"' in page and ">Entrée côté quai</textarea>" in page
    assert f'value="{typed}"' in _input(page, 'id="new-appointment"', field)
    assert 'name="lon" id="new-lon" value="7.4246"' in page, "the position taken stays"
    assert re.search(r'id="agenda-error">[^<]*' + re.escape(french.split(" : ")[0]), page)
    assert _count(demo_db) == before


def test_an_unknown_account_is_named_next_to_the_form_and_a_place_is_offered(
    api_as: ClientFactory, demo_db: Session
) -> None:
    before = _count(demo_db)
    refused = api_as(4).post("/agenda/rendez-vous", data=BOOKING | {"account_id": "999999"})
    assert refused.status_code == 422
    said = re.search(
        r'<p class="error field-error" id="new-account_id-error">(.*?)</p>', refused.text
    )
    assert said is not None, refused.text
    assert html.unescape(said.group(1)) == "compte : le compte 999999 est introuvable."
    assert 'name="account_id"' not in refused.text, "no unknown account booked on the next try"
    assert 'name="address"' in refused.text
    assert _count(demo_db) == before


def test_a_service_problem_is_named_by_the_forms_label(
    api_as: ClientFactory, demo_db: Session
) -> None:
    # no account, no address, no point: the service's « place » is the address field here
    where = {"lon": "", "lat": "", "address": ""}
    refused = api_as(4).post("/agenda/rendez-vous", data=BOOKING | where)
    assert refused.status_code == 422
    assert _field_error(refused.text, "new", "address") == (
        "adresse : indiquez un compte, une adresse ou un point"
    )


def test_a_wrong_move_shows_its_form_open_again_and_the_appointment_stays(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    camille.post("/agenda/rendez-vous", data=BOOKING)
    (appointment, sequence) = demo_db.execute(
        text("SELECT id, sequence FROM appointments WHERE rep_id = 4 AND title = :t"),
        {"t": BOOKING["title"]},
    ).one()
    refused = camille.post(
        f"/agenda/rendez-vous/{appointment}",
        data={"date": DAY, "time": "", "duration": "45", "vue": "jour", "note": "Plus tard"},
    )
    assert refused.status_code == 422 and "Erreur 422" not in refused.text
    prefix = f"move-{appointment}"
    assert _field_error(refused.text, prefix, "time") == "heure : champ obligatoire"
    item = re.search(
        rf'<li class="appointment confirmed" data-id="{appointment}">(.*?)</li>', refused.text, re.S
    )
    assert item is not None
    assert '<details class="move" open>' in item.group(1)
    assert 'value="45"' in item.group(1) and ">Plus tard</textarea>" in item.group(1)
    after = demo_db.execute(
        text(
            "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI'), sequence"
            " FROM appointments WHERE id = :i"
        ),
        {"i": appointment},
    ).one()
    assert tuple(after) == ("09:00", sequence)
