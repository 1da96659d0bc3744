"""Every message a validator of fieldcrm can put in an input problem reads French for a French
reader, and no problem text shows a dotted path, a Python quote or English words (QA 17:
« e-mail : not an e-mail address (reçu : 'pas un mail') », « … when.unknown_cond »).

The messages are found by reading the source: each ``Problem(field, message, …)``,
``InvalidInput(field, message, …)`` written in ``fieldcrm/`` (f-strings with sample values),
so a validator added later without its French fails here."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.config import PROJECT_DIR
from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.http.error_text import (
    DAY_PROBLEMS,
    describe,
    problem_message,
    problem_text,
    rule_problem_text,
)

SOURCE = PROJECT_DIR / "fieldcrm"
ENGLISH = re.compile(
    r"\b(the|is|are|must|be|no|needs?|unknown|expected|got|allowed|least|most|"
    r"between|give|either|both|only|found|has|have|of|and|or|to|with|than|empty|invalid|"
    r"value|required|unsupported|such|this|its|their|cannot|missing|file|longer|nor|"
    r"should|needed|day|days|positive|number|text|string)\b"
)
"""Words that tell an English text (none of them is French)."""
SAMPLES = {"where": " at line 2, column 1", "problem": "expected <block end>"}
"""Sample values for the f-string parts that shape the message (the rest read « 7 »)."""


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """The module-level ``NAME = "text"`` of a module (messages kept in constants)."""
    found = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _samples(node: ast.expr, constants: dict[str, str]) -> list[str]:
    """The texts of a message expression (both of ``a if c else b``)."""
    if isinstance(node, ast.IfExp):
        return _samples(node.body, constants) + _samples(node.orelse, constants)
    text = _sample(node, constants)
    return [] if text is None else [text]


def _sample(node: ast.expr, constants: dict[str, str]) -> str | None:
    """The text of a message expression with sample values, ``None`` when it is not a text
    written there (a message passed along from elsewhere)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                assert isinstance(value, ast.FormattedValue)
                parts.append(SAMPLES.get(ast.unparse(value.value), "7"))
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left, constants), _sample(node.right, constants)
        return (left or "") + (right or "x, y") if left is not None else None
    if isinstance(node, ast.BoolOp):  # message or "invalid value"
        return _sample(node.values[-1], constants)
    return None


def validator_messages() -> Iterator[tuple[str, str]]:
    """(where, message) for every message written in a ``Problem`` or ``InvalidInput``."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_strings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if called not in ("Problem", "InvalidInput", "TooLarge", "InputProblem", "bad"):
                continue  # bad: the rule validator's way to note a problem
            message = node.args[1] if len(node.args) >= 2 else None
            for keyword in node.keywords:
                if keyword.arg == "message":
                    message = keyword.value
            for text in _samples(message, constants) if message is not None else []:
                yield f"{path.relative_to(PROJECT_DIR)}:{node.lineno}", text


MESSAGES = sorted(set(validator_messages()))


def test_the_walk_finds_the_validators() -> None:
    """The walk reads what it should: the messages QA met are among those it checks."""
    found = {message for _where, message in MESSAGES}
    assert len(MESSAGES) > 150
    assert {"not an e-mail address", "unknown period", "public holiday"} <= found


@pytest.mark.parametrize(("where", "message"), MESSAGES, ids=[w for w, _m in MESSAGES])
def test_every_validator_message_reads_french(where: str, message: str) -> None:
    if message in DAY_PROBLEMS:
        said = problem_text(Problem("day", message, dt.date(2027, 1, 1)))
    else:
        said = problem_message(message, "fr")
    assert not ENGLISH.search(said), f"{where}: {said!r}"


@pytest.mark.parametrize(
    ("problem", "french"),
    [
        (
            Problem("email", "not an e-mail address", "pas un mail"),
            "e-mail : ce n’est pas une adresse e-mail (reçu : « pas un mail »)",
        ),
        (Problem("radius_m", "out of range", 1.5), "rayon : hors des limites (reçu : 1,5)"),
        (Problem("stops", "must not be empty", []), "arrêts : ne doit pas être vide (reçu : [])"),
        (
            Problem("lon", "out of range", 1234.5),
            "longitude : hors des limites (reçu : 1\u202f234,5)",
        ),
        (
            Problem("when.potential.gt", "must be a number", "trente"),
            "conditions › potentiel en €/mois › plus de : doit être un nombre (reçu : « trente »)",
        ),
        (
            Problem("then[0].task.due_in_days", "must be at least 1", 0),
            "actions (n° 1) › tâche › échéance en jours : doit valoir au moins 1 (reçu : 0)",
        ),
        (
            Problem("account_ids", "invalid value", ["a", 3]),
            "comptes : valeur invalide (reçu : [« a », 3])",
        ),
    ],
)
def test_a_problem_reads_like_a_person(problem: Problem, french: str) -> None:
    """The value as typed, in French quotes, numbers the French way; the field by its name on
    the form, a path part by part: never the code's name or Python's quotes."""
    assert problem_text(problem) == french
    assert describe(InvalidInput(problems=[problem])) == french


RULE_PROBLEMS = [
    Problem("period", "unknown period", "fortnight", "day, week, month, quarter, year, once"),
    Problem("when.unknown_cond", "unknown condition", "unknown_cond", "all, any, potential"),
    Problem("when.revenue_vs_last_year.below_pct", "must be a number", "dix"),
    Problem("then", "must be a non-empty list of actions", []),
    Problem("rules[1].then[0].alert.cc[2]", "unknown recipient", "boss"),
]


@pytest.mark.parametrize("problem", RULE_PROBLEMS, ids=lambda p: p.field)
def test_rule_problems_name_the_form_fields_not_the_paths(problem: Problem) -> None:
    for lang in ("fr", "en"):
        said = rule_problem_text(problem, lang)
        where = said.split(" (")[0].split(":")[0]  # the field, before the value typed
        assert "." not in where and "_" not in where and "[" not in where, said
        assert "'" not in said, said
    french = rule_problem_text(problem, "fr")
    assert not ENGLISH.search(french.split("(reçu")[0]), french


def test_rule_problems_in_french_words() -> None:
    said = [rule_problem_text(p, "fr") for p in RULE_PROBLEMS]
    assert said[0] == (
        "période : période inconnue (reçu : « fortnight ») ; attendu : jour, semaine, mois,"
        " trimestre, année, une fois"
    )
    assert said[2] == (
        "conditions › CA comparé au même mois l’an dernier › baisse minimale en % : doit être"
        " un nombre (reçu : « dix »)"
    )
    assert said[4] == (
        "règle 2 › action 1 › alerte › copie à (n° 3) : destinataire inconnu (reçu : « boss »)"
    )


def test_english_readers_read_english_without_code_quotes() -> None:
    refused = InvalidInput(problems=[Problem("email", "not an e-mail address", "pas un mail")])
    assert describe(refused, "en") == "email: not an e-mail address (got “pas un mail”)"
    assert rule_problem_text(RULE_PROBLEMS[0], "en") == (
        "period: unknown period (got “fortnight”); expected: day, week, month, quarter, year, once"
    )


@pytest.mark.parametrize(
    ("problem", "french", "english"),
    [
        (
            Problem("day", "public holiday", dt.date(2027, 1, 1)),
            "Le 1er janvier 2027 est férié : choisissez un jour ouvré, ou un jour où un"
            " rendez-vous est pris.",
            "1 January 2027 is a public holiday: choose a working day, or a day with a booked"
            " appointment.",
        ),
        (
            Problem("day", "weekend", dt.date(2027, 1, 2)),
            "Le samedi 2 janvier 2027 tombe un week-end : choisissez un jour ouvré, ou un jour"
            " où un rendez-vous est pris.",
            "Saturday 2 January 2027 falls on a weekend: choose a working day, or a day with a"
            " booked appointment.",
        ),
        (
            Problem(
                "day", "no working day in the period", (dt.date(2027, 1, 2), dt.date(2027, 1, 3))
            ),
            "Aucun jour ouvré du samedi 2 janvier 2027 au dimanche 3 janvier 2027 (week-ends et"
            " jours fériés) : choisissez une période qui en compte un, ou un jour où un"
            " rendez-vous est pris.",
            "No working day from Saturday 2 January 2027 to Sunday 3 January 2027 (weekends and"
            " public holidays): choose a period with one, or a day with a booked appointment.",
        ),
    ],
)
def test_a_day_one_cannot_plan_is_said_as_a_sentence(
    problem: Problem, french: str, english: str
) -> None:
    refused = InvalidInput(problems=[problem])
    assert describe(refused, "fr") == french
    assert describe(refused, "en") == english


def test_source_root_is_the_package() -> None:
    assert (SOURCE / "errors.py").is_file() and isinstance(SOURCE, Path)


def test_a_value_beyond_what_babel_writes_is_said_as_is_not_a_server_error() -> None:
    """The fuzzer's longitude 1.8e308 (and inf, nan) must not break the error message."""
    from fieldcrm.http.error_text import value_text

    assert value_text(1.7976931348623157e308) == "1.7976931348623157e+308"
    assert value_text(float("inf")) == "∞"  # babel writes infinity itself
    assert value_text(1500.5) == "1\u202f500,5"
