"""Ma journée's proposal cards say each thing once and truly: the detour once per card (the
reason drops its own), a refused visit offers no visit action and holds no time (its open
card showed the minute of the booking start rule, rounded up); a proposal id that is not a number is
a French 422; a garbage « Heure » names the account it was typed for."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput
from fieldcrm.pages.day import hour_refusal, parse_hour
from fieldcrm.services import plan_slots
from fieldcrm.store.plans import PARIS
from tests.pages.test_day_decided_cards import _refuse
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _planned, _stop
from tests.rows import row
from tests.web import ClientFactory

NBSP = "\u00a0"


def test_each_open_card_gives_its_detour_once(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    page = client.get(DAY).text
    open_cards = [p for p in plan.proposals if 'class="proposal"' in _stop(page, p.id)]
    assert open_cards
    for p in open_cards:
        card = _stop(page, p.id)
        assert len(re.findall(r"détour \d+ min", card)) == 1, card
        assert p.reason and "détour" in p.reason  # the stored reason keeps it (API, CLI)
        assert re.search(r"à réserver [^<]*, détour \d+ min", card), card
        # the rest of the reason is still there
        assert p.reason.split(" · ")[0] in card.replace(NBSP, " ")


def test_a_refused_card_offers_no_visit_and_keeps_the_open_cards_minute(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    starts = plan_slots.planned_starts(plan)
    # a visit planned off the minute: rounding down or up differ
    refused = next(p for p in plan.proposals if starts[p.id].second)
    shown_open = plan_slots.bookable_slots(plan)[refused.id].at.astimezone(PARIS)
    before = _stop(client.get(DAY).text, refused.id)
    assert f'<span class="time">{shown_open:%H:%M}</span>' in before
    assert 'class="visit"' in before  # an open visit can be checked in

    card = _stop(_refuse(client, refused.id), refused.id)
    assert '<p class="muted status">Refusée</p>' in card
    assert '<span class="time">' not in card, "refused: no time held for it"
    floor = starts[refused.id].astimezone(PARIS)
    assert f"{floor:%H:%M}" != f"{shown_open:%H:%M}"
    assert 'class="visit"' not in card and "pointer et rédiger" not in card
    others = [p for p in plan.proposals if p.id != refused.id]
    assert others and 'class="visit"' in _stop(client.get(DAY).text, others[0].id)


def test_a_proposal_id_not_a_number_is_a_french_422(api_as: ClientFactory) -> None:
    answer = api_as(4).post(
        "/journee/propositions/abc",
        data={"accept": "true", "date": TUESDAY.isoformat(), "heure": "10:00"},
    )
    assert answer.status_code == 422
    assert "proposition : nombre entier attendu" in answer.text
    assert "proposal id" not in answer.text


def test_a_garbage_time_names_the_account(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    first = plan.proposals[0]
    answer = client.post(
        f"/journee/propositions/{first.id}",
        data={"accept": "true", "date": TUESDAY.isoformat(), "heure": "abc"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    alert = re.search(r'id="day-refusal">(.*?)</p>', client.get(answer.headers["location"]).text)
    assert alert is not None
    assert alert.group(1).replace("&#39;", "'") == (
        f"Heure de «{NBSP}{first.account_name}{NBSP}» : valeur invalide (reçu : «{NBSP}abc{NBSP}») ;"
        " attendu : HH:MM, 00:00–23:59"
    ).replace("&", "&amp;")
    assert row(demo_db, "SELECT status FROM plan_proposals WHERE id = :p", p=first.id) == (
        "proposed",
    )
    # no name for a proposal that is not there
    missing = client.post(
        "/journee/propositions/999999",
        data={"accept": "true", "date": TUESDAY.isoformat(), "heure": "abc"},
        follow_redirects=False,
    )
    assert missing.status_code == 404


def test_hour_refusal_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_hour("midi")
    refused = caught.value
    assert hour_refusal(refused, "Hôtel Riviera", "fr") == (
        "Heure de « Hôtel Riviera » : valeur invalide (reçu : « midi ») ; attendu : HH:MM,"
        " 00:00–23:59"
    )
    assert hour_refusal(refused, "Hôtel Riviera", "en") == (
        "Time for “Hôtel Riviera”: invalid value (got “midi”); expected: HH:MM, 00:00–23:59"
    )


def test_the_day_says_when_lunch_is_planned(api_as: ClientFactory, demo_db: Session) -> None:
    """QA: lunch was planned (and kept by every recomputed slot) but shown nowhere."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    lunch = next(d["lunch"] for d in plan.result["days"] if d.get("lunch"))
    at = dt.datetime.fromisoformat(lunch).astimezone(PARIS)
    figures = client.get(DAY).text.split('id="day-figures"')[1].split("</p>")[0]
    assert f"déjeuner vers {at:%H:%M}" in figures


def test_the_margin_after_proposed_visits_is_not_called_waiting(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """QA: « attente 150 min » on a ten-visit day was the 15-minute reserve kept after each
    proposed visit (what keeps the slots wide), not waiting."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    doc = plan.result["days"][0]
    visits = sum(1 for s in doc["stops"] if s["kind"] == "candidate")
    assert visits >= 2
    # the demo's 15-minute reserve, after each proposed visit but one that ends the day
    # (the rep drives home when it ends: routing.schedule.home_after_last)
    last_open = doc["stops"][-1]["kind"] == "candidate"
    reserve = min(doc["waiting_minutes"], (visits - last_open) * 15.0)
    # QA 22: the return is the last stop's end plus the drive home, no reserve after it
    drive_home = dt.timedelta(seconds=doc["timing"]["durations_s"][-2][-1])
    ends = dt.datetime.fromisoformat(doc["stops"][-1]["departure"])
    assert dt.datetime.fromisoformat(doc["return"]) == ends + drive_home
    assert doc["reserve_minutes"] == pytest.approx(reserve, abs=0.1)
    figures = client.get(DAY).text.split('id="day-figures"')[1].split("</p>")[0]
    assert f"attente {doc['waiting_minutes']:.0f} min" in figures
    assert f"(dont {reserve:.0f} min de marge après les visites proposées)" in figures
