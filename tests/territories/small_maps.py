"""Tiny commune maps for the rebalancing tests, and the contiguity rule written again as a test
oracle (independent of :mod:`fieldcrm.territories.contiguity`, which it checks)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from shapely.geometry import box

from fieldcrm.territories.rebalance import Proposal, Unit, adjacency


def grid(rows: int, cols: int) -> list[tuple[str, str]]:
    """Adjacent cells of a ``rows`` × ``cols`` grid of unit squares, named ``"rc"``."""
    return adjacency({f"{r}{c}": box(c, r, c + 1, r + 1) for r in range(rows) for c in range(cols)})


def neighbours(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
        out[b].add(a)
    return out


def _reaches_all(group: set[str], nb: Mapping[str, set[str]]) -> bool:
    """Whether one walk inside ``group`` visits all of it."""
    if not group:
        return True
    start = min(group)
    seen, todo = {start}, [start]
    while todo:
        for nxt in nb[todo.pop()]:
            if nxt in group and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen == group


def _pieces(group: set[str], nb: Mapping[str, set[str]]) -> list[set[str]]:
    left, out = set(group), []
    while left:
        piece = {min(left)}
        grew = True
        while grew:
            more = {n for c in piece for n in nb[c] if n in left} - piece
            grew = bool(more)
            piece |= more
        out.append(piece)
        left -= piece
    return out


def cut(owner: Mapping[str, int], final: Mapping[str, int], nb: Mapping[str, set[str]]) -> set[int]:
    """The territories a reassignment cuts: one that gives all its communes away, receives a
    commune touching none it keeps, or keeps a part of one of its pieces that no longer
    touches the rest of that part by itself."""
    out = set()
    for t in set(owner.values()) | set(final.values()):
        had = {c for c, o in owner.items() if o == t}
        ends = {c for c, f in final.items() if f == t}
        kept = had & ends
        if had and not kept:
            out.add(t)
        if any(not nb[c] & kept for c in ends - had):
            out.add(t)
        if any(not _reaches_all(piece & kept, nb) for piece in _pieces(had, nb)):
            out.add(t)
    return out


def count_pieces(codes: set[str], nb: Mapping[str, set[str]]) -> int:
    return len(_pieces(codes, nb))


def final_owner(units: Iterable[Unit], proposal: Proposal) -> dict[str, int]:
    """Each commune's territory once the proposal's moves are made (each from its owner)."""
    final = {u.code: u.territory_id for u in units}
    for m in proposal.moves:
        assert final[m.code] == m.from_id
        final[m.code] = m.to_id
    return final
