"""FIELDCRM_PLANNER_WORKERS: read from the environment, passed to the planner by the services."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fieldcrm import config
from fieldcrm.config import PROJECT_DIR, Settings
from fieldcrm.routing.engine import Budget
from fieldcrm.services import planning


@pytest.mark.parametrize(("cpus", "workers"), [(1, 1), (2, 2), (16, 2), (None, 1)])
def test_the_default_is_two_processes_where_there_are_two_cpus(
    monkeypatch: pytest.MonkeyPatch, cpus: int | None, workers: int
) -> None:
    monkeypatch.delenv("FIELDCRM_PLANNER_WORKERS", raising=False)
    monkeypatch.setattr(config.os, "cpu_count", lambda: cpus)
    assert Settings(_env_file=None).planner_workers == workers  # type: ignore[call-arg]


def test_the_environment_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDCRM_PLANNER_WORKERS", "3")
    assert Settings(_env_file=None).planner_workers == 3  # type: ignore[call-arg]
    monkeypatch.setenv("FIELDCRM_PLANNER_WORKERS", "0")
    with pytest.raises(ValueError, match="planner_workers"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_plan_solve_passes_the_setting_to_the_planner(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Budget] = []
    real_plan = planning.plan

    def spy(problem: Any, *, budget: Budget, **kwargs: Any) -> Any:
        seen.append(budget)
        return real_plan(problem, budget=budget, **kwargs)

    monkeypatch.setattr(planning, "plan", spy)
    doc = json.loads((PROJECT_DIR / "docs" / "examples" / "day.json").read_text(encoding="utf-8"))
    cfg = Settings(_env_file=None, planner_workers=3, planner_patience=700)  # type: ignore[call-arg]
    out = planning.solve_document(doc, settings=cfg, explain=False)
    assert [(b.workers, b.patience) for b in seen] == [(3, 700)]
    assert out["days"]
