"""SQL joins that put an account's narrow side tables beside ``accounts a``."""

from __future__ import annotations


def assignment_join(account_id: str) -> str:
    """Join giving ``asg.owner_id``, ``asg.territory_id`` and ``asg.locked`` of the account
    whose id is the SQL expression ``account_id`` (all NULL when never assigned nor locked)."""
    return f"LEFT JOIN account_assignments asg ON asg.account_id = {account_id}"


ASSIGNMENT_JOIN = assignment_join("a.id")
""":func:`assignment_join` beside ``accounts a``."""

PRIORITY_JOIN = "LEFT JOIN account_priorities ap ON ap.account_id = a.id"
"""Join giving ``ap.score`` and ``ap.band`` beside ``accounts a`` (NULL when never scored)."""

NOT_LOCKED = "asg.locked IS NOT TRUE"
"""Condition (with :data:`ASSIGNMENT_JOIN`): no dispatcher locked the account's assignment."""


CONFIRMED_LOCATION = "a.geocode_status IN ('matched', 'manual') AND a.geom IS NOT NULL"
"""SQL (accounts as ``a``): the account's location can be driven to and counted — geocoded
with confidence or placed by hand. Anything else is "à vérifier" (or not located) and stays out
of automatic work: territory assignment, planning, trip kilometres."""


def owner_filter(
    owner_ids: list[int] | None,
    *,
    unowned: bool = False,
    unassigned_prospects: bool = False,
    row: str = "asg",
) -> str:
    """SQL condition (with :data:`ASSIGNMENT_JOIN`): owned by one of ``owner_ids`` (None: all);
    ``unowned`` also lets through every account nobody owns (a scope that holds them,
    :func:`fieldcrm.auth.policy.in_scope` of ``None``), ``unassigned_prospects`` only the
    prospects nobody owns. ``row``: the alias whose ``owner_id`` is the owner (another row
    carrying the owner beside ``a.kind``)."""
    if owner_ids is None:
        return "TRUE"
    clause = f"{row}.owner_id = ANY(:owners)"
    if unowned:
        clause = f"({clause} OR {row}.owner_id IS NULL)"
    elif unassigned_prospects:
        clause = f"({clause} OR ({row}.owner_id IS NULL AND a.kind = 'prospect'))"
    return clause
