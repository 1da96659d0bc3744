"""Optimistic concurrency: two people edit the same account, territory or rule; the second,
who read the old version, gets a 409 in French naming the first, and nothing of theirs is kept."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from fieldcrm.errors import NotFound
from fieldcrm.store import versions
from tests.web import ClientFactory

CLAIRE, KARIM, ADMIN, CAMILLE = 1, 2, 3, 4
YAML = {"Content-Type": "application/yaml"}
RULE = (
    "key: gros-potentiel\nname: Gros potentiel\nperiod: month\n"
    "when:\n  potential: {gt: 50000}\nthen:\n  - priority: {add: %d}\n"
)


def test_a_stale_account_edit_is_refused_in_french(api_as: ClientFactory, demo_db: Session) -> None:
    claire, camille = api_as(CLAIRE), api_as(CAMILLE)
    read_by_claire = claire.get("/api/accounts/1")
    read_by_camille = camille.get("/api/accounts/1")
    etag = read_by_claire.headers["ETag"]
    assert etag == read_by_camille.headers["ETag"] == '"1"'
    assert read_by_claire.json()["account"]["account"]["fields"]["version"] == 1
    first = claire.patch(
        "/api/accounts/1", json={"sector": "Hôtellerie"}, headers={"If-Match": etag}
    )
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    stale = camille.patch("/api/accounts/1", json={"sector": "Bar"}, headers={"If-Match": etag})
    assert stale.status_code == 409
    assert stale.json()["detail"] == (
        "Ce compte a été modifié par Claire Lefèvre entre-temps ; rechargez la page."
    )
    sector, version = demo_db.execute(
        text("SELECT sector, version FROM accounts WHERE id = 1")
    ).one()
    assert (sector, version) == ("Hôtellerie", 2)  # Camille's edit left nothing
    audit = demo_db.execute(
        text(
            "SELECT count(*) FROM audit_log WHERE entity = 'account' AND entity_id = '1'"
            " AND changes::text LIKE '%Bar%'"
        )
    ).scalar_one()
    assert audit == 0
    # reloaded, Camille edits with the new version
    fresh = camille.get("/api/accounts/1").headers["ETag"]
    assert fresh == '"2"'
    again = camille.patch("/api/accounts/1", json={"sector": "Bar"}, headers={"If-Match": fresh})
    assert again.status_code == 200 and again.headers["ETag"] == '"3"'
    assert (
        camille.patch(
            "/api/accounts/1", json={"sector": "x"}, headers={"If-Match": "pas-un-etag"}
        ).json()["field"]
        == "If-Match"
    )


def test_a_stale_territory_edit_is_refused(api_as: ClientFactory, demo_db: Session) -> None:
    claire, admin = api_as(CLAIRE), api_as(ADMIN)
    etag = claire.get("/api/territories/1").headers["ETag"]
    assert admin.get("/api/territories/1").headers["ETag"] == etag
    first = admin.patch("/api/territories/1", json={"priority": 2}, headers={"If-Match": etag})
    assert first.status_code == 200
    stale = claire.patch("/api/territories/1", json={"name": "Renommé"}, headers={"If-Match": etag})
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Ce territoire a été modifié par ")
    name, priority = demo_db.execute(
        text("SELECT name, priority FROM territories WHERE id = 1")
    ).one()
    assert (name, priority) == ("Riviera – Monaco", 2)


def test_a_stale_rule_edit_is_refused_by_the_api_and_the_page(
    api_as: ClientFactory, demo_db: Session
) -> None:
    claire, admin = api_as(CLAIRE), api_as(ADMIN)
    created = claire.put("/api/rules", content=RULE % 5, headers=YAML)
    assert created.status_code == 200 and created.headers["ETag"] == '"1"'
    etag = admin.get("/api/rules/gros-potentiel").headers["ETag"]
    assert (
        admin.put("/api/rules", content=RULE % 7, headers={**YAML, "If-Match": etag}).status_code
        == 200
    )
    stale = claire.put("/api/rules", content=RULE % 9, headers={**YAML, "If-Match": etag})
    assert stale.status_code == 409
    admin_name = demo_db.execute(text("SELECT full_name FROM users WHERE id = 3")).scalar_one()
    assert stale.json()["detail"] == (
        f"Cette règle a été modifiée par {admin_name} entre-temps ; rechargez la page."
    )
    definition = demo_db.execute(
        text("SELECT definition FROM rules WHERE name = 'gros-potentiel'")
    ).scalar_one()
    assert "add: 7" in definition
    toggled = claire.post(
        "/api/rules/gros-potentiel/enabled", json={"enabled": False}, headers={"If-Match": etag}
    )
    assert toggled.status_code == 409
    # the page: the switch carries the version it showed
    page = claire.get("/regles")
    assert 'name="version" value="2"' in page.text
    admin.post(  # meanwhile
        "/api/rules/gros-potentiel/enabled", json={"enabled": False}, headers={"If-Match": '"2"'}
    )
    refused = claire.post(
        "/regles/gros-potentiel/activation",
        data={"enabled": "false", "version": "2"},
        headers={"Origin": "http://testserver"},
    )
    assert refused.status_code == 409 and "entre-temps ; rechargez" in refused.text
    edit_page = claire.get("/regles", params={"edit": "gros-potentiel"})
    assert 'name="version" value="3"' in edit_page.text
    saved = claire.post(
        "/regles",
        data={"document": RULE % 11, "action": "save", "version": "3"},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert saved.status_code == 303


@pytest.fixture
def committed_account(engine: Engine) -> Iterator[int]:
    """An account committed on the empty test database (two connections must see it)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, full_name, role) VALUES (901, 'a@x.fr', 'Éditrice A', 'manager'), (902, 'b@x.fr', 'Éditeur B', 'manager')"
            )
        )
        account = int(
            conn.execute(
                text("INSERT INTO accounts (name) VALUES ('COURSE SARL') RETURNING id")
            ).scalar_one()
        )
    yield account
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM accounts WHERE id = :a"), {"a": account})
        conn.execute(text("DELETE FROM users WHERE id IN (901, 902)"))


def test_two_editors_at_the_same_instant_one_wins_the_other_is_told(
    engine: Engine, committed_account: int
) -> None:
    """Both read version 1; A claims the row (and holds its lock); B's claim waits for A's
    commit, then finds version 2 and is refused; B's transaction wrote nothing."""
    outcome: dict[str, object] = {}
    with Session(engine) as a, Session(engine) as b:
        assert versions.current(a, "accounts", committed_account) == 1
        assert versions.current(b, "accounts", committed_account) == 1
        assert versions.claim(a, "accounts", committed_account, expected=1, actor_id=901) == 2
        b_pid = b.execute(text("SELECT pg_backend_pid()")).scalar_one()

        def edit_b() -> None:
            try:
                versions.claim(b, "accounts", committed_account, expected=1, actor_id=902)
                b.execute(
                    text("UPDATE accounts SET sector = 'B' WHERE id = :a"), {"a": committed_account}
                )
                b.commit()
                outcome["b"] = "committed"
            except versions.StaleEdit as exc:
                b.rollback()
                outcome["b"] = str(exc)

        thread = threading.Thread(target=edit_b)
        thread.start()
        with engine.connect() as watcher:  # B is blocked on A's row lock, not done yet
            while not watcher.execute(
                text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :p"),
                {"p": b_pid},
            ).scalar():
                assert thread.is_alive(), outcome
        a.execute(text("UPDATE accounts SET sector = 'A' WHERE id = :a"), {"a": committed_account})
        a.commit()
        thread.join(timeout=60)
    assert outcome["b"] == "Ce compte a été modifié par Éditrice A entre-temps ; rechargez la page."
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT sector, version, edited_by FROM accounts WHERE id = :a"),
            {"a": committed_account},
        ).one()
    assert tuple(row) == ("A", 2, 901)


def test_no_check_without_a_version_and_unknown_rows(db: Session) -> None:
    account = int(
        db.execute(text("INSERT INTO accounts (name) VALUES ('X') RETURNING id")).scalar_one()
    )
    assert versions.claim(db, "accounts", account, expected=None, actor_id=None) == 2
    with pytest.raises(NotFound):
        versions.claim(db, "accounts", 2**31 - 1, expected=1, actor_id=None)
    with pytest.raises(NotFound):
        versions.current(db, "rules", 2**31 - 1)


def test_if_match_names_a_version() -> None:
    from fieldcrm.api.deps import etag, if_match_version
    from fieldcrm.errors import InvalidInput
    from fieldcrm.store.versions import UNSENT

    assert if_match_version(etag(3)) == 3
    assert if_match_version('W/"12"') == 12
    assert if_match_version(None) is UNSENT and if_match_version(" ") is UNSENT  # 428
    assert if_match_version("*") is None  # any version
    for bad in ('"-1"', '"abc"', '"1234567890"'):
        with pytest.raises(InvalidInput, match="If-Match"):
            if_match_version(bad)
