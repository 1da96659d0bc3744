"""The travel-cost chart: cost per group by item, and the share of time spent driving."""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from fieldcrm.costs.report import TravelReport, local_eur, local_number
from fieldcrm.dates import period_label
from fieldcrm.errors import InvalidInput

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
        "costs": "Frais réalisés par groupe",
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
        "costs": "Actual costs per group",
        "time": "Working time",
        "driving": "Driving",
        "visiting": "Visiting",
        "planned": "Planned",
        "empty": "No trip in the period",
        "hours": "h",
    },
}


# Sizes in inches and points. "stacked" is the screen's chart: narrow enough that, scaled to
# the 330 px a 390 px phone leaves it, its 11 pt text reads at about 12 px; each panel grows
# with the groups.
# "wide" is the PDF's, printed 24 cm wide on A4 landscape.
_LAYOUTS: dict[str, dict[str, float]] = {
    "stacked": {"width": 4.0, "height": 0.0, "panel": 1.5, "row": 0.4, "dpi": 160, "text": 11},
    "wide": {"width": 9.6, "height": 3.2, "panel": 0.0, "row": 0.0, "dpi": 110, "text": 7.5},
}
LAYOUTS = tuple(_LAYOUTS)
_LABEL_CHARS = 18


def _short(label: str, longest: int) -> str:
    return label if len(label) <= longest else label[: longest - 1].rstrip() + "…"


def cost_figure(report: TravelReport, *, lang: str = "fr", layout: str = "stacked") -> Figure:
    """Actual costs per group stacked by item with the planned total marked, and each
    group's hours driving against visiting.

    Parameters
    ----------
    report
        The report drawn.
    lang
        ``fr`` or ``en``: labels, and amounts as the reader writes them (``30 000 €``).
    layout
        ``stacked`` (default): the two panels one above the other in a narrow figure that
        stays readable once scaled down to a phone's width; ``wide``: side by side, for print.
    """
    if layout not in _LAYOUTS:
        raise InvalidInput(
            "layout", "unknown chart layout", value=layout, allowed=", ".join(LAYOUTS)
        )
    size = _LAYOUTS[layout]
    words = _WORDS.get(lang, _WORDS["fr"])
    fontsize = size["text"]
    stacked = layout == "stacked"
    rows = len(report.rows)
    panel = size["panel"] + size["row"] * rows
    height = 2 * panel if stacked else size["height"]
    figure = Figure(figsize=(size["width"], height), dpi=size["dpi"], layout="constrained")
    if report.empty:
        figure.set_size_inches(size["width"], 1.2 if stacked else size["height"])
        ax = figure.subplots()
        ax.text(
            0.5,
            0.5,
            words["empty"],
            ha="center",
            va="center",
            fontsize=fontsize + 2,
            color="#475569",
        )
        ax.set_axis_off()
        return figure
    if stacked:
        costs_ax, time_ax = figure.subplots(2, 1)
    else:
        costs_ax, time_ax = figure.subplots(1, 2, width_ratios=(3, 2))
    longest = _LABEL_CHARS if stacked else 2 * _LABEL_CHARS
    # a week or a month as the reader writes it (« semaine 49 de 2026 »), not its key
    dated = report.group_by in ("week", "month")
    labels = [
        _short(period_label(row.key, lang) if dated else row.label, longest) for row in report.rows
    ]
    positions = list(range(rows))
    lefts = [0.0] * rows
    for item in ITEMS:
        values = [float(getattr(row.actual, item)) for row in report.rows]
        costs_ax.barh(positions, values, left=lefts, color=COLOURS[item], label=words[item])
        lefts = [b + v for b, v in zip(lefts, values, strict=True)]
    # the planned total as a black tick, on the groups that had a plan
    planned = [
        (float(r.planned.total_eur), i) for i, r in enumerate(report.rows) if r.planned.trips
    ]
    if planned:
        costs_ax.scatter(
            [p for p, _ in planned],
            [i for _, i in planned],
            marker="|",
            s=300,
            linewidths=2,
            color="black",
            label=words["planned"],
            zorder=3,
        )
    costs_ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: local_eur(v, lang)))
    driving = [row.actual.driving_s / 3600 for row in report.rows]
    visiting = [row.actual.visiting_s / 3600 for row in report.rows]
    time_ax.barh(positions, driving, color=COLOURS["driving"], label=words["driving"])
    time_ax.barh(
        positions, visiting, left=driving, color=COLOURS["visiting"], label=words["visiting"]
    )
    time_ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{local_number(v, lang)}\u00a0{words['hours']}")
    )
    for ax, title in ((costs_ax, words["costs"]), (time_ax, words["time"])):
        ax.set_yticks(positions, labels, fontsize=fontsize)
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3 if stacked else 6, integer=True))
        ax.tick_params(labelsize=fontsize)
        ax.spines[["top", "right"]].set_visible(False)
        # the title and the legend above the bars, never over them
        legend = ax.legend(
            title=title,
            # stacked: right-aligned on the bars' edge, a long title uses the room above the names
            loc="lower right" if stacked else "lower left",
            bbox_to_anchor=(1 if stacked else 0, 1.01),
            ncols=2 if stacked else 3,
            fontsize=fontsize - 1,
            title_fontsize=fontsize + 1,
            frameon=False,
            borderaxespad=0,
            handlelength=1.2,
            columnspacing=1.0,
            alignment="left",
        )
        legend.get_title().set_fontweight("bold")
    return figure


def cost_chart_png(report: TravelReport, lang: str = "fr", *, layout: str = "stacked") -> bytes:
    """:func:`cost_figure` as PNG bytes."""
    buffer = io.BytesIO()
    cost_figure(report, lang=lang, layout=layout).savefig(buffer, format="png")
    return buffer.getvalue()
