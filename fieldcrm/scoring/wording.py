"""A rule's alert in its reader's language: the texts the rule gives per language and the
values as data, kept with the alert, worded when read.

Design (one home per rule):

* A rule's texts (``name``, an alert's ``subject`` and ``message``, a task's ``title``) are
  French, the company's language, and may be given in other languages too
  (``{fr: …, en: …}``, :data:`fieldcrm.scoring.rules.TEXT_LANGUAGES`).
* When the rule runs, SQL renders the French texts (:mod:`fieldcrm.store.templates`, the
  product: ``alerts.message``, the tasks' titles, the notifications), as it always did.
* A rule that speaks another language also keeps, in its alert (``details.wording``), its
  texts per language (:func:`rule_texts`) and the values of its placeholders as data (built
  in SQL, the same as :func:`fieldcrm.scoring.evaluate.template_data`). Every text in
  another language is worded from that data by :func:`worded`, with the values written by
  the one formatter :func:`fieldcrm.scoring.formats.template_values`: the pages when they
  show the alert, its task or its notification, and the run for the e-mails and SMS of a
  recipient who reads that language.
* A text the rule does not give in the reader's language reads in French.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fieldcrm.scoring.formats import template_values
from fieldcrm.scoring.rules import DEFAULT_TEXTS, Alert, Rule, Task, Translations, translated

PARTS = ("subjects", "messages", "titles")
"""The texts of a rule's actions, each a list in the order of the rule's alerts (subjects,
messages) or tasks (titles)."""


def _same(text: str) -> str:
    return text


def other_languages(rule: Rule) -> tuple[str, ...]:
    """The languages other than French in which ``rule`` gives at least one text."""
    found = {lang for lang, _ in rule.name_in}
    for action in rule.then:
        if isinstance(action, Alert):
            found.update(lang for lang, _ in (*action.subject_in, *action.message_in))
        elif isinstance(action, Task):
            found.update(lang for lang, _ in action.title_in)
    return tuple(sorted(found))


def _alert_text(french: str, others: Translations, lang: str) -> str | None:
    """An alert's subject or message in ``lang``; its default when the rule left it out."""
    return translated(french, others, lang) or DEFAULT_TEXTS.get(lang, {}).get(french)


def rule_texts(rule: Rule) -> dict[str, dict[str, Any]]:
    """The texts of ``rule`` per language (French and :func:`other_languages`): ``name``
    and the lists :data:`PARTS`, None where the rule gives no text in that language (an
    alert's subject or message left out is the default one, in every language)."""
    alerts = [a for a in rule.then if isinstance(a, Alert)]
    tasks = [t for t in rule.then if isinstance(t, Task)]
    return {
        lang: {
            "name": translated(rule.name, rule.name_in, lang),
            "subjects": [_alert_text(a.subject, a.subject_in, lang) for a in alerts],
            "messages": [_alert_text(a.message, a.message_in, lang) for a in alerts],
            "titles": [translated(t.title, t.title_in, lang) for t in tasks],
        }
        for lang in ("fr", *other_languages(rule))
    }


def _render(
    wording: Mapping[str, Any],
    part: str,
    index: int,
    lang: str,
    gettext: Callable[[str], str],
) -> str | None:
    texts = wording["texts"]
    mine = texts.get(lang) or {}
    items: Sequence[str | None] = mine.get(part) or []
    template = items[index] if index < len(items) else None
    if template is None:
        return None
    values = dict(template_values(wording["values"], lang=lang, gettext=gettext))
    values["rule_name"] = mine.get("name") or texts["fr"]["name"]
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    return template.format_map({f: values.get(f, "") for f in fields})


def worded(
    wording: Mapping[str, Any],
    part: str,
    lang: str,
    *,
    index: int | None = None,
    stored: str | None = None,
    catalogue: Callable[[str], Callable[[str], str]] = lambda lang: _same,
    shown: Callable[[str], str] = _same,
) -> str | None:
    """A text of a rule's alert for a reader of ``lang``, from its data.

    Parameters
    ----------
    wording
        The alert's ``details.wording``: ``texts`` (:func:`rule_texts`) and ``values``
        (:func:`fieldcrm.scoring.evaluate.template_data`).
    part
        One of :data:`PARTS`.
    lang
        The reader's language; a text the rule does not give in it reads in French.
    index
        Which alert (subjects, messages) or task (titles) of the rule; when None, the one
        whose text, in some language, is ``stored`` (a notification or a task keeps its
        text as written when the rule ran, not its place in the rule).
    catalogue
        The catalogue of a language (``lang`` → gettext) for the values' words.
    shown
        How the page shows a text (the inbox: a subject without the e-mail prefix), to the
        rendered texts as to ``stored``.

    Returns
    -------
    str or None
        None when the data does not say it (no such text, ``stored`` matching none, data
        malformed): the caller shows the text as stored.
    """
    try:
        if index is None:
            index = _index_of(wording, part, stored, catalogue, shown)
            if index is None:
                return None
        said = _render(wording, part, index, lang, catalogue(lang)) or _render(
            wording, part, index, "fr", catalogue("fr")
        )
        return None if said is None else shown(said)
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):
        return None


def _index_of(
    wording: Mapping[str, Any],
    part: str,
    stored: str | None,
    catalogue: Callable[[str], Callable[[str], str]],
    shown: Callable[[str], str],
) -> int | None:
    """Which text of ``part`` ``stored`` is, in any of the languages of ``wording``."""
    if stored is None:
        return None
    for lang in wording["texts"]:
        gettext = catalogue(lang)
        for index in range(len(wording["texts"][lang].get(part) or [])):
            said = _render(wording, part, index, lang, gettext)
            if said is not None and shown(said) == stored:
                return index
    return None


def mail_words(
    wording: Mapping[str, Any], lang: str, *, gettext: Callable[[str], str] = _same
) -> dict[str, list[str | None]]:
    """The subjects and bodies of a rule's alerts for a recipient of ``lang`` (None where
    the rule gives no text in that language: the recipient reads the French)."""
    count = len(wording["texts"]["fr"]["subjects"])
    return {
        "subjects": [_render(wording, "subjects", i, lang, gettext) for i in range(count)],
        "bodies": [_render(wording, "messages", i, lang, gettext) for i in range(count)],
    }
