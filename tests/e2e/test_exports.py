"""The office exports the accounts from a phone: the page answers at once with the job's
progress, a worker (``fieldcrm worker --once``) writes the file, and the job page offers it
for download — the same rows as the accounts, names that look like formulas kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ARTIFACTS, log_in, run_worker_once

pytestmark = [pytest.mark.e2e, pytest.mark.db]
SHOTS = ARTIFACTS / "worker"


def test_office_exports_the_accounts_through_a_job_and_downloads_the_file(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None], tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        accounts = conn.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    engine.dispose()
    log_in(phone, 2)  # Karim, dispatcher
    phone.goto("/import")
    phone.click("#export-accounts button[value=csv]")
    phone.wait_for_url("**/taches/*")
    assert "Export des comptes (CSV)" in phone.inner_text("h1")
    assert "En attente" in phone.inner_text("#job-status")

    run_worker_once(e2e_url, tmp_path / "roads")
    phone.wait_for_selector("#export-download", timeout=30_000)  # job.js reloaded the page
    assert "Export prêt" in phone.inner_text("#job-status")
    phone.screenshot(path=str(SHOTS / "export-ready.png"), full_page=True)
    with phone.expect_download() as download_info:
        phone.click("#export-download")
    download = download_info.value
    assert download.suggested_filename == "comptes.csv"
    data = Path(download.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == accounts + 1 and rows[0][3] == "Raison sociale"
