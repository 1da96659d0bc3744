"""The account page shows the revenue figures the rules read (« CA en baisse de plus de 10 %
sur un an »): last month, the year to date and the last 12 months against a year earlier,
the change by babel, in French and in English; nothing where there are no sales (QA 23)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.dates import period_label
from fieldcrm.scoring.facts import add_months
from tests.web import ClientFactory

LAMBDA = 1  # LAMBDA SARL, Camille's client


def _figures(page: str) -> str:
    start = page.index('id="revenue"')
    return page[start : page.index("</section>", start)]


def _item(figures: str, period: str) -> str:
    found = re.search(rf'<li data-period="{period}">(.*?)</li>', figures, re.S)
    assert found, f"no {period} line"
    return re.sub(r"[ \t\n]+", " ", found[1])  # no-break spaces kept


def _sales(db: Session, rows: dict[dt.date, float]) -> None:
    db.execute(text("DELETE FROM monthly_sales WHERE account_id = :a"), {"a": LAMBDA})
    for month, revenue in rows.items():
        db.execute(
            text("INSERT INTO monthly_sales (account_id, month, revenue) VALUES (:a, :m, :r)"),
            {"a": LAMBDA, "m": month, "r": revenue},
        )


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Paris")).date()  # the page's today


def test_last_month_against_last_year_in_french_and_english(
    api_as: ClientFactory, demo_db: Session
) -> None:
    last = add_months(_today(), -1)
    _sales(demo_db, {last: 8850, add_months(last, -12): 10000})
    page = api_as(4).get(f"/comptes/{LAMBDA}").text
    month = _item(_figures(page), "month")
    assert "8\u202f850\u00a0€" in month and "10\u202f000\u00a0€" in month
    assert '<strong class="change warn">−11,5\u00a0%</strong>' in month
    now, before = period_label(f"{last:%Y-%m}", "fr"), period_label(f"{last.year - 1}-{last:%m}")
    assert month.startswith(f"<strong>{now.capitalize()}</strong> : ")
    assert f"{before.capitalize()} : 10\u202f000\u00a0€" in month
    twelve = _item(_figures(page), "twelve_months")
    assert "<strong>12 mois jusqu’à " in twelve and "−11,5\u00a0%" in twelve

    english = api_as(4).get(f"/comptes/{LAMBDA}", params={"lang": "en"}).text
    month_en = _item(_figures(english), "month")
    assert "€8,850" in month_en and "€10,000" in month_en
    assert '<strong class="change warn">−11.5%</strong>' in month_en
    assert month_en.startswith(f"<strong>{period_label(f'{last:%Y-%m}', 'en')}</strong>: ")
    assert "aucune" not in month_en and " : " not in month_en
    assert "<strong>12 months to " in _item(_figures(english), "twelve_months")


def test_a_rise_is_signed_and_a_missing_month_is_said_not_zero(
    api_as: ClientFactory, demo_db: Session
) -> None:
    last = add_months(_today(), -1)
    # last month: nothing recorded; two months back, up 25 % on a year earlier
    _sales(demo_db, {add_months(last, -1): 1250, add_months(last, -13): 1000})
    figures = _figures(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert 'data-period="month"' not in figures, "no figure on either side: no line"
    twelve = _item(figures, "twelve_months")
    assert (
        "1\u202f250\u00a0€" in twelve and '<strong class="change">+25,0\u00a0%</strong>' in twelve
    )

    _sales(demo_db, {add_months(last, -12): 1000})  # sold a year ago, nothing since
    figures = _figures(api_as(4).get(f"/comptes/{LAMBDA}").text)
    month = _item(figures, "month")
    assert "aucune vente enregistrée" in month and "1\u202f000\u00a0€" in month
    assert "0\u00a0€" not in month.replace("000\u00a0€", "") and "%" not in month


def test_no_sales_shows_no_figures(api_as: ClientFactory, demo_db: Session) -> None:
    _sales(demo_db, {})
    figures = _figures(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert 'id="revenue-figures"' not in figures
    assert "0\u00a0€" not in figures
    assert "Pas de ventes enregistrées." in figures
