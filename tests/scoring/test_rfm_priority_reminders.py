"""RFM quintiles, the priority index and its explanation, date reminders."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.scoring.evaluate import Firing
from fieldcrm.scoring.priority import PriorityWeights, band_of, potential_percentiles, priorities
from fieldcrm.scoring.reminders import ImportantDate, due_reminders
from fieldcrm.scoring.rfm import RfmInput, quintiles, rfm_input, rfm_scores
from fieldcrm.scoring.rules import Priority

AS_OF = date(2026, 4, 2)


def test_rfm_input_from_monthly_sales() -> None:
    sales = {"2026-04": 999.0, "2026-01": 100.0, "2025-06": 50.0, "2024-01": 70.0, "2025-02": 0.0}
    assert rfm_input(5, sales, as_of=AS_OF) == RfmInput(5, 2, 2, 150.0)
    assert rfm_input(6, {}, as_of=AS_OF) == RfmInput(6, None, 0, 0.0)


def test_quintiles_of_ten_values_and_ties() -> None:
    assert quintiles({i: float(i) for i in range(10)}) == {i: 1 + i // 2 for i in range(10)}
    assert set(quintiles({1: 3.0, 2: 3.0, 3: 3.0}).values()) == {1}


@given(st.dictionaries(st.integers(0, 50), st.floats(-1e6, 1e6, allow_nan=False), min_size=1))
def test_quintiles_are_monotonic_and_in_range(values: dict[int, float]) -> None:
    q = quintiles(values)
    assert all(1 <= v <= 5 for v in q.values())
    for a in values:
        for b in values:
            if values[a] < values[b]:
                assert q[a] <= q[b]
            if values[a] == values[b]:
                assert q[a] == q[b]


def test_priority_index_adds_up_and_explains_itself() -> None:
    inputs = [RfmInput(i, i % 4 if i else None, i % 13, 1000.0 * i) for i in range(10)]
    rfm = rfm_scores(inputs)
    potentials = {i: (40_000.0 if i == 9 else 1000.0 * i if i % 2 else None) for i in range(10)}
    firings = [
        Firing("declining-key-account", 9, "2026-04", (Priority(30, "high"),)),
        Firing("other", 9, "2026-04", (Priority(5, None),)),
    ]
    result = priorities(firings, rfm, potentials, weights=PriorityWeights(rfm=30, potential=30))
    top = result[9]
    assert top.rule_points == (("declining-key-account", 30), ("other", 5))
    assert top.potential_pct == 1.0 and top.potential_points == 30.0
    assert top.index == round(35 + top.rfm_points + 30, 2)
    assert top.band == band_of(top.index) == "urgent"
    assert result[0].rule_points == () and result[0].potential_points == 0.0
    assert result[1].index < top.index
    lines = top.explain()
    assert lines[0] == "Règle « declining-key-account » : +30 points"
    assert "centile 100" in lines[3] and lines[-1].startswith("Indice de priorité")
    assert top.to_dict()["rules"][0] == {"rule": "declining-key-account", "points": 30}


def test_rule_band_raises_a_low_index() -> None:
    result = priorities([Firing("r", 1, "m", (Priority(0, "high"),))], {}, {1: None, 2: None})
    assert (result[1].index, result[1].band) == (0.0, "high")
    assert result[2].band == "low"


def test_potential_percentiles_ignore_unknown() -> None:
    assert potential_percentiles({1: 10.0, 2: 20.0, 3: None, 4: 30.0, 5: 20.0}) == {
        1: 0.0,
        2: 1 / 3,
        3: 0.0,
        4: 1.0,
        5: 1 / 3,
    }


def test_buyer_retiring_in_july_is_reminded_from_2_may() -> None:
    retiring = ImportantDate(
        3, 1, "retirement", date(2026, 7, 1), contact="M. Dupont", account="LAMBDA SARL"
    )
    assert due_reminders([retiring], as_of=date(2026, 5, 1)) == []
    (reminder,) = due_reminders([retiring], as_of=date(2026, 5, 2))
    assert reminder.remind_from == date(2026, 5, 2)
    assert "M. Dupont" in reminder.message and "successeur" in reminder.message
    assert reminder.key == "retirement:3:2026-07-01"
    assert due_reminders([retiring], as_of=date(2026, 7, 1)) != []
    assert due_reminders([retiring], as_of=date(2026, 7, 2)) == []
    custom = ImportantDate(3, 1, "retirement", date(2026, 7, 1), remind_days_before=10)
    assert due_reminders([custom], as_of=date(2026, 6, 20)) == []
