"""Log lines: JSON or text, carrying the request or job id bound where they were written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from fieldcrm.config import Settings
from fieldcrm.logs import configure_logging, job_context, job_id, request_context, request_id


@pytest.fixture
def restore_root() -> Iterator[None]:
    """Put the root logger back as it was (pytest's own handlers included)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _configured(log_format: str, level: str = "INFO") -> io.StringIO:
    buffer = io.StringIO()
    configure_logging(
        Settings(log_format=log_format, log_level=level, _env_file=None), stream=buffer
    )
    return buffer


@pytest.mark.usefixtures("restore_root")
def test_json_lines_carry_the_job_id_inside_job_context_only() -> None:
    buffer = _configured("json")
    log = logging.getLogger("fieldcrm.test")
    with job_context(42):
        assert job_id.get() == "42"
        log.warning("sending %d e-mails", 3)
    log.warning("outside")
    inside, outside = (json.loads(line) for line in buffer.getvalue().splitlines())
    assert inside["job_id"] == "42" and inside["message"] == "sending 3 e-mails"
    assert inside["level"] == "WARNING" and inside["logger"] == "fieldcrm.test"
    assert "request_id" not in inside
    assert "job_id" not in outside and job_id.get() is None


@pytest.mark.usefixtures("restore_root")
def test_json_lines_carry_the_exception_text() -> None:
    buffer = _configured("json")
    with request_context("req-1"):
        try:
            raise ValueError("bad number")
        except ValueError:
            logging.getLogger("fieldcrm.test").exception("failed")
    [line] = (json.loads(raw) for raw in buffer.getvalue().splitlines())
    assert line["request_id"] == "req-1" and request_id.get() is None
    assert "ValueError: bad number" in line["exception"]
    assert "Traceback" in line["exception"]


@pytest.mark.usefixtures("restore_root")
def test_text_lines_show_the_ids_and_honour_the_level() -> None:
    buffer = _configured("text", level="warning")
    log = logging.getLogger("fieldcrm.test")
    with request_context("req-9"), job_context("j7"):
        log.info("hidden below the level")
        log.warning("shown")
    [line] = buffer.getvalue().splitlines()
    assert line.endswith("WARNING fieldcrm.test [req=req-9 job=j7]: shown")


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="log_level"):
        Settings(log_level="chatty", _env_file=None)
