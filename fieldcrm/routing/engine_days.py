"""The solver model when every night is spent at home: one vehicle per working day.

Without a night away the days are independent tours from home, so each day is a vehicle of
its own (its own departure and return, on its own travel profile) and PyVRP's moves between
routes shift visits from one day to another. A client that may only happen on some days (an
appointment on its day, an account closed on a weekday, a lunch break) stands at a copy of
its place that the other days' profiles cannot reach. An account open the same hours every
day is one client any day may take. (With hotels, :mod:`fieldcrm.routing.engine` chains the
days on one time axis, since a night away joins two days.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType

from fieldcrm.routing.problem import Problem

UNREACHABLE = 10**9
"""Travel to a place a day's profile may not use (seconds and money units)."""


def add_choice(
    clients: list[Client],
    refs: list,
    groups: list[ClientGroup],
    members: Sequence[tuple[Client, object]],
    *,
    needed: bool,
) -> None:
    """Add clients of which at most one is visited (exactly one if ``needed``), with their refs.

    A lone optional member is a plain optional client; otherwise they form a mutually exclusive
    group, required or not.
    """
    if len(members) == 1 and not needed:
        clients.append(members[0][0])
        refs.append(members[0][1])
        return
    first, group = len(clients), len(groups)
    for c, r in members:
        clients.append(
            Client(
                location=c.location,
                service_duration=c.service_duration,
                tw_early=c.tw_early,
                tw_late=c.tw_late,
                prize=c.prize,
                required=False,
                group=group,
            )
        )
        refs.append(r)
    groups.append(ClientGroup(list(range(first, len(clients))), required=needed))


def build_days(
    problem: Problem,
    *,
    offered: Sequence[int],
    must: set[int],
    lunch_places: Sequence[Sequence[int]],
    lunch_prize: int,
    costs: np.ndarray,
    money: int,
    ref: type,
) -> tuple[ProblemData, list]:
    """PyVRP data with one vehicle per day, and what each client stands for.

    ``lunch_places[k]``: the places offered for day ``k``'s lunch, each worth ``lunch_prize``
    (optional, so a day with no room for lunch still has a plan); ``costs``: money units per
    arc; ``ref``: the :class:`~fieldcrm.routing.engine.Ref` type.
    """
    n_days = len(problem.days)
    places: list[int] = list(range(problem.size))  # location -> underlying place
    allowed: list[frozenset[int] | None] = [None] * problem.size  # location -> days (None: all)
    clients: list[Client] = []
    refs: list = []
    groups: list[ClientGroup] = []

    def location(place: int, days: frozenset[int]) -> int:
        if len(days) == n_days:
            return place
        places.append(place)
        allowed.append(days)
        return len(places) - 1

    def add(members: list[tuple[Client, object]], *, needed: bool) -> None:
        add_choice(clients, refs, groups, members, needed=needed)

    for i, a in enumerate(problem.appointments):
        loc = location(a.place, frozenset({a.day}))
        clients.append(
            Client(
                location=loc, service_duration=a.duration_s, tw_early=a.start_s, tw_late=a.start_s
            )
        )
        refs.append(ref("appointment", i, a.day))
    for i in offered:
        c = problem.candidates[i]
        by_windows: dict[tuple, set[int]] = {}
        for k, windows in enumerate(c.windows):
            if windows:
                by_windows.setdefault(tuple(windows), set()).add(k)
        members = []
        for windows, days in by_windows.items():
            loc = location(c.place, frozenset(days))
            only_day = next(iter(days)) if len(days) == 1 else -1
            for early, late in windows:
                client = Client(
                    location=loc,
                    service_duration=c.service_s + problem.slot_reserve_s,
                    tw_early=early,
                    tw_late=late,
                    prize=round(c.value_eur * money),
                    required=False,
                )
                members.append((client, ref("candidate", i, only_day)))
        if members:
            add(members, needed=c.required or i in must)
    for k, work in enumerate(problem.days):
        if work.lunch is None:
            continue
        lunch = work.lunch
        add(
            [
                (
                    Client(
                        location=location(p, frozenset({k})),
                        service_duration=lunch.duration_s,
                        tw_early=lunch.earliest_s,
                        tw_late=lunch.latest_end_s - lunch.duration_s,
                        prize=lunch_prize,
                        required=False,
                    ),
                    ref("lunch", p, k),
                )
                for p in lunch_places[k]
            ],
            needed=False,
        )
    index = np.asarray(places)
    seconds = np.asarray(problem.durations_s, dtype=np.int64)[np.ix_(index, index)]
    money_units = costs[np.ix_(index, index)]
    depots = depots_of(problem)
    frames = {(d.depart_s, d.return_s) for d in problem.days}
    if all(a is None for a in allowed) and len(frames) == 1 and len(depots) == 1:
        # identical days: one fleet of interchangeable vehicles on one profile
        (frame,) = frames
        fleet = VehicleType(num_available=n_days, tw_early=frame[0], tw_late=frame[1])
        return problem_data(
            problem, places, clients, depots, [fleet], [money_units], [seconds], groups
        ), refs
    profiles_s, profiles_m = [], []
    for k in range(n_days):
        barred = np.array([a is not None and k not in a for a in allowed])
        s, m = seconds.copy(), money_units.copy()
        s[barred, :] = s[:, barred] = UNREACHABLE
        m[barred, :] = m[:, barred] = UNREACHABLE
        np.fill_diagonal(s, 0)
        np.fill_diagonal(m, 0)
        profiles_s.append(s)
        profiles_m.append(m)
    vehicles = [
        VehicleType(
            num_available=1,
            start_depot=depot_index(problem, problem.first_place) if k == 0 else 0,
            end_depot=depot_index(problem, problem.last_place) if k == n_days - 1 else 0,
            tw_early=d.depart_s,
            tw_late=d.return_s,
            profile=k,
        )
        for k, d in enumerate(problem.days)
    ]
    return problem_data(
        problem, places, clients, depots, vehicles, profiles_m, profiles_s, groups
    ), refs


def _depot_places(problem: Problem) -> list[int]:
    return list(dict.fromkeys((problem.home, problem.first_place, problem.last_place)))


def depots_of(problem: Problem) -> list[Depot]:
    """Home, then the place where the first day starts and the one where the last day
    finishes, each when it is not home (:func:`depot_index`)."""
    return [Depot(location=p) for p in _depot_places(problem)]


def depot_index(problem: Problem, place: int) -> int:
    """The depot of ``place`` (home, the first day's start or the last day's finish) among
    :func:`depots_of`."""
    return _depot_places(problem).index(place)


def problem_data(
    problem: Problem,
    places: list[int],
    clients: list[Client],
    depots: list[Depot],
    vehicles: list[VehicleType],
    distances: list[np.ndarray],
    durations: list[np.ndarray],
    groups: list[ClientGroup],
) -> ProblemData:
    """PyVRP data whose location ``i`` stands at place ``places[i]``."""
    coords = problem.places or tuple((0.0, 0.0) for _ in range(problem.size))
    return ProblemData(
        locations=[Location(round(coords[p][0] * 1e6), round(coords[p][1] * 1e6)) for p in places],
        clients=clients,
        depots=depots,
        vehicle_types=vehicles,
        distance_matrices=cast("list[Any]", distances),
        duration_matrices=cast("list[Any]", durations),
        groups=groups,
    )
