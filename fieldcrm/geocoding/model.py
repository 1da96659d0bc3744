"""Plain values shared by the geocoding modules: one provider answer, one assessment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint

__all__ = [
    "PRECISIONS",
    "PRECISION_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "Assessment",
    "GeocodeResult",
    "Precision",
    "Status",
]

Precision = Literal["housenumber", "street", "municipality", "none"]
Status = Literal["matched", "to_review", "failed"]
PRECISIONS: tuple[Precision, ...] = ("housenumber", "street", "municipality", "none")
STATUSES: tuple[Status, ...] = ("matched", "to_review", "failed")
# Higher is finer.
PRECISION_RANK: dict[str, int] = {"housenumber": 3, "street": 2, "municipality": 1, "none": 0}
PRECISION_LABELS: dict[str, str] = {
    "housenumber": "au numéro",
    "street": "à la rue",
    "municipality": "à la commune",
    "none": "—",
}
"""French words for a precision: the one mapping reasons and pages use."""
STATUS_LABELS: dict[str, str] = {
    "matched": "placé",
    "to_review": "à vérifier",
    "failed": "en échec",
    "pending": "en attente",
    "manual": "placé à la main",
}
"""French words for an account's geocode status (``pending`` and ``manual`` are stored states)."""


@dataclass(frozen=True)
class GeocodeResult:
    """What one provider (or the gazetteer) found for one address.

    ``score`` is in [0, 1] (the provider's own match score where it has one); ``precision``
    says what the point stands for; ``citycode`` is the INSEE code when the provider gives it.
    """

    provider: str
    point: GeoPoint | None
    precision: Precision
    score: float
    label: str = ""
    citycode: str = ""
    postcode: str = ""

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise InvalidInput(
                "precision",
                "unknown precision",
                value=self.precision,
                allowed=", ".join(PRECISIONS),
            )
        if not 0.0 <= self.score <= 1.0:
            raise InvalidInput("score", "must be within [0, 1]", value=self.score, allowed="0..1")
        if (self.point is None) != (self.precision == "none"):
            raise InvalidInput(
                "point", "a point goes with a precision other than 'none'", value=self.point
            )

    @property
    def rank(self) -> int:
        """Precision rank: 3 house number, 2 street, 1 municipality, 0 none."""
        return PRECISION_RANK[self.precision]


@dataclass(frozen=True)
class Assessment:
    """Status of a geocode and, unless matched, the reason (shown to users, French); for a
    doubtful answer, the communes it could be (``"06000 Nice (06)"``), also quoted in the
    reason."""

    status: Status
    reason: str = ""
    candidates: tuple[str, ...] = ()
