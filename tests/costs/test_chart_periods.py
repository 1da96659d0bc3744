"""The travel-cost chart heads a week's or a month's bars as the reader writes the period
(« semaine 10 de 2026 », "March 2026"), not by its key (« 2026-S10 », « 2026-03 »)."""

from __future__ import annotations

import datetime as dt

from fieldcrm.costs import chart
from fieldcrm.costs.report import build_report
from tests.costs.test_export import costed


def _labels(group_by: str, lang: str) -> list[str]:
    report = build_report(
        [costed(2, 4, "Camille Martin"), costed(9, 6, "Sophie Durand")],
        title="Frais de mars 2026",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        scale_year=2025,
        group_by=group_by,
    )
    return [t.get_text() for t in chart.cost_figure(report, lang=lang).axes[0].get_yticklabels()]


def test_week_and_month_bars_are_headed_in_the_readers_words() -> None:
    assert _labels("week", "fr") == ["semaine 10 de 2026", "semaine 11 de 2026"]
    assert _labels("week", "en") == ["week 10 of 2026", "week 11 of 2026"]
    assert _labels("month", "fr") == ["mars 2026"]
    assert _labels("month", "en") == ["March 2026"]
    assert _labels("rep", "en") == ["Camille Martin", "Sophie Durand"]
