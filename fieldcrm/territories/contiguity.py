"""The contiguity rule of a rebalancing: no territory is cut into pieces.

A territory in pieces sends its rep through someone else's area to reach part of their own:
no sales manager accepts a proposal that does it. Both rebalancing methods
(:func:`fieldcrm.territories.rebalance.propose`, which checks each move before making it, and
:func:`fieldcrm.territories.rebalance_cpsat.propose_cpsat`, which models the rule and checks
its solution) answer to :func:`holds_together`, the one home of the rule.

Communes are adjacent when they share a border (more than a point:
:func:`fieldcrm.territories.rebalance.adjacency`). A territory that had the communes ``had``
and ends with ``ends`` holds together when:

1. it keeps at least one of its own communes (if it had any);
2. every commune it receives touches one of its own communes that it keeps (never a commune
   that left, nor only another newcomer);
3. every piece it had (a connected group of its communes: one piece when it was contiguous)
   stays in one piece by itself: the communes of that piece it keeps touch one another,
   without the help of a newcomer (a departure never cuts the donor, even where a commune it
   receives would join the ends again).

So a contiguous territory stays contiguous; one that was already in pieces never gains a piece
(its pieces may merge, or one may be handed over whole) and none of its pieces is cut; a donor
is never cut in two (Roquebrune-Cap-Martin leaving « Riviera – Monaco » would cut Gorbio off
from La Turbie); and a commune never arrives beside one that has left (Menton joining Riviera
beside Roquebrune-Cap-Martin while Roquebrune goes to the Alpes-Maritimes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set


def _labels(members: Iterable[str], neighbours: Mapping[str, Set[str]]) -> dict[str, int]:
    """Piece number of each member: connected pieces under ``neighbours``, numbered in the
    order of their smallest code."""
    inside = set(members)
    label: dict[str, int] = {}
    mark = -1
    for start in sorted(inside):
        if start in label:
            continue
        mark += 1
        label[start] = mark
        stack = [start]
        while stack:
            for nxt in neighbours.get(stack.pop(), ()):
                if nxt in inside and nxt not in label:
                    label[nxt] = mark
                    stack.append(nxt)
    return label


def pieces(members: Iterable[str], neighbours: Mapping[str, Set[str]]) -> list[frozenset[str]]:
    """The connected pieces of ``members``.

    Parameters
    ----------
    members
        Commune codes (one territory's).
    neighbours
        Adjacent communes of each commune (symmetric).

    Returns
    -------
    list of frozenset
        The pieces, in the order of their smallest code.
    """
    groups: dict[int, set[str]] = {}
    for code, mark in _labels(members, neighbours).items():
        groups.setdefault(mark, set()).add(code)
    return [frozenset(groups[k]) for k in sorted(groups)]


def components(members: Iterable[str], neighbours: Mapping[str, Set[str]]) -> int:
    """Number of connected pieces of ``members`` under ``neighbours``."""
    return len(set(_labels(members, neighbours).values()))


def holds_together(
    had: Set[str],
    ends: Set[str],
    neighbours: Mapping[str, Set[str]],
    *,
    had_pieces: Sequence[Set[str]] | None = None,
) -> bool:
    """Whether a territory that had ``had`` and ends with ``ends`` follows the rule (module
    docstring): keeps one of its communes, receives only beside communes it keeps, and what
    it keeps of each of its pieces still touches itself.

    Parameters
    ----------
    had
        The territory's communes before any move.
    ends
        Its communes after all the moves.
    neighbours
        Adjacent communes of each commune (symmetric).
    had_pieces
        ``pieces(had, neighbours)`` when the caller has it already (a search asks often).

    Returns
    -------
    bool
        ``True`` when the territory holds together.
    """
    kept = had & ends
    if had and not kept:
        return False
    for code in ends - had:
        if not neighbours.get(code, set()) & kept:
            return False
    label = _labels(kept, neighbours)
    for piece in had_pieces if had_pieces is not None else pieces(had, neighbours):
        if len({label[c] for c in piece if c in label}) > 1:
            return False
    return True


def broken(
    owner: Mapping[str, int],
    final: Mapping[str, int],
    neighbours: Mapping[str, Set[str]],
) -> list[int]:
    """The territories that a reassignment of communes does not keep together.

    Parameters
    ----------
    owner
        Territory of each commune before the moves.
    final
        Territory of each commune after them (same communes).
    neighbours
        Adjacent communes of each commune (symmetric).

    Returns
    -------
    list of int
        Ids of the territories for which :func:`holds_together` fails, sorted.
    """
    had: dict[int, set[str]] = {}
    ends: dict[int, set[str]] = {}
    for code, tid in owner.items():
        had.setdefault(tid, set()).add(code)
    for code, tid in final.items():
        ends.setdefault(tid, set()).add(code)
    return [
        t
        for t in sorted(set(had) | set(ends))
        if not holds_together(had.get(t, set()), ends.get(t, set()), neighbours)
    ]
