"""« Trous » on /territoires tells the truth: the accounts placed outside every territory, and
apart from them those not placed yet (no point: neither in a territory nor a gap), with
figures that add up to the account list (QA: « 0 comptes hors de tout territoire » while 85
accounts waited for geocoding)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.territories import list_territories
from tests.web import ClientFactory

KARIM = 2


def _line(page: str, element_id: str) -> str | None:
    found = re.search(rf'<p[^>]*\bid="{element_id}"[^>]*>(.*?)</p>', page, re.S)
    if found is None:
        return None
    plain = re.sub(r"<[^>]+>", "", found.group(1))
    return " ".join(plain.replace("\u202f", " ").replace("\u00a0", " ").split())


def _count(db: Session, where: str) -> int:
    return int(
        db.execute(
            text(f"""SELECT count(*) FROM accounts a
                     LEFT JOIN account_assignments asg ON asg.account_id = a.id
                     WHERE {where}""")
        ).scalar_one()
    )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _number(said: str) -> int:
    return int(said.replace("\u202f", "").replace("\u00a0", "").replace(" ", ""))


def _table_rows(page: str) -> list[int]:
    """The « Comptes » cell of each row of the balance table, as the manager reads them."""
    table = re.search(r'<table id="balance".*?</table>', page, re.S)
    assert table is not None
    return [
        _number(c) for c in re.findall(r'<td data-label="Comptes">([^<]*)</td>', table.group(0))
    ]


def _accounts_total(client: object) -> int:
    listed = _line(client.get("/comptes").text, "accounts-total")  # type: ignore[attr-defined]
    assert listed is not None
    return _number(listed.split(" comptes")[0])


COVERED = "EXISTS (SELECT 1 FROM territories t WHERE ST_Covers(t.geom, a.geom))"
CONFIRMED = "a.geocode_status IN ('matched', 'manual')"
NO_TERRITORY = "asg.territory_id IS NULL"


def _figures(page: str) -> tuple[int, int, int, int]:
    """(in a territory, outside, to check, without a position) of the « Trous » total line."""
    said = _line(page, "gaps-total")
    assert said is not None
    found = re.fullmatch(
        r"Sur [\d ]+ comptes : ([\d ]+) dans un territoire, ([\d ]+) hors de tout territoire, "
        r"([\d ]+) à position à vérifier \(Géocodage\), ([\d ]+) sans position\.",
        said,
    )
    assert found is not None, said
    covered, outside, to_check, no_position = (_number(g) for g in found.groups())
    return covered, outside, to_check, no_position


def test_the_table_and_the_gaps_add_up_to_every_account(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """QA: the territory table gave 1 918 accounts, the coverage line « 2 000 dans un
    territoire »; the 82 accounts to check in « Géocodage » were counted twice as nothing."""
    karim = api_as(KARIM)
    page = karim.get("/territoires").text
    total = _accounts_total(karim)
    table = _table_rows(page)
    listed = [t.accounts for t in list_territories(demo_db, with_geometry=False)]
    assert table and sorted(table) == sorted(listed)  # the list and the table, one rule
    covered, outside, to_check, no_position = _figures(page)
    assert no_position > 0  # the fresh demo waits for geocoding
    assert covered == sum(table)  # « dans un territoire » is the table's sum
    assert sum(table) + outside + to_check + no_position == total  # nothing left out, once

    # as on the live demo: geocoding put them at their commune centre (inside a territory),
    # to check; the assignment leaves them out, so the table doesn't count them
    demo_db.execute(
        text("""UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(7.26, 43.70), 4326),
                       geocode_status = 'to_review' WHERE geom IS NULL""")
    )
    assert _count(demo_db, f"a.geocode_status = 'to_review' AND {COVERED}") == no_position
    page = karim.get("/territoires").text
    table = _table_rows(page)
    covered, outside, to_check, no_position_now = _figures(page)
    assert (to_check, no_position_now) == (no_position, 0)
    assert covered == sum(table)
    assert sum(table) + outside + to_check == total  # 1 918 + 0 + 82 = 2 000
    assert to_check == _count(demo_db, f"{NO_TERRITORY} AND a.geom IS NOT NULL AND NOT {CONFIRMED}")
    to_check_line = _line(page, "gaps-to-check")
    assert to_check_line is not None and to_check_line.startswith(
        f"{_n(to_check)} comptes à position à vérifier"
    )
    assert re.search(r'<p id="gaps-to-check">.*?<a href="/geocodage">', page, re.S)


def test_the_gaps_say_the_unplaced_accounts_apart_and_add_up(
    api_as: ClientFactory, demo_db: Session
) -> None:
    # two confirmed accounts without territory moved to sea, out of every territory: true gaps;
    # one assigned account turns « à vérifier » and loses its territory: out of the table,
    # into the figure to check
    demo_db.execute(
        text("""UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(8.5, 42.9), 4326),
                       geocode_status = 'matched'
                WHERE id IN (SELECT id FROM accounts WHERE geom IS NOT NULL ORDER BY id LIMIT 2)""")
    )
    demo_db.execute(
        text("""UPDATE account_assignments SET territory_id = NULL, owner_id = NULL
                WHERE account_id IN (SELECT id FROM accounts WHERE geom IS NOT NULL
                                     ORDER BY id LIMIT 3)""")
    )
    demo_db.execute(
        text("""UPDATE accounts SET geocode_status = 'to_review'
                WHERE id = (SELECT id FROM accounts WHERE geom IS NOT NULL ORDER BY id
                            OFFSET 2 LIMIT 1)""")
    )
    not_placed = _count(demo_db, "a.geom IS NULL")
    outside = _count(
        demo_db, f"{NO_TERRITORY} AND a.geom IS NOT NULL AND {CONFIRMED} AND NOT {COVERED}"
    )
    assert outside >= 2
    karim = api_as(KARIM)
    page = karim.get("/territoires").text
    total = _accounts_total(karim)
    covered, said_outside, to_check, no_position = _figures(page)
    assert (said_outside, no_position) == (outside, not_placed)
    assert covered == sum(_table_rows(page))
    assert covered + outside + to_check + not_placed == total  # every account of the list, once
    assert _line(page, "gaps-outside") == f"{_n(outside)} comptes placés hors de tout territoire."
    if not_placed:
        assert _line(page, "gaps-not-placed") == (
            f"{_n(not_placed)} comptes pas encore placés (lieu inconnu) : ni dans un territoire, "
            "ni comptés dans les trous. Géocodage"
        )
    # the gap list is the figure's accounts, not those whose position is to check
    gaps = karim.get("/api/territories/gaps?limit=100").json()
    assert gaps["total"] == outside


def test_nothing_unplaced_no_line_for_it(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(  # every account geocoded, near Nice
        text(
            "UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(7.26, 43.70), 4326) WHERE geom IS NULL"
        )
    )
    page = api_as(KARIM).get("/territoires").text
    assert _line(page, "gaps-not-placed") is None
    said = _line(page, "gaps-total")
    assert said is not None and said.endswith(", 0 sans position.")


def test_the_line_in_english(api_as: ClientFactory, demo_db: Session) -> None:
    karim = api_as(KARIM)
    page = karim.get("/territoires?lang=en").text
    said = _line(page, "gaps-total")
    assert said is not None and re.fullmatch(
        r"Of [\d,]+ accounts: [\d,]+ in a territory, [\d,]+ outside every territory, "
        r"[\d,]+ with a position to check \(Geocoding\), [\d,]+ without a position\.",
        said,
    ), said


def test_inside_a_territory_but_not_assigned_yet_is_said(
    api_as: ClientFactory, demo_db: Session
) -> None:
    # a territory drawn (or an account locked) since the last assignment: inside, not counted
    demo_db.execute(
        text(f"""UPDATE account_assignments SET territory_id = NULL, owner_id = NULL
                 WHERE account_id = (SELECT a.id FROM accounts a
                                     WHERE {CONFIRMED} AND {COVERED} ORDER BY a.id LIMIT 1)""")
    )
    karim = api_as(KARIM)
    page = karim.get("/territoires").text
    said = _line(page, "gaps-total")
    assert said is not None
    found = re.fullmatch(
        r"Sur ([\d ]+) comptes : ([\d ]+) dans un territoire, ([\d ]+) hors de tout territoire, "
        r"([\d ]+) à position à vérifier \(Géocodage\), ([\d ]+) sans position, 1 dans un "
        r"territoire mais pas encore affectés?\.",
        said,
    )
    assert found is not None, said
    total, covered, outside, to_check, no_position = (_number(g) for g in found.groups())
    assert covered == sum(_table_rows(page))
    assert covered + outside + to_check + no_position + 1 == total == _accounts_total(karim)
