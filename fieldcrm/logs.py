"""Logging: text or JSON lines on stderr, each line carrying the current request or job id.

The web app binds a request id per request (``fieldcrm.http.request_log``); the worker wraps
each job in :func:`job_context`. ``configure_logging(settings)`` sets up the root logger; the
same configuration (:func:`logging_config`) is handed to uvicorn so its worker processes log
alike.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldcrm.config import Settings

request_id: ContextVar[str | None] = ContextVar("fieldcrm_request_id", default=None)
"""Id of the HTTP request being served (``X-Request-ID``), if any."""
job_id: ContextVar[str | None] = ContextVar("fieldcrm_job_id", default=None)
"""Id of the background job being run, if any."""

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s"
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "context",
    "request_id",
    "job_id",
    "color_message",  # uvicorn's coloured copy of the message
}


def bind_request_id(value: str) -> Token[str | None]:
    """Bind ``value`` as the current request id; reset with ``request_id.reset(token)``."""
    return request_id.set(value)


def bind_job(value: int | str) -> Token[str | None]:
    """Bind ``value`` as the current job id; reset with ``job_id.reset(token)``."""
    return job_id.set(str(value))


@contextmanager
def request_context(value: str) -> Iterator[str]:
    """Log lines inside the block carry ``value`` as their request id."""
    token = bind_request_id(value)
    try:
        yield value
    finally:
        request_id.reset(token)


@contextmanager
def job_context(value: int | str) -> Iterator[str]:
    """Log lines inside the block carry ``value`` as their job id."""
    token = bind_job(value)
    try:
        yield str(value)
    finally:
        job_id.reset(token)


class ContextFilter(logging.Filter):
    """Stamp each record with the current ``request_id`` and ``job_id`` (``None`` when unset)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the ids; never drops a record."""
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        if getattr(record, "job_id", None) is None:
            record.job_id = job_id.get()
        pairs = (("req", record.__dict__["request_id"]), ("job", record.__dict__["job_id"]))
        ids = [f"{k}={v}" for k, v in pairs if v]
        record.context = f" [{' '.join(ids)}]" if ids else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, ids when set, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "job_id"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(
    settings: Settings, *, stream: IO[str] | str = "ext://sys.stderr"
) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` dictionary for ``settings`` (format and level)."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if settings.log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": f"{__name__}.ContextFilter"}},
        "formatters": {"fieldcrm": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": stream,
                "formatter": "fieldcrm",
                "filters": ["context"],
            }
        },
        "root": {"level": settings.log_level.upper(), "handlers": ["stderr"]},
    }


def configure_logging(settings: Settings, *, stream: IO[str] | None = None) -> None:
    """Send every log record to stderr (or ``stream``) in ``settings.log_format``."""
    logging.config.dictConfig(logging_config(settings, stream=stream or "ext://sys.stderr"))
