"""Amounts and changes written in SQL exactly as the pure formatter writes them."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

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


JUST_PAST = [-10.04, -10.0004, -10.05, -10.06, -9.96, -9.9996, -10.0, 10.04, 9.96, 5.04, 4.96]
BOUNDS = [(-10.0,), (10.0,), (-10.0, 5.0), (0.0,), (-10.5,)]


def _side(value: Decimal, bound: float) -> int:
    limit = Decimal(f"{bound:.15g}")
    return (value > limit) - (value < limit)


def _shown(text_: str) -> Decimal:
    return Decimal(text_.replace("\u2212", "-").replace(",", ".").removesuffix(" %"))


def test_a_change_near_a_threshold_is_written_on_its_own_side_in_sql_as_in_python(
    db: Session,
) -> None:
    values = [*JUST_PAST, -0.04, 0.04, -10.000000000001, 1e20, 1 / 3, *_values()[-1500:]]
    for bounds in BOUNDS:
        shown = db.scalars(
            text(
                f"SELECT {signed_percent_sql('v', bounds)} "
                "FROM unnest(CAST(:v AS float8[])) WITH ORDINALITY AS x(v, i) ORDER BY i"
            ),
            {"v": values},
        ).all()
        assert shown == [signed_percent(v, "fr", bounds) for v in values], bounds
        for value, said in zip(values, shown, strict=True):
            exact = Decimal(f"{value:.15g}")
            assert all(_side(_shown(said), b) == _side(exact, b) for b in bounds), (value, said)
            tenth = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if all(_side(tenth, b) == _side(exact, b) for b in bounds):
                assert said == signed_percent(value), "one decimal where it tells the truth"
    # « baisse de plus de 10 % »: −10.04 % is shown as such, not as « −10,0 % »
    assert signed_percent(-10.04) == "\u221210,0 %"  # no threshold: one decimal, as before
    assert signed_percent(-10.04, "fr", (-10.0,)) == "\u221210,04 %"
    assert signed_percent(-10.04, "en", (-10.0,)) == "\u221210.04%"
    assert signed_percent(-10.0004, "fr", (-10.0,)) == "\u221210,0004 %"
    assert signed_percent(-10.06, "fr", (-10.0,)) == "\u221210,1 %"
    assert signed_percent(-9.96, "fr", (-10.0,)) == "\u22129,96 %"  # under a « not »
    assert signed_percent(10.04, "fr", (10.0,)) == "+10,04 %"
    assert signed_percent(-10.0, "fr", (-10.0,)) == "\u221210,0 %"  # on it, truly
