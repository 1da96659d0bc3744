"""The travel-cost chart: cost per group by item, and the share of time spent driving."""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from fieldcrm.costs.report import TravelReport

ITEMS = ("mileage_eur", "hotel_eur", "meals_eur", "tolls_eur")
COLOURS = {
    "mileage_eur": "#1d4ed8",
    "hotel_eur": "#7c3aed",
    "meals_eur": "#f59e0b",
    "tolls_eur": "#64748b",
    "driving": "#dc2626",
    "visiting": "#16a34a",
}
_WORDS = {
    "fr": {
        "mileage_eur": "Indemnités km",
        "hotel_eur": "Hôtel",
        "meals_eur": "Repas",
        "tolls_eur": "Péages",
        "costs": "Frais réalisés par groupe (trait : prévu)",
        "time": "Temps de travail",
        "driving": "Conduite",
        "visiting": "Visites",
        "planned": "Prévu",
        "empty": "Aucun trajet sur la période",
        "hours": "h",
    },
    "en": {
        "mileage_eur": "Mileage",
        "hotel_eur": "Hotel",
        "meals_eur": "Meals",
        "tolls_eur": "Tolls",
        "costs": "Actual costs per group (line: planned)",
        "time": "Working time",
        "driving": "Driving",
        "visiting": "Visiting",
        "planned": "Planned",
        "empty": "No trip in the period",
        "hours": "h",
    },
}


def cost_figure(report: TravelReport, *, lang: str = "fr") -> Figure:
    """A two-panel figure: actual costs per group stacked by item with the planned total
    marked, and each group's hours driving against visiting."""
    words = _WORDS.get(lang, _WORDS["fr"])
    figure = Figure(figsize=(9.6, 3.2), dpi=110, layout="constrained")
    if report.empty:
        ax = figure.subplots()
        ax.text(0.5, 0.5, words["empty"], ha="center", va="center", fontsize=12, color="#475569")
        ax.set_axis_off()
        return figure
    costs_ax, time_ax = figure.subplots(1, 2, width_ratios=(3, 2))
    labels = [row.label for row in report.rows]
    positions = range(len(labels))
    bottoms = [0.0] * len(labels)
    for item in ITEMS:
        values = [float(getattr(row.actual, item)) for row in report.rows]
        costs_ax.bar(positions, values, bottom=bottoms, color=COLOURS[item], label=words[item])
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    planned = [float(row.planned.total_eur) for row in report.rows]
    costs_ax.scatter(positions, planned, marker="_", s=400, color="black", label=words["planned"])
    costs_ax.set_xticks(list(positions), labels, rotation=30, ha="right", fontsize=7)
    costs_ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f} €"))
    costs_ax.set_title(words["costs"], fontsize=9)
    costs_ax.legend(fontsize=7, frameon=False)
    driving = [row.actual.driving_s / 3600 for row in report.rows]
    visiting = [row.actual.visiting_s / 3600 for row in report.rows]
    time_ax.barh(positions, driving, color=COLOURS["driving"], label=words["driving"])
    time_ax.barh(
        positions, visiting, left=driving, color=COLOURS["visiting"], label=words["visiting"]
    )
    time_ax.set_yticks(list(positions), labels, fontsize=7)
    time_ax.invert_yaxis()
    time_ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f} {words['hours']}"))
    time_ax.set_title(words["time"], fontsize=9)
    time_ax.legend(fontsize=7, frameon=False)
    for ax in (costs_ax, time_ax):
        ax.tick_params(labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    return figure


def cost_chart_png(report: TravelReport, lang: str = "fr") -> bytes:
    """:func:`cost_figure` as PNG bytes."""
    buffer = io.BytesIO()
    cost_figure(report, lang=lang).savefig(buffer, format="png")
    return buffer.getvalue()
