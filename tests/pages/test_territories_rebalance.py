"""The rebalancing proposal on the territories screen: the national key-accounts territory
left out and said why, every metric before → after (workload first), the overload said."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.pages.templating import local_number
from fieldcrm.services import territories as svc
from tests.web import ClientFactory

MANAGER = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))


def _part(page: str, marker: str, end: str) -> str:
    start = page.index(marker)
    return page[start : page.index(end, start)]


def test_the_proposal_leaves_grands_comptes_out_and_shows_every_metric(
    api_as: ClientFactory, demo_db: Session
) -> None:
    page = api_as(1).get("/territoires", params={"metric": "potential_eur_month"})
    assert page.status_code == 200
    view = svc.overview(demo_db, actor=MANAGER, metric="potential_eur_month")
    assert view.proposal is not None and view.proposal.moves
    national = next(r for r in view.rows if r.name == "Grands comptes France")
    assert national.overlay

    left = _part(page.text, 'id="proposal-left-out"', "</div>")
    assert "Laissés hors du rééquilibrage : ils ne cèdent ni ne reçoivent aucune commune." in left
    assert (
        "« Grands comptes France » est marqué territoire superposé (grands comptes, national) :"
        " ses comptes se suivent en tournées de plusieurs jours"
    ) in left

    moves = _part(page.text, 'id="moves"', "</table>")
    assert moves.count("<tr data-code=") == len(view.proposal.moves)
    assert "Grands comptes France" not in moves

    table = _part(page.text, 'id="proposal-effects"', "</table>")
    headers = re.findall(r'<th scope="col" data-metric="(\w+)">([^<]*)</th>', table)
    assert headers == [
        ("workload_hours_month", "Charge h/mois"),
        ("potential_eur_month", "Potentiel €/mois (équilibré)"),
        ("accounts", "Comptes"),
        ("revenue_12m", "CA 12 mois"),
    ]
    assert re.findall(r'<tr data-territory="(\d+)">', table) == ["1", "2"]
    for effect in view.proposal.effects:
        for tid in (1, 2):
            row = _part(table, f'<tr data-territory="{tid}">', "</tr>")
            cell = _part(row, f'data-metric="{effect.metric}">', "</td>")
            before = local_number(effect.before[tid], "fr", 0)
            after = local_number(effect.after[tid], "fr", 0)
            assert f">{before} → {after}" in cell, (effect.metric, tid, cell)
            assert ("surcharge" in cell) == (tid in effect.overloaded)

    work = view.proposal.effects[0]
    assert work.pushed_over == (2,)
    said = _part(page.text, 'id="proposal-tradeoff"', "</div>")
    assert (
        f"Alpes-Maritimes passerait de {local_number(work.before[2], 'fr', 0)} à "
        f"{local_number(work.after[2], 'fr', 0)} h/mois de charge, au-delà du temps de "
        "terrain d’un commercial (140 h par mois)."
    ) in said
