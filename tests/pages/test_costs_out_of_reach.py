"""« Frais »: a check-in the road cannot reach in the time (the QA's phone set to Paris at ZETA
Distribution, Cap-d'Ail, an empty report) claims nothing: Camille's row keeps the km, hours,
meals and euros of her day without it, and the check-in is listed once, under « À vérifier »,
saying it counts in no leg and is no visit (QA: 11,6 km / 4,96 € became 902,3 km / 405,27 €,
the way back from Paris counted, and the check-in in both lists)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.geo import GeoPoint
from fieldcrm.services import costs, visits
from tests.web import ClientFactory

CAMILLE = Actor(4, Role.REP)
DAY = dt.date(2026, 3, 10)
PARIS_TZ = ZoneInfo("Europe/Paris")
PARIS = GeoPoint(2.3488, 48.8534)


def _settings() -> Settings:
    return Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=PARIS_TZ)


def _row(html: str) -> dict[str, str]:
    """Camille's actual trip of 10/03 in the trips table, as {data-label: text}."""
    table = html.split('<table id="trips"', 1)[1].split("</table>", 1)[0]
    rows = [
        {
            html_lib.unescape(label): html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for label, cell in re.findall(r'<td data-label="([^"]*)">(.*?)</td>', row, re.S)
        }
        for row in table.split("</thead>", 1)[1].split("<tr")[1:]
    ]
    (row,) = [r for r in rows if r["Du"] == "10/03" and r["Type"] == "réel"]
    return {k: v for k, v in row.items() if k != "Péages"}


def _cells(html: str, ident: str) -> list[tuple[str, str]]:
    """The table ``ident``'s cells, as (data-label, text), in order."""
    table = html.split(f'<table id="{ident}"', 1)[1].split("</table>", 1)[0]
    return [
        (html_lib.unescape(label), html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip())
        for label, cell in re.findall(r'<td data-label="([^"]*)">(.*?)</td>', table, re.S)
    ]


def _section(html: str, ident: str) -> str:
    found = re.search(rf'<section class="card" id="{ident}">(.*?)</section>', html, re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


def test_a_check_in_out_of_reach_changes_nothing_on_frais_but_the_list(
    api_as: ClientFactory, demo_db: Session
) -> None:
    db = demo_db
    db.execute(
        text("""DELETE FROM activities WHERE rep_id = 4
                AND (occurred_at AT TIME ZONE 'Europe/Paris')::date = :day"""),
        {"day": DAY},
    )
    zeta = db.execute(text("SELECT id FROM accounts WHERE name = 'ZETA Distribution'")).scalar_one()
    near = db.execute(
        text("""SELECT a.id, a.name, ST_X(a.geom), ST_Y(a.geom) FROM accounts a
                JOIN account_assignments s ON s.account_id = a.id AND s.owner_id = 4
                WHERE a.geom IS NOT NULL AND a.id <> :zeta
                  AND a.geocode_status IN ('matched', 'manual')
                ORDER BY a.geom <-> (SELECT home FROM users WHERE id = 4), a.id
                LIMIT 2"""),
        {"zeta": zeta},
    ).all()
    for k, (account, _, lon, lat) in enumerate(near):
        visits.record_visit(
            db,
            actor=CAMILLE,
            account_id=account,
            client_key=f"reach-visit-{k}",
            at=_at(10 + 4 * k),
            point=GeoPoint(lon, lat),
        )
    costs.derive_trips(db, settings=_settings(), year=2026, rep_ids=[4])
    camille = api_as(4)
    query = {"month": "2026-03", "rep": 4}
    before = camille.get("/frais", params=query).text
    assert "ZETA Distribution" not in _section(before, "to-check")

    # one minute after the last visit, « Je suis sur place » at ZETA with the GPS in Paris,
    # and an empty report
    glitch, _ = visits.record_visit(
        db, actor=CAMILLE, account_id=zeta, client_key="reach-glitch", at=_at(14, 1), point=PARIS
    )
    assert glitch.far_from_account and not glitch.counts
    costs.derive_trips(db, settings=_settings(), year=2026, rep_ids=[4])
    after = camille.get("/frais", params=query).text

    was, now = _row(before), _row(after)
    assert now["km"] == f"{was['km']} (incomplets)"  # the same km, the check-in to check
    assert {k: v for k, v in now.items() if k != "km"} == {
        k: v for k, v in was.items() if k != "km"
    }  # hours, visits, nights, €/km, total
    table = re.search(r'<table id="costs-table".*?</table>', after, re.S)
    old_table = re.search(r'<table id="costs-table".*?</table>', before, re.S)
    assert table and old_table and table.group(0) == old_table.group(0)  # meals, totals
    to_check = _section(after, "to-check")
    (item,) = [line for line in to_check.splitlines() if "ZETA Distribution" in line]
    assert item.strip().startswith("10/03/2026 · Camille Martin · ZETA Distribution — trajet ")
    assert "aucun trajet vers ou depuis ce pointage compté" in item
    assert "ne compte pas dans les visites" in item
    assert to_check.startswith("\n  À vérifier\n  Sauf mention contraire, ces visites comptent")
    assert "ZETA Distribution" not in _section(after, "not-counted")
    # on a phone, the number and its badge never break inside (QA: « 902 / ,3 »)
    assert re.search(
        r'<span class="km-value"><span class="km-number">[\d\u202f\u00a0]+,\d</span> '
        r'<span class="km-partial',
        after,
    )


def test_driving_time_reads_hours_and_minutes_adding_up_to_the_total(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Rows and total of « Conduite (h) » in h:mm, each trip to the minute, the total their
    sum (QA: rows adding up to 4,3 h beside a total of 4,1 h)."""
    html = api_as(4).get("/frais", params={"month": "2026-03", "rep": 4}).text
    table = html.split('<table id="trips"', 1)[1].split("</table>", 1)[0]
    shown = re.findall(r'<td data-label="Conduite \(h\)">(\d+):(\d\d)</td>', table)
    assert len(shown) >= 2
    summary = html.split('<table id="costs-table"', 1)[1].split("</table>", 1)[0]
    total = re.findall(r'<td data-label="Conduite \(h\)">(\d+):(\d\d)</td>', summary)[-1]
    real = re.findall(r"<td data-label=\"Type\">(.*?)</td>", table)
    minutes = [
        int(h) * 60 + int(m) for (h, m), kind in zip(shown, real, strict=True) if kind == "réel"
    ]
    assert int(total[0]) * 60 + int(total[1]) == sum(minutes)


def test_a_day_s_only_check_in_from_paris_claims_nothing_on_frais(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """QA20b: ZETA Distribution (Cap-d'Ail) checked in with the phone in Paris as the day's ONLY
    visit, an empty report: Camille's row of that day shows 0 km, 0:00 of driving, no meal
    (her month's allowances are those of the month without it), and the check-in is listed
    once under « À vérifier », saying how far from its account it was made and that no way
    to or from it counts (QA: 895,7 km, 8:32 and a 20 € meal while the list said
    « non compté »)."""
    db = demo_db
    db.execute(
        text("""DELETE FROM activities WHERE rep_id = 4
                AND (occurred_at AT TIME ZONE 'Europe/Paris')::date = :day"""),
        {"day": DAY},
    )
    costs.derive_trips(db, settings=_settings(), year=2026, rep_ids=[4])
    camille = api_as(4)
    query = {"month": "2026-03", "rep": 4}
    before = camille.get("/frais", params=query).text
    zeta = db.execute(text("SELECT id FROM accounts WHERE name = 'ZETA Distribution'")).scalar_one()
    glitch, _ = visits.record_visit(
        db, actor=CAMILLE, account_id=zeta, client_key="only-glitch", at=_at(14, 31), point=PARIS
    )
    assert glitch.far_from_account and not glitch.counts
    costs.derive_trips(db, settings=_settings(), year=2026, rep_ids=[4])
    after = camille.get("/frais", params=query).text

    row = _row(after)
    assert row["km"] == "inconnus"  # none of the day's travel could be counted (0 km)
    assert (row["Conduite (h)"], row["Nuits"], row["Total"]) == ("0:00", "0", "0,00\xa0€")
    # the month's km, hours, meals and euros are those without it: one more trip, of nothing
    was, now = _cells(before, "costs-table"), _cells(after, "costs-table")
    changed = [(w, n) for n, w in zip(now, was, strict=True) if n != w]
    assert changed == [(("Trajets", "21"), ("Trajets", "22"))] * 2  # Camille's row, the total
    assert {label for label, _ in was} >= {"km", "Repas", "Total"}
    to_check = _section(after, "to-check")
    (item,) = [line for line in to_check.splitlines() if "ZETA Distribution" in line]
    assert item.strip().startswith("10/03/2026 · Camille Martin · ZETA Distribution — pointage à ")
    assert "km du compte, hors de portée de la journée ; trajet domicile → ZETA" in item
    assert "aucun trajet vers ou depuis ce pointage compté" in item
    assert "ZETA Distribution" not in _section(after, "not-counted")
