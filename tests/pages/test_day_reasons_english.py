"""A proposal's reason and a left-out account's reason follow the reader's language (QA 17:
with the interface in English, « Potentiel 25 k€/mois · CA −0,9 % sur un an · pas de visite
depuis 9 mois »): the plan keeps them as data, each page says them in its reader's language,
numbers by babel in that language."""

from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy.orm import Session

from fieldcrm.services.planning_build import (
    omission_label,
    proposal_reason,
    reason_text,
    visit_reason,
    visit_reason_parts,
)
from fieldcrm.store.plans import VisitFacts
from tests.pages.test_day_slots_after_booking import DAY, _planned, _stop
from tests.web import ClientFactory

FACTS = VisitFacts(
    account_id=1,
    potential_eur_month=25_000,
    revenue_12m=99_100,
    revenue_previous_12m=100_000,
    last_visit=dt.date(2026, 3, 1),
)
"""QA's card: 25 k€ a month, revenue down 0.9 % on a year, last visit 9 months before."""
AS_OF = dt.date(2026, 12, 6)
FRENCH_WORDS = re.compile(r"Potentiel|mois|sur un an|jamais|visité|détour|k€|\d,\d(?!\d)")
"""French words of a reason, and a French decimal comma (``−0,9``; not ``1,235``)."""


def _parts(facts: VisitFacts | None = FACTS) -> list[dict[str, object]]:
    return visit_reason_parts(facts, as_of=AS_OF, detour_minutes=6.4, value_eur=1234.6)


def test_a_reason_in_each_language() -> None:
    assert reason_text(_parts(), "fr") == (
        "Potentiel 25 k€/mois · CA −0,9 % sur un an · pas de visite depuis 9 mois · détour 6 min"
        " · valeur 1\u202f234,60 €"
    )
    assert reason_text(_parts(), "en") == (
        "Potential €25k/month · revenue −0.9% year on year · no visit for 9 months · detour"
        " 6 min · value €1,234.60"
    )
    assert reason_text(_parts(), "en", detour=False) == (
        "Potential €25k/month · revenue −0.9% year on year · no visit for 9 months · value €1,234.60"
    )


def test_the_stored_french_text_is_the_french_of_the_parts() -> None:
    """One home: the text stored with the proposal (API, CLI) is what the French page says."""
    stored = visit_reason(FACTS, as_of=AS_OF, detour_minutes=6.4, value_eur=1234.6)
    assert stored == reason_text(_parts(), "fr")


def test_english_counts_one_and_several() -> None:
    month = VisitFacts(1, None, 0, 0, dt.date(2026, 11, 1))
    yesterday = VisitFacts(1, None, 0, 0, dt.date(2026, 12, 5))
    never = VisitFacts(1, None, 0, 0, None)
    said = [reason_text(_parts(f), "en", detour=False) for f in (month, yesterday, never)]
    assert said == [
        "no visit for 1 month · value €1,234.60",
        "visited 1 day ago · value €1,234.60",
        "never visited · value €1,234.60",
    ]


def test_a_plan_stored_before_keeps_its_french_text() -> None:
    old = "Potentiel 30 k€/mois · détour 4 min · +242 €"
    assert proposal_reason({}, 7, old, "en", detour=True) == old
    assert proposal_reason({}, 7, old, "fr", detour=False) == "Potentiel 30 k€/mois · +242 €"
    result = {"reasons": {"7": _parts()}}
    assert proposal_reason(result, 7, old, "en", detour=False) == reason_text(
        _parts(), "en", detour=False
    )


def test_left_out_reasons_in_english() -> None:
    assert omission_label("displaces", 1234.4, "en") == (
        "possible, but the plan would be worth €1,234 less"
    )
    assert (
        omission_label("displaces", 1234.4)
        == "possible, mais le plan vaudrait 1\u202f234 € de moins"
    )
    assert omission_label("displaces", 8.6, "en", displaced=("Hôtel du Soleil",)) == (
        "possible, but the plan would be worth €9 less: it would take the place of"
        " “Hôtel du Soleil”"
    )
    assert omission_label("displaces", 8.6, displaced=("A", "B", "C", "D")) == (
        "possible, mais le plan vaudrait 9 € de moins : il prendrait la place de « A », « B »,"
        " « C » et 1 autre"
    )
    # the plan with it rearranged: the other visits it would add are said, so that a loss
    # smaller than the visits named can be believed (QA 18: 257 € for 5 visits named)
    assert omission_label("displaces", 257.2, displaced=("A", "B"), joined=3) == (
        "possible, mais le plan vaudrait 257 € de moins : il prendrait la place de « A » et"
        " « B », le plan ajoutant 3 autres visites"
    )
    assert omission_label("displaces", 257.2, "en", displaced=("A",), joined=1) == (
        "possible, but the plan would be worth €257 less: it would take the place of “A”,"
        " the plan adding 1 other visit"
    )
    assert omission_label("cut", None, "en", n=1200) == (
        "not among the corridor's 1,200 accounts with the best value for their detour"
    )


def test_the_day_page_says_the_reasons_in_english(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    assert plan.result["reasons"], "the plan keeps its reasons as data"
    english = client.get(DAY + "&lang=en").text
    french = client.get(DAY + "&lang=fr").text
    cards = [p for p in plan.proposals if 'class="proposal"' in _stop(french, p.id)]
    assert cards
    for p in cards:
        said_fr = html.unescape(_stop(french, p.id)).replace("\u00a0", " ")
        said_en = html.unescape(_stop(english, p.id)).replace("\u00a0", " ")
        assert p.reason is not None
        first = p.reason.split(" · ")[0]
        assert first in said_fr  # the stored French text, as the French page says it
        reason = re.search(r'<span class="muted">([^<]*)</span>', said_en)
        assert reason is not None, said_en
        assert not FRENCH_WORDS.search(reason.group(1)), reason.group(1)
        wanted = proposal_reason(plan.result, p.account_id, p.reason, "en", detour=False)
        assert wanted and reason.group(1) == wanted
    assert plan.kind == "day" and plan.result["omissions"], "the day leaves accounts out"
    left_out = re.search(r"<ul>((?:<li>[^<]* — [^<]*</li>)+)</ul>", english)
    assert left_out is not None, "the accounts left out are listed"
    labels = re.findall(r" — ([^<]*)</li>", left_out.group(1))
    assert labels
    for label in labels:
        assert not FRENCH_WORDS.search(html.unescape(label)), label
        assert not re.search(r"fermé|plan retenu|entre les rendez-vous|essayé", label), label
