"""The office imports a big accounts file on a phone and follows it to the end: the upload
answers at once, a worker (``fieldcrm worker --once``, the shipped command) runs it, the
progress bar moves, then the report lists the rejected rows."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.db]
FIELDCRM = str(Path(sys.executable).with_name("fieldcrm"))
ROWS = 30_000


def _accounts_file(folder: Path) -> Path:
    lines = ["code client;raison sociale;adresse;code postal;ville"]
    lines += [
        f"IMP-{k};Import essai {k};{k % 90 + 1} rue Grimaldi;98000;Monaco" for k in range(ROWS)
    ]
    lines.insert(101, ";;sans nom ni code;98000;Monaco")  # rejected: no name
    lines.insert(202, "IMP-X;Code postal faux;1 rue;9800O;Monaco")  # rejected: postcode
    path = folder / "comptes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _bar(page: Page) -> tuple[float, float]:
    value, maximum = page.evaluate(
        "() => { const p = document.getElementById('job-progress');"
        " return p ? [p.value, p.max] : [0, 0]; }"
    )
    return float(value), float(maximum)


def test_office_imports_a_big_file_and_sees_the_progress_bar_reach_the_end(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None], tmp_path: Path
) -> None:
    log_in(phone, 2)  # Karim, dispatcher
    phone.goto("/import")
    phone.select_option("select[name=kind]", "accounts")
    phone.set_input_files("input[name=file]", str(_accounts_file(tmp_path)))
    started = time.monotonic()
    phone.click("form[action='/import'] button[type=submit]")
    phone.wait_for_url("**/taches/*")
    assert time.monotonic() - started < 5  # queued, not run in the request
    assert "En attente" in phone.inner_text("#job-status")

    env = {**os.environ, "FIELDCRM_DATABASE_URL": e2e_url, "FIELDCRM_SMTP_PORT": "1"}
    worker = subprocess.Popen(
        [FIELDCRM, "worker", "--once"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    seen: list[tuple[float, float]] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if phone.query_selector("#import-report"):
                    break
                seen.append(_bar(phone))
            except PlaywrightError:  # the page is reloading with the result
                pass
            time.sleep(0.1)
        output = worker.communicate(timeout=120)[0].decode()
    finally:
        worker.kill()
        e2e_sql("DELETE FROM accounts WHERE external_id LIKE 'IMP-%'")
    assert worker.returncode == 0, output
    phone.wait_for_selector("#import-report")
    assert any(0 < value < maximum for value, maximum in seen), seen  # it moved
    value, maximum = _bar(phone)
    assert value == maximum == ROWS + 2  # every data line, to the end
    assert phone.inner_text("#job-status") == "Import terminé"
    heading = phone.inner_text("#import-report h2").replace("\u202f", " ")  # babel's thin space
    assert heading == "30 002 lignes lues : 30 000 ajoutées, 0 mise à jour, 0 inchangée, 2 rejetées"
    rejected_lines = phone.locator("#rejected tbody tr td:first-child").all_inner_texts()
    assert rejected_lines == ["102", "203"]
