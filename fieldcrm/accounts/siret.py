"""SIRET/SIREN validation (Luhn, with La Poste's documented exception)."""

from __future__ import annotations

import re

from fieldcrm.errors import InvalidInput

LA_POSTE_SIREN = "356000000"
_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f]")


def luhn_ok(digits: str) -> bool:
    """True if the digit string passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siret(raw: str, *, field: str = "siret") -> str:
    """Return the 14-digit SIRET in ``raw`` (spaces, dots, dashes allowed) or raise.

    Parameters
    ----------
    raw : str
        The value as typed, e.g. ``"732 829 320 00074"``.
    field : str
        Name used in the error.

    Raises
    ------
    InvalidInput
        If it is not 14 digits or fails the checksum.
    """
    digits = _SEPARATORS.sub("", raw)
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 14:
        raise InvalidInput(field, "un SIRET a 14 chiffres", value=raw)
    if digits.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in digits) % 5 != 0:
            raise InvalidInput(
                field, "clé de contrôle du SIRET invalide (règle de La Poste)", value=raw
            )
    elif not luhn_ok(digits):
        raise InvalidInput(field, "clé de contrôle du SIRET invalide", value=raw)
    return digits
