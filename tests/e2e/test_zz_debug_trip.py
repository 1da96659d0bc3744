from playwright.sync_api import Page, Route
from tests.e2e.conftest import log_in


def test_debug(phone: Page) -> None:
    log_in(phone, 6)
    phone.goto("/tournee")
    sent, reqs = [], []
    phone.on("request", lambda r: reqs.append((r.method, r.url)))

    def no_content(route: Route) -> None:
        sent.append(route.request.url)
        route.fulfill(status=204)

    phone.route("**/tournee/planifier", no_content)
    phone.click("#plan-trip")
    phone.wait_for_timeout(800)
    print("AFTER1", sent, phone.url, phone.is_disabled("#plan-trip"))
    phone.click("#plan-trip", force=True)
    phone.wait_for_timeout(800)
    print("AFTER2", sent, reqs)
    phone.evaluate("() => document.querySelector('form[data-submit-once]').requestSubmit()")
    phone.wait_for_timeout(800)
    print("AFTER3", sent)
