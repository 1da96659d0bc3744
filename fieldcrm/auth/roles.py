"""Roles and the authenticated actor, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fieldcrm.errors import InvalidInput


class Role(StrEnum):
    """What a user is in the sales team."""

    REP = "rep"
    MANAGER = "manager"
    DISPATCHER = "dispatcher"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    """The person making a request.

    Parameters
    ----------
    id
        User id.
    role
        The user's role.
    name
        Display name.
    team
        Ids of the reps a manager manages (empty for other roles).
    language
        Preferred interface language, ``"fr"`` or ``"en"``.
    """

    id: int
    role: Role
    name: str = ""
    team: frozenset[int] = field(default_factory=frozenset)
    language: str = "fr"

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            try:
                object.__setattr__(self, "role", Role(self.role))
            except ValueError:
                raise InvalidInput(
                    "role",
                    "unknown role",
                    value=self.role,
                    allowed=", ".join(r.value for r in Role),
                ) from None
        if self.language not in ("fr", "en"):
            raise InvalidInput(
                "language", "unsupported language", value=self.language, allowed="fr, en"
            )


SYSTEM = Actor(id=0, role=Role.ADMIN, name="fieldcrm")
"""The command line and scheduled jobs: may do everything, recorded as no user."""


def author_id(actor: Actor) -> int | None:
    """The user id to record for ``actor`` in history and audit tables (``None`` for :data:`SYSTEM`)."""
    return actor.id if actor.id > 0 else None
