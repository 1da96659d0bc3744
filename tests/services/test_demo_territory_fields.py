"""Every demo territory passes the checks its next edit meets (the store's one field check):
a demo value the forms refuse (a priority of -3 against the 0-1000 rule) would be refused on
its first edit. The seed checks them before writing anything."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput
from fieldcrm.services import demo
from fieldcrm.services.demo_data import generate
from fieldcrm.store import territories as store
from tests.conftest import DEMO_TODAY

FIELDS = ("name", "rep_id", "priority", "color", "overlay")


def test_the_seeded_demo_territories_all_pass_the_field_check(demo_db: Session) -> None:
    rows = demo_db.execute(text(f"SELECT {', '.join(FIELDS)} FROM territories")).mappings().all()
    assert len(rows) == len(generate(DEMO_TODAY).territories) > 0
    for row in rows:
        store.check_fields(dict(row))  # raises InvalidInput on a value a form would refuse


def test_the_seed_refuses_a_demo_value_the_forms_refuse_before_writing(
    demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = generate(DEMO_TODAY)
    demo.check_company(company)  # the shipped demo passes
    wrong = dataclasses.replace(
        company, territories=[{**company.territories[0], "priority": -3}, *company.territories[1:]]
    )
    monkeypatch.setattr(demo, "generate", lambda today, seed: wrong)
    accounts = demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    with pytest.raises(InvalidInput) as refused:
        demo.seed_demo(demo_db, today=DEMO_TODAY, reset=True)
    assert [p.field for p in refused.value.problems] == ["priority"]
    assert demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one() == accounts
