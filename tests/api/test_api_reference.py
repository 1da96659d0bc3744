"""/docs (Swagger UI) and /redoc (ReDoc) work without internet: every asset they reference is
served by the app, and their policy allows no inline script and no other host."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from fieldcrm.app import create_app
from fieldcrm.config import Settings
from tests.web import TEST_SECRET

ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"')
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
EXPECTED_ASSETS = {
    "/docs": {
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/js/swagger-init.js",
        "/static/favicon.svg",
    },
    "/redoc": {"/static/vendor/redoc/redoc.standalone.js", "/static/favicon.svg"},
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    settings = Settings(
        database_url="postgresql+psycopg://unused/unused",
        secret_key=TEST_SECRET,
        secure_cookies=False,
        _env_file=None,
    )
    return TestClient(create_app(settings, sessions=sessionmaker()))


@pytest.mark.parametrize("path", sorted(EXPECTED_ASSETS))
def test_reference_page_uses_local_assets_only(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert re.findall(r"https?://", html) == []  # no CDN, no web fonts
    assert set(ASSET.findall(html)) == EXPECTED_ASSETS[path]
    scripts = SCRIPT.findall(html)
    assert scripts, "the page starts its viewer from a script file"
    assert [body for attrs, body in scripts if "src=" not in attrs or body.strip()] == []


@pytest.mark.parametrize("path", sorted(EXPECTED_ASSETS))
def test_reference_page_policy_allows_only_this_site_s_scripts(
    client: TestClient, path: str
) -> None:
    policy = client.get(path).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "http" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("asset", sorted(set().union(*EXPECTED_ASSETS.values())))
def test_reference_assets_are_served(client: TestClient, asset: str) -> None:
    response = client.get(asset)
    assert response.status_code == 200
    assert len(response.content) > 100


def test_swagger_starts_on_the_app_s_openapi_document(client: TestClient) -> None:
    html = client.get("/docs").text
    assert 'data-openapi-url="/api/openapi.json"' in html
    init = client.get("/static/js/swagger-init.js").text
    assert "SwaggerUIBundle(" in init and "data-openapi-url" in init
    assert client.get("/api/openapi.json").json()["info"]["title"] == "fieldcrm"
    assert 'spec-url="/api/openapi.json"' in client.get("/redoc").text


def test_vendored_viewers_carry_their_licences(client: TestClient) -> None:
    for asset in ("/static/vendor/swagger-ui/LICENSE", "/static/vendor/redoc/LICENSE"):
        assert client.get(asset).status_code == 200
    assert "Apache License" in client.get("/static/vendor/swagger-ui/LICENSE").text
    assert "MIT License" in client.get("/static/vendor/redoc/LICENSE").text
