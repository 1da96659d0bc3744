"""Reading uploaded files, bounded in size (shared by the API and the pages).

The cap is ``FIELDCRM_UPLOAD_MAX_MB`` (:attr:`fieldcrm.config.Settings.upload_max_mb`). It is
checked twice: :class:`UploadLimit` refuses a request whose declared length is over it before
its body is read (nothing is spooled to disk), or whose body sent without a length (chunked)
grows over it while read; :func:`read_upload` refuses a file over it once parsed. All answer
413 with the same French message (:class:`fieldcrm.errors.TooLarge`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldcrm.errors import TooLarge

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""The default cap (the settings' ``upload_max_mb``)."""
FORM_SLACK_BYTES = 64 * 1024
"""Room for the multipart envelope and the other form fields around the file."""
UPLOAD_PATHS = ("/import", "/api/imports/", "/api/territories/import")
"""Routes that take a file (a path equal to one, or under one ending with ``/``)."""


def too_large(limit: int) -> TooLarge:
    """The error of a file over ``limit`` bytes, in French."""
    size = f"{limit / 1024 / 1024:.3g}".replace(".", ",")
    return TooLarge(
        "file",
        f"fichier trop volumineux : {size} Mo au plus. Découpez-le en plusieurs fichiers "
        "(l’administrateur peut relever la limite : FIELDCRM_UPLOAD_MAX_MB)",
    )


def upload_limit(settings: object) -> int:
    """The cap in bytes set by ``settings`` (``upload_max_mb``), else the default."""
    megabytes = getattr(settings, "upload_max_mb", None)
    return int(megabytes * 1024 * 1024) if megabytes else MAX_UPLOAD_BYTES


def read_upload(file: UploadFile, *, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The uploaded bytes, refused above ``limit`` (call it from a sync handler: it blocks)."""
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


def _guarded(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in UPLOAD_PATHS)


Refuse = Callable[[Request, Exception], Awaitable[Response]]


class UploadLimit:
    """ASGI middleware: a POST to an upload route declaring a body over the cap (plus
    :data:`FORM_SLACK_BYTES`) is answered 413 by ``refuse`` (the app's error handler: JSON
    for the API, the error page for screens) before anything is read; a body sent without a
    length stops being read once over the cap, and whatever the route made of the broken
    read (a 400 of its body parser) is replaced by the same 413: the handler never ran."""

    def __init__(self, app: ASGIApp, *, refuse: Refuse) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not _guarded(scope["path"]):
            await self.app(scope, receive, send)
            return
        app = scope.get("app")
        limit = upload_limit(getattr(getattr(app, "state", None), "settings", None))
        allowed = limit + FORM_SLACK_BYTES
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > allowed:
            response = await self.refuse(Request(scope), too_large(limit))
            await response(scope, receive, send)
            return
        received = 0
        over = started = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            received += len(message.get("body", b""))
            if received > allowed:
                over = True
                raise too_large(limit)  # stops the body parser; its answer is replaced below
            return message

        async def unless_over(message: Message) -> None:
            nonlocal started
            if not over:  # the route's answer to a body cut short is dropped
                started = True
                await send(message)

        try:
            await self.app(scope, counted, unless_over)
        except Exception:
            if not over:
                raise
        if over and not started:
            response = await self.refuse(Request(scope), too_large(limit))
            await response(scope, receive, send)
