"""« Frais »: a validated month's adjustments count in the totals shown and exported
(« total validé » + ajustements = « total corrigé »), signed with a minus sign; a month not
over is not offered for validation."""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import re
from decimal import Decimal

from fieldcrm.config import get_settings
from fieldcrm.costs.report import local_eur
from fieldcrm.dates import long_day
from fieldcrm.services import plan_dates
from tests.web import ClientFactory

MARCH = {"month": "2026-03", "rep": 4}


def _adjusted(claire) -> None:
    claire.post("/frais/mois/validation", data=MARCH)
    for amount, reason in (("-10,50", "Trajet compté deux fois"), ("12,00", "Parking")):
        done = claire.post(
            "/frais/mois/ajustement",
            data={**MARCH, "amount_eur": amount, "reason": reason},
            follow_redirects=False,
        )
        assert done.status_code == 303


def _cells(page: str, row: str) -> dict[str, str]:
    """The cells of a row of the costs table, by their label ('Total' row or a rep's)."""
    table = page[page.index('id="costs-table"') : page.index("</table>", page.index("costs-table"))]
    found = re.search(rf'<th scope="row">{row}</th>(.*?)</tr>', table, re.S)
    assert found, row
    return {
        label: re.sub(r"<[^>]+>", "", value).strip()
        for label, value in re.findall(r'data-label="([^"]+)"[^>]*>(.*?)</td>', found.group(1))
    }


def test_the_page_shows_the_corrected_totals(api_as: ClientFactory) -> None:
    claire = api_as(1)
    _adjusted(claire)
    doc = claire.get("/api/costs/report", params=MARCH).json()
    validated = Decimal(str(doc["total"]["actual"]["total_eur"]))
    corrected = validated + Decimal("1.50")
    # the API's rows and total
    assert Decimal(str(doc["rows"][0]["corrected_total_eur"])) == corrected
    assert Decimal(str(doc["total"]["adjustments_eur"])) == Decimal("1.50")
    assert Decimal(str(doc["total"]["corrected_total_eur"])) == corrected
    page = html_lib.unescape(claire.get("/frais", params=MARCH).text)
    rep, total = _cells(page, "Camille Martin"), _cells(page, "Total")
    for cells in (rep, total):
        assert cells["Total"] == local_eur(validated, "fr", 2)  # as validated
        assert cells["Ajustements"] == "+1,50\u00a0€"
        assert cells["Total corrigé"] == local_eur(corrected, "fr", 2)
    summary = page[page.index('id="costs-summary"') : page.index('id="savings-note"')]
    assert local_eur(corrected, "fr", 2) in summary and "coût total corrigé" in summary
    assert "\u221210,50\u00a0€ — Trajet compté deux fois" in page
    assert "+12,00\u00a0€ — Parking" in page
    assert (
        f"Camille Martin, 03/2026 : total validé {local_eur(validated, 'fr', 2)} ; "
        f"ajustements +1,50\u00a0€ ; total corrigé {local_eur(corrected, 'fr', 2)}"
    ) in page
    english = html_lib.unescape(claire.get("/frais", params={**MARCH, "lang": "en"}).text)
    assert "\u2212€10.50 — Trajet compté deux fois" in english
    assert f"corrected total {local_eur(corrected, 'en', 2)}" in english


def test_the_exported_csv_has_the_corrected_total(api_as: ClientFactory) -> None:
    claire = api_as(1)
    _adjusted(claire)
    content = claire.get("/api/costs/report.csv", params={**MARCH, "lang": "fr"})
    assert content.status_code == 200
    rows = list(csv.reader(io.StringIO(content.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1 : rows.index([])]
    total = dict(zip(header, body[-1], strict=True))
    assert total["Groupe"] == "Total" and total["Type"] == "Réalisé"
    validated = Decimal(total["Total (€)"].replace(",", "."))
    assert Decimal(total["Total corrigé (€)"].replace(",", ".")) == validated + Decimal("1.50")


def test_the_month_under_way_is_not_offered_for_validation(api_as: ClientFactory) -> None:
    claire = api_as(1)
    today = dt.datetime.now(plan_dates.company_zone(get_settings())).date()
    month = today.strftime("%Y-%m")
    page = html_lib.unescape(claire.get("/frais", params={"month": month, "rep": 4}).text)
    assert 'action="/frais/mois/validation"' not in page
    following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert f"mois non terminé : validable à partir du {long_day(following, 'fr')}" in page
    assert "1er" in long_day(following, "fr")  # « vendredi 1er janvier 2027 »
    # the previous month, over, is offered
    previous = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert (
        'action="/frais/mois/validation"'
        in claire.get("/frais", params={"month": previous, "rep": 4}).text
    )
    # the API still refuses it, plainly
    refused = claire.post(f"/api/costs/months/{month}/validation", json={"rep_id": 4})
    assert refused.status_code == 422
    said = html_lib.unescape(refused.text)
    assert f"le mois {today:%m/%Y} n’est pas terminé" in said
    assert f"il se valide à partir du {following:%d/%m/%Y}" in said
