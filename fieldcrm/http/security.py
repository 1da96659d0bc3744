"""Security headers on every response: a nonce-based Content-Security-Policy, no framing, no sniffing.

Pages mark their inline scripts with the request's nonce (``csp_nonce`` in templates); any
other inline script, ``javascript:`` URL or event-handler attribute is refused by the browser.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

TILE_HOSTS = "https://tile.openstreetmap.org https://*.tile.openstreetmap.org"
SWAGGER_CDN = "https://cdn.jsdelivr.net"


def page_policy(nonce: str) -> str:
    """The policy of the app's own pages and API answers."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob: {TILE_HOSTS}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "worker-src 'self'",
            "manifest-src 'self'",
        )
    )


def docs_policy() -> str:
    """The API reference page (Swagger UI from its CDN; it shows no user data)."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'unsafe-inline' {SWAGGER_CDN}",
            f"style-src 'unsafe-inline' {SWAGGER_CDN}",
            "img-src 'self' data: https://fastapi.tiangolo.com",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


async def security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Middleware: give the request a CSP nonce and answer with the security headers."""
    nonce = secrets.token_urlsafe(18)
    request.state.csp_nonce = nonce
    response = await call_next(request)
    docs = request.url.path in ("/docs", "/docs/oauth2-redirect")
    response.headers["Content-Security-Policy"] = docs_policy() if docs else page_policy(nonce)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


_SCRIPT_TAG = re.compile(r"<script(?=[\s>])")


def nonced(fragment: str, nonce: str) -> Markup:
    """A server-built HTML fragment (a map's head assets) with ``nonce`` on each script tag.

    Only for HTML the server assembles from its own assets; never for user text.
    """
    return Markup(_SCRIPT_TAG.sub(f'<script nonce="{nonce}"', fragment))
