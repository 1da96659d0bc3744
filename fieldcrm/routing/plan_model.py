"""What :func:`fieldcrm.routing.planner.plan` answers: days, nights, left-out accounts, euros."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fieldcrm.routing.problem import Window

if TYPE_CHECKING:  # realise builds plans from this module's figures
    from fieldcrm.routing.realise import Reach


@dataclass(frozen=True)
class Stop:
    """A stop of a day: a fixed appointment or a proposed visit."""

    kind: str  # "appointment" | "visit"
    key: str
    name: str
    place: int
    arrival_s: int
    start_s: int
    departure_s: int
    slot: Window
    """Every start in it keeps the whole plan feasible (an appointment's is its start). A
    visit's slot is in whole minutes (:func:`fieldcrm.routing.schedule.whole_minutes`): its
    start is after its end when no whole minute fits (not bookable)."""
    value_eur: float = 0.0
    detour_s: int = 0
    """Driving added against the best route without this visit, re-optimised."""
    detour_m: int = 0
    contribution_eur: float = 0.0
    """Value minus the travel cost it adds (the detour in euros)."""


@dataclass(frozen=True)
class Day:
    """One working day of the plan."""

    index: int
    start_place: int
    end_place: int
    departure_s: int
    return_s: int
    stops: tuple[Stop, ...]
    lunch_start_s: int | None
    driving_s: int
    driving_m: int
    waiting_s: int
    flags: tuple[str, ...] = ()
    reserve_s: int = 0
    """Of ``waiting_s``, the time kept free after the proposed visits (the problem's slot
    reserve, what keeps their slots wide): free time a booking may use, not waiting."""


@dataclass(frozen=True)
class Night:
    """Where the night after day ``after_day`` is spent, and why."""

    after_day: int
    hotel: str | None
    """The hotel's key; ``None``: at home."""
    place: int
    price_eur: float
    meal_eur: float
    reason: str
    """"home_is_better", "only_home" (no night away possible), "stay_earns" or "chosen"."""


@dataclass(frozen=True)
class Omission:
    """A candidate left out, with a reason checked by solving again with it forced in."""

    key: str
    name: str
    value_eur: float
    reason: str
    """"closed" (no window on any day), "no_room" (cannot fit between the fixed
    appointments), "displaces" (fits, but the plan is worth ``loss_eur`` less), "not_tried"
    (worth less than every candidate tried), "cut" (not sent to the solver)."""
    loss_eur: float | None = None
    displaced: tuple[str, ...] = ()
    """"displaces": the names of the chosen plan's visits the plan with it goes without (what
    is traded for it, most valuable first)."""
    joined: int = 0
    """"displaces": how many other visits the plan with it makes that the chosen one does not
    (the plan rearranged: the loss is the whole difference, not the visits named alone)."""


@dataclass(frozen=True)
class Figures:
    """The euros and kilometres of a plan."""

    value_eur: float
    km: float
    driving_s: int
    km_cost_eur: float
    time_cost_eur: float
    hotel_eur: float
    meal_eur: float
    nights_away: int

    @property
    def net_eur(self) -> float:
        """Value of the visits minus every cost."""
        return (
            self.value_eur - self.km_cost_eur - self.time_cost_eur - self.hotel_eur - self.meal_eur
        )


@dataclass(frozen=True)
class Plan:
    """A solved problem: the chosen plan, and the best all-home plan beside it."""

    days: tuple[Day, ...]
    nights: tuple[Night, ...]
    omissions: tuple[Omission, ...]
    figures: Figures
    all_home: Figures | None = None
    """The best plan that sleeps at home every night (the chosen one when no night away is
    possible; ``None`` when there is none, see :attr:`all_home_error`)."""
    away: Figures | None = None
    """The best plan found with at least one night away (``None`` if none was found)."""
    all_home_error: str | None = None
    """Why no all-home plan exists, when none does."""
    no_night: str | None = None
    """Why :attr:`away` is ``None``: "one_day" (a single working day, no night between two),
    "not_consecutive" (no working day is the calendar day after another), "no_hotel" (no
    hotel to sleep at: no fixed appointment to sleep near, no preferred hotel), "no_plan"
    (no plan with a night away holds, see :attr:`away_error`) or "home_is_better" (nights
    away were searched, and the best plan found sleeps at home every night)."""
    away_error: str | None = None
    """Why no plan with a night away holds, when :attr:`no_night` is "no_plan"."""
    all_home_reach: Reach | None = None
    """The appointment out of reach that makes :attr:`all_home_error`, when that is why:
    its data, to word it in the reader's language."""
    away_reach: Reach | None = None
    """The appointment out of reach that makes :attr:`away_error`, when that is why."""
    iterations: int = 0
    flags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def visits(self) -> list[Stop]:
        """Every proposed visit, in order."""
        return [s for d in self.days for s in d.stops if s.kind == "visit"]
