"""Security headers on every response: a nonce-based Content-Security-Policy, no framing, no
sniffing, and no storing of anything but static files (``Cache-Control: no-store``).

Pages mark their inline scripts with the request's nonce (``csp_nonce`` in templates); any
other inline script, ``javascript:`` URL or event-handler attribute is refused by the browser.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

TILE_HOSTS = "https://tile.openstreetmap.org https://*.tile.openstreetmap.org"
STATIC = "/static/"
"""Static files (CSS, scripts, icons) keep their HTTP caching; every other answer without a
``Cache-Control`` of its own (a chart's short private one, say) is ``no-store``."""
DOCS_PATHS = frozenset({"/docs", "/redoc"})
"""The API reference pages (Swagger UI, ReDoc), answered with :func:`docs_policy`."""


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
    """The API reference pages: Swagger UI and ReDoc from ``/static/vendor``, started by this
    site's script files (no inline script); they inject styles, and ReDoc searches in a worker."""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
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
    docs = request.url.path in DOCS_PATHS
    response.headers["Content-Security-Policy"] = docs_policy() if docs else page_policy(nonce)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if "cache-control" not in response.headers and not request.url.path.startswith(STATIC):
        # pages and API answers hold someone's data: neither a shared phone's back button
        # nor a proxy keeps them (the service worker's offline copy is its own cache)
        response.headers["Cache-Control"] = "no-store"
    return response


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_COOKIE = "fieldcrm_session"
CREDENTIAL_PATHS = frozenset({"/login", "/api/auth/login"})


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def cross_site_write(request: Request) -> bool:
    """Whether a cookie-authenticated write comes from another origin (CSRF).

    A write that carries the session cookie and no bearer token must come from this site:
    its ``Origin`` (or, failing that, its ``Referer``) must be the app's own scheme, host and
    port — a page on another port of the same host is another origin. API clients that send
    ``Authorization: Bearer`` are not exposed (browsers never add that header on their own).
    """
    if request.method not in UNSAFE_METHODS or SESSION_COOKIE not in request.cookies:
        return False
    if request.url.path in CREDENTIAL_PATHS:  # they check a password, not the cookie
        return False
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return False
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.lower() != own
    referer = request.headers.get("referer")
    return referer is None or _origin_of(referer) != own


async def csrf_guard(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Middleware: refuse cross-site writes made with the session cookie (403, in French)."""
    if cross_site_write(request):
        message = "requête refusée : elle ne vient pas de cette application (protection CSRF)"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message, "error": "Forbidden"}, status_code=403)
        return PlainTextResponse(message, status_code=403)
    return await call_next(request)


_SCRIPT_TAG = re.compile(r"<script(?=[\s>])")


def nonced(fragment: str, nonce: str) -> Markup:
    """A server-built HTML fragment (a map's head assets) with ``nonce`` on each script tag.

    Only for HTML the server assembles from its own assets; never for user text.
    """
    return Markup(_SCRIPT_TAG.sub(f'<script nonce="{nonce}"', fragment))
