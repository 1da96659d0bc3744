"""French phone numbers written by pairs; anything else left as typed."""

from __future__ import annotations

import pytest

from fieldcrm.accounts.phones import french_phone

NB = "\u00a0"


@pytest.mark.parametrize(
    "stored",
    [
        "+33483738256",
        "+33 4 83 73 82 56",
        "0033483738256",
        "04.83.73.82.56",
        "0483738256",
        "+33 (0)4 83 73 82 56",
        "04-83-73-82-56",
    ],
)
def test_french_numbers_read_by_pairs(stored: str) -> None:
    assert french_phone(stored) == NB.join(["04", "83", "73", "82", "56"])


def test_mobile_number() -> None:
    assert french_phone("+33612345678") == f"06{NB}12{NB}34{NB}56{NB}78"


@pytest.mark.parametrize(
    "other",
    [
        "+41 22 123 45 67",
        "+377 93 15 00 00",
        "+3348373825",
        "+334837382567",
        "0083738256",
        "+33083738256",
        "04 83 73 82 56 poste 12",
        "standard",
        "",
    ],
)
def test_other_numbers_stay_as_typed(other: str) -> None:
    assert french_phone(other) == other
