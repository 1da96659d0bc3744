"""A reason's euros and percentages stay on the line of their number (French typography)."""

from __future__ import annotations

from markupsafe import Markup

from fieldcrm.pages.templating import tight_quotes


def test_units_and_guillemets_are_held_by_a_no_break_space() -> None:
    reason = "Potentiel 25,4 k€/mois · CA +13,6 % sur un an · +238 € · « Hôtel Azur »"
    assert tight_quotes(reason) == (
        "Potentiel 25,4\u00a0k€/mois · CA +13,6\u00a0% sur un an · +238\u00a0€ · "
        "«\u00a0Hôtel Azur\u00a0»"
    )
    assert tight_quotes("5 € de moins") == "5\u00a0€ de moins"
    assert tight_quotes("Lot € 3") == "Lot € 3"  # only a number's unit
    assert isinstance(tight_quotes(Markup("+3 €")), Markup)
