"""The "Frais" page: the month's costs as the API reports them, tolls, languages, rights."""

from __future__ import annotations

import html as html_lib
import re


def _french(value: float, digits: int) -> str:
    """``value`` as French readers write it, independently of babel: 1 234,56."""
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def _cells(html: str, table_id: str) -> list[tuple[str, str]]:
    """(data-label, text) of every cell of the table's body."""
    table = re.search(rf'<table id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    assert table, f"no table {table_id}"
    body = table.group(1).split("</thead>", 1)[1]
    return [
        (html_lib.unescape(label), html_lib.unescape(re.sub(r"<[^>]+>", "", text)).strip())
        for label, text in re.findall(r'<td data-label="([^"]*)">(.*?)</td>', body, re.S)
    ]


def _total(html: str) -> str:
    row = re.search(r'<tr class="total">(.*?)</tr>', html, re.S)
    assert row, "no total row"
    return row.group(1)


def test_manager_sees_the_team_month(api_as) -> None:
    claire = api_as(1)
    r = claire.get("/frais", params={"month": "2026-03"})
    assert r.status_code == 200, r.text
    html = r.text
    assert "Frais de déplacement" in html and "barème kilométrique 2025" in html
    for name in ("Camille Martin", "Julien Bernard", "Sophie Durand"):
        assert name in html
    doc = claire.get("/api/costs/report", params={"month": "2026-03"}).json()
    total = _french(doc["total"]["actual"]["total_eur"], 2) + "\u00a0€"  # never wraps alone
    assert total in html_lib.unescape(_total(html))
    links = html_lib.unescape(html)
    downloads = links.split('id="downloads"', 1)[1].split("</form>", 1)[0]  # queued as a job
    assert 'name="month" value="2026-03"' in downloads and 'name="lang" value="fr"' in downloads
    assert 'name="format" value="pdf"' in downloads
    assert 'src="/frais/graphique.png?month=2026-03&group_by=rep"' in links


def test_rep_sees_own_trips_and_records_tolls(api_as) -> None:
    camille = api_as(4)
    html = camille.get("/frais", params={"month": "2026-03"}).text
    assert "Camille Martin" in html and "Sophie Durand" not in html
    trip_id = int(re.search(r'action="/frais/trajets/(\d+)/peages"', html).group(1))
    r = camille.post(
        f"/frais/trajets/{trip_id}/peages",
        data={"tolls_eur": "17,80 €", "back": "/frais?month=2026-03"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/frais?month=2026-03"
    doc = camille.get("/api/costs/report", params={"month": "2026-03"}).json()
    assert next(t for t in doc["trips"] if t["id"] == trip_id)["tolls_eur"] == 17.8
    # refused: the page again, the error in French above and beside the field
    r = camille.post(f"/frais/trajets/{trip_id}/peages", data={"tolls_eur": "beaucoup"})
    assert r.status_code == 422
    assert "péages : indiquez un montant en euros, par exemple 12,50" in html_lib.unescape(r.text)
    for odd in ("NaN", "-Infinity", "1e12"):
        r = camille.post(f"/frais/trajets/{trip_id}/peages", data={"tolls_eur": odd})
        assert r.status_code == 422, odd
        said = html_lib.unescape(r.text)
        assert "péages : indiquez un montant en euros, par exemple 12,50" in said, odd


def test_empty_month_in_english(api_as) -> None:
    html = api_as(1).get("/frais", params={"month": "2031-01", "lang": "en"}).text
    assert "Travel costs" in html and "No trips in this period." in html


def test_bad_month_is_a_clear_error(api_as) -> None:
    r = api_as(1).get("/frais", params={"month": "March"})
    assert r.status_code == 422


def test_chart_is_a_png_of_the_report(api_as) -> None:
    r = api_as(1).get("/frais/graphique.png", params={"month": "2026-03", "group_by": "week"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG") and len(r.content) > 5000
    empty = api_as(1).get("/frais/graphique.png", params={"month": "2031-01"})
    assert empty.status_code == 200 and empty.content.startswith(b"\x89PNG")


def test_the_page_writes_numbers_the_french_way_and_labels_every_cell(api_as) -> None:
    """Decimal commas and grouped thousands (1 234,5 km), never 113.08; each cell carries the
    label the phone layout shows beside it."""
    claire = api_as(1)
    # a month whose km do not total a whole number (the demo's February and March do)
    for month in ("2026-01", "2026-02", "2026-03"):
        doc = claire.get("/api/costs/report", params={"month": month}).json()
        total_km = doc["total"]["actual"]["km"]
        if total_km != int(total_km):
            break
    html = claire.get("/frais", params={"month": month}).text
    assert total_km > 1000 and total_km != int(total_km)  # the check below means something
    assert f'<td data-label="km">{_french(total_km, 1)}</td>' in _total(html)
    for table, columns in (("costs-table", 14), ("trips", 10)):
        cells = _cells(html, table)
        assert cells, table
        assert all(label for label, _ in cells), table
        rows = html.split(f'<table id="{table}"', 1)[1].split("</table>", 1)[0].count("<tr")
        assert len(cells) == (rows - 1) * columns, table  # every body cell has its label
        written = [text for label, text in cells if label != "Péages" or table != "trips"]
        assert not [t for t in written if re.search(r"\d\.\d", t)], table
    trips = _cells(html, "trips")
    # one rounding (halves up) on the page and in the API: 107.25 km reads 107,3 in both
    # km that leave travel out say so (see tests/pages/test_costs_km_status.py)
    written_km = {"complete": "{}", "partial": "{} (incomplets)", "unknown": "inconnus"}
    assert [text for label, text in trips if label == "km"] == [
        written_km[t["km_status"]].format(_french(t["km"], 1)) for t in doc["trips"]
    ]
    assert [text for label, text in trips if label == "€/km"] == [
        _french(t["rate_per_km_eur"], 3) for t in doc["trips"]
    ]


def test_the_tolls_shown_in_french_are_saved_back_as_they_are(api_as) -> None:
    camille = api_as(4)
    html = camille.get("/frais", params={"month": "2026-03"}).text
    trip_id = int(re.search(r'action="/frais/trajets/(\d+)/peages"', html).group(1))
    camille.post(
        f"/frais/trajets/{trip_id}/peages",
        data={"tolls_eur": "1000", "back": "/frais?month=2026-03"},  # one trip's most
        follow_redirects=False,
    )
    html = camille.get("/frais", params={"month": "2026-03"}).text
    form = re.search(rf'action="/frais/trajets/{trip_id}/peages".*?</form>', html, re.S).group(0)
    shown = re.search(r'name="tolls_eur"[^>]*value="([^"]*)"', form).group(1)
    assert shown == "1000,00"  # decimal comma, no grouping space
    r = camille.post(
        f"/frais/trajets/{trip_id}/peages",
        data={"tolls_eur": shown, "back": "/frais?month=2026-03"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    doc = camille.get("/api/costs/report", params={"month": "2026-03"}).json()
    assert next(t for t in doc["trips"] if t["id"] == trip_id)["tolls_eur"] == 1000


def test_the_english_page_writes_english_numbers(api_as) -> None:
    claire = api_as(1)
    html = claire.get("/frais", params={"month": "2026-03", "lang": "en"}).text
    doc = claire.get("/api/costs/report", params={"month": "2026-03"}).json()
    km = doc["total"]["actual"]["km"]
    assert f'<td data-label="km">{km:,.1f}</td>' in _total(html)
    assert f"€{doc['total']['actual']['total_eur']:,.2f}" in _total(html)


def test_revenue_per_km_reads_a_dash_before_the_month_s_sales(api_as) -> None:
    """QA: « CA/km » read 0,00 € for every rep of the month under way — its sales are
    imported after it ends, so its trips have no revenue yet: « — », not 0,00 €. A month
    with its sales gives its figure."""
    claire = api_as(1)
    doc = claire.get("/api/costs/report", params={"month": "2026-04"}).json()
    assert doc["rows"] and all(r["actual"]["revenue_eur"] == 0 for r in doc["rows"])
    ratios = [
        text
        for label, text in _cells(
            claire.get("/frais", params={"month": "2026-04"}).text, "costs-table"
        )
        if label == "CA/km"
    ]
    assert ratios and set(ratios) == {"—"}
    march = [
        text
        for label, text in _cells(
            claire.get("/frais", params={"month": "2026-03"}).text, "costs-table"
        )
        if label == "CA/km"
    ]
    assert (
        march
        and "—" not in march
        and all(t.endswith("\u00a0€") and t != "0,00\u00a0€" for t in march)
    )
