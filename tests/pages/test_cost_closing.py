"""Validating a month on the Frais screen, and adjusting it afterwards with a reason."""

from __future__ import annotations

import html as html_lib

from tests.web import ClientFactory


def test_the_director_validates_camilles_march_and_adjusts_it(api_as: ClientFactory) -> None:
    claire, camille = api_as(1), api_as(4)
    page = claire.get("/frais", params={"month": "2026-03", "rep": 4}).text
    assert 'action="/frais/mois/validation"' in page and "Valider le mois" in page
    # the rep sees the month, not the button, and may not validate it
    own = camille.get("/frais", params={"month": "2026-03"}).text
    assert 'action="/frais/mois/validation"' not in own
    refused = camille.post("/frais/mois/validation", data={"rep": 4, "month": "2026-03"})
    assert refused.status_code == 403
    done = claire.post(
        "/frais/mois/validation", data={"rep": 4, "month": "2026-03"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/frais?month=2026-03&rep=4"
    page = html_lib.unescape(claire.get("/frais", params={"month": "2026-03", "rep": 4}).text)
    assert "Camille Martin, 03/2026 : validé le" in page and "par Claire Lefèvre" in page
    assert (
        claire.post("/frais/mois/validation", data={"rep": 4, "month": "2026-03"}).status_code
        == 409
    )
    no_reason = claire.post(
        "/frais/mois/ajustement",
        data={"rep": 4, "month": "2026-03", "amount_eur": "12,40", "reason": "  "},
    )
    assert no_reason.status_code == 422 and "motif" in no_reason.text
    claire.post(
        "/frais/mois/ajustement",
        data={"rep": 4, "month": "2026-03", "amount_eur": "12,40", "reason": "Péage A8 oublié"},
    )
    page = html_lib.unescape(claire.get("/frais", params={"month": "2026-03", "rep": 4}).text)
    assert "12,40 € — Péage A8 oublié (Claire Lefèvre" in page
    doc = claire.get("/api/costs/report", params={"month": "2026-03", "rep": 4}).json()
    assert doc["adjustments"][0]["reason"] == "Péage A8 oublié"
    assert round(doc["adjusted_total_eur"] - doc["total"]["actual"]["total_eur"], 2) == 12.40


def test_a_validated_month_offers_no_toll_entry(api_as: ClientFactory) -> None:
    claire = api_as(1)
    before = claire.get("/frais", params={"month": "2026-03", "rep": 4}).text
    assert "/peages" in before
    claire.post("/frais/mois/validation", data={"rep": 4, "month": "2026-03"})
    after = claire.get("/frais", params={"month": "2026-03", "rep": 4}).text
    assert "/peages" not in after  # frozen: a change is an adjustment with its reason
