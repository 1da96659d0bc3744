"""Camille reads the app in English on a phone (390×844) and walks her screens: her day
planned, the agenda, an account (its revenue figures against last year), a trip, find a day
and the travel costs; no French word is left on them beyond the data people typed (account
names, addresses, appointment titles, visit reports) (QA 23: « après départ » on the English
find-a-day screen). Screenshots in ``tests/artifacts/english``."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from fieldcrm.scoring.facts import add_months
from tests.e2e.conftest import ARTIFACTS, log_in

SHOTS = ARTIFACTS / "english"
THURSDAY = "2026-04-23"
"""A demo day of Camille's with visits to propose around her home."""
FRENCH = re.compile(
    r"\b(après|avant|départ|retour|aucun|aucune|rendez-vous|visites?|commercial|frais|mois"
    r"|semaine|jours?|réserver|heures?|détour|trajet|tournée|chiffre|ventes?|annulé|avec|pour"
    r"|sans|entre|juste|le|la|les|des|du|une|et|au|aux|sur)\b",
    re.I,
)
"""Words of the interface's French (the data's French is taken out first)."""


def _typed_data(database_url: str, account: int) -> list[str]:
    """What people typed that the walk's pages show (longest first, to take out whole)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT name FROM accounts
            UNION SELECT address_line1 FROM accounts UNION SELECT city FROM accounts
            UNION SELECT title FROM appointments UNION SELECT full_name FROM users
            UNION SELECT report FROM activities WHERE account_id = :a
            UNION SELECT outcome FROM activities WHERE account_id = :a
            UNION SELECT role FROM contacts WHERE account_id = :a
            UNION SELECT sector FROM accounts WHERE id = :a
            UNION SELECT t.name FROM territories t""").bindparams(a=account)
        ).scalars()
        typed = [r for r in rows if r]
    engine.dispose()
    return sorted(typed, key=len, reverse=True)


def _french_left(page: Page, typed: list[str]) -> list[str]:
    """The lines of the page's main part with a French word once the typed data is out."""
    said = page.locator("main").inner_text()
    for data in typed:
        said = said.replace(data, "")
    return [line for line in said.splitlines() if FRENCH.search(line)]


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.screenshot(path=str(SHOTS / f"{name}_full.png"), full_page=True)


def test_an_english_rep_reads_no_french_on_her_screens(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        account, today = conn.execute(
            text(
                "SELECT a.id, (now() AT TIME ZONE 'Europe/Paris')::date FROM accounts a"
                " JOIN account_assignments s ON s.account_id = a.id"
                " WHERE s.owner_id = 4 AND a.geom IS NOT NULL ORDER BY a.id LIMIT 1"
            )
        ).one()
    engine.dispose()
    # last month down 11.5 % on the same month a year earlier: what the demo rule alerts on
    last = add_months(today, -1)
    for month, revenue in ((last, 8850), (add_months(last, -12), 10000)):
        e2e_sql(
            f"INSERT INTO monthly_sales (account_id, month, revenue) VALUES ({account},"
            f" '{month}', {revenue}) ON CONFLICT (account_id, month) DO UPDATE"
            " SET revenue = EXCLUDED.revenue"
        )
    typed = _typed_data(e2e_url, account)
    log_in(phone, 4)
    phone.goto("/langue/en")
    assert phone.evaluate("document.documentElement.lang") == "en"

    phone.goto(f"/journee?date={THURSDAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    assert phone.locator("#stops > li").count() >= 2
    _shot(phone, "day")
    assert _french_left(phone, typed) == []

    phone.goto(f"/comptes/{account}")
    figures = phone.locator("#revenue-figures")
    month = figures.locator("li[data-period=month]").inner_text()
    assert "€8,850" in month and "€10,000" in month and "−11.5%" in month
    figures.scroll_into_view_if_needed()
    _shot(phone, "account")
    phone.locator("#revenue").screenshot(path=str(SHOTS / "account_revenue.png"))
    assert _french_left(phone, typed) == []

    for name, url in (
        ("agenda", "/agenda?date=2026-04-16&vue=semaine"),
        ("find_day", f"/comptes/{account}/trouver-un-jour"),
        ("trip", "/tournee"),
        ("costs", "/frais?month=2026-04"),
    ):
        phone.goto(url)
        phone.wait_for_load_state("load")
        _shot(phone, name)
        assert _french_left(phone, typed) == [], name
    phone.goto(f"/comptes/{account}/trouver-un-jour")
    assert "right after leaving home" in phone.locator("#days").inner_text()
