"""Nothing behind the login is kept by a browser's history or a proxy (``no-store``); static
files keep their HTTP caching (QA 22: a shared phone's back button showed a rep's accounts)."""

from __future__ import annotations

from tests.web import ClientFactory


def test_an_authenticated_page_and_an_api_answer_are_not_stored(api_as: ClientFactory) -> None:
    camille = api_as(4)
    page = camille.get("/comptes")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    answer = camille.get("/api/accounts")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert answer.headers["cache-control"] == "no-store"
    refused = camille.get("/api/territories/gaps")  # a refusal names what was asked: the same
    assert refused.status_code == 403 and refused.headers["cache-control"] == "no-store"


def test_a_static_file_keeps_its_caching_and_a_routes_own_choice_stays(
    api_as: ClientFactory,
) -> None:
    camille = api_as(4)
    css = camille.get("/static/css/app.css")
    assert css.status_code == 200
    assert "no-store" not in css.headers.get("cache-control", "")
    assert css.headers.get("etag") or css.headers.get("last-modified")  # revalidated, not refetched
    worker = camille.get("/sw.js")  # its own rule: always revalidated, never kept stale
    assert worker.headers["cache-control"] == "no-cache"
