"""The API reference pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served with their
assets from ``/static/vendor`` so they work without internet and under a script policy that
allows this site's files only (Swagger UI's start-up is ``/static/js/swagger-init.js``).

Mounted at the root, without login (the OpenAPI document is public); not in the schema.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse

from fieldcrm.pages.templating import TEMPLATES

OPENAPI_URL = "/api/openapi.json"
FAVICON_URL = "/static/favicon.svg"
SWAGGER_JS = "/static/vendor/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "/static/vendor/swagger-ui/swagger-ui.css"
SWAGGER_INIT = "/static/js/swagger-init.js"
REDOC_JS = "/static/vendor/redoc/redoc.standalone.js"

router = APIRouter(include_in_schema=False)


def swagger_html(title: str) -> str:
    """Swagger UI's page, every asset local and no inline script."""
    return TEMPLATES.get_template("swagger.html").render(
        title=title,
        openapi_url=OPENAPI_URL,
        js_url=SWAGGER_JS,
        css_url=SWAGGER_CSS,
        init_url=SWAGGER_INIT,
        favicon_url=FAVICON_URL,
    )


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI on the app's OpenAPI document."""
    return HTMLResponse(swagger_html(f"{request.app.title} — API"))


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc on the app's OpenAPI document (no web fonts: nothing is fetched elsewhere)."""
    return get_redoc_html(
        openapi_url=OPENAPI_URL,
        title=f"{request.app.title} — API",
        redoc_js_url=REDOC_JS,
        redoc_favicon_url=FAVICON_URL,
        with_google_fonts=False,
    )
