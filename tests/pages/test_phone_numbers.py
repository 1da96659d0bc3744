"""Phone numbers on screen as a French reader writes them, with no dangling separator."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

LAMBDA = 1  # LAMBDA SARL, Camille's client
NB = "\u00a0"


def _details(page: str) -> str:
    start = page.index('id="details"')
    return page[start : page.index("</section>", start)]


def test_account_and_contact_phones_read_by_pairs(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(
        text("UPDATE accounts SET phone = '+33483738256', email = NULL WHERE id = :a"),
        {"a": LAMBDA},
    )
    demo_db.execute(
        text("""INSERT INTO contacts (account_id, first_name, last_name, phone) VALUES
                (:a, 'Jeanne', 'Numéro', '+33612345678'),
                (:a, 'Hans', 'Genève', '+41 22 123 45 67')"""),
        {"a": LAMBDA},
    )
    page = api_as(4).get(f"/comptes/{LAMBDA}").text
    details = _details(page)
    # shown by pairs, dialled as stored
    assert f'<a href="tel:+33483738256">04{NB}83{NB}73{NB}82{NB}56</a></p>' in details
    assert ">+33483738256<" not in details
    assert "·" not in details.split("<p", 3)[2]  # the phone line ends with the number
    assert f">06{NB}12{NB}34{NB}56{NB}78</a>" in page
    assert ">+41 22 123 45 67</a>" in page  # a foreign number as typed


def test_email_alone_has_no_separator(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(
        text("UPDATE accounts SET phone = NULL, email = 'contact@lambda.fr' WHERE id = :a"),
        {"a": LAMBDA},
    )
    details = _details(api_as(4).get(f"/comptes/{LAMBDA}").text)
    assert '<p><a href="mailto:contact@lambda.fr">contact@lambda.fr</a></p>' in details
