"""On a phone (390 px), the import report's rejected rows are read whole: a long value wraps
in its « Valeur » cell instead of being cut at the screen's edge (QA20: « beaucou »)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import PHONE, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.db]
FIELDCRM = str(Path(sys.executable).with_name("fieldcrm"))
LONG = "06000-06100-06200-06300-Nice-Cannes-Antibes-Grasse-Menton"


def test_a_long_rejected_value_wraps_inside_the_phone_screen(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None], tmp_path: Path
) -> None:
    path = tmp_path / "valeurs.csv"
    path.write_text(
        "code client;raison sociale;adresse;code postal;ville;effectif\n"
        "VAL-1;Café Valeur Longue;1 rue de France;06000;Nice;beaucoup\n"
        f"VAL-2;Café Code Postal Long;2 rue de France;{LONG};Nice;3\n",
        encoding="utf-8",
    )
    log_in(phone, 2)  # Karim, dispatcher
    phone.goto("/import")
    phone.select_option("select[name=kind]", "accounts")
    phone.set_input_files("input[name=file]", str(path))
    phone.click("form[action='/import'] button[type=submit]")
    phone.wait_for_url("**/taches/*")
    env = {**os.environ, "FIELDCRM_DATABASE_URL": e2e_url, "FIELDCRM_SMTP_PORT": "1"}
    try:
        done = subprocess.run(
            [FIELDCRM, "worker", "--once"], env=env, capture_output=True, timeout=120
        )
    finally:
        e2e_sql("DELETE FROM accounts WHERE external_id LIKE 'VAL-%'")
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    phone.reload()
    phone.wait_for_selector("#rejected")
    values = phone.locator("#rejected tbody tr td:last-child").all_inner_texts()
    assert [v.replace("\n", "") for v in values] == ["beaucoup", LONG]
    # the table fits its box (nothing to scroll sideways), every cell shows all its text
    fits = phone.evaluate(
        """() => {
          const table = document.getElementById('rejected'), box = table.parentElement;
          const cells = [...table.querySelectorAll('td')];
          return {
            table: table.getBoundingClientRect().right, box: box.clientWidth,
            scroll: box.scrollWidth,
            clipped: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText),
          };
        }"""
    )
    assert fits["scroll"] <= fits["box"], fits
    assert fits["table"] <= PHONE["width"], fits
    assert fits["clipped"] == [], fits
    # the same rows without the wrapping rule overflow the phone: the data shows the problem
    wide = phone.evaluate(
        """() => {
          const table = document.getElementById('rejected');
          table.classList.remove('wrap-values');
          return table.parentElement.scrollWidth - table.parentElement.clientWidth;
        }"""
    )
    assert wide > 0
