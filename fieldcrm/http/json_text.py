"""Text a JSON body cannot carry into fieldcrm: a lone UTF-16 surrogate, refused naming its field.

JSON lets a client write ``"\\ud800"``, half of a UTF-16 pair, which Python decodes into a
string no database, file or answer can encode. :class:`JsonTextCheck` reads the JSON body of
every write (any route: accounts, rules, territories, visits, appointments…) before the route
does, and refuses a body holding such a string with one 422 naming the field by its JSON path
(``name``, ``stops[2].title``) and the position, the message of
:func:`fieldcrm.accounts.fields.check_text`. Nothing has run, so nothing is written.

Only a body whose bytes hold a ``\\uD800``–``\\uDFFF`` escape is decoded here (then checked
string by string); any other body goes untouched to the route.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldcrm.accounts.fields import check_text
from fieldcrm.errors import InvalidInput
from fieldcrm.http.uploads import Refuse

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
"""A surrogate escape, paired or not: the decoded body decides (a pre-filter that tried to
tell pairs apart in the bytes was fooled by an escaped backslash, ``"\\\\ud800\\udc00"``)."""
_LONE = re.compile("[\ud800-\udfff]")


def _shown(path: str) -> str:
    """A path as a message can carry it (a surrogate in a key written as its escape)."""
    return _LONE.sub(lambda m: f"\\u{ord(m.group()):04x}", path)


def lone_surrogate(document: Any) -> InvalidInput | None:
    """The 422 of the first string (or key) of a decoded JSON ``document`` holding a lone
    surrogate, naming it by its path; None when there is none.

    >>> lone_surrogate({"name": "ok", "stops": [{"title": "caf\\ud800"}]}).field
    'stops[0].title'
    >>> lone_surrogate({"name": "caf\\u00e9"}) is None
    True
    """
    todo: list[tuple[str, Any]] = [("", document)]  # depth-first, without recursion
    while todo:
        path, value = todo.pop()
        if isinstance(value, str):
            if _LONE.search(value):
                try:
                    check_text(value, field=_shown(path) or "body", limit=len(value))
                except InvalidInput as problem:
                    return problem
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                where = f"{path}.{key}" if path else str(key)
                if _LONE.search(key):
                    return InvalidInput(
                        _shown(where), "nom de champ invalide (demi-paire UTF-16 isolée)"
                    )
                todo.append((where, item))
        elif isinstance(value, list):
            todo.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


def body_problem(body: bytes) -> InvalidInput | None:
    """:func:`lone_surrogate` of a JSON request body; None for a body without any surrogate
    escape (not decoded) or that is no JSON (the route answers it)."""
    if not _ESCAPE.search(body):
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return lone_surrogate(document)


def _is_json(scope: Scope) -> bool:
    kind = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    return not kind or kind == b"application/json" or kind.endswith(b"+json")


class JsonTextCheck:
    """ASGI middleware: a JSON write whose body holds a lone surrogate is answered 422 by
    ``refuse`` (the app's error handler) before the route reads it; other requests pass,
    with their body handed on as read."""

    def __init__(self, app: ASGIApp, *, refuse: Refuse) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left: nobody to answer
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = body_problem(body)
        if problem is not None:
            response = await self.refuse(Request(scope), problem)
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
