"""The API reference pages work with no internet: Swagger UI (/docs) and ReDoc (/redoc) render
the app's OpenAPI document from the assets the app serves, under its script policy."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, Route


def _offline(page: Page, server: str) -> list[str]:
    """Refuse every request that leaves the app (as on a server without internet); the list
    of the refused URLs."""
    refused: list[str] = []

    def handle(route: Route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return refused


def test_swagger_ui_renders_the_api_offline(phone: Page, server: str) -> None:
    refused = _offline(phone, server)
    phone.goto("/docs")
    phone.wait_for_selector(".swagger-ui .info .title")
    assert phone.locator(".swagger-ui .info .title").inner_text().startswith("fieldcrm")
    assert phone.locator(".opblock-summary-path", has_text="/api/auth/login").count() == 1
    assert refused == []  # and the phone fixture fails on any script the policy refused


def test_redoc_renders_the_api_offline(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server)
    page = context.new_page()
    refused = _offline(page, server)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/redoc")
    page.wait_for_selector("h1")
    assert page.locator("h1").first.inner_text().startswith("fieldcrm")
    assert page.get_by_text("/api/auth/login").count() >= 1
    # ReDoc's sidebar asks for Redocly's logo on its CDN: the policy refuses it, ReDoc hides
    # the image; nothing else is refused or fails
    assert [e for e in errors if "cdn.redoc.ly" not in e] == []
    assert refused == []
    context.close()
