"""An address typed on one line (a form's single field) reads as the account columns do."""

from __future__ import annotations

import pytest

from fieldcrm.geocoding.normalize import normalize_address, normalize_one_line


@pytest.mark.parametrize(
    ("typed", "columns"),
    [
        ("12 Rue Jean Jaurès 83000 Toulon", ("12 Rue Jean Jaurès", "83000", "Toulon")),
        ("Hôtel Ibis, 12 rue Jean Jaurès, 83000 Toulon", ("12 rue Jean Jaurès", "83000", "Toulon")),
        ("40, av du Gal Leclerc, 75014 Paris", ("40 av du Gal Leclerc", "75014", "Paris")),
        (
            "12 bis, rue de la Paix, 75002 PARIS CEDEX 2",
            ("12 bis rue de la Paix", "75002", "PARIS CEDEX 2"),
        ),
        ("12 av. de la Gare, Toulon", ("12 av. de la Gare", None, "Toulon")),
        ("Rue de la Paix 75002 Paris", ("Rue de la Paix", "75002", "Paris")),
        ("  83000   Toulon ", (None, "83000", "Toulon")),
        ("rue X, 83000", ("rue X", "83000", None)),
    ],
)
def test_one_line_reads_as_its_columns(
    typed: str, columns: tuple[str | None, str | None, str | None]
) -> None:
    line1, postcode, city = columns
    assert normalize_one_line(typed) == normalize_address(line1, None, postcode, city)


def test_nothing_typed_is_an_empty_address() -> None:
    assert normalize_one_line("").is_empty and normalize_one_line(None).is_empty
    assert normalize_one_line(" , ").is_empty
