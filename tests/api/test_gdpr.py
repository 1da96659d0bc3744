"""RGPD: a contact's record, its erasure (the audit keeps only the fact), prospects past retention."""

from __future__ import annotations

import datetime as dt
import html

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory


def _contact(db: Session) -> tuple[int, str]:
    row = db.execute(
        text(
            "SELECT id, coalesce(first_name || ' ', '') || last_name AS name FROM contacts ORDER BY id LIMIT 1"
        )
    ).one()
    return row.id, row.name


def test_admin_exports_then_erases_a_contact(api_as: ClientFactory, demo_db: Session) -> None:
    contact_id, name = _contact(demo_db)
    demo_db.execute(
        text(
            "INSERT INTO notifications (user_id, channel, subject, body) VALUES (4, 'in_app', 'Rappel', :b)"
        ),
        {"b": f"Rencontrer le successeur de {name} avant juillet"},
    )
    demo_db.execute(
        text(
            "INSERT INTO audit_log (action, entity, entity_id, changes) VALUES ('update', 'contact', :id, CAST(:c AS jsonb))"
        ),
        {"id": str(contact_id), "c": '{"phone": ["06 00 00 00 00", "06 11 11 11 11"]}'},
    )
    demo_db.commit()  # a refused request below rolls back to the last commit
    admin = api_as(3)
    record = admin.get(f"/api/gdpr/contacts/{contact_id}").json()
    assert record["contact"]["last_name"] in name and record["messages"]
    assert api_as(1).delete(f"/api/gdpr/contacts/{contact_id}").status_code == 403
    erased = admin.delete(f"/api/gdpr/contacts/{contact_id}")
    assert erased.status_code == 200 and erased.json()["messages_scrubbed"] >= 1
    assert admin.get(f"/api/gdpr/contacts/{contact_id}").status_code == 404
    left = demo_db.execute(
        text("SELECT count(*) FROM notifications WHERE position(:n IN body) > 0"), {"n": name}
    ).scalar_one()
    assert left == 0
    trail = demo_db.execute(
        text(
            "SELECT action, changes FROM audit_log WHERE entity = 'contact' AND entity_id = :id ORDER BY id"
        ),
        {"id": str(contact_id)},
    ).all()
    assert trail[-1].action == "erase" and all(r.changes is None for r in trail)


def test_prospects_without_contact_for_three_years_are_listed_and_deleted(
    api_as: ClientFactory, demo_db: Session
) -> None:
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    new_id = demo_db.execute(
        text(
            "INSERT INTO accounts (name, kind, created_at) VALUES ('Prospect oublié', 'prospect', :c) RETURNING id"
        ),
        {"c": old},
    ).scalar_one()
    admin = api_as(3)
    listed = {p["id"] for p in admin.get("/api/gdpr/stale-prospects").json()}
    assert new_id in listed
    assert 1 not in listed  # LAMBDA is a client with recent sales
    deleted = admin.post("/api/gdpr/stale-prospects/delete", json={"ids": [new_id, 1]})
    assert deleted.json() == {"deleted": 1}, "only stale prospects are deleted"
    assert (
        demo_db.execute(
            text("SELECT count(*) FROM accounts WHERE id IN (:a, 1)"), {"a": new_id}
        ).scalar_one()
        == 1
    )


def test_gdpr_page_is_for_admins(api_as: ClientFactory, demo_db: Session) -> None:
    contact_id, name = _contact(demo_db)
    assert api_as(1).get("/rgpd").status_code == 403
    page = api_as(3).get(f"/rgpd?contact={contact_id}")
    assert page.status_code == 200 and 'id="contact-record"' in page.text
    # The erase button's confirmation names who is erased, not "this contact".
    confirm = page.text.split(f'action="/rgpd/contacts/{contact_id}/effacer" data-confirm="', 1)[1]
    assert html.unescape(confirm.split('"', 1)[0]).startswith(f"Effacer définitivement {name} (")
    download = api_as(3).get(f"/rgpd/contacts/{contact_id}.json")
    assert (
        download.headers["content-disposition"].startswith("attachment")
        and download.json()["contact"]["id"] == contact_id
    )
