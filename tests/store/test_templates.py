"""Amounts and changes written in SQL exactly as the pure formatter writes them."""

from __future__ import annotations

import random

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.formats import euros, month_name, signed_percent
from fieldcrm.store.templates import euros_sql, signed_percent_sql

TIES = [0.5, 1.5, 2.5, -2.5, -0.5, 0.05, 0.15, 0.25, -0.25, 11.45, -11.45, 11.55, -11.55]
EDGES = [0.0, -0.0, -0.4, -0.04, 999.5, 999_999.5, 1234567.891, 1e15, 1e20, -3e7, 1 / 3]


def _values() -> list[float]:
    rng = random.Random(7)
    cents = [rng.randint(-(10**9), 10**9) / 100 for _ in range(1500)]
    # changes in % computed as a run computes them, from two revenues in cents
    changes = []
    for _ in range(1500):
        this, last = rng.randint(0, 10**7) / 100, rng.randint(1, 10**7) / 100
        changes.append((this - last) / last * 100.0)
    return TIES + EDGES + cents + changes


def test_sql_formats_amounts_and_changes_as_python_does(db: Session) -> None:
    values = _values()
    rows = db.execute(
        text(
            f"SELECT {euros_sql('v')}, {signed_percent_sql('v')} "
            "FROM unnest(CAST(:v AS float8[])) WITH ORDINALITY AS x(v, i) ORDER BY i"
        ),
        {"v": values},
    ).all()
    assert [tuple(r) for r in rows] == [(euros(v), signed_percent(v)) for v in values]
    assert (euros(-11.45), signed_percent(-11.45)) == ("-11 €", "\u221211,5 %")
    assert (euros(1234567.891), signed_percent(0.04)) == ("1 234 568 €", "+0,0 %")
    assert (euros(-0.4), signed_percent(-0.04)) == ("0 €", "+0,0 %")
    assert signed_percent(-30.75) == "\u221230,8 %"


def test_months_are_named_in_french() -> None:
    assert month_name("2026-11") == "novembre 2026"
    assert month_name("2025-02") == "février 2025"
    assert [month_name(f"2026-{m:02d}").split()[0] for m in (1, 8, 12)] == [
        "janvier",
        "août",
        "décembre",
    ]
