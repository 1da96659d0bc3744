"""Validating a month on the Frais screen, and adjusting it afterwards with a reason."""

from __future__ import annotations

import html as html_lib

from sqlalchemy.orm import Session

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
    assert "+12,40\u00a0€ — Péage A8 oublié (Claire Lefèvre" in page  # signed, one line
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


def test_exports_of_a_validated_month_are_stamped(api_as: ClientFactory) -> None:
    """The PDF and the Excel file of a validated month say who validated it and when, and
    list the adjustments."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    claire = api_as(1)
    claire.post("/frais/mois/validation", data={"rep": 4, "month": "2026-03"})
    claire.post(
        "/frais/mois/ajustement",
        data={"rep": 4, "month": "2026-03", "amount_eur": "12,40", "reason": "Péage oublié"},
    )
    query = {"month": "2026-03", "rep": 4, "lang": "fr"}
    pdf = claire.get("/api/costs/report.pdf", params=query)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Camille Martin, 03/2026 : validé le" in text and "par Claire Lefèvre" in text
    assert "Péage oublié" in text
    book = load_workbook(io.BytesIO(claire.get("/api/costs/report.xlsx", params=query).content))
    cells = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value]
    assert any("validé le" in c and "Claire Lefèvre" in c for c in cells)
    assert any("ajustement de +12,40\u00a0€" in c for c in cells)
    csv_text = claire.get("/api/costs/report.csv", params=query).content.decode("utf-8-sig")
    assert "validé le" in csv_text and "Péage oublié" in csv_text


def test_the_admin_sets_a_reps_vehicle_and_the_plans_and_reports_use_its_rate(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A 7 CV car declared at 18 000 km a year on the rep's profile: the report's rate is
    the barème's for that band; a bad value is a 422 naming the field, nothing stored."""
    admin = api_as(3)
    page = admin.get("/utilisateurs/4").text
    assert 'action="/utilisateurs/4/vehicule"' in page
    bad = admin.post(
        "/utilisateurs/4/vehicule",
        data={"vehicle_kind": "car", "fiscal_hp": "70", "annual_km_estimate": "18000"},
    )
    assert bad.status_code == 422 and "puissance fiscale (CV) :" in bad.text
    done = admin.post(
        "/utilisateurs/4/vehicule",
        data={"vehicle_kind": "car", "fiscal_hp": "7", "annual_km_estimate": "18 000"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    doc = api_as(1).get("/api/costs/report", params={"month": "2026-03", "rep": 4}).json()
    rates = {t["rate_per_km_eur"] for t in doc["trips"]}
    assert rates == {round((18000 * 0.394 + 1515) / 18000, 4)}
    assert (
        api_as(1)
        .post("/utilisateurs/4/vehicule", data={"vehicle_kind": "car", "fiscal_hp": "5"})
        .status_code
        == 403
    )
