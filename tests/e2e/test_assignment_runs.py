"""On a phone: the automatic assignment previewed, applied after a confirmation naming the
count (queued, run by a worker, its progress page linking to the run), then undone; a territory retouched keeps its rep and priority; a territory deleted after
a confirmation saying where its accounts go; a rebalancing applied and undone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Dialog, Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ARTIFACTS, log_in, run_worker_once

SHOTS = ARTIFACTS / "assign"
JOB_SHOTS = ARTIFACTS / "jobs2"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _accept(page: Page, seen: list[str]) -> None:
    def on_dialog(dialog: Dialog) -> None:
        seen.append(dialog.message)
        dialog.accept()

    page.once("dialog", on_dialog)


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


def test_dispatcher_previews_applies_and_undoes_the_automatic_assignment(
    phone: Page, e2e_sql: Callable[[str], None], e2e_url: str, tmp_path: Path
) -> None:
    e2e_sql("UPDATE territories SET rep_id = 5 WHERE id = 1")
    try:
        log_in(phone, 2)
        phone.goto("/affectations")
        phone.click("#preview-auto")
        phone.wait_for_selector("#preview li")
        total = phone.locator("#preview-total").inner_text()
        assert "comptes changeraient de commercial ou de territoire" in total
        first = phone.locator("#preview li").first.inner_text()
        assert "Camille Martin" in first and "Julien Bernard" in first
        assert "le territoire Riviera – Monaco est passé à Julien Bernard" in first
        _shot(phone, "1-dispatch-preview")
        count = total.split(" comptes")[0]
        seen: list[str] = []
        _accept(phone, seen)
        phone.click("#apply-auto")
        phone.wait_for_url("**/taches/*")  # queued: the job's progress page
        assert seen and f"{count} comptes changent de commercial ou de territoire" in seen[0]
        assert f"Affectation automatique de {count} comptes" in phone.inner_text("h1")
        assert "En attente" in phone.inner_text("#job-status")
        run_worker_once(e2e_url, tmp_path / "roads")
        phone.wait_for_selector("#assignment-run-link", timeout=30_000)  # job.js reloaded
        assert "Affectation appliquée" in phone.inner_text("#job-status")
        JOB_SHOTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(JOB_SHOTS / "assignment-job-done.png"), full_page=True)
        phone.click("#assignment-run-link")  # the run of the history, undoable there
        phone.wait_for_url("**/affectations/operations/*")
        _shot(phone, "2-dispatch-applied-run")
        _accept(phone, seen)
        applied_url = phone.url
        with phone.expect_navigation():
            phone.click("#undo-run")
        assert phone.url != applied_url  # the undo's own run
        assert "reviennent à leur commercial" in seen[1]
        assert f"{count} comptes sont revenus" in phone.locator("#run-summary").inner_text()
        assert phone.locator("#all-restored").count() == 1
        _shot(phone, "3-undo-report")
        owner = _scalar(
            e2e_url,
            "SELECT count(*) FROM account_assignments WHERE territory_id = 1 AND owner_id = 5",
        )
        assert owner == 0  # every account went back to Camille
    finally:
        e2e_sql("UPDATE territories SET rep_id = 4 WHERE id = 1")


def test_manager_retouches_a_territory_and_keeps_its_rep_and_priority(
    phone: Page, e2e_sql: Callable[[str], None], e2e_url: str
) -> None:
    e2e_sql("UPDATE territories SET priority = 7 WHERE id = 1")
    try:
        log_in(phone, 1)
        phone.goto("/territoires")
        phone.click(".edit-shape[data-id='1']")
        assert phone.input_value("#t-rep") == "4"
        assert phone.input_value("#t-priority") == "7"
        _shot(phone, "4-territory-retouch")
        phone.click("#t-save")
        phone.wait_for_selector("#t-status.ok")
        assert _scalar(e2e_url, "SELECT rep_id FROM territories WHERE id = 1") == 4
        assert _scalar(e2e_url, "SELECT priority FROM territories WHERE id = 1") == 7
    finally:
        e2e_sql("UPDATE territories SET priority = 10 WHERE id = 1")


def test_a_retouch_saved_after_someone_elses_edit_is_refused_not_lost(
    phone: Page, e2e_sql: Callable[[str], None], e2e_url: str
) -> None:
    """Optimistic concurrency from the page: the retouch carries the version it started
    from; another edit in between makes the save a 409 in French, and that edit stays."""
    log_in(phone, 1)
    phone.goto("/territoires")
    phone.click(".edit-shape[data-id='1']")
    phone.wait_for_load_state("networkidle")  # the version being retouched is read
    e2e_sql("UPDATE territories SET priority = 3, version = version + 1 WHERE id = 1")
    try:
        phone.fill("#t-priority", "9")
        phone.click("#t-save")
        phone.wait_for_selector("#t-status.error")
        assert "modifié" in phone.inner_text("#t-status")
        assert _scalar(e2e_url, "SELECT priority FROM territories WHERE id = 1") == 3
    finally:
        e2e_sql("UPDATE territories SET priority = 10 WHERE id = 1")


def test_manager_deletes_a_territory_after_reading_where_its_accounts_go(
    phone: Page, e2e_sql: Callable[[str], None], e2e_url: str
) -> None:
    e2e_sql(
        "INSERT INTO territories (name, geom, rep_id, priority) VALUES ('Menton essai', "
        "ST_Multi(ST_MakeEnvelope(7.45, 43.76, 7.53, 43.80, 4326)), 6, 20)"
    )
    e2e_sql(
        "UPDATE account_assignments s SET territory_id = t.id, owner_id = 6 FROM territories t, "
        "accounts a WHERE t.name = 'Menton essai' AND a.id = s.account_id "
        "AND ST_Covers(t.geom, a.geom) AND NOT s.locked"
    )
    territory = _scalar(e2e_url, "SELECT id FROM territories WHERE name = 'Menton essai'")
    log_in(phone, 1)
    phone.goto("/territoires")
    phone.click(f"a.delete-territory[href='/territoires/{territory}/supprimer']")
    phone.wait_for_selector("#delete-consequences")
    text_ = phone.locator("#delete-consequences").inner_text()
    assert "Sophie" in text_ and "les perd" in text_
    _shot(phone, "5-territory-delete-confirmation")
    phone.click("#confirm-delete")
    phone.wait_for_url("**/affectations/operations/*")
    _shot(phone, "6-territory-deleted")
    assert _scalar(e2e_url, f"SELECT count(*) FROM territories WHERE id = {territory}") == 0
    assert _scalar(e2e_url, "SELECT count(*) FROM audit_log WHERE action = 'territory.delete'") == 1


def test_manager_applies_a_rebalancing_then_undoes_it(phone: Page, e2e_url: str) -> None:
    before = _scalar(
        e2e_url, "SELECT md5(string_agg(ST_AsText(geom), '' ORDER BY id)) FROM territories"
    )
    log_in(phone, 1)
    phone.goto("/territoires")
    phone.select_option("select[name=metric]", "accounts")
    phone.click("text=Proposer un rééquilibrage")
    phone.wait_for_selector("#moves")
    assert phone.input_value("select[name=metric]") == "accounts"  # the criterion stays
    codes = phone.locator("#moves tbody tr[data-code]").count()
    assert codes > 0
    _shot(phone, "7-rebalance-proposal")
    seen: list[str] = []
    _accept(phone, seen)
    phone.click("#apply-rebalance")
    phone.wait_for_url("**/affectations/operations/*")
    assert f"{codes} communes changent de territoire" in seen[0]
    assert phone.locator("#run-moves li").count() == codes
    _shot(phone, "8-rebalance-applied")
    _accept(phone, seen)
    phone.click("#undo-run")
    phone.wait_for_url("**/affectations/operations/*")
    _shot(phone, "9-rebalance-undone")
    after = _scalar(
        e2e_url, "SELECT md5(string_agg(ST_AsText(geom), '' ORDER BY id)) FROM territories"
    )
    assert after == before
