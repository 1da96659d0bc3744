"""Logging in on a phone."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import log_in


def test_rep_logs_in_and_sees_the_menu(phone: Page) -> None:
    log_in(phone, 4)
    assert phone.locator("h1").inner_text() == "Bonjour Camille Martin"
    assert phone.locator(".who").inner_text() == "Camille Martin"


def test_wrong_password_stays_on_the_form(phone: Page) -> None:
    phone.goto("/login")
    phone.fill("input[name=email]", "camille.martin@cafes-riviera.fr")
    phone.fill("input[name=password]", "not-the-password")
    phone.click("button[type=submit]")
    assert phone.locator("[role=alert]").inner_text() == "E-mail ou mot de passe incorrect."


def test_pages_seen_once_open_without_signal(phone: Page) -> None:
    log_in(phone, 4)
    phone.evaluate("navigator.serviceWorker.ready")
    phone.reload()  # the worker now controls the page and keeps a copy
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.goto("/")
    phone.context.set_offline(True)
    try:
        phone.reload()
        assert phone.locator("h1").inner_text() == "Bonjour Camille Martin"
        assert phone.locator("#offline-banner").is_visible()
    finally:
        phone.context.set_offline(False)
