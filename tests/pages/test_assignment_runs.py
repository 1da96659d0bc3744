"""The automatic assignment previewed account by account, applied in one confirmed click as one
run, and undone; a territory deleted after a confirmation saying where its accounts go; a
territory retouched keeps its rep and priority. Through the real app, on the demo company."""

from __future__ import annotations

import re
from contextlib import nullcontext

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.pages.templating import local_number
from fieldcrm.services import assignment
from fieldcrm.services import territories as territories_svc
from tests.web import ClientFactory

MANAGER = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))
DISPATCHER = 2


def _owners(db: Session) -> dict[int, tuple[int | None, int | None]]:
    rows = db.execute(text("SELECT account_id, owner_id, territory_id FROM account_assignments"))
    return {r.account_id: (r.owner_id, r.territory_id) for r in rows}


def _settle_then_give_riviera_to_julien(db: Session) -> None:
    """The demo settled, then territory 1 (Camille's Riviera) handed to Julien (rep 5)."""
    assignment.assign_all(db, actor=territories_svc.SYSTEM)
    db.execute(text("UPDATE territories SET rep_id = 5 WHERE id = 1"))
    db.commit()


def _preview_ids(client, pages: int) -> list[int]:  # type: ignore[no-untyped-def]
    ids: list[int] = []
    for p in range(pages):
        page = client.get(f"/affectations?preview=1&preview_page={p}")
        assert page.status_code == 200
        body = page.text[page.text.index('id="preview"') :]
        body = body[: body.index("</ul>")]
        ids += [int(i) for i in re.findall(r'data-account="(\d+)"', body)]
    return ids


def _fingerprint(html: str) -> str:
    match = re.search(r'name="expected" value="([0-9a-f]{32})"', html)
    assert match, "the apply form carries the preview's fingerprint"
    return match.group(1)


def _apply(client, db: Session, fingerprint: str) -> int:  # type: ignore[no-untyped-def]
    """Confirm the previewed apply: it is queued (303 to its progress page); run the job as
    a worker would. The job's id."""
    queued = client.post(
        "/affectations/appliquer", data={"expected": fingerprint}, follow_redirects=False
    )
    assert queued.status_code == 303
    match = re.fullmatch(r"/taches/(\d+)", queued.headers["location"])
    assert match, queued.headers["location"]
    job_id = int(match.group(1))
    assignment.run_assign_job(lambda: nullcontext(db), job_id)
    return job_id


def test_preview_lists_exactly_the_accounts_the_apply_moves(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    in_riviera = {
        a for a, (owner, terr) in _owners(demo_db).items() if terr == 1 and owner == 4
    } - set(
        demo_db.execute(text("SELECT account_id FROM account_assignments WHERE locked")).scalars()
    )
    client = api_as(DISPATCHER)
    first = client.get("/affectations?preview=1")
    n = local_number(len(in_riviera), "fr")
    assert f"{n} comptes changeraient" in first.text
    assert f"Appliquer ({n} comptes)" in first.text
    assert "dans le territoire" not in first.text  # same territory, its rep changed:
    assert "le territoire Riviera – Monaco est passé à Julien Bernard" in first.text
    pages = -(-len(in_riviera) // assignment.PREVIEW_PAGE)
    listed = _preview_ids(client, pages)
    assert len(listed) == len(set(listed)) == len(in_riviera)  # pages do not overlap
    assert set(listed) == in_riviera
    runs_before = demo_db.execute(text("SELECT count(*) FROM assignment_runs")).scalar_one()
    job_id = _apply(client, demo_db, _fingerprint(first.text))
    run_id = demo_db.execute(text("SELECT max(id) FROM assignment_runs")).scalar_one()
    assert demo_db.execute(text("SELECT count(*) FROM assignment_runs")).scalar_one() == (
        runs_before + 1
    )
    job = client.get(f"/taches/{job_id}")
    assert job.status_code == 200
    assert "Affectation appliquée" in job.text
    assert f'href="/affectations/operations/{run_id}"' in job.text  # the run, to undo it
    moved = set(
        demo_db.execute(
            text("SELECT account_id FROM assignment_history WHERE run_id = :r"), {"r": run_id}
        ).scalars()
    )
    assert moved == set(listed)
    run = demo_db.execute(
        text("SELECT kind, actor_id, accounts FROM assignment_runs WHERE id = :r"), {"r": run_id}
    ).one()
    assert tuple(run) == ("auto", DISPATCHER, len(in_riviera))
    audit = demo_db.execute(
        text(
            "SELECT action, changes->>'accounts' FROM audit_log WHERE entity = 'assignment_run' "
            "AND entity_id = :r"
        ),
        {"r": str(run_id)},
    ).one()
    assert tuple(audit) == ("assignment.apply", str(len(in_riviera)))


def test_a_stale_preview_is_refused_and_nothing_moves(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    client = api_as(DISPATCHER)
    seen = _fingerprint(client.get("/affectations?preview=1").text)
    demo_db.execute(text("UPDATE territories SET rep_id = 6 WHERE id = 1"))  # changed meanwhile
    demo_db.commit()
    before = _owners(demo_db)
    runs = demo_db.execute(text("SELECT count(*) FROM assignment_runs")).scalar_one()
    jobs = demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one()
    refused = client.post("/affectations/appliquer", data={"expected": seen})
    assert refused.status_code == 409
    assert "ont changé depuis l’aperçu" in refused.text
    assert _owners(demo_db) == before
    assert demo_db.execute(text("SELECT count(*) FROM assignment_runs")).scalar_one() == runs
    assert demo_db.execute(text("SELECT count(*) FROM jobs")).scalar_one() == jobs  # none queued
    bad = client.post("/affectations/appliquer", data={"expected": "x"})
    assert bad.status_code == 422
    assert _owners(demo_db) == before


def test_undo_restores_exactly_and_lists_what_changed_since(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    before = _owners(demo_db)
    client = api_as(DISPATCHER)
    fingerprint = _fingerprint(client.get("/affectations?preview=1").text)
    _apply(client, demo_db, fingerprint)
    run_id = demo_db.execute(text("SELECT max(id) FROM assignment_runs")).scalar_one()
    moved = sorted(
        demo_db.execute(
            text("SELECT account_id FROM assignment_history WHERE run_id = :r"), {"r": run_id}
        ).scalars()
    )
    touched, locked = moved[0], moved[1]
    demo_db.execute(text("UPDATE territories SET rep_id = 4 WHERE id = 1"))  # back to Camille
    demo_db.commit()
    # since the run: a dispatcher gives one account to Sophie (6), locks another
    demo_db.execute(
        text("UPDATE account_assignments SET owner_id = 6 WHERE account_id = :a"), {"a": touched}
    )
    demo_db.execute(
        text("""INSERT INTO assignment_history (account_id, from_rep_id, to_rep_id,
                    from_territory_id, to_territory_id, changed_by, reason)
                VALUES (:a, 5, 6, 1, 1, 2, 'client suivi par Sophie')"""),
        {"a": touched},
    )
    demo_db.execute(
        text("UPDATE account_assignments SET locked = true WHERE account_id = :a"), {"a": locked}
    )
    demo_db.commit()
    page = client.get("/affectations")
    assert f'id="undo-{run_id}"' in page.text
    undone = client.post(f"/affectations/operations/{run_id}/annuler", follow_redirects=False)
    assert undone.status_code == 303
    after = _owners(demo_db)
    for account in moved:
        if account in (touched, locked):
            continue
        assert after[account] == before[account]
    assert after[touched] == (6, 1)
    assert after[locked] == (5, 1)
    assert {a: after[a] for a in after if a not in moved} == {
        a: before[a] for a in before if a not in moved
    }
    report = client.get(undone.headers["location"])
    assert report.status_code == 200
    assert f"{local_number(len(moved) - 2, 'fr')} comptes sont revenus" in report.text
    rows = re.findall(r'data-entity="account" data-id="(\d+)"', report.text)
    assert sorted(int(r) for r in rows) == sorted([touched, locked])
    assert "modifié depuis" in report.text and "client suivi par Sophie" in report.text
    assert "verrouillé depuis par un répartiteur" in report.text
    # once undone, it cannot be undone again; nothing changes
    again = client.post(f"/affectations/operations/{run_id}/annuler")
    assert again.status_code == 409
    assert _owners(demo_db) == after


def test_deleting_a_territory_says_where_its_accounts_go_then_does_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    demo_db.commit()
    held = demo_db.execute(
        text("SELECT account_id, locked FROM account_assignments WHERE territory_id = 1")
    ).all()
    kept = {r.account_id for r in held if r.locked}
    unconfirmed = set(
        demo_db.execute(
            text("""SELECT s.account_id FROM account_assignments s JOIN accounts a
                    ON a.id = s.account_id WHERE s.territory_id = 1 AND NOT s.locked
                    AND NOT (a.geocode_status IN ('matched', 'manual') AND a.geom IS NOT NULL)""")
        ).scalars()
    )
    following = len(held) - len(kept) - len(unconfirmed)
    in_alpes = (
        set(
            demo_db.execute(
                text("""SELECT s.account_id FROM account_assignments s
                    JOIN accounts a ON a.id = s.account_id
                    JOIN territories t ON t.id = 2 AND ST_Covers(t.geom, a.geom)
                    WHERE s.territory_id = 1""")
            ).scalars()
        )
        - kept
        - unconfirmed
    )
    assert 0 < len(in_alpes) < following  # Monaco lies outside the Alpes-Maritimes
    assert not demo_db.execute(
        text("""SELECT count(*) FROM account_assignments s JOIN accounts a ON a.id = s.account_id
                JOIN territories t ON t.id = 3 AND ST_Covers(t.geom, a.geom)
                WHERE s.territory_id = 1""")
    ).scalar_one()
    client = api_as(1)
    confirm = client.get("/territoires/1/supprimer")
    assert confirm.status_code == 200
    assert f"Comptes dans ce territoire : {local_number(len(held), 'fr')}" in confirm.text
    assert (
        f"{local_number(len(in_alpes), 'fr')} comptes passent au territoire Alpes-Maritimes "
        "(Julien Bernard) — Camille Martin les perd" in confirm.text
    )
    nobody = local_number(following - len(in_alpes), "fr")
    assert f"{nobody} comptes ne sont couverts par aucun autre territoire" in confirm.text
    if kept | unconfirmed:
        n = local_number(len(kept | unconfirmed), "fr")
        assert f"{n} comptes verrouillés ou au lieu à vérifier" in confirm.text
    # the GET changed nothing
    assert demo_db.execute(text("SELECT count(*) FROM territories WHERE id = 1")).scalar_one()
    done = client.post("/territoires/1/supprimer", follow_redirects=False)
    assert done.status_code == 303
    assert demo_db.execute(text("SELECT count(*) FROM territories WHERE id = 1")).scalar_one() == 0
    after = {
        r.account_id: (r.owner_id, r.territory_id)
        for r in demo_db.execute(
            text("SELECT * FROM account_assignments WHERE account_id = ANY(:ids)"),
            {"ids": [r.account_id for r in held]},
        )
    }
    assert all(after[a] == (5, 2) for a in in_alpes)
    outside = set(after) - in_alpes - kept - unconfirmed
    assert len(outside) == following - len(in_alpes)
    assert all(after[a] == (None, None) for a in outside)
    assert all(after[a] == (4, None) for a in kept | unconfirmed)
    entry = demo_db.execute(
        text("SELECT changes FROM audit_log WHERE action = 'territory.delete' AND entity_id = '1'")
    ).scalar_one()
    assert entry["name"] == "Riviera – Monaco" and entry["rep_id"] == 4
    assert entry["accounts"] == len(held)


def test_deleting_an_unknown_territory_is_a_404_and_commits_nothing(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(1)
    assert client.get("/territoires/999/supprimer").status_code == 404
    assert client.post("/territoires/999/supprimer").status_code == 404
    assert client.post("/territoires/99999999999/supprimer").status_code == 422
    assert demo_db.execute(text("SELECT count(*) FROM assignment_runs")).scalar_one() == 0
    assert api_as(4).post("/territoires/1/supprimer").status_code == 403
    assert demo_db.execute(text("SELECT count(*) FROM territories WHERE id = 1")).scalar_one()


def test_retouching_a_territory_as_the_page_does_keeps_its_rep_and_priority(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(1)
    page = client.get("/territoires")
    button = re.search(r'<button[^>]*class="secondary edit-shape" data-id="1"[^>]*>', page.text)
    assert button, "the Retoucher button of territory 1"
    assert 'data-rep="4"' in button.group(0) and 'data-priority="10"' in button.group(0)
    # what territories.js sends when the user only moved the outline: name and geometry,
    # the rep and priority the form started from being unchanged
    geometry = {
        "type": "Polygon",
        "coordinates": [
            [[7.34, 43.70], [7.53, 43.70], [7.53, 43.79], [7.34, 43.79], [7.34, 43.70]]
        ],
    }
    saved = client.patch(
        "/api/territories/1",
        json={"name": "Riviera – Monaco", "geometry": geometry},
        headers={"If-Match": client.get("/api/territories/1").headers["ETag"]},
    )
    assert saved.status_code == 200
    row = demo_db.execute(text("SELECT rep_id, priority FROM territories WHERE id = 1")).one()
    assert tuple(row) == (4, 10)


def _shapes(db: Session) -> dict[int, str]:
    rows = db.execute(text("SELECT id, md5(ST_AsBinary(geom)) AS h FROM territories"))
    return {r.id: r.h for r in rows}


def test_rebalancing_is_applied_as_proposed_then_undone(
    api_as: ClientFactory, demo_db: Session
) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    demo_db.commit()
    owners, shapes = _owners(demo_db), _shapes(demo_db)
    client = api_as(1)
    page = client.get("/territoires?metric=accounts")
    assert re.search(r'<option value="accounts" selected>', page.text)  # the criterion stays
    form = page.text[page.text.index('id="rebalance-form"') :]
    form = form[: form.index("</form>")]
    codes = re.findall(r'name="codes" value="([0-9AB]+)"', form)
    listed = re.findall(r'<tr data-code="([0-9AB]+)">', page.text)
    assert codes and codes == listed and len(set(codes)) == len(codes)
    assert f"{len(codes)} communes changent de territoire" in form
    proposal = territories_svc.rebalance_proposal(demo_db, metric="accounts", actor=MANAGER)
    assert [m.code for m in proposal.moves] == codes
    # a code the proposal does not hold: 409, nothing redrawn
    stale = client.post(
        "/territoires/reequilibrer", data={"metric": "accounts", "codes": ["99999"]}
    )
    assert stale.status_code == 409
    assert _shapes(demo_db) == shapes and _owners(demo_db) == owners
    done = client.post(
        "/territoires/reequilibrer",
        data={"metric": "accounts", "codes": codes},
        follow_redirects=False,
    )
    assert done.status_code == 303
    run_id = int(done.headers["location"].rsplit("/", 1)[1])
    # every moved commune now lies in its receiving territory (by the tie-break)
    for m in proposal.moves:
        commune = territories_svc.boundaries().communes[m.code].point_on_surface()
        winner = demo_db.execute(
            text("""SELECT id FROM territories WHERE ST_Covers(geom, ST_GeomFromText(:p, 4326))
                    ORDER BY priority DESC, round(ST_Area(geom)::numeric, 10), id LIMIT 1"""),
            {"p": commune.wkt},
        ).scalar_one()
        assert winner == m.to_id, m.name
    changed = {t for t, h in _shapes(demo_db).items() if h != shapes[t]}
    assert changed == {m.from_id for m in proposal.moves} | {m.to_id for m in proposal.moves}
    moved = dict(
        demo_db.execute(
            text("SELECT account_id, to_territory_id FROM assignment_history WHERE run_id = :r"),
            {"r": run_id},
        ).all()
    )
    assert moved and all(owners[a][1] != t for a, t in moved.items())
    report = client.get(done.headers["location"])
    assert "Rééquilibrage" in report.text and 'id="undo-run"' in report.text
    undone = client.post(f"/affectations/operations/{run_id}/annuler", follow_redirects=False)
    assert undone.status_code == 303
    assert _shapes(demo_db) == shapes
    assert _owners(demo_db) == owners


def test_the_api_previews_applies_lists_and_undoes_runs(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    before = _owners(demo_db)
    api = api_as(DISPATCHER)
    page = api.get("/api/assignment/preview/accounts").json()
    assert page["total"] > 100 and len(page["moves"]) == assignment.PREVIEW_PAGE
    assert {m["why"] for m in page["moves"]} == {"territory_rep"}
    stale = api.post("/api/assignment/apply", json={"expected": "0" * 32})
    assert stale.status_code == 409 and _owners(demo_db) == before
    applied = api.post("/api/assignment/apply", json={"expected": page["fingerprint"]}).json()
    assert applied["total"] == page["total"]
    [latest, *_] = api.get("/api/assignment/runs").json()
    assert latest["undoable"] and latest["run"]["accounts"] == page["total"]
    assert api.post("/api/assignment/runs/999999/undo").status_code == 404
    undone = api.post(f"/api/assignment/runs/{latest['run']['id']}/undo")
    assert undone.status_code == 200
    assert undone.json()["restored"] == page["total"] and undone.json()["not_restored"] == []
    assert _owners(demo_db) == before
    assert api.post(f"/api/assignment/runs/{latest['run']['id']}/undo").status_code == 409
    assert api_as(4).get("/api/assignment/runs").status_code == 403


def test_the_api_queues_the_apply_as_a_job_and_reports_its_run(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _settle_then_give_riviera_to_julien(demo_db)
    before = _owners(demo_db)
    api = api_as(DISPATCHER)
    page = api.get("/api/assignment/preview/accounts").json()
    stale = api.post("/api/assignment/apply/jobs", json={"expected": "0" * 32})
    assert stale.status_code == 409 and _owners(demo_db) == before
    queued = api.post("/api/assignment/apply/jobs", json={"expected": page["fingerprint"]})
    assert queued.status_code == 202
    job = queued.json()
    assert (job["status"], job["kind"]) == ("queued", "assignment")
    assert _owners(demo_db) == before  # nothing moves until a worker runs it
    assignment.run_assign_job(lambda: nullcontext(demo_db), job["id"])
    done = api.get(f"/api/jobs/{job['id']}").json()
    assert done["status"] == "done" and done["result"]["accounts"] == page["total"]
    [latest, *_] = api.get("/api/assignment/runs").json()
    assert latest["run"]["id"] == done["result"]["run_id"] and latest["undoable"]
    rep = api_as(4).post("/api/assignment/apply/jobs", json={"expected": page["fingerprint"]})
    assert rep.status_code == 403
