"""The "Frais" page says that a trip crossing months counts whole in its start month."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory


def test_a_trip_crossing_months_is_said_to_count_in_its_start_month(
    api_as: ClientFactory, demo_db: Session
) -> None:
    demo_db.execute(
        text("""INSERT INTO trips (rep_id, kind, start_day, end_day, km, visits, hotel_nights,
                                   meals)
                VALUES (6, 'actual', '2026-03-28', '2026-04-02', 900, 12, 5, 11)""")
    )
    march = api_as(1).get("/frais", params={"month": "2026-03"}).text
    assert 'id="counted-at-start"' in march
    assert "Sophie Durand, du 28/03 au 02/04 (5 nuits)" in march
    april = api_as(1).get("/frais", params={"month": "2026-04"}).text
    assert "du 28/03 au 02/04" not in april
