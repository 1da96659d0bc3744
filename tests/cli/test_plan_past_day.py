"""``fieldcrm plan day`` for a day before today: refused in French naming « jour », no plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fieldcrm.cli import app
from fieldcrm.cli import plan as plan_cli
from fieldcrm.cli.common import reported_errors
from fieldcrm.services import plan_dates
from fieldcrm.store.plans import PARIS


def test_a_past_day_is_refused(demo_db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    @contextmanager
    def open_session() -> Iterator[Session]:
        with reported_errors():
            yield demo_db
            demo_db.commit()

    monkeypatch.setattr(plan_cli, "open_session", open_session)
    monkeypatch.setattr(plan_dates, "now", lambda: dt.datetime(2026, 12, 6, 9, 30, tzinfo=PARIS))
    result = CliRunner().invoke(app, ["plan", "day", "--rep", "4", "--date", "2026-11-30"])
    assert result.exit_code != 0
    assert "le 30/11/2026 est passé" in result.output, result.output
    stored = demo_db.execute(
        text("SELECT count(*) FROM plans WHERE rep_id = 4 AND day = '2026-11-30'")
    ).scalar_one()
    assert stored == 0
