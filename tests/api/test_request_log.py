"""Every answer carries a request id; the JSON access and error lines carry the same id."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldcrm.config import Settings
from fieldcrm.http.request_log import request_id_for
from fieldcrm.logs import configure_logging

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Logging configured as ``FIELDCRM_LOG_FORMAT=json`` into a buffer; restored afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging(Settings(log_format="json", _env_file=None), stream=buffer)
    try:
        yield buffer
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line]


def _access_lines(buffer: io.StringIO, request_id: str) -> list[dict[str, Any]]:
    return [
        line
        for line in _lines(buffer)
        if line["logger"] == "fieldcrm.access" and line.get("request_id") == request_id
    ]


def test_the_access_line_carries_the_id_the_response_gives(
    anonymous: TestClient, json_logs: io.StringIO
) -> None:
    response = anonymous.get("/healthz?token=not-in-logs")
    rid = response.headers["X-Request-ID"]
    assert GENERATED.fullmatch(rid), "a fresh id when none was sent"
    [line] = _access_lines(json_logs, rid)
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /healthz 200 ")
    assert line["ts"].endswith("+00:00")
    assert "not-in-logs" not in json.dumps(line), "the query string is not logged"


def test_a_safe_incoming_id_is_kept(anonymous: TestClient, json_logs: io.StringIO) -> None:
    response = anonymous.get("/healthz", headers={"X-Request-ID": "lb-7f3a.21:x_y"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.21:x_y"
    assert len(_access_lines(json_logs, "lb-7f3a.21:x_y")) == 1


@pytest.mark.parametrize(
    "bad",
    ["x" * 500, "evil id", 'a"b', "<script>", ""],
    ids=["500 chars", "space", "quote", "markup", "empty"],
)
def test_an_unsafe_incoming_id_is_replaced(
    anonymous: TestClient, json_logs: io.StringIO, bad: str
) -> None:
    response = anonymous.get("/healthz", headers={"X-Request-ID": bad})
    rid = response.headers["X-Request-ID"]
    assert rid != bad and GENERATED.fullmatch(rid)
    assert len(_access_lines(json_logs, rid)) == 1
    if bad:
        assert bad not in json_logs.getvalue()


def test_a_newline_in_the_incoming_id_is_replaced() -> None:
    # HTTP clients refuse to send a newline in a header, so the rule is checked directly
    assert GENERATED.fullmatch(request_id_for("abc\nlevel=ERROR fake line"))
    assert GENERATED.fullmatch(request_id_for("abc\r\n"))
    assert GENERATED.fullmatch(request_id_for(None))
    assert request_id_for("a" * 64) == "a" * 64
    assert GENERATED.fullmatch(request_id_for("a" * 65))


def test_a_server_error_is_traceable_by_request_id(
    anonymous: TestClient, json_logs: io.StringIO
) -> None:
    app = anonymous.app
    assert isinstance(app, FastAPI)

    def explode() -> None:
        raise RuntimeError("boom in a handler")

    app.add_api_route("/api/test-explode", explode)
    response = anonymous.get("/api/test-explode", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "trace-500"
    reference = response.json()["reference"]
    assert "boom" not in response.text
    errors = [
        line
        for line in _lines(json_logs)
        if line["level"] == "ERROR" and line.get("request_id") == "trace-500"
    ]
    assert len(errors) == 1
    [error] = errors
    assert error["reference"] == reference and reference in error["message"]
    assert "RuntimeError: boom in a handler" in error["exception"]
    [access] = _access_lines(json_logs, "trace-500")
    assert access["status"] == 500
