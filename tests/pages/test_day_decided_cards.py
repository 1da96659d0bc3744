"""Ma journée's cards once decided: an accepted visit shows only its booked appointment, at
its booked time; a refused one shows no slot and is not green; the list stays in time order;
cancelling the booked appointment in the agenda makes the visit bookable again and says so;
a one-minute slot reads « à réserver à HH:MM »; a garbage time comes back as a French
refusal on the day page; guillemets hold to their words with no-break spaces."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput
from fieldcrm.pages.day import parse_hour
from fieldcrm.services import plan_slots
from fieldcrm.store.plans import PARIS
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _accept, _planned, _stop
from tests.rows import row
from tests.web import ClientFactory

NBSP = "\u00a0"


def _times(page: str) -> list[str]:
    stops = re.search(r'<ol class="stops" id="stops">(.*?)</ol>', page, re.S)
    assert stops is not None
    return re.findall(r'<span class="time">(\d\d:\d\d)</span>', stops.group(1))


def _booked(db: Session, proposal_id: int) -> list[tuple[str, str, str]]:
    return [
        (str(a), str(b), str(s))
        for a, b, s in db.execute(
            text(
                """SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI'),
                          to_char(ends_at AT TIME ZONE 'Europe/Paris', 'HH24:MI'), status
                   FROM appointments WHERE proposal_id = :p ORDER BY id"""
            ),
            {"p": proposal_id},
        ).all()
    ]


def _refuse(client: TestClient, proposal_id: int) -> str:
    done = client.post(
        f"/journee/propositions/{proposal_id}",
        data={"accept": "false", "date": TUESDAY.isoformat()},
        follow_redirects=True,
    )
    assert done.status_code == 200
    return str(done.text)


def test_decided_cards_show_the_booking_or_nothing_in_time_order(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    slots = plan_slots.bookable_slots(plan)
    accepted, refused = plan.proposals[0], plan.proposals[-1]
    # accepted 40 minutes into its slot (or at its last minute): off the slot shown before
    slot = slots[accepted.id]
    picked = min(slot.first + dt.timedelta(minutes=40), slot.last).astimezone(PARIS)
    page = _accept(client, accepted.id, picked.strftime("%H:%M"))
    ((start, end, status),) = _booked(demo_db, accepted.id)
    assert (start, status) == (picked.strftime("%H:%M"), "confirmed")
    card = _stop(page, accepted.id)
    assert "à réserver" not in card and 'class="accept"' not in card
    assert f'<span class="time">{start}</span>' in card
    assert f"Acceptée : rendez-vous réservé {start}–{end}" in card

    page = _refuse(client, refused.id)
    card = _stop(page, refused.id)
    assert "à réserver" not in card and 'class="accept"' not in card
    assert '<p class="muted status">Refusée</p>' in card
    assert 'class="ok' not in card
    # refused: no time to keep free, nowhere to drive to (tests/pages/test_day_refused_card.py)
    assert '<span class="time">' not in card and "maps/dir" not in card
    times = _times(page)
    assert len(times) == len(plan.result["days"][0]["stops"]) - 1
    assert times == sorted(times), times


def test_cancelling_the_booked_appointment_makes_the_visit_bookable_again(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    first = plan.proposals[0]
    at = plan_slots.bookable_slots(plan)[first.id].at.astimezone(PARIS).strftime("%H:%M")
    _accept(client, first.id, at)
    (booked,) = row(demo_db, "SELECT id FROM appointments WHERE proposal_id = :p", p=first.id)
    gone = client.post(
        f"/agenda/rendez-vous/{booked}/annulation", data={"vue": "jour"}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert row(
        demo_db, "SELECT status, decided_at FROM plan_proposals WHERE id = :p", p=first.id
    ) == ("proposed", None)
    card = _stop(client.get(DAY).text, first.id)
    said = re.search(r'<p class="warn reopened">(.*?)</p>', card)
    assert said is not None, card
    assert said.group(1).startswith(f"Rendez-vous de {at} annulé le ")
    assert said.group(1).endswith(" : à nouveau proposée.")
    assert "Acceptée" not in card and 'class="accept"' in card
    english = _stop(client.get(DAY + "&lang=en").text, first.id)
    assert f"Appointment at {at} cancelled on " in english
    # booked again from the page
    card = _stop(_accept(client, first.id, at), first.id)
    assert [b[2] for b in _booked(demo_db, first.id)] == ["cancelled", "confirmed"]
    assert "Acceptée : rendez-vous réservé" in card and "reopened" not in card


def test_a_one_minute_slot_reads_at_that_minute(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    one = plan.proposals[0]
    real = plan_slots.current_slots
    at = plan_slots.bookable_slots(plan)[one.id].at

    def squeezed(*args: Any, **kwargs: Any) -> plan_slots.CurrentSlots:
        """The slots of now, but ``one``'s down to its single minute ``at``."""
        now = real(*args, **kwargs)
        return plan_slots.CurrentSlots(
            {**now.bookable, one.id: plan_slots.Bookable(at, at, at, one.visit_minutes)},
            now.unfit,
        )

    monkeypatch.setattr(plan_slots, "current_slots", squeezed)
    hm = at.astimezone(PARIS).strftime("%H:%M")
    card = _stop(client.get(DAY).text, one.id)
    assert f"à réserver à {hm}, détour" in card
    assert f"{hm}–{hm}" not in card
    assert f'value="{hm}" min="{hm}" max="{hm}"' in card
    english = _stop(client.get(DAY + "&lang=en").text, one.id)
    assert f"to book at {hm}, detour" in english


def test_a_garbage_time_comes_back_as_a_french_refusal(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    first = plan.proposals[0]
    for garbage in ("25:99", "12:60", "midi", "12:30:15"):
        answer = client.post(
            f"/journee/propositions/{first.id}",
            data={"accept": "true", "date": TUESDAY.isoformat(), "heure": garbage},
            follow_redirects=False,
        )
        assert answer.status_code == 303, garbage
        page = client.get(answer.headers["location"]).text
        alert = re.search(r'id="day-refusal">(.*?)</p>', page)
        assert alert is not None, garbage
        assert alert.group(1).startswith(f"Heure de «{NBSP}"), alert.group(1)
        assert "» : valeur invalide" in alert.group(1), alert.group(1)
        assert f"(reçu : «{NBSP}{garbage}{NBSP}»)" in alert.group(1)  # French quotes, no repr
        assert _booked(demo_db, first.id) == []
    assert row(demo_db, "SELECT status FROM plan_proposals WHERE id = :p", p=first.id) == (
        "proposed",
    )


def test_refusals_hold_guillemets_with_no_break_spaces(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    first = plan.proposals[0]
    slot = plan_slots.bookable_slots(plan)[first.id]
    outside = (slot.last + dt.timedelta(minutes=1)).astimezone(PARIS).strftime("%H:%M")
    alert = re.search(r'id="day-refusal">(.*?)</p>', _accept(client, first.id, outside))
    assert alert is not None
    assert f"«{NBSP}{first.account_name}{NBSP}»" in alert.group(1).replace("&#39;", "'")
    assert "« " not in alert.group(1) and " »" not in alert.group(1)


def test_parse_hour_takes_a_whole_minute_only() -> None:
    assert parse_hour("09:05") == dt.time(9, 5)
    assert parse_hour("23:59:00") == dt.time(23, 59)
    for bad in ("24:00", "9:05", "09:5", "09:05:30", "", "0905"):
        with pytest.raises(InvalidInput) as refused:
            parse_hour(bad)
        assert refused.value.field == "heure"
