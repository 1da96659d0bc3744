"""Scheduled jobs run once per local period, across daylight-saving changes and workers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.config import Settings
from fieldcrm.services import background
from fieldcrm.services.background import Scheduled, period_key

PARIS = ZoneInfo("Europe/Paris")


def test_a_day_is_due_from_its_local_time_and_a_week_from_monday() -> None:
    rules = Scheduled("rules", "day", dt.time(2))
    assert period_key(rules, dt.datetime(2026, 12, 6, 1, 59)) is None
    assert period_key(rules, dt.datetime(2026, 12, 6, 2, 0)) == "2026-12-06"
    weekly = Scheduled("retention", "week", dt.time(4))
    assert period_key(weekly, dt.datetime(2026, 12, 7, 3, 59)) is None  # Monday, before 04:00
    assert period_key(weekly, dt.datetime(2026, 12, 7, 4, 0)) == "2026-W50"
    assert period_key(weekly, dt.datetime(2026, 12, 13, 23, 0)) == "2026-W50"  # Sunday
    quarter = Scheduled("geocoding", "quarter_hour")
    assert period_key(quarter, dt.datetime(2026, 12, 6, 10, 14)) == "2026-12-06T10:00"
    assert period_key(quarter, dt.datetime(2026, 12, 6, 10, 15)) == "2026-12-06T10:15"


@pytest.mark.db
@pytest.mark.parametrize(
    ("start", "days"),
    [
        (dt.datetime(2026, 3, 27, 22, tzinfo=dt.UTC), 3),
        (dt.datetime(2026, 10, 23, 22, tzinfo=dt.UTC), 3),
    ],
    ids=["last-sunday-of-march", "last-sunday-of-october"],
)
def test_each_job_runs_once_per_local_period_across_the_clock_change(
    sessions: sessionmaker[Session],
    worker_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    start: dt.datetime,
    days: int,
) -> None:
    """A tick every 15 minutes for three days around a clock change, as two workers would
    (each tick twice): the nightly rules run once per local day, at the first tick from 02:00
    local time (03:00 on the March Sunday, whose 02:00 does not exist); the October Sunday's
    doubled hour runs nothing twice; the weekly job once per ISO week."""
    ran: list[tuple[str, dt.date, dt.datetime]] = []
    clock: list[dt.datetime] = []

    def runner(name: str):  # type: ignore[no-untyped-def]
        def run(_sessions, _settings, *, today: dt.date) -> str:  # type: ignore[no-untyped-def]
            ran.append((name, today, clock[-1]))
            return "ok"

        return run

    monkeypatch.setattr(background, "RUNNERS", {name: runner(name) for name in background.RUNNERS})
    now = start
    while now < start + dt.timedelta(days=days):
        clock.append(now)
        background.run_due(sessions, worker_settings, now=now)
        background.run_due(sessions, worker_settings, now=now)  # the second worker
        now += dt.timedelta(minutes=15)

    rules = [(today, at.astimezone(PARIS)) for name, today, at in ran if name == "rules"]
    first_day = start.astimezone(PARIS).date()
    last_day = (now - dt.timedelta(minutes=5)).astimezone(PARIS).date()
    assert [today for today, _ in rules] == [
        first_day + dt.timedelta(days=k) for k in range((last_day - first_day).days + 1)
    ]
    for today, local in rules[1:]:  # the first day is a catch-up at the first tick
        assert local.date() == today
        utc_ticks = [t for t in clock if t.astimezone(PARIS).date() == today]
        due = [t for t in utc_ticks if t.astimezone(PARIS).time() >= dt.time(2)]
        assert local == due[0].astimezone(PARIS)  # the first tick from 02:00 local
    clock_change = dt.date(start.year, start.month, 29 if start.month == 3 else 25)
    assert [local.strftime("%H:%M %Z") for today, local in rules if today == clock_change] == [
        "03:00 CEST" if start.month == 3 else "02:00 CEST"
    ]
    weeks = Counter(today.isocalendar()[:2] for name, today, _ in ran if name == "retention")
    assert set(weeks.values()) == {1}
    quarters = [at.astimezone(PARIS) for name, _, at in ran if name == "geocoding"]
    keys = {f"{t:%Y-%m-%dT%H}:{t.minute // 15 * 15:02d}" for t in clock_in(clock)}
    assert len(quarters) == len(keys)  # once per local quarter of an hour, never twice


def clock_in(ticks: list[dt.datetime]) -> list[dt.datetime]:
    return [t.astimezone(PARIS) for t in ticks]


def test_a_tasks_log_lines_carry_its_queue_job_id() -> None:
    """The worker's task middleware binds the job id for everything the task logs."""
    from types import SimpleNamespace

    from fieldcrm import logs
    from fieldcrm.worker.queue import with_job_id

    seen = with_job_id(
        lambda: logs.job_id.get(), SimpleNamespace(job=SimpleNamespace(id=4242)), None
    )
    assert seen == "4242" and logs.job_id.get() is None  # bound inside the task only
