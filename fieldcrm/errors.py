"""Exception tree shared by every layer.

Entry points map these to HTTP statuses (``fieldcrm.api.errors``) or CLI exit codes;
nothing below them knows about either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class FieldcrmError(Exception):
    """Base of every error fieldcrm raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: which field, what value, what is allowed."""

    field: str
    message: str
    value: Any = None
    allowed: str | None = None
    code: str | None = dataclasses.field(default=None, compare=False)
    """The message's French template (a catalogue msgid with ``%(name)s`` fields) when it has
    fields, so that a reader of another language gets it worded from ``params``."""
    params: Mapping[str, Any] | None = dataclasses.field(default=None, compare=False)
    allowed_code: str | None = dataclasses.field(default=None, compare=False)
    """``allowed``'s French template, filled from ``params`` like ``code``, when it has one."""

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}"
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text


class InvalidInput(FieldcrmError):
    """Input that cannot be used; carries every problem found, not only the first."""

    def __init__(
        self,
        field: str | None = None,
        message: str | None = None,
        *,
        value: Any = None,
        allowed: str | None = None,
        problems: Sequence[Problem] | None = None,
    ) -> None:
        found = list(problems or [])
        if field is not None:
            found.insert(0, Problem(field, message or "invalid value", value, allowed))
        if not found:
            raise ValueError("InvalidInput needs a field or a list of problems")
        self.problems: list[Problem] = found
        super().__init__("; ".join(str(p) for p in found))

    @property
    def field(self) -> str:
        """Name of the first faulty field."""
        return self.problems[0].field

    @classmethod
    def collect(cls, problems: Iterable[Problem]) -> None:
        """Raise once with all ``problems`` if there are any."""
        found = list(problems)
        if found:
            raise cls(problems=found)


class TooLarge(InvalidInput):
    """An input (an uploaded file) over its size cap: HTTP 413."""


class NotFound(FieldcrmError):
    """A referenced thing does not exist (or is not visible to the actor)."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class Forbidden(FieldcrmError):
    """The actor may not do this."""


class Conflict(FieldcrmError):
    """The request clashes with the current state (duplicate, stale version, lock);
    ``field``: the input that clashes, when one does (a form shows the message beside it);
    ``code`` and ``params``: the message's French template (a catalogue msgid) and what fills
    it, when it has them, so that a reader of another language gets it worded from them."""

    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.field = field
        self.code = code
        self.params = params
        super().__init__(message)


class PreconditionRequired(FieldcrmError):
    """A write to an existing ``kind`` ``key`` that must name the version it read (the
    ``If-Match`` of an API client) named none: HTTP 428, nothing written."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(
            f"{kind} {key!r}: the If-Match header is required; GET the {kind} first and send "
            "its ETag as If-Match (without it a change made meanwhile would be overwritten)"
        )


class Infeasible(FieldcrmError):
    """A plan cannot satisfy its hard constraints; the message names the culprit."""


class RateLimited(FieldcrmError):
    """Too many attempts (logins): wait ``retry_after_s`` seconds."""

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class ExternalServiceError(FieldcrmError):
    """A remote service (geocoder, SMTP, SMS gateway, routing engine) failed."""
