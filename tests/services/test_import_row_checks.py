"""Imports on a real PostGIS refuse postcodes that cannot exist and sales of months to come:
each refused row reported with its line and column, the good rows in, the counts exact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import get_settings
from fieldcrm.services import imports

HEADER = "Identifiant;Raison sociale;Adresse;Code postal;Ville;Latitude;Longitude"
ACCOUNTS = [
    "QA16-001;Boulangerie QA Seize;12 rue de France;06000;Nice;;",
    "QA16-002;Café Code Postal Faux;5 avenue de la Gare;0600;Nice;;",
    "QA16-003;Café Code Faux;7 rue Vide;06999;Lyon;43,70;7,26",  # placed, code of another dept
    "QA16-006;Siège Lyonnais;10 quai Perrache;69421;Lyon;;",  # CEDEX code, « CEDEX » dropped
    "QA16-004;Hôtel Cedex;1 promenade des Anglais;06001;Nice Cedex 1;;",
    "QA16-005;Épicerie Sans Zéro;9 rue Rossetti;6300;Nice;;",
    "QA16-010;Café Latitude Folle;2 rue Pairolière;06300;Nice;95;7,27",
]


def _file(tmp_path: Path, name: str, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _postcodes(db: Session) -> dict[str, str]:
    rows = db.execute(
        text("SELECT external_id, postcode FROM accounts WHERE external_id LIKE 'QA16%'")
    )
    return {ext: code for ext, code in rows}


def test_impossible_and_unknown_postcodes_are_rejected_rows(db: Session, tmp_path: Path) -> None:
    report = imports.import_accounts(db, _file(tmp_path, "comptes.csv", ACCOUNTS))
    assert [(r.line, r.field, r.value) for r in report.rejected] == [
        (3, "postcode", "0600"),
        (4, "postcode", "06999"),
        (8, "lat", "95"),  # one message: the longitude is there
    ]
    assert report.rejected[0].reason == "un code postal français a 5 chiffres"
    assert report.rejected[1].reason == (
        "code postal 06999 : la ville « Lyon » n’est pas dans son département (04, 06)"
    )
    assert (report.inserted, report.read) == (4, 7)
    assert _postcodes(db) == {
        "QA16-001": "06000",
        "QA16-004": "06001",
        "QA16-005": "06300",
        "QA16-006": "69421",
    }
    stored = db.execute(text("SELECT inserted, rejected FROM import_runs")).one()
    assert stored.inserted == 4
    assert [(r["line"], r["field"]) for r in stored.rejected] == [
        (3, "postcode"),
        (4, "postcode"),
        (8, "lat"),
    ]


def _company_today() -> dt.date:
    return dt.datetime.now(ZoneInfo(get_settings().scoring_timezone)).date()


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def test_sales_of_months_to_come_are_rejected_and_not_stored(db: Session, tmp_path: Path) -> None:
    imports.import_accounts(db, _file(tmp_path, "comptes.csv", ACCOUNTS[:1]))
    sales = _file(
        tmp_path,
        "ventes.csv",
        ["QA16-001;2026-11;1 234,56", "QA16-001;12/2026;300,5", "QA16-001;2027-05;900"],
        header="Identifiant;Mois;Chiffre d'affaires",
    )
    report = imports.import_sales(db, sales, today=dt.date(2026, 12, 31))
    assert [(r.line, r.field, r.value) for r in report.rejected] == [(4, "month", "2027-05")]
    assert "les ventes s’importent jusqu’au mois en cours (12/2026)" in report.rejected[0].reason
    assert (report.inserted, report.read) == (2, 3)
    months = db.execute(text("SELECT month::text FROM monthly_sales ORDER BY month")).scalars()
    assert list(months) == ["2026-11-01", "2026-12-01"]


def test_the_current_month_is_the_company_s_today_by_default(db: Session, tmp_path: Path) -> None:
    imports.import_accounts(db, _file(tmp_path, "comptes.csv", ACCOUNTS[:1]))
    this_month = _company_today().replace(day=1)
    coming = _next_month(this_month)
    sales = _file(
        tmp_path,
        "ventes.csv",
        [f"QA16-001;{this_month:%Y-%m};100", f"QA16-001;{coming:%Y-%m};200"],
        header="Identifiant;Mois;CA",
    )
    report = imports.import_sales(db, sales)
    assert report.inserted == 1
    assert [(r.line, r.field, r.value) for r in report.rejected] == [
        (3, "month", f"{coming:%Y-%m}")
    ]
