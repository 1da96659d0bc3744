"""The offline outbox on a phone: a visit report queued without signal belongs to its writer.

A session that ends meanwhile (expired, revoked) does not lose it: the page asks for a login,
and once the writer is back it is sent, exactly once. Another rep logging in on the same
phone neither sends nor sees it. Logging out is a POST (the menu's button) and empties the
pages the service worker kept.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ARTIFACTS, log_in
from tests.web import EMAILS, PASSWORD

SHOTS = ARTIFACTS / "authz"
CAMILLE, JULIEN = 4, 5


def _reports(url: str, report: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM activities WHERE report = :r"), {"r": report}
        ).scalar_one()
    engine.dispose()
    return int(count)


def _camilles_account(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        account = conn.execute(
            text("SELECT min(account_id) FROM account_assignments WHERE owner_id = :r"),
            {"r": CAMILLE},
        ).scalar_one()
    engine.dispose()
    return int(account)


def _shot(page: Page, name: str) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def _queue_offline_then_lose_the_session(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None], report: str
) -> int:
    """Camille writes ``report`` without signal; her sessions end; the signal comes back and
    the replay meets a 401: the login prompt shows. Returns the account id."""
    account = _camilles_account(e2e_url)
    log_in(phone, CAMILLE)
    phone.goto(f"/comptes/{account}")
    phone.context.set_offline(True)
    phone.fill("textarea[name=report]", report)
    phone.click("button.send-report")
    phone.wait_for_function("() => window.fieldcrm.pending() === 1")
    assert "Enregistré sur le téléphone" in phone.locator(".visit-status").inner_text()
    e2e_sql(f"DELETE FROM user_sessions WHERE user_id = {CAMILLE}")  # revoked / expired
    phone.context.set_offline(False)
    phone.evaluate("window.fieldcrm.flush()")
    prompt = phone.locator("#login-prompt")
    prompt.wait_for()
    assert "Votre session a expiré : 1 envoi(s) en attente" in prompt.inner_text()
    assert phone.evaluate("window.fieldcrm.pending()") == 1, "the 401 kept the report"
    assert _reports(e2e_url, report) == 0
    return account


def _log_in_from_the_prompt(phone: Page, user_id: int) -> None:
    phone.click("#login-prompt a")
    phone.wait_for_url("**/login?next=*")
    phone.fill("input[name=email]", EMAILS[user_id])
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(lambda url: "/login" not in url)


def test_a_report_queued_offline_is_sent_once_after_its_writer_logs_in_again(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    report = "Rapport hors ligne de Camille — commande de 12 kg"
    account = _queue_offline_then_lose_the_session(phone, e2e_url, e2e_sql, report)
    _shot(phone, "login-prompt")
    _log_in_from_the_prompt(phone, CAMILLE)
    assert phone.url.endswith(f"/comptes/{account}"), "back on the page she was on"
    phone.wait_for_function("() => window.fieldcrm.pending() === 0")
    phone.evaluate("window.fieldcrm.flush()")
    phone.reload()
    phone.evaluate("window.fieldcrm.flush()")  # replays send nothing more
    assert _reports(e2e_url, report) == 1
    assert phone.evaluate("localStorage.getItem('fieldcrm.outbox')") == "[]"
    _shot(phone, "sent-after-login")


def test_another_rep_on_the_same_phone_neither_sends_nor_sees_it(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    report = "Rapport hors ligne que Julien ne doit pas envoyer"
    _queue_offline_then_lose_the_session(phone, e2e_url, e2e_sql, report)
    _log_in_from_the_prompt(phone, JULIEN)  # Camille's account is not his: 404 page
    phone.goto("/")
    phone.evaluate("window.fieldcrm.flush()")
    assert phone.evaluate("window.fieldcrm.pending()") == 0
    assert phone.locator("#login-prompt").count() == 0
    assert phone.locator("#offline-banner").is_hidden()
    assert report not in phone.content()
    assert _reports(e2e_url, report) == 0
    _shot(phone, "other-rep-sees-nothing")
    # Julien logs out with the menu's button: a POST, and the kept pages are dropped
    phone.evaluate("navigator.serviceWorker.ready")
    phone.reload()
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.goto("/comptes")
    assert phone.evaluate("caches.match('/comptes').then(r => !!r)")
    phone.click("form.logout button")
    phone.wait_for_url("**/login")
    assert not phone.evaluate("caches.match('/comptes').then(r => !!r)")
    assert not phone.evaluate("caches.match('/').then(r => !!r)")
    # Camille comes back: her report goes, once
    log_in(phone, CAMILLE)
    phone.wait_for_function("() => window.fieldcrm.pending() === 0")
    phone.evaluate("window.fieldcrm.flush()")
    assert _reports(e2e_url, report) == 1


def test_logging_out_by_a_link_does_nothing(phone: Page) -> None:
    log_in(phone, CAMILLE)
    phone.goto("/logout")
    assert phone.locator(".who").inner_text() == "Camille Martin"  # still logged in
