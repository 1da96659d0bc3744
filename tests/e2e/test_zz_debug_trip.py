from playwright.sync_api import Page
from tests.e2e.conftest import log_in


def test_debug(phone: Page) -> None:
    logs = []
    phone.on("console", lambda m: logs.append(m.text))
    log_in(phone, 6)
    phone.goto("/tournee")
    print("SCRIPTS", phone.evaluate("() => Array.from(document.scripts).map(s => s.src)"))
    print("FORM", phone.evaluate("() => document.querySelector('form[data-submit-once]') !== null"))
    r = phone.request.get("/static/js/submit-once.js")
    print("STATIC", r.status, r.text()[:80])
    held = []
    phone.route("**/tournee/planifier", lambda route: held.append(route))
    phone.click("#plan-trip", no_wait_after=True)
    phone.wait_for_timeout(500)
    print("HELD", len(held))
    print("STATE", phone.evaluate("() => [document.querySelector('form[data-submit-once]').dataset.sent, document.getElementById('plan-trip').disabled]"))
    print("LOGS", logs)
    phone.unroute("**/tournee/planifier")
    held[0].continue_()
    phone.wait_for_url("**/taches/*")
