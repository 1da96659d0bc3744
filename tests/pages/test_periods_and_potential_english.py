"""« Frais » grouped by week or month heads its rows as the reader writes the period
(« semaine 10 de 2026 », "week 10 of 2026", « mars 2026 », "March 2026"), not « 2026-S10 »
or « 2026-03 »; the account page's potential as the reader writes euros (« 500 €/mois »,
"€500/month")."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory


def _row_heads(page: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', page)


def test_week_and_month_rows_are_headed_in_the_readers_words(api_as: ClientFactory) -> None:
    claire = api_as(1)
    weeks_fr = _row_heads(claire.get("/frais?month=2026-03&group_by=week").text)
    weeks_en = _row_heads(claire.get("/frais?month=2026-03&group_by=week&lang=en").text)
    assert "semaine 10 de 2026" in weeks_fr and "week 10 of 2026" in weeks_en, weeks_en
    assert not [h for h in weeks_fr + weeks_en if re.search(r"\d{4}-[SW]\d", h)]
    months_fr = _row_heads(claire.get("/frais?month=2026-03&group_by=month").text)
    months_en = _row_heads(claire.get("/frais?month=2026-03&group_by=month&lang=en").text)
    assert "mars 2026" in months_fr and "March 2026" in months_en, months_en
    assert "2026-03" not in months_fr + months_en


def test_the_potential_is_written_as_the_reader_writes_euros(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = demo_db.execute(
        text(
            "SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id"
            " WHERE s.owner_id = 4 ORDER BY a.id LIMIT 1"
        )
    ).scalar_one()
    demo_db.execute(
        text("UPDATE accounts SET potential_eur_month = 1500 WHERE id = :id"), {"id": account}
    )
    camille = api_as(4)
    french = camille.get(f"/comptes/{account}").text
    english = camille.get(f"/comptes/{account}?lang=en").text
    assert "Potentiel : 1\u202f500\u00a0€/mois" in french
    assert "Potential: €1,500/month" in english
    assert "1,500 €" not in english and "1500 €" not in english
