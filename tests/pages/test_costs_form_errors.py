"""The "Frais" page's mistakes read in French (QA walk of the demo): a tolls amount that is
not one shows the report again, what was typed kept and the error beside the field; a month
that does not exist is a 4xx naming the expected shape."""

from __future__ import annotations

import html
import re

from tests.web import ClientFactory


def _tolls_form(page: str, trip_id: int) -> str:
    found = re.search(rf'action="/frais/trajets/{trip_id}/peages".*?</form>', page, re.S)
    assert found, f"no tolls form for trip {trip_id}"
    return found.group(0)


def test_a_bad_tolls_amount_shows_the_form_again_with_a_french_error(
    api_as: ClientFactory,
) -> None:
    camille = api_as(4)
    page = camille.get("/frais", params={"month": "2026-03"}).text
    trip_id = int(re.search(r'action="/frais/trajets/(\d+)/peages"', page).group(1))
    before = camille.get("/api/costs/report", params={"month": "2026-03"}).json()

    answer = camille.post(
        f"/frais/trajets/{trip_id}/peages",
        data={"tolls_eur": "douze", "back": "/frais?month=2026-03&group_by=rep"},
        follow_redirects=False,
    )

    assert answer.status_code == 422
    shown = html.unescape(answer.text)
    assert "Frais de déplacement" in shown and "Erreur 422" not in shown
    form = html.unescape(_tolls_form(answer.text, trip_id))
    assert 'name="tolls_eur"' in form and 'value="douze"' in form, "what was typed is kept"
    assert 'aria-invalid="true"' in form
    error = re.search(r'<span class="error field-error"[^>]*>(.*?)</span>', form).group(1)
    assert (
        error == "péages : indiquez un montant en euros, par exemple 12,50 (reçu : «\xa0douze\xa0»)"
    )
    assert "tolls" not in error
    assert 'id="costs-error"' in answer.text
    # the month the form came from, others' amounts as they were
    assert 'name="month" value="2026-03"' in answer.text
    assert camille.get("/api/costs/report", params={"month": "2026-03"}).json() == before


def test_a_tolls_amount_out_of_bounds_is_said_beside_the_field(api_as: ClientFactory) -> None:
    camille = api_as(4)
    page = camille.get("/frais", params={"month": "2026-03"}).text
    trip_id = int(re.search(r'action="/frais/trajets/(\d+)/peages"', page).group(1))
    answer = camille.post(
        f"/frais/trajets/{trip_id}/peages",
        data={"tolls_eur": "-5", "back": "/frais?month=2026-03"},
    )
    assert answer.status_code == 422
    form = html.unescape(_tolls_form(answer.text, trip_id))
    assert 'value="-5"' in form
    assert "péages : ne peut pas être négatif (reçu : -5)" in form


def test_an_impossible_month_is_a_french_4xx(api_as: ClientFactory) -> None:
    answer = api_as(1).get("/frais", params={"month": "2026-99"})
    assert 400 <= answer.status_code < 500
    text = html.unescape(answer.text)
    assert "mois : attendu AAAA-MM, par ex. 2026-01" in text
    assert "expected" not in text
