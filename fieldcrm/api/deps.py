"""API dependencies (shared with the pages, defined once in :mod:`fieldcrm.http.deps`), and the
``If-Match`` header of optimistic concurrency."""

from typing import Annotated

from fastapi import Depends, Header

from fieldcrm.errors import InvalidInput
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.store.versions import UNSENT, Expected

__all__ = ["CurrentUser", "IfMatch", "SessionDep", "SettingsDep", "etag"]


def etag(version: int) -> str:
    """The ``ETag`` of a row's version (accounts, territories, rules): ``"3"``."""
    return f'"{version}"'


def if_match_version(
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> Expected:
    """The version an ``If-Match`` header names (``"3"`` or ``W/"3"``); ``None`` for ``*``
    (any version: no check, the client says so); :data:`~fieldcrm.store.versions.UNSENT`
    when absent or blank: a write to an existing row then answers 428 (the client must read
    the row's ``ETag`` first), once the caller is known to be allowed."""
    if if_match is None or not if_match.strip():
        return UNSENT
    if if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 9:
        raise InvalidInput(
            "If-Match", "ETag inconnu", value=if_match, allowed='l’ETag reçu, par ex. "3"'
        )
    return int(tag)


IfMatch = Annotated[Expected, Depends(if_match_version)]
"""The version the client read (``If-Match``), checked by the edit: 409 in French when stale,
428 in French when missing (routes using it document the 428: ``api.schemas.errors``)."""
