"""A booking out of reach on a day the tolerance may stretch (:mod:`fieldcrm.routing.overtime`)
is refused with true figures, both ways alike: arriving too late says the tolerance and the
earliest arrival leaving that early, as coming back too late says the tolerance and the
earliest return — and neither says the tolerance when it is not what refuses the day."""

from __future__ import annotations

import dataclasses

import pytest

from fieldcrm.http.error_text import describe, reach_text
from fieldcrm.routing.planner import plan
from fieldcrm.routing.realise import OutOfReach, Reach
from tests.routing.test_overtime import QUICK, RETURN, H, M, nice
from tests.routing.test_overtime_not_before import _from


def _refused(p: object) -> Reach:
    with pytest.raises(OutOfReach) as refused:
        plan(p, budget=QUICK)  # type: ignore[arg-type]
    return refused.value.found[0]


def test_arriving_too_late_says_the_tolerance_and_the_arrival_leaving_that_early() -> None:
    """08:30, two hours from home; hours 08:00–18:30, 60 min of tolerance: even leaving at
    07:00 she arrives at 09:00 (not 10:00, leaving at 08:00 as the hours say)."""
    found = _refused(nice(8 * H + 30 * M, 40, away_s=2 * H))
    assert (found.side, found.earliest_s, found.overtime_s) == ("before", 9 * H, H)
    assert reach_text(found, advice=False) == (
        "Le rendez-vous « Boulangerie du Port » de 08:30 est injoignable à temps, même avec"
        " 60 min de dépassement permis (arrivée au plus tôt 09:00)."
    )
    assert reach_text(found, "en", advice=False) == (
        "The appointment “Boulangerie du Port” at 08:30 cannot be reached in time, even 60 min"
        " beyond the working hours (earliest arrival 09:00)."
    )
    assert "even leaving 60 min early" in found.sentence()
    assert Reach.from_doc(found.as_doc()) == found


def test_coming_back_too_late_says_it_the_same_way() -> None:
    found = _refused(nice(17 * H + 30 * M, 40, away_s=2 * H))
    assert (found.side, found.limit_s, found.earliest_s, found.overtime_s) == (
        "after",
        RETURN,
        20 * H + 10 * M,
        H,
    )
    said = describe(OutOfReach([found], days=1))
    assert "pour 18:30, même avec 60 min de dépassement permis (retour au plus tôt 20:10)" in said


def test_without_a_tolerance_or_when_now_bounds_the_departure_it_is_not_said() -> None:
    plain = _refused(nice(8 * H + 30 * M, 40, away_s=2 * H, overtime_s=0))
    assert (plain.earliest_s, plain.overtime_s) == (10 * H, 0)
    assert "dépassement" not in reach_text(plain)
    # planned at 07:30 the same day: she cannot leave before now, whatever the tolerance
    now = _refused(_from(nice(8 * H + 30 * M, 40, away_s=2 * H), 7 * H + 30 * M))
    assert (now.earliest_s, now.overtime_s) == (9 * H + 30 * M, 0)
    assert "dépassement" not in reach_text(now)


def test_a_return_within_the_tolerance_is_not_said_beyond_it() -> None:
    """A booking whose return fits the tolerance, on a day not stretched because its
    arrival does not: the return is said without « même avec … » (true: the tolerance would
    have held it)."""
    p = nice(8 * H + 30 * M, 9 * 60 + 20, away_s=2 * H)  # 08:30–17:50, home 19:50
    p = dataclasses.replace(p, overtime_s=80 * M)  # the return fits 80 min, the arrival not
    with pytest.raises(OutOfReach) as refused:
        plan(p, budget=QUICK)
    early, back = refused.value.found
    assert (early.side, early.earliest_s, early.overtime_s) == ("before", 8 * H + 40 * M, 80 * M)
    assert (back.side, back.earliest_s, back.overtime_s) == ("after", 19 * H + 50 * M, 0)
    assert "dépassement" not in reach_text(back)
