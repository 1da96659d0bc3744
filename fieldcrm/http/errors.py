"""The one exception → HTTP status table, and the JSON body of an error."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError

from fieldcrm.errors import (
    Conflict,
    ExternalServiceError,
    FieldcrmError,
    Forbidden,
    Infeasible,
    InvalidInput,
    NotFound,
    PreconditionRequired,
    RateLimited,
    TooLarge,
)

log = logging.getLogger("fieldcrm.http")


class NotAuthenticated(FieldcrmError):
    """No valid session: the API answers 401, pages redirect to the login form."""


STATUS: dict[type[FieldcrmError], int] = {
    NotAuthenticated: 401,
    InvalidInput: 422,
    TooLarge: 413,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    PreconditionRequired: 428,
    Infeasible: 422,
    ExternalServiceError: 502,
    RateLimited: 429,
}


def status_for(exc: FieldcrmError) -> int:
    """HTTP status of a fieldcrm error (its closest class in :data:`STATUS`, else 400)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_body(exc: FieldcrmError) -> dict[str, Any]:
    """JSON body: ``detail`` message, and for invalid input the faulty ``field`` and every problem."""
    body: dict[str, Any] = {"detail": str(exc), "error": type(exc).__name__}
    if isinstance(exc, InvalidInput):
        body["field"] = exc.field
        body["problems"] = [
            {
                "field": p.field,
                "message": p.message,
                "value": None if p.value is None else str(p.value),
                "allowed": p.allowed,
            }
            for p in exc.problems
        ]
    return body


def data_error_message(exc: DataError) -> str:
    """A 422 message for a value the database cannot hold (NUL byte, out of range, bad date)."""
    diag = getattr(exc.orig, "diag", None)
    return f"invalid value: {getattr(diag, 'message_primary', None) or 'rejected by the database'}"


def integrity_message(exc: IntegrityError) -> str:
    """A 409 message for a database constraint the input broke, naming the constraint or column."""
    diag = getattr(exc.orig, "diag", None)
    what = getattr(diag, "column_name", None) or getattr(diag, "constraint_name", None) or "data"
    detail = getattr(diag, "message_detail", None)
    return f"conflict with stored data ({what})" + (f": {detail}" if detail else "")


def unexpected(exc: Exception) -> tuple[str, str]:
    """Log an unexpected error with a reference; return ``(reference, generic message)``."""
    ref = uuid.uuid4().hex[:12]
    # the request id (or job id) bound by the caller goes with the line: see fieldcrm.logs
    log.error("unexpected error, reference %s", ref, exc_info=exc, extra={"reference": ref})
    return ref, f"Erreur interne (référence {ref}) / internal error (reference {ref})"
