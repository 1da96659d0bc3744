"""Quality flag: a provider answer (or none) → "matched", "to_review" or "failed" with a reason.

Soft problems are flags, not errors: a rough point is kept and flagged "to_review"; an
address nothing matches is "failed" with its reason, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from fieldcrm.errors import InvalidInput
from fieldcrm.geocoding.model import PRECISION_LABELS, PRECISION_RANK, Assessment, GeocodeResult
from fieldcrm.geocoding.normalize import NormalizedAddress

__all__ = ["assess", "expected_precision"]


def _decimal(value: float) -> str:
    """``0,42``: a score as a French reader writes it."""
    return f"{value:.2f}".replace(".", ",")


def expected_precision(address: NormalizedAddress) -> str:
    """Finest precision the address allows.

    Parameters
    ----------
    address : NormalizedAddress
        The normalised address.

    Returns
    -------
    str
        ``"housenumber"`` with a house number, ``"street"`` with a street only,
        ``"municipality"`` otherwise.
    """
    if address.housenumber and address.street:
        return "housenumber"
    if address.street:
        return "street"
    return "municipality"


def assess(
    result: GeocodeResult | None,
    address: NormalizedAddress,
    *,
    threshold: float,
    errors: Sequence[str] = (),
) -> Assessment:
    """Decide the status of a geocode.

    Parameters
    ----------
    result : GeocodeResult or None
        The chosen answer; None when nothing matched.
    address : NormalizedAddress
        What was asked.
    threshold : float
        Scores below it are flagged "to_review" (settings ``geocoder_review_threshold``).
    errors : sequence of str
        Provider failures met on the way, quoted in the reason of a failure.

    Returns
    -------
    Assessment
        ``matched``; ``to_review`` with the reason (low score, coarser than the address,
        another département than the postcode's); or ``failed`` with the reason.
    """
    if not 0.0 <= threshold <= 1.0:
        raise InvalidInput("threshold", "must be within [0, 1]", value=threshold, allowed="0..1")
    if address.is_empty:
        return Assessment("failed", "adresse vide")
    if result is None or result.point is None:
        reason = "aucune correspondance"
        if errors:
            reason += " (" + "; ".join(errors) + ")"
        return Assessment("failed", reason)
    reasons: list[str] = []
    expected = expected_precision(address)
    if result.rank < PRECISION_RANK[expected]:
        found, wanted = PRECISION_LABELS[result.precision], PRECISION_LABELS[expected]
        reasons.append(f"précision {found} (attendue : {wanted})")
    if result.score < threshold:
        reasons.append(f"score {_decimal(result.score)} < {_decimal(threshold)}")
    if address.postcode and result.postcode and result.postcode[:2] != address.postcode[:2]:
        reasons.append(f"code postal trouvé {result.postcode} ≠ {address.postcode}")
    if reasons:
        return Assessment("to_review", "; ".join(reasons))
    return Assessment("matched")
