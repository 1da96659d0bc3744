"""Travel-cost API on the demo company: JSON report, rights, tolls, clear 4xx errors."""

from __future__ import annotations


def test_team_month_report_for_the_manager(api_as) -> None:
    claire = api_as(1)
    r = claire.get("/api/costs/report", params={"month": "2026-03"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["start"], doc["end"], doc["scale_year"]) == ("2026-03-01", "2026-03-31", 2025)
    assert [row["label"] for row in doc["rows"]] == [
        "Camille Martin",
        "Julien Bernard",
        "Sophie Durand",
    ]
    actual = [t for t in doc["trips"] if t["kind"] == "actual"]
    assert doc["total"]["actual"]["total_eur"] == round(sum(t["total_eur"] for t in actual), 2)
    assert doc["total"]["actual"]["trips"] == len(actual)


def test_a_rep_sees_only_their_own_costs(api_as) -> None:
    camille = api_as(4)
    doc = camille.get("/api/costs/report", params={"week": "2026-W10"}).json()
    assert {t["rep_id"] for t in doc["trips"]} <= {4}
    r = camille.get("/api/costs/report", params={"month": "2026-03", "rep": 5})
    assert r.status_code == 403


def test_tolls_then_report(api_as) -> None:
    camille = api_as(4)
    doc = camille.get("/api/costs/report", params={"month": "2026-03"}).json()
    trip = next(t for t in doc["trips"] if t["kind"] == "actual")
    r = camille.put(f"/api/costs/trips/{trip['id']}/tolls", json={"tolls_eur": "12.30"})
    assert r.status_code == 204, r.text
    again = camille.get("/api/costs/report", params={"month": "2026-03"}).json()
    assert again["total"]["actual"]["tolls_eur"] == doc["total"]["actual"]["tolls_eur"] + 12.3
    assert (
        api_as(5).put(f"/api/costs/trips/{trip['id']}/tolls", json={"tolls_eur": 1}).status_code
        == 403
    )
    r = camille.put(f"/api/costs/trips/{trip['id']}/tolls", json={"tolls_eur": -4})
    assert r.status_code == 422


def test_bad_periods_get_a_message_naming_the_field(api_as) -> None:
    claire = api_as(1)
    r = claire.get("/api/costs/report", params={"month": "2026-03", "year": 2026})
    assert r.status_code == 422 and "period" in r.text
    r = claire.get("/api/costs/report", params={"month": "mars"})
    assert r.status_code == 422 and "month" in r.text
    r = claire.get("/api/costs/report", params={"start": "2026-03-09", "end": "2026-03-01"})
    assert r.status_code == 422 and "end" in r.text
    r = claire.get("/api/costs/report", params={"month": "2026-03", "group_by": "decade"})
    assert r.status_code == 422 and "group_by" in r.text
    assert claire.get("/api/costs/report.doc", params={"month": "2026-03"}).status_code == 422


def doc_bases(client) -> list[dict]:  # type: ignore[no-untyped-def]
    """The barème bases of March's report, as the API gives them."""
    return client.get("/api/costs/report", params={"month": "2026-03"}).json()["mileage_bases"]


def test_downloads_carry_the_same_totals(api_as) -> None:
    import csv
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    claire = api_as(1)
    total = claire.get("/api/costs/report", params={"month": "2026-03"}).json()["total"]
    r = claire.get("/api/costs/report.csv", params={"month": "2026-03"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="frais-2026-03-01-2026-03-31.csv"' in r.headers["content-disposition"]
    header, *rows = csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";")
    table, notes = rows[: rows.index([])], rows[rows.index([]) + 1 :]  # the notes follow the table
    last = dict(zip(header, table[-1], strict=True))
    assert float(last["Total (€)"].replace(",", ".")) == total["actual"]["total_eur"]
    # each rep's barème basis, as on the page
    assert [n[0].split("\u00a0: ")[0] for n in notes] == [b["rep"] for b in doc_bases(claire)]
    assert all("\u00a0: Barème 2025, automobile " in n[0] for n in notes)
    r = claire.get("/api/costs/report.xlsx", params={"month": "2026-03", "lang": "en"})
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Summary", "Trips"]
    assert book["Trips"].max_row == 1 + total["actual"]["trips"] + total["planned"]["trips"]
    r = claire.get("/api/costs/report.pdf", params={"month": "2026-03"})
    assert r.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Julien Bernard" in text and "Synthèse" in text


def test_only_the_trip_owner_side_writes_tolls(api_as) -> None:  # type: ignore[no-untyped-def]
    """A dispatcher reads every report but writes no tolls; odd amounts are a 422, never a 500."""
    camille = api_as(4)
    doc = camille.get("/api/costs/report", params={"month": "2026-03"}).json()
    trip = next(t for t in doc["trips"] if t["kind"] == "actual")
    dispatcher = api_as(2)
    assert (
        dispatcher.get("/api/costs/report", params={"month": "2026-03", "rep": 4}).status_code
        == 200
    )
    put = dispatcher.put(f"/api/costs/trips/{trip['id']}/tolls", json={"tolls_eur": 99})
    assert put.status_code == 403
    again = camille.get("/api/costs/report", params={"month": "2026-03"}).json()
    assert again["total"]["actual"]["tolls_eur"] == doc["total"]["actual"]["tolls_eur"]
    for odd in ("NaN", "Infinity", "1e9"):
        r = camille.put(f"/api/costs/trips/{trip['id']}/tolls", json={"tolls_eur": odd})
        assert r.status_code == 422, (odd, r.text)
