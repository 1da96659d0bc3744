"""The rules editor's help in the reader's language (QA walk: an English reader read it in
French): the meaning of each condition and action through the English catalogue, and the
values the validator accepts as an English reader writes them (the codes: ``month``,
``high``, ``owner``), while a French reader keeps the French help."""

from __future__ import annotations

import html

from babel.messages.pofile import read_po

from fieldcrm.config import PROJECT_DIR
from fieldcrm.scoring.rules import editor_help, parse_rule
from tests.web import ClientFactory

BASE = {"key": "essai", "name": "Essai", "when": {"potential": {"gt": 1}}}


def _help(page: str) -> str:
    return html.unescape(page.split('id="rules-help"', 1)[1].split("</details>", 1)[0])


def test_an_english_reader_reads_the_help_in_english(api_as: ClientFactory) -> None:
    manager = api_as(1)
    english = _help(manager.get("/regles?lang=en").text)
    french = _help(manager.get("/regles?lang=fr").text)

    assert "(revenue compared with the same month last year)" in english
    assert "(all these conditions)" in english and "(the account’s rep)" in english
    assert "(alert: to, cc, channels, subject, message)" in english
    assert "(reassignment: to)" in english
    assert "Period: day, week, month, quarter, year, once" in english
    assert "severity: high, medium, low" in english
    assert "owner, manager, admin, dispatcher, user:<e-mail>" in english
    for word in (
        "CA comparé",
        "toutes ces conditions",
        "alerte",
        "semaine",
        "importante",
        "directeur_commercial",
        "utilisateur:",
    ):
        assert word not in english, word

    assert "(CA comparé au même mois l’an dernier)" in french
    assert "(alerte : to, cc, channels, subject, message)" in french
    assert "jour, semaine, mois, trimestre, année, une fois" in french
    assert "importante, moyenne, faible" in french
    assert "commercial, directeur_commercial, administrateur, répartiteur" in french
    assert "revenue compared" not in french and "owner, manager" not in french


def test_every_meaning_of_the_help_is_in_the_english_catalogue() -> None:
    with (PROJECT_DIR / "web" / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        translated = {m.id for m in read_po(fh, locale="en") if m.id and m.string}
    shown = editor_help()
    meanings = {m for _key, m in shown.conditions} | {m for _kind, m, _keys in shown.actions}
    assert not sorted(meanings - translated)


def test_the_english_help_offers_values_the_validator_accepts() -> None:
    shown = editor_help(french=False)
    for period in shown.periods:
        rule = parse_rule({**BASE, "period": period, "then": [{"priority": {"add": 1}}]})
        assert rule.period == period
    for severity in shown.severities:
        rule = parse_rule({**BASE, "severity": severity, "then": [{"priority": {"add": 1}}]})
        assert rule.severity == severity
    *roles, user = shown.recipients
    then = [{"alert": {"to": r}} for r in roles]
    then.append({"alert": {"to": user.replace("<e-mail>", "camille@x.fr")}})
    assert len(parse_rule({**BASE, "then": then}).then) == len(shown.recipients)
