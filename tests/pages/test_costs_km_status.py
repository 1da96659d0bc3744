"""The "Frais" page and the API say when a trip's km leave travel out, and show its driving time."""

from __future__ import annotations

import html as html_lib
import json
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

DOUBT = {
    "day": "2026-06-08",
    "account_id": None,
    "account": "",
    "reason": "trajet domicile → Café du Louvre de 898 km non compté : 9 h 27 de route, il ne "
    "reste que 6 h 26 dans la journée (13 h au plus : 5 h 30 de visites, 1 h 04 d'autres trajets)",
}


def _trip_rows(html: str) -> list[dict[str, str]]:
    """Each row of the trips table as {data-label: text}."""
    table = html.split('<table id="trips"', 1)[1].split("</table>", 1)[0]
    body = table.split("</thead>", 1)[1]
    return [
        {
            html_lib.unescape(label): html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for label, cell in re.findall(r'<td data-label="([^"]*)">(.*?)</td>', row, re.S)
        }
        for row in body.split("<tr")[1:]
    ]


def test_km_left_out_read_as_incomplete_or_unknown_never_as_a_quiet_zero(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A week in Paris whose drive there could not be counted (61,6 km, 4 nights) and a day
    whose every leg was left out (0 km, 5 visits): the page writes "(incomplets)" and
    "inconnus" with the driving hours beside, the API says the same in ``km_status``, and
    the total is still the sum of the counted km."""
    for start, end, km, drive, nights, visits in (
        ("2026-06-08", "2026-06-12", 61.6, 5400, 4, 20),
        ("2026-06-24", "2026-06-24", 0.0, 0, 0, 5),
        ("2026-06-26", "2026-06-26", 42.0, 3600, 0, 6),
    ):
        demo_db.execute(
            text("""INSERT INTO trips (rep_id, kind, start_day, end_day, km, driving_seconds,
                                       visiting_seconds, visits, hotel_nights, meals, to_check)
                    VALUES (6, 'actual', :start, :end, :km, :drive, 3600, :visits, :nights, 0,
                            CAST(:doubt AS jsonb))"""),
            {
                "start": start,
                "end": end,
                "km": km,
                "drive": drive,
                "visits": visits,
                "nights": nights,
                "doubt": json.dumps([DOUBT] if start != "2026-06-26" else []),
            },
        )
    claire = api_as(1)
    html = claire.get("/frais", params={"month": "2026-06", "rep": 6}).text
    rows = _trip_rows(html)
    assert [(r["km"], r["Conduite (h)"]) for r in rows] == [
        ("61,6 (incomplets)", "1:30"),
        ("inconnus", "0:00"),
        ("42,0", "1:00"),
    ]
    assert "il ne reste que 6 h 26 dans la journée" in html_lib.unescape(html)  # « À vérifier »
    doc = claire.get("/api/costs/report", params={"month": "2026-06", "rep": 6}).json()
    assert [(t["km_status"], t["driving_hours"]) for t in doc["trips"]] == [
        ("partial", 1.5),
        ("unknown", 0.0),
        ("complete", 1.0),
    ]
    assert doc["total"]["actual"]["km"] == 103.6
    english = claire.get("/frais", params={"month": "2026-06", "rep": 6, "lang": "en"}).text
    assert [r["km"] for r in _trip_rows(english)][:2] == ["61.6 (incomplete)", "unknown"]
