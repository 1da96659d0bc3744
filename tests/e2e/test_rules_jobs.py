"""A manager on a phone dry-runs the rule in the editor: the page answers at once with the
job's progress, a worker (``fieldcrm worker --once``) runs it, and the browser comes back to
the editor with the draft and its firings. Then the rule is saved and deleted, after a
confirmation that names it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page

from tests.e2e.conftest import ARTIFACTS, log_in, run_worker_once

pytestmark = [pytest.mark.e2e, pytest.mark.db]
SHOTS = ARTIFACTS / "worker"
KEY = "prospect-a-qualifier"


def test_a_draft_dry_run_is_a_job_followed_back_to_the_editor_then_deleted_after_asking(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None], tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    e2e_sql(f"DELETE FROM rules WHERE name = '{KEY}'")
    log_in(phone, 1)  # Claire, manager
    phone.goto("/regles")
    draft = phone.input_value("textarea[name=document]")
    assert f"key: {KEY}" in draft
    phone.fill("input[name=as_of]", "2026-04-15")
    phone.click("#dry-run-draft-button")
    phone.wait_for_url("**/taches/*")
    job_id = int(phone.url.rsplit("/", 1)[1])
    assert "En attente" in phone.inner_text("#job-status")
    assert "Essai à blanc du brouillon « prospect-a-qualifier » au 15/04/2026" in phone.inner_text(
        "h1"
    )
    phone.screenshot(path=str(SHOTS / "dry-run-queued.png"), full_page=True)

    run_worker_once(e2e_url, tmp_path / "roads")
    phone.wait_for_url(f"**/regles?essai={job_id}", timeout=30_000)
    phone.wait_for_selector("#dry-run")
    result = phone.request.get(f"/api/jobs/{job_id}").json()
    assert result["status"] == "done" and result["result"]["draft"] == KEY
    heading = phone.inner_text("#dry-run h2").replace("\u202f", " ").replace("\xa0", " ")
    assert heading.startswith("Essai à blanc du 15/04/2026 : ")
    assert heading.endswith(f" {result['result']['firings']} déclenchements")
    assert phone.input_value("textarea[name=document]") == draft  # the draft is back
    assert phone.input_value("input[name=as_of]") == "2026-04-15"
    phone.screenshot(path=str(SHOTS / "dry-run-result.png"), full_page=True)

    phone.click("#save-rule")
    phone.wait_for_url(f"**/regles?saved={KEY}")
    phone.locator("#rules").screenshot(path=str(SHOTS / "rules-table.png"))
    delete = f'form[action="/regles/{KEY}/suppression"] button'
    asked: list[str] = []

    def answer(accept: bool) -> Callable[[Dialog], None]:
        def handle(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    phone.once("dialog", answer(False))
    phone.click(delete)
    phone.wait_for_timeout(300)
    assert len(asked) == 1
    assert asked[0].startswith(
        f"Supprimer la règle « Prospect non qualifié » ({KEY}) ? Elle ne se déclenchera plus."
    )
    assert "aucune alerte ouverte" in asked[0]
    assert phone.locator(delete).count() == 1  # refused: nothing sent
    phone.once("dialog", answer(True))
    phone.click(delete)
    phone.wait_for_url("**/regles?deleted=*")
    assert phone.inner_text("#rule-deleted") == f"Règle « {KEY} » supprimée."
    assert phone.locator(delete).count() == 0
    phone.screenshot(path=str(SHOTS / "rule-deleted.png"), full_page=True)
