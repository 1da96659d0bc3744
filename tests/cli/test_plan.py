"""``fieldcrm plan …`` on the demo company (the CLI's session is the rolled-back ``demo_db``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fieldcrm.cli import app
from fieldcrm.cli import plan as plan_cli
from fieldcrm.cli.common import reported_errors
from fieldcrm.config import Settings
from fieldcrm.services import plan_dates
from fieldcrm.store.plans import PARIS

runner = CliRunner()


@pytest.fixture
def cli(demo_db: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def open_session() -> Iterator[Session]:
        with reported_errors():
            yield demo_db
            demo_db.commit()

    monkeypatch.setattr(plan_cli, "open_session", open_session)
    small = Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=10)
    monkeypatch.setattr("fieldcrm.services.planning.get_settings", lambda: small)
    return demo_db


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["plan", *args])
    return result.exit_code, result.output


def test_plan_day_prints_the_stops_and_proposals(cli: Session) -> None:
    code, out = _run("day", "--rep", "4", "--date", "2026-04-21", "--time-limit", "1")
    assert code == 0, out
    assert "LAMBDA SARL" in out and "10:00" in out
    assert "Propositions" in out and "Valeur nette" in out.replace("valeur nette", "Valeur nette")
    code, listed = _run("list", "--rep", "4", "--date", "2026-04-21")
    assert code == 0 and "day" in listed


def test_plan_day_json_then_decide(cli: Session) -> None:
    code, out = _run("day", "--rep", "4", "--date", "2026-04-21", "--time-limit", "1", "--json")
    assert code == 0, out
    doc = json.loads(out)
    proposal = doc["proposals"][0]
    code, out = _run("decide", str(proposal["id"]), "--accept")
    assert code == 0, out
    assert "Rendez-vous" in out
    booked = cli.execute(
        text("SELECT count(*) FROM appointments WHERE account_id = :a AND rep_id = 4"),
        {"a": proposal["account_id"]},
    ).scalar_one()
    assert booked >= 1
    code, shown = _run("show", str(doc["id"]), "--json")
    assert code == 0
    assert json.loads(shown)["proposals"][0]["status"] in ("accepted", "proposed")


def test_plan_trip_prints_the_overnight_comparison(cli: Session) -> None:
    code, out = _run(
        "trip", "--rep", "6", "--from", "2026-04-21", "--to", "2026-04-24", "--time-limit", "2"
    )
    assert code == 0, out
    assert "Nuitée ou retour" in out and "dormir sur place" in out
    assert "retour impossible" in out


def test_bad_dates_and_hotel_exit_2(cli: Session) -> None:
    assert _run("day", "--rep", "4", "--date", "21/04/2026")[0] == 2
    code, _ = _run(
        "trip", "--rep", "6", "--from", "2026-04-21", "--to", "2026-04-22", "--hotel", "Paris"
    )
    assert code == 2


def test_plan_solve_reads_a_json_problem_without_a_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fieldcrm.config import PROJECT_DIR

    code, out = _run("solve", str(PROJECT_DIR / "docs" / "examples" / "day.json"), "--no-explain")
    assert code == 0, out
    doc = json.loads(out)
    assert [s["start"] for s in doc["days"][0]["stops"] if s["kind"] == "appointment"] == ["10:00"]
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert _run("solve", str(broken))[0] == 2
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"places": [[7, 43]], "days": [{}], "candidates": [{"place": 3}]}))
    code, out = _run("solve", str(wrong))
    assert code == 1 and "candidates[0].place" in out


def test_a_past_day_is_refused_in_french_and_nothing_is_stored(
    cli: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: dt.datetime(2026, 12, 6, 9, 30, tzinfo=PARIS))
    result = runner.invoke(app, ["plan", "day", "--rep", "4", "--date", "2026-11-30"])
    assert result.exit_code != 0
    assert "le 30/11/2026 est passé" in result.output, result.output
    stored = cli.execute(
        text("SELECT count(*) FROM plans WHERE rep_id = 4 AND day = '2026-11-30'")
    ).scalar_one()
    assert stored == 0
