"""The euros a rep or a manager types on « Frais » (QA 23 on the phone): a trip's tolls and a
validated month's adjustment read by one rule — digits, one decimal separator, an optional
sign, spaces and € —, to the cent, within what one trip (or one adjustment) can cost. A
refusal shows the report again, status 422, what was typed kept and, next to the field,
what is wrong in French (English for an English reader); nothing is stored. The tolls field
emptied means no tolls (0 €)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

MONTH = "2026-03"
BACK = f"/frais?month={MONTH}&group_by=rep"


def _trip(page: str) -> int:
    found = re.search(r'action="/frais/trajets/(\d+)/peages"', page)
    assert found, "no tolls form"
    return int(found.group(1))


def _tolls(db: Session, trip_id: int) -> Decimal:
    return Decimal(
        db.execute(text("SELECT tolls_eur FROM trips WHERE id = :i"), {"i": trip_id}).scalar_one()
    )


def _field(page: str, form_start: str, name: str) -> tuple[str, str | None]:
    """The input ``name`` of the form whose tag starts with ``form_start``, and the error
    beside it (``None`` without one)."""
    form = re.search(re.escape(form_start) + r".*?</form>", page, re.S)
    assert form, form_start
    tag = re.search(rf'<input name="{name}"[^>]*>', form.group(0))
    assert tag, name
    error = re.search(r'<span class="error field-error" id="[^"]*">(.*?)</span>', form.group(0))
    if error is None:
        return html.unescape(tag.group(0)), None
    said = html.unescape(error.group(1)).replace("\u00a0", " ").replace("\u202f", " ")
    return html.unescape(tag.group(0)), said


def _post_tolls(client, trip_id: int, typed: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/frais/trajets/{trip_id}/peages",
        data={"tolls_eur": typed, "back": BACK},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1e5", "péages : indiquez un montant en euros, par exemple 12,50 (reçu : « 1e5 »)"),
        (
            "1.234,50",
            "péages : indiquez un montant en euros, par exemple 12,50 (reçu : « 1.234,50 »)",
        ),
        ("12,505", "péages : au centime près : deux décimales au plus (reçu : 12,505)"),
        ("-5", "péages : ne peut pas être négatif (reçu : -5)"),
        ("1 234,50 €", "péages : 1 000 € au plus pour un trajet (reçu : 1 234,5)"),
    ],
)
def test_a_tolls_amount_out_of_shape_or_bounds_is_said_beside_the_field(
    api_as: ClientFactory, demo_db: Session, typed: str, said: str
) -> None:
    camille = api_as(4)
    trip_id = _trip(camille.get("/frais", params={"month": MONTH}).text)
    before = _tolls(demo_db, trip_id)
    answer = _post_tolls(camille, trip_id, typed)
    assert answer.status_code == 422 and "Erreur 422" not in answer.text
    field, error = _field(answer.text, f'action="/frais/trajets/{trip_id}/peages"', "tolls_eur")
    assert f'value="{typed}"' in field, "what was typed is kept"
    assert 'aria-invalid="true"' in field
    assert error == said
    assert 'id="costs-error"' in answer.text
    assert _tolls(demo_db, trip_id) == before, "nothing stored"


def test_the_tolls_field_emptied_means_no_tolls(api_as: ClientFactory, demo_db: Session) -> None:
    camille = api_as(4)
    trip_id = _trip(camille.get("/frais", params={"month": MONTH}).text)
    assert _post_tolls(camille, trip_id, "23,40 €").status_code == 303
    assert _tolls(demo_db, trip_id) == Decimal("23.40")
    emptied = _post_tolls(camille, trip_id, "")
    assert emptied.status_code == 303 and emptied.headers["location"] == BACK
    assert _tolls(demo_db, trip_id) == Decimal("0")
    page = camille.get(BACK).text
    field, error = _field(page, f'action="/frais/trajets/{trip_id}/peages"', "tolls_eur")
    assert 'value="0,00"' in field and error is None


def test_the_ceiling_and_a_grouped_amount_are_taken(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    trip_id = _trip(camille.get("/frais", params={"month": MONTH}).text)
    assert _post_tolls(camille, trip_id, "1 000,00 €").status_code == 303
    assert _tolls(demo_db, trip_id) == Decimal("1000.00")
    assert _post_tolls(camille, trip_id, "1000,01").status_code == 422
    assert _tolls(demo_db, trip_id) == Decimal("1000.00")


def test_an_english_reader_reads_the_refusal_in_english(api_as: ClientFactory) -> None:
    camille = api_as(4)
    trip_id = _trip(camille.get("/frais", params={"month": MONTH}).text)
    for typed, said in [
        ("1e5", "tolls: enter an amount in euros, for example 12.50 (got “1e5”)"),
        ("12.505", "tolls: to the cent: two decimals at most (got 12.505)"),
        ("2000", "tolls: €1,000 at most for one trip (got 2,000)"),
    ]:
        answer = camille.post(
            f"/frais/trajets/{trip_id}/peages?lang=en",
            data={"tolls_eur": typed, "back": BACK},
        )
        assert answer.status_code == 422
        _, error = _field(answer.text, f'action="/frais/trajets/{trip_id}/peages"', "tolls_eur")
        assert error == said


def _validated(claire) -> None:  # type: ignore[no-untyped-def]
    done = claire.post("/frais/mois/validation", data={"rep": 4, "month": MONTH})
    assert done.status_code in (200, 303)


def _adjustments(db: Session) -> list[Decimal]:
    rows = db.execute(text("SELECT amount_eur FROM cost_adjustments WHERE rep_id = 4")).scalars()
    return [Decimal(r) for r in rows]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1e5", "montant : indiquez un montant en euros, par exemple 12,50 (reçu : « 1e5 »)"),
        ("", "montant : indiquez un montant en euros, par exemple 12,50"),
        ("12,505", "montant : au centime près : deux décimales au plus (reçu : 12,505)"),
        (
            "0",
            "montant : un ajustement de 0 € ne change rien : indiquez un montant non nul (reçu : 0)",
        ),
        ("-200 000", "montant : 100 000 € au plus, en plus ou en moins (reçu : -200 000)"),
    ],
)
def test_an_adjustment_follows_the_same_rule(
    api_as: ClientFactory, demo_db: Session, typed: str, said: str
) -> None:
    claire = api_as(1)
    _validated(claire)
    before = _adjustments(demo_db)
    answer = claire.post(
        "/frais/mois/ajustement",
        data={"rep": 4, "month": MONTH, "amount_eur": typed, "reason": "Péage A8 oublié"},
        follow_redirects=False,
    )
    assert answer.status_code == 422 and "Erreur 422" not in answer.text
    assert 'id="month-closing"' in answer.text
    field, error = _field(
        answer.text, '<form method="post" action="/frais/mois/ajustement"', "amount_eur"
    )
    assert f'value="{typed}"' in field and 'aria-invalid="true"' in field
    assert error == said
    assert 'value="Péage A8 oublié"' in html.unescape(answer.text), "the reason typed is kept"
    assert _adjustments(demo_db) == before, "nothing stored"


def test_an_adjustment_with_the_reports_minus_sign_is_recorded(
    api_as: ClientFactory, demo_db: Session
) -> None:
    claire = api_as(1)
    _validated(claire)
    done = claire.post(
        "/frais/mois/ajustement",
        data={
            "rep": 4,
            "month": MONTH,
            "amount_eur": "\u221210,50 €",
            "reason": "Compté deux fois",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _adjustments(demo_db)[-1] == Decimal("-10.50")
    no_reason = claire.post(
        "/frais/mois/ajustement",
        data={"rep": 4, "month": MONTH, "amount_eur": "12,40", "reason": " "},
    )
    assert no_reason.status_code == 422
    _, error = _field(
        no_reason.text, '<form method="post" action="/frais/mois/ajustement"', "reason"
    )
    assert error == "motif : indiquez pourquoi, en 3 caractères au moins"
