"""Travel-cost reports: trips grouped by rep, team, week, month or year, planned beside actual."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from fieldcrm.calendar_bounds import FIRST, LAST, check_date
from fieldcrm.costs.plausible import FAR_FROM_ACCOUNT_M
from fieldcrm.costs.scale import CENT
from fieldcrm.costs.trips import NotCounted, Trip, TripCost
from fieldcrm.dates import LOCALES
from fieldcrm.durations import whole_minutes
from fieldcrm.errors import InvalidInput

if TYPE_CHECKING:  # basis.py words the report's numbers with this module's helpers
    from fieldcrm.costs.basis import MileageBasis

GROUPINGS = ("rep", "team", "week", "month", "year")
_EUR_PATTERNS = {"fr": "#,##0{fraction}\u00a0¤", "en": "¤#,##0{fraction}"}
MINUS = "\u2212"
"""The minus sign of a negative amount (« −10,50 € »), not a hyphen."""
REALISED = "realised"
EXPECTED = "expected"
NOT_FOLLOWED = "not_followed"
"""How a planned trip's savings count in a report: :func:`saving_status`."""


@dataclass(frozen=True)
class Figures:
    """Totals of a set of trips of one kind (planned or actual) and the ratios drawn from them."""

    trips: int = 0
    days: int = 0
    km: float = 0.0
    """The sum of the trips' km, each to the tenth as written (:meth:`add`)."""
    driving_s: int = 0
    visiting_s: int = 0
    visits: int = 0
    hotel_nights: int = 0
    meals: int = 0
    mileage_eur: Decimal = Decimal("0.00")
    hotel_eur: Decimal = Decimal("0.00")
    meals_eur: Decimal = Decimal("0.00")
    tolls_eur: Decimal = Decimal("0.00")
    revenue_eur: Decimal = Decimal("0.00")
    saved_km: float = 0.0
    saved_eur: Decimal = Decimal("0.00")
    """Realised savings: of planned trips that are over and were driven as planned
    (:func:`saving_status`), against the alternative the plan turned down, and of their
    fill-in visits that were made (:attr:`~fieldcrm.costs.trips.Trip.realised_saved_eur`)."""
    expected_saved_km: float = 0.0
    expected_saved_eur: Decimal = Decimal("0.00")
    """Expected savings: of planned trips not over yet — hoped for, not saved."""
    not_counted: int = 0
    """Check-ins left out of :attr:`visits`: far from the account, without a report."""

    @property
    def total_eur(self) -> Decimal:
        """Mileage + hotel + meals + tolls."""
        return self.mileage_eur + self.hotel_eur + self.meals_eur + self.tolls_eur

    @property
    def cost_per_visit_eur(self) -> Decimal | None:
        """Total cost divided by visits (None without visits)."""
        if not self.visits:
            return None
        return (self.total_eur / self.visits).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def revenue_per_km_eur(self) -> Decimal | None:
        """Revenue of the visited accounts per kilometre driven; None without kilometres or
        without revenue: a month's sales are imported after it ends, so the trips of the
        month under way (and the planned ones) have none yet — « — », not a misleading 0."""
        if self.km <= 0 or not self.revenue_eur:
            return None
        return (self.revenue_eur / Decimal(str(self.km))).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def driving_share(self) -> float | None:
        """Share of the working time spent driving rather than visiting (0–1)."""
        busy = self.driving_s + self.visiting_s
        return round(self.driving_s / busy, 4) if busy else None

    def add(self, cost: TripCost, *, saving: str = REALISED) -> Figures:
        """These figures with one more trip, its savings counted as ``saving`` says
        (:func:`saving_status`: realised — without its fill-in visits not made —, expected,
        or not at all)."""
        t = cost.trip
        done, hoped = saving == REALISED, saving == EXPECTED
        return Figures(
            trips=self.trips + 1,
            days=self.days + t.days,
            # each trip's km as the trips' table writes them (to the tenth, halves up): a
            # row, and the total, is the sum of the trips shown, never 0.1 km beside it
            km=round(self.km + float(half_up(t.km, 1)), 1),
            # each trip's hours as the trips' table writes them (h:mm, whole minutes): a row,
            # and the total, is the sum of the trips shown, never a minute beside it
            driving_s=self.driving_s + whole_minutes(t.driving_s) * 60,
            visiting_s=self.visiting_s + whole_minutes(t.visiting_s) * 60,
            visits=self.visits + t.visits,
            hotel_nights=self.hotel_nights + t.hotel_nights,
            meals=self.meals + t.meals,
            mileage_eur=self.mileage_eur + cost.mileage_eur,
            hotel_eur=self.hotel_eur + cost.hotel_eur,
            meals_eur=self.meals_eur + cost.meals_eur,
            tolls_eur=self.tolls_eur + t.tolls_eur,
            revenue_eur=self.revenue_eur + t.revenue_eur,
            saved_km=round(self.saved_km + (t.realised_saved_km if done else 0.0), 3),
            saved_eur=self.saved_eur + (t.realised_saved_eur if done else 0),
            expected_saved_km=round(self.expected_saved_km + (t.saved_km if hoped else 0.0), 3),
            expected_saved_eur=self.expected_saved_eur + (t.saved_eur if hoped else 0),
            not_counted=self.not_counted + len(t.not_counted),
        )


def sum_figures(
    costs: Iterable[TripCost], *, saving: Callable[[TripCost], str] | None = None
) -> Figures:
    """The figures of a set of costed trips (``saving``: how each trip's savings count,
    :func:`saving_status`; all realised without it)."""
    figures = Figures()
    for cost in costs:
        figures = figures.add(cost, saving=saving(cost) if saving else REALISED)
    return figures


def saving_status(planned: Trip, actual: Iterable[Trip], *, today: dt.date | None) -> str:
    """Whether the savings of a planned trip were made: :data:`REALISED`, :data:`EXPECTED`
    or :data:`NOT_FOLLOWED` (an actual trip has no savings of its own: :data:`NOT_FOLLOWED`).

    A plan's savings (the overnight decision over the alternative it turned down, the
    dedicated round trips its accepted fill-in visits avoided) are a forecast until its days
    are over (``end_day`` before ``today``, the company's local day; ``None``: judged on the
    check-ins alone). They are realised when the rep's actual trips over those days, drawn
    from the check-ins, took the plan's shape: starting on its first day, ending on its last,
    with as many hotel nights (staying overnight where it said stay, home each evening where
    it said home). A plan whose days are over and that the rep did not drive that way saved
    nothing: its savings are dropped, neither realised nor expected. A followed plan realises
    the round trips its accepted fill-in visits avoided only for the visits made (a visit
    that counts, :attr:`~fieldcrm.costs.trips.FillIn.made`): :attr:`Figures.saved_eur` adds
    :attr:`~fieldcrm.costs.trips.Trip.realised_saved_eur`.

    Examples
    --------
    >>> from fieldcrm.costs.trips import Trip as T
    >>> d = dt.date(2026, 12, 16)
    >>> plan = T(1, "S", "planned", d, d + dt.timedelta(days=2), 0.0, 0, 0, 0, hotel_nights=2)
    >>> saving_status(plan, [], today=dt.date(2026, 12, 7))
    'expected'
    >>> done = T(1, "S", "actual", d, d + dt.timedelta(days=2), 0.0, 0, 0, 0, hotel_nights=2)
    >>> saving_status(plan, [done], today=dt.date(2026, 12, 20))
    'realised'
    >>> home = [T(1, "S", "actual", d + dt.timedelta(days=i), d + dt.timedelta(days=i),
    ...           0.0, 0, 0, 0) for i in range(3)]
    >>> saving_status(plan, home, today=dt.date(2026, 12, 20))
    'not_followed'
    """
    if planned.kind != "planned":
        return NOT_FOLLOWED
    if today is not None and planned.end_day >= today:
        return EXPECTED
    driven = [
        a
        for a in actual
        if a.kind == "actual"
        and a.rep_id == planned.rep_id
        and a.start_day <= planned.end_day
        and a.end_day >= planned.start_day
    ]
    followed = (
        bool(driven)
        and min(a.start_day for a in driven) == planned.start_day
        and max(a.end_day for a in driven) == planned.end_day
        and sum(a.hotel_nights for a in driven) == planned.hotel_nights
    )
    if followed:
        return REALISED
    return EXPECTED if today is None else NOT_FOLLOWED


@dataclass(frozen=True)
class ReportRow:
    """One group of the report (a rep, a team, a week…): planned and actual figures."""

    key: str
    label: str
    planned: Figures
    actual: Figures
    adjustments_eur: Decimal = Decimal("0.00")
    """The adjustments made after validation to the validated months of this group (none on
    a week's row: an adjustment is of a rep's month; the total row has them all)."""

    @property
    def corrected_total_eur(self) -> Decimal:
        """The actual total as validated plus the adjustments made since: what is paid."""
        return self.actual.total_eur + self.adjustments_eur


@dataclass(frozen=True)
class MonthStamp:
    """A rep's month validated by a manager: its figures are frozen."""

    rep_id: int
    rep_name: str
    month: dt.date
    by: str
    at: dt.datetime
    """In the company's time zone."""

    def __str__(self) -> str:
        return (
            f"{self.rep_name}, {self.month:%m/%Y} : validé le {self.at:%d/%m/%Y à %H:%M} "
            f"par {self.by or 'un compte supprimé'}"
        )


@dataclass(frozen=True)
class AdjustmentLine:
    """A change to a validated month: amount, reason, author."""

    rep_id: int
    rep_name: str
    month: dt.date
    amount_eur: Decimal
    reason: str
    author: str
    at: dt.datetime


@dataclass(frozen=True)
class Correction:
    """A validated month of a rep corrected after validation: « total validé » +
    adjustments = « total corrigé »."""

    rep_name: str
    month: dt.date
    validated_eur: Decimal
    adjustments_eur: Decimal

    @property
    def corrected_eur(self) -> Decimal:
        """The validated total plus the adjustments."""
        return self.validated_eur + self.adjustments_eur


@dataclass(frozen=True)
class TravelReport:
    """A travel-cost report over a period, grouped one way, with its trips.

    A trip counts whole in the period of its **start day** (kilometres, nights, meals): a
    trip from 28/11 to 03/12 is November's, as its month is validated and paid once. The
    trips of the period that end after it are :attr:`counted_at_start`, and the screen says so.
    """

    title: str
    start: dt.date
    end: dt.date
    group_by: str
    scale_year: int
    rows: tuple[ReportRow, ...]
    total: ReportRow
    trips: tuple[TripCost, ...] = field(default=())
    stamps: tuple[MonthStamp, ...] = field(default=())
    adjustments: tuple[AdjustmentLine, ...] = field(default=())
    regularisations: tuple[tuple[str, Decimal], ...] = field(default=())
    """Per rep: what the validated months' km would cost at the rep's rate of the year now
    known, minus what they were validated at (the barème's yearly band changed)."""
    bases: tuple[MileageBasis, ...] = field(default=())
    """Per rep and year of the trips: the barème basis of their rate per km."""
    far_checkin_m: float = FAR_FROM_ACCOUNT_M
    """A check-in farther than this from its account counts as a visit only with its report."""

    @property
    def adjusted_total_eur(self) -> Decimal:
        """The actual total plus the adjustments made after validation."""
        return self.total.corrected_total_eur

    @property
    def corrections(self) -> tuple[Correction, ...]:
        """Each validated month with adjustments: its total as validated, the adjustments,
        the corrected total (a validated month's trips are frozen: their cost is the
        validated one)."""
        out = []
        for stamp in self.stamps:
            made = [
                a.amount_eur
                for a in self.adjustments
                if a.rep_id == stamp.rep_id and a.month == stamp.month
            ]
            if not made:
                continue
            validated = sum(
                (
                    c.total_eur
                    for c in self.trips
                    if c.trip.kind == "actual"
                    and c.trip.rep_id == stamp.rep_id
                    and c.trip.start_day.replace(day=1) == stamp.month
                ),
                Decimal("0.00"),
            )
            out.append(Correction(stamp.rep_name, stamp.month, validated, sum(made, Decimal(0))))
        return tuple(out)

    @property
    def empty(self) -> bool:
        """True when the period holds no trip."""
        return not self.trips

    @property
    def not_counted(self) -> tuple[tuple[TripCost, NotCounted], ...]:
        """The actual trips' check-ins left out of the visits whose kilometres count, by day
        (the others are listed with the travel to check, :attr:`Trip.to_check`)."""
        found = [
            (c, n)
            for c in self.trips
            if c.trip.kind == "actual"
            for n in c.trip.not_counted
            if n.km_counted
        ]
        return tuple(sorted(found, key=lambda cn: (cn[1].day, cn[0].trip.rep_name)))

    @property
    def counted_at_start(self) -> tuple[TripCost, ...]:
        """Trips of the period that end after it: counted whole here, in their start period."""
        return tuple(c for c in self.trips if c.trip.end_day > self.end)


def group_key(cost: TripCost, group_by: str) -> tuple[str, str]:
    """(sort key, label) of the group ``cost`` falls in."""
    t = cost.trip
    keys: dict[str, Callable[[], tuple[str, str]]] = {
        "rep": lambda: (f"{t.rep_name}#{t.rep_id}", t.rep_name),
        "team": lambda: (t.team or "—", t.team or "—"),
        "week": lambda: _week(t.start_day),
        "month": lambda: (t.start_day.strftime("%Y-%m"), t.start_day.strftime("%Y-%m")),
        "year": lambda: (str(t.start_day.year), str(t.start_day.year)),
    }
    if group_by not in keys:
        raise InvalidInput(
            "group_by", "unknown grouping", value=group_by, allowed=", ".join(GROUPINGS)
        )
    return keys[group_by]()


def _week(day: dt.date) -> tuple[str, str]:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}", f"{year}-S{week:02d}"


def build_report(
    costs: Sequence[TripCost],
    *,
    title: str,
    start: dt.date,
    end: dt.date,
    group_by: str = "rep",
    scale_year: int,
    stamps: Sequence[MonthStamp] = (),
    adjustments: Sequence[AdjustmentLine] = (),
    regularisations: Sequence[tuple[str, Decimal]] = (),
    bases: Sequence[MileageBasis] = (),
    far_checkin_m: float = FAR_FROM_ACCOUNT_M,
    today: dt.date | None = None,
) -> TravelReport:
    """Group costed trips starting within ``[start, end]``; the total row sums every trip.

    A period with no trip gives an empty report (no rows, zero totals), not an error.
    ``stamps`` and ``adjustments`` say which months are validated and what changed since.
    The planned trips' savings are split into realised and expected ones as of ``today``
    (the company's local day): :func:`saving_status`.
    """
    check_date(start, field="start")
    check_date(end, field="end")
    if end < start:
        raise InvalidInput("end", "the period ends before it starts", value=end)
    kept = sorted(
        (c for c in costs if start <= c.trip.start_day <= end),
        key=lambda c: (c.trip.start_day, c.trip.rep_id, c.trip.kind),
    )
    actual = [c.trip for c in kept if c.trip.kind == "actual"]

    def saving(cost: TripCost) -> str:
        return saving_status(cost.trip, actual, today=today)

    groups: dict[str, tuple[str, list[TripCost]]] = {}
    for cost in kept:
        key, label = group_key(cost, group_by)
        groups.setdefault(key, (label, []))[1].append(cost)
    # each adjustment in its rep's, team's, month's or year's row (a rep without trips
    # gets one), none in a week's: it is of a month
    teams = {c.trip.rep_id: c.trip.team for c in kept}
    adjusted: dict[str, Decimal] = defaultdict(Decimal)
    for a in adjustments:
        found = _adjustment_key(a, group_by, teams.get(a.rep_id))
        if found:
            adjusted[found[0]] += a.amount_eur
            groups.setdefault(found[0], (found[1], []))
    rows = tuple(
        _row(key, label, members, saving, adjusted.get(key, Decimal("0.00")))
        for key, (label, members) in sorted(groups.items())
    )
    return TravelReport(
        title=title,
        start=start,
        end=end,
        group_by=group_by,
        scale_year=scale_year,
        rows=rows,
        total=_row(
            "total", "Total", kept, saving, sum((a.amount_eur for a in adjustments), Decimal(0))
        ),
        trips=tuple(kept),
        stamps=tuple(stamps),
        adjustments=tuple(adjustments),
        regularisations=tuple(regularisations),
        bases=tuple(bases),
        far_checkin_m=far_checkin_m,
    )


def _row(
    key: str,
    label: str,
    costs: Sequence[TripCost],
    saving: Callable[[TripCost], str],
    adjustments_eur: Decimal = Decimal("0.00"),
) -> ReportRow:
    return ReportRow(
        key=key,
        label=label,
        planned=sum_figures((c for c in costs if c.trip.kind == "planned"), saving=saving),
        actual=sum_figures(c for c in costs if c.trip.kind == "actual"),
        adjustments_eur=adjustments_eur,
    )


def _adjustment_key(a: AdjustmentLine, group_by: str, team: str | None) -> tuple[str, str] | None:
    """(sort key, label) of the row an adjustment falls in, as :func:`group_key` keys a
    trip; None by week (an adjustment is of a month: only the total row has it)."""
    if group_by == "rep":
        return f"{a.rep_name}#{a.rep_id}", a.rep_name
    if group_by == "team":
        return team or "—", team or "—"
    if group_by == "month":
        return a.month.strftime("%Y-%m"), a.month.strftime("%Y-%m")
    if group_by == "year":
        return str(a.month.year), str(a.month.year)
    return None


def period_bounds(
    *,
    month: str | None = None,
    week: str | None = None,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[dt.date, dt.date]:
    """First and last day of the period asked for: a month ``2026-03``, an ISO week
    ``2026-W10``, a year, or explicit ``start``/``end``; exactly one of these forms."""
    given = [name for name, v in (("month", month), ("week", week), ("year", year)) if v]
    if start or end:
        given.append("start/end")
    if len(given) != 1:
        raise InvalidInput(
            "period",
            "give exactly one of month, week, year or start and end",
            value=", ".join(given) or None,
        )
    if month:
        try:
            first = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise InvalidInput("month", "expected YYYY-MM", value=month) from None
        check_date(first, field="month")
        following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
        return first, following - dt.timedelta(days=1)
    if week:
        try:
            first = dt.datetime.strptime(week + "-1", "%G-W%V-%u").date()
        except ValueError:
            raise InvalidInput("week", "expected YYYY-Www, e.g. 2026-W10", value=week) from None
        check_date(first, field="week")
        return first, first + dt.timedelta(days=6)
    if year:
        if not FIRST.year <= year <= LAST.year:
            raise InvalidInput(
                "year",
                "année hors de la plage acceptée",
                value=year,
                allowed=f"{FIRST.year}–{LAST.year}",
            )
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if start is None or end is None:
        raise InvalidInput("end" if start else "start", "both start and end are needed")
    if end < start:
        raise InvalidInput("end", "the period ends before it starts", value=end)
    return start, end


def figures_dict(f: Figures) -> dict[str, Any]:
    """Plain JSON-ready figures (euros as numbers to the cent, ratios included)."""

    def num(v: Decimal | None) -> float | None:
        return None if v is None else float(v)

    return {
        "trips": f.trips,
        "days": f.days,
        "km": rounded(f.km, 1),
        "driving_hours": rounded(f.driving_s / 3600, 2),
        "visiting_hours": rounded(f.visiting_s / 3600, 2),
        "visits": f.visits,
        "hotel_nights": f.hotel_nights,
        "meals": f.meals,
        "mileage_eur": num(f.mileage_eur),
        "hotel_eur": num(f.hotel_eur),
        "meals_eur": num(f.meals_eur),
        "tolls_eur": num(f.tolls_eur),
        "total_eur": num(f.total_eur),
        "cost_per_visit_eur": num(f.cost_per_visit_eur),
        "revenue_eur": num(f.revenue_eur),
        "revenue_per_km_eur": num(f.revenue_per_km_eur),
        "driving_share": f.driving_share,
        "saved_km": rounded(f.saved_km, 1),
        "saved_eur": num(f.saved_eur),
        "expected_saved_km": rounded(f.expected_saved_km, 1),
        "expected_saved_eur": num(f.expected_saved_eur),
        "not_counted_checkins": f.not_counted,
    }


def report_dict(report: TravelReport) -> dict[str, Any]:
    """The report as JSON: period, rows and total (planned and actual), and its trips."""

    def row(r: ReportRow) -> dict[str, Any]:
        return {
            "key": r.key,
            "label": r.label,
            "planned": figures_dict(r.planned),
            "actual": figures_dict(r.actual),
            "adjustments_eur": float(r.adjustments_eur),
            "corrected_total_eur": float(r.corrected_total_eur),
        }

    return {
        "title": report.title,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "group_by": report.group_by,
        "scale_year": report.scale_year,
        "rows": [row(r) for r in report.rows],
        "total": row(report.total),
        "trips": [
            {
                "id": c.trip.trip_id,
                "rep_id": c.trip.rep_id,
                "rep": c.trip.rep_name,
                "kind": c.trip.kind,
                "start_day": c.trip.start_day.isoformat(),
                "end_day": c.trip.end_day.isoformat(),
                "km": rounded(c.trip.km, 1),
                "km_status": c.trip.km_status,
                "driving_hours": rounded(c.trip.driving_s / 3600, 2),
                "visits": c.trip.visits,
                "hotel_nights": c.trip.hotel_nights,
                "rate_per_km_eur": float(c.rate_per_km),
                "mileage_eur": float(c.mileage_eur),
                "tolls_eur": float(c.trip.tolls_eur),
                "total_eur": float(c.total_eur),
                "to_check": [
                    {
                        "day": d.day.isoformat(),
                        "account_id": d.account_id,
                        "account": d.account_name,
                        "reason": d.reason,
                    }
                    for d in c.trip.to_check
                ],
                "not_counted": [
                    {
                        "day": n.day.isoformat(),
                        "account_id": n.account_id,
                        "account": n.account_name,
                        "distance_m": None if n.distance_m is None else rounded(n.distance_m, 0),
                        "km_counted": n.km_counted,
                    }
                    for n in c.trip.not_counted
                ],
            }
            for c in report.trips
        ],
        "mileage_bases": [
            {
                "rep_id": b.rep_id,
                "rep": b.rep_name,
                "year": b.year,
                "scale_year": b.basis.scale_year,
                "vehicle": b.basis.vehicle,
                "fiscal_hp_class": b.basis.hp_class.label,
                "electric_uplift": float(b.basis.electric_uplift),
                "km_source": b.km_source,
                "annual_km": rounded(b.basis.annual_km, 1),
                "band_from_km": b.basis.band_from_km,
                "band_upto_km": b.basis.band.upto_km,
                "band_rate": float(b.basis.band.rate),
                "band_fixed_eur": float(b.basis.band.fixed),
                "allowance_eur": float(b.basis.allowance_eur),
                "rate_per_km_eur": float(b.basis.rate),
                "frozen": [
                    {"month": m.isoformat()[:7], "rate_per_km_eur": float(r)} for m, r in b.frozen
                ],
            }
            for b in report.bases
        ],
        "validated": [
            {
                "rep": v.rep_name,
                "month": v.month.isoformat()[:7],
                "by": v.by,
                "at": v.at.isoformat(),
                "text": str(v),
            }
            for v in report.stamps
        ],
        "adjustments": [
            {
                "rep": a.rep_name,
                "month": a.month.isoformat()[:7],
                "amount_eur": float(a.amount_eur),
                "reason": a.reason,
                "author": a.author,
                "at": a.at.isoformat(),
            }
            for a in report.adjustments
        ],
        "adjusted_total_eur": float(report.adjusted_total_eur),
        "regularisations": [
            {"rep": name, "amount_eur": float(amount)} for name, amount in report.regularisations
        ],
    }


def local_number(value: float | Decimal, lang: str, digits: int = 0) -> str:
    """``value`` as a reader of ``lang`` writes it, with ``digits`` decimals.

    French groups thousands with a narrow no-break space (U+202F) and uses a decimal comma
    (``1\u202f234,56``); English writes ``1,234.56``. Unknown languages read as French.

    Examples
    --------
    >>> local_number(Decimal("1234.5"), "fr", 2)
    '1\u202f234,50'
    >>> local_number(1022.5, "en", 1)
    '1,022.5'
    """
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(half_up(value, digits), format=pattern, locale=LOCALES.get(lang, "fr_FR"))


def rounded(value: float, digits: int) -> float:
    """``value`` rounded as the pages write it (:func:`half_up`), as a float for the API and
    the exports: the report's figures read the same everywhere (107.25 km is 107.3 on the page,
    in the JSON and in the spreadsheet, where Python's ``round`` would give 107.2).

    >>> rounded(107.25, 1), round(107.25, 1)
    (107.3, 107.2)
    """
    return float(half_up(value, digits))


def half_up(value: float | Decimal, digits: int) -> Decimal:
    """``value`` rounded as people round, halves away from zero, on its decimal writing
    (31.05 → 31.1; babel alone rounds halves to even, 31.05 → 31.0); never a negative zero.

    Examples
    --------
    >>> half_up(31.05, 1), half_up(Decimal("0.125"), 2), half_up(-0.04, 1)
    (Decimal('31.1'), Decimal('0.13'), Decimal('0.0'))
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return rounded + 0  # + 0 turns a negative zero into 0 ("-0,0" otherwise)


def local_eur(value: float | Decimal, lang: str, digits: int = 0, *, signed: bool = False) -> str:
    """An amount in euros as a reader of ``lang`` writes it: ``30\u202f000\u00a0€``, ``€30,000``;
    a negative one with a minus sign (U+2212, not a hyphen): ``−10,50\u00a0€``, ``−€10.50``;
    ``signed``: a positive one with ``+`` (a correction: ``+12,00\u00a0€``).

    Examples
    --------
    >>> local_eur(30000, "fr")
    '30\u202f000\u00a0€'
    >>> local_eur(Decimal("12.3"), "en", 2)
    '€12.30'
    >>> local_eur(Decimal("-10.5"), "fr", 2), local_eur(Decimal("-10.5"), "en", 2)
    ('\u221210,50\u00a0€', '\u2212€10.50')
    >>> local_eur(12, "fr", 2, signed=True)
    '+12,00\u00a0€'
    """
    fraction = "." + "0" * digits if digits else ""
    positive = _EUR_PATTERNS.get(lang, _EUR_PATTERNS["fr"]).format(fraction=fraction)
    pattern = f"{'+' if signed else ''}{positive};{MINUS}{positive}"
    return format_currency(
        half_up(value, digits),
        "EUR",
        format=pattern,
        locale=LOCALES.get(lang, "fr_FR"),
        currency_digits=False,
    )


def local_day(day: dt.date, lang: str) -> str:
    """A date as a reader of ``lang`` writes it: ``01/03/2026`` in French, ``1 Mar 2026`` in English.

    Examples
    --------
    >>> local_day(dt.date(2026, 3, 1), "fr"), local_day(dt.date(2026, 3, 1), "en")
    ('01/03/2026', '1 Mar 2026')
    """
    return format_date(
        day, format="short" if lang == "fr" else "medium", locale=LOCALES.get(lang, "fr_FR")
    )
