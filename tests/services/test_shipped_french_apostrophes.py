"""QA 23: the shipped rules' French texts and the demo's account names wrote the straight
« ' » (« l'an dernier », « L'Escale »): French is written with the typographic « ’ »."""

from __future__ import annotations

import re

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.scoring.rules import Alert, Task, parse_rules
from fieldcrm.services.demo_data import COMPANY_WORDS

STRAIGHT = re.compile(r"\w'\w")


def _french_texts() -> list[str]:
    texts = []
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        for rule in parse_rules(path.read_text(encoding="utf-8")):
            texts += [rule.name, rule.description]
            for action in rule.then:
                if isinstance(action, Alert):
                    texts += [action.subject, action.message]
                elif isinstance(action, Task):
                    texts.append(action.title)
    return texts


def test_the_shipped_rules_write_french_with_the_typographic_apostrophe() -> None:
    texts = _french_texts()
    assert any("l’an dernier" in t for t in texts)
    assert any("n’est toujours pas" in t for t in texts)
    assert [t for t in texts if STRAIGHT.search(t)] == []


def test_the_demo_names_its_accounts_with_the_typographic_apostrophe() -> None:
    assert "L’Escale" in COMPANY_WORDS
    assert [w for w in COMPANY_WORDS if "'" in w] == []
