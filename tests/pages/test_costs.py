"""The "Frais" page: the month's costs as the API reports them, tolls, languages, rights."""

from __future__ import annotations

import html as html_lib
import re


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
    total = f"{doc['total']['actual']['total_eur']:,.2f} €".replace(",", " ")
    assert total in _total(html)
    links = html_lib.unescape(html)
    assert 'href="/api/costs/report.pdf?month=2026-03&group_by=rep&lang=fr"' in links
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
    r = camille.post(f"/frais/trajets/{trip_id}/peages", data={"tolls_eur": "beaucoup"})
    assert r.status_code == 422 and "tolls_eur" in r.text
    for odd in ("NaN", "-Infinity", "1e12"):
        r = camille.post(f"/frais/trajets/{trip_id}/peages", data={"tolls_eur": odd})
        assert r.status_code == 422 and "tolls_eur" in r.text, odd


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
