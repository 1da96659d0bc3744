"""A proposal card's header gives the detour: the reason shown under it drops its own."""

from __future__ import annotations

from fieldcrm.services.planning_build import reason_without_detour


def test_the_detour_part_is_dropped_and_nothing_else() -> None:
    assert (
        reason_without_detour("Potentiel 30 k€/mois · jamais visité · détour 4 min · +242 €")
        == "Potentiel 30 k€/mois · jamais visité · +242 €"
    )
    assert reason_without_detour("détour 12 min · −3 €") == "−3 €"
    assert reason_without_detour("détour 0 min") is None
    assert (
        reason_without_detour("pas de détour 4 minutes · +5 €") == "pas de détour 4 minutes · +5 €"
    )
    assert reason_without_detour(None) is None and reason_without_detour("") is None
