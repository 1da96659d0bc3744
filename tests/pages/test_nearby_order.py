"""« Autour de moi »: nearest first by default, best priority first on request, paged, never cut."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services.nearby import PAGE_SIZE
from tests.web import ClientFactory

HERE = {"lon": 7.4236, "lat": 43.7425}


def _listed(page: str) -> list[int]:
    listed = page[page.index('id="nearby"') :]
    return [int(i) for i in re.findall(r'<a href="/comptes/(\d+)"><strong>', listed)]


def _distances(db: Session, ids: list[int]) -> list[float]:
    rows = dict(
        db.execute(
            text("""SELECT id, ST_Distance(geom::geography,
                        ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)
                    FROM accounts WHERE id = ANY(:ids)"""),
            {**HERE, "ids": ids},
        ).all()
    )
    return [rows[i] for i in ids]


def test_nearest_first_by_default_then_voir_plus_adds_a_page(
    api_as: ClientFactory, demo_db: Session
) -> None:
    rep = api_as(4)
    first = rep.get("/autour", params={**HERE, "rayon": 2000}).text
    ids = _listed(first)
    assert len(ids) == PAGE_SIZE
    distances = _distances(demo_db, ids)
    assert distances == sorted(distances)
    total = int(re.search(r'data-total="(\d+)"', first).group(1))
    assert total > PAGE_SIZE and 'id="nearby-more"' in first
    more = rep.get("/autour", params={**HERE, "rayon": 2000, "pages": 2}).text
    assert _listed(more)[:PAGE_SIZE] == ids and len(_listed(more)) == min(total, 2 * PAGE_SIZE)


def test_priority_order_puts_the_best_scores_first(api_as: ClientFactory, demo_db: Session) -> None:
    rep = api_as(4)
    near = _listed(rep.get("/autour", params={**HERE, "rayon": 2000}).text)
    far_best = near[-1]  # the farthest of the first page becomes the most urgent
    demo_db.execute(
        text("""INSERT INTO account_priorities (account_id, score, band, computed_at)
                VALUES (:id, 99, 'urgent', now())
                ON CONFLICT (account_id) DO UPDATE SET score = 99, band = 'urgent'"""),
        {"id": far_best},
    )
    by_priority = _listed(
        rep.get("/autour", params={**HERE, "rayon": 2000, "tri": "priorite"}).text
    )
    assert by_priority[0] == far_best
    assert _listed(rep.get("/autour", params={**HERE, "rayon": 2000}).text)[0] != far_best


def test_an_unknown_order_is_refused_in_french(api_as: ClientFactory) -> None:
    r = api_as(4).get("/autour", params={**HERE, "tri": "hasard"})
    assert r.status_code == 422 and "tri : tri inconnu" in r.text
