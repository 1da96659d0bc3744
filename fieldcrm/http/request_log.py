"""A request id for every request, sent back in ``X-Request-ID``, and one access log line.

An incoming ``X-Request-ID`` (from a proxy or a client) is kept when it is a short, safe token,
so one id follows a request across services; anything else is replaced by a fresh id, so a
header cannot forge log lines (newlines) or flood them (length).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldcrm import logs

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
"""What an incoming id may be: up to 64 letters, digits, ``.``, ``_``, ``:`` or ``-``."""

access_log = logging.getLogger("fieldcrm.access")


def request_id_for(incoming: str | None) -> str:
    """``incoming`` when it is a short safe token, else a new random id."""
    if incoming is not None and SAFE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def with_request_id(response: Response) -> Response:
    """Add the current request id to a response built outside the middleware (the 500 handler)."""
    current = logs.request_id.get()
    if current:
        response.headers[HEADER] = current
    return response


def _access(scope: Scope, status: int, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    method, path = scope.get("method", "?"), scope.get("path", "?")
    access_log.info(
        "%s %s %d %.1f ms",
        method,
        path,
        status,
        duration_ms,
        extra={"method": method, "path": path, "status": status, "duration_ms": duration_ms},
    )


class RequestLog:
    """ASGI middleware: bind the request id, answer it in ``X-Request-ID``, log the access line.

    The path is logged without its query string (which may hold tokens). When the app raises,
    the line says 500 and the id stays bound, so the error handler that runs outside this
    middleware logs the exception under the same id.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request (other ASGI events pass through)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_for(Headers(scope=scope).get(HEADER))
        scope.setdefault("state", {})["request_id"] = rid
        token = logs.bind_request_id(rid)
        started = time.perf_counter()
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            _access(scope, status or 500, started)
            raise  # the id stays bound for the server-error handler
        _access(scope, status or 500, started)
        logs.request_id.reset(token)
