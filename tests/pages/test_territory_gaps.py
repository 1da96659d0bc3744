"""« Trous » on /territoires tells the truth: the accounts placed outside every territory, and
apart from them those not placed yet (no point: neither in a territory nor a gap), with
figures that add up to the account list (QA: « 0 comptes hors de tout territoire » while 85
accounts waited for geocoding)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

KARIM = 2


def _line(page: str, element_id: str) -> str | None:
    found = re.search(rf'<p[^>]*\bid="{element_id}"[^>]*>(.*?)</p>', page, re.S)
    if found is None:
        return None
    plain = re.sub(r"<[^>]+>", "", found.group(1))
    return " ".join(plain.replace("\u202f", " ").replace("\u00a0", " ").split())


def _count(db: Session, where: str) -> int:
    return int(db.execute(text(f"SELECT count(*) FROM accounts a WHERE {where}")).scalar_one())


COVERED = "EXISTS (SELECT 1 FROM territories t WHERE ST_Covers(t.geom, a.geom))"


def test_the_gaps_say_the_unplaced_accounts_apart_and_add_up(
    api_as: ClientFactory, demo_db: Session
) -> None:
    # two placed accounts moved to sea, out of every territory: true gaps
    demo_db.execute(
        text("""UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(8.5, 42.9), 4326)
                WHERE id IN (SELECT id FROM accounts WHERE geom IS NOT NULL ORDER BY id LIMIT 2)""")
    )
    not_placed = _count(demo_db, "a.geom IS NULL")
    outside = _count(demo_db, f"a.geom IS NOT NULL AND NOT {COVERED}")
    covered = _count(demo_db, f"a.geom IS NOT NULL AND {COVERED}")
    assert not_placed > 1 and outside > 1  # the demo waits for geocoding
    karim = api_as(KARIM)
    page = karim.get("/territoires").text
    listed = _line(karim.get("/comptes").text, "accounts-total")
    assert listed is not None
    total = int(listed.split(" comptes")[0].replace(" ", ""))
    assert covered + outside + not_placed == total  # every account of the list, once

    def n(value: int) -> str:
        return f"{value:,}".replace(",", " ")

    assert _line(page, "gaps-outside") == f"{n(outside)} comptes placés hors de tout territoire."
    assert _line(page, "gaps-not-placed") == (
        f"{n(not_placed)} comptes pas encore placés (lieu inconnu) : ni dans un territoire, "
        "ni comptés dans les trous. Géocodage"
    )
    assert _line(page, "gaps-total") == (
        f"Sur {n(total)} comptes : {n(covered)} dans un territoire, {n(outside)} hors de tout "
        f"territoire, {n(not_placed)} pas encore placés."
    )


def test_nothing_unplaced_no_line_for_it(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(  # every account geocoded, near Nice
        text(
            "UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(7.26, 43.70), 4326) WHERE geom IS NULL"
        )
    )
    page = api_as(KARIM).get("/territoires").text
    assert _line(page, "gaps-not-placed") is None
    said = _line(page, "gaps-total")
    assert said is not None and said.endswith(", 0 pas encore placés.")
