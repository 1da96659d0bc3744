"""Screens read in English: the geocoder's review reasons and the account page's labels are
written as English writes them (words through the catalogue, no space before a colon, numbers
by babel); French readers keep theirs."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.french_csv import COLUMN_LABELS
from fieldcrm.config import PROJECT_DIR
from fieldcrm.http.reason_text import PARTS, cost_reason, stored_reason
from tests.pages.test_french_screens import _account_with_history, _section
from tests.web import ClientFactory

REASON = (
    "précision municipality (attendue : housenumber); score 0,62 < 0,7; "
    "code postal 06999 inconnu; candidats : Menton (06), Roquebrune-Cap-Martin (06)"
)


def _review_row(page: str, account_id: int) -> str:
    review = page.split('id="review"', 1)[1]
    start = review.index(f"/comptes/{account_id}")
    return review[start : review.index("</tr>", start)]


def test_geocoding_reasons_are_worded_in_the_readers_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account_id = demo_db.execute(text("SELECT min(id) FROM accounts")).scalar_one()
    demo_db.execute(
        text("""UPDATE accounts SET geocode_status = 'to_review', geocode_precision = 'municipality',
                geocode_reason = :reason WHERE id = :id"""),
        {"id": account_id, "reason": REASON},
    )
    manager = api_as(2)
    english = _review_row(
        manager.get("/geocodage", params={"statut": "to_review", "lang": "en"}).text, account_id
    )
    assert (
        "precision town (expected: house number); score 0.62 &lt; 0.7; "
        "unknown postcode 06999; candidates: Menton (06), Roquebrune-Cap-Martin (06)"
    ) in english
    assert "attendue" not in english and "précision" not in english
    french = _review_row(
        manager.get("/geocodage", params={"statut": "to_review", "lang": "fr"}).text, account_id
    )
    assert (
        "précision à la commune (attendue : au numéro); score 0,62 &lt; 0,7; "
        "code postal 06999 inconnu; candidats : Menton (06)"
    ) in french


def test_every_known_reason_part_and_file_column_is_in_the_english_catalogue() -> None:
    with (PROJECT_DIR / "web" / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        translated = {m.id for m in read_po(fh, locale="en") if m.id and m.string}
    wanted = {msgid for _pattern, msgid in PARTS} | set(COLUMN_LABELS.values())
    assert sorted(wanted - translated) == []


@pytest.mark.parametrize("q", ["’", "'"])
def test_reasons_read_english_with_either_apostrophe(q: str) -> None:
    """French is written with « ’ » now; rows stored before kept the straight « ' » and still
    read English (geocoding and travel-cost reasons are stored as French text)."""
    geocoding = {
        f"adresse à l{q}étranger (IT) : à placer à la main": "address abroad (IT): place it by hand",
        f"code postal 06999 inconnu ; aucune commune ne s{q}appelle « Nissa »": (
            "unknown postcode 06999; no commune is called “Nissa”"
        ),
    }
    for french, english in geocoding.items():
        assert stored_reason(french, "en") == english
    cost = (
        "trajet domicile → Bar du Port de 500 km non compté : 9 h de route pour 35 min entre la"
        f" fin de la visite précédente (09:05) et l{q}arrivée (09:40) ; trajet domicile → Cave"
        " Nord de 600 km non compté : 7 h 30 de route, il ne reste que 4 h 55 dans la journée"
        f" (13 h au plus : 1 h 05 de la première visite à la fin de la dernière, 7 h d{q}autres"
        " trajets)"
    )
    assert cost_reason(cost, "en") == (
        "trip home → Bar du Port of 500 km not counted: 9 h of driving for 35 min between the"
        " end of the previous visit (09:05) and the arrival (09:40); trip home → Cave Nord of"
        " 600 km not counted: 7 h 30 min of driving, only 4 h 55 min left in the day (13 h at"
        " most: 1 h 5 min from the first visit to the end of the last, 7 h of other trips)"
    )
    assert cost_reason(cost, "fr") == cost  # French readers read it as stored


def test_the_english_account_page_puts_no_space_before_a_colon(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account_id = _account_with_history(demo_db)
    demo_db.execute(
        text(
            "UPDATE accounts SET sector = 'Café-bar', geocode_status = 'matched', "
            "geocode_precision = 'housenumber' WHERE id = :id"
        ),
        {"id": account_id},
    )
    page = api_as(1).get(f"/comptes/{account_id}", params={"lang": "en"}).text
    details = _section(page, 'id="details"')
    assert "Sector: Café-bar" in details
    priority = _section(page, 'id="priority"')
    assert "Total: 26.0" in priority and "Potential: +8.5" in priority
    assert "RFM 3/3/4: +17.5" in priority
    for section in (details, priority):
        assert not re.search(r"\w : ", re.sub(r"<[^>]+>", "", section)), section
    french = api_as(1).get(f"/comptes/{account_id}", params={"lang": "fr"}).text
    assert "Secteur : Café-bar" in _section(french, 'id="details"')
    assert "Total : 26,0 (normale)" in _section(french, 'id="priority"')
