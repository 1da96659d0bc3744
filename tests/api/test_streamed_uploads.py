"""An upload sent without a length (chunked) over ``FIELDCRM_UPLOAD_MAX_MB`` is refused like a
declared one: 413 with the same French message, on every upload route (the API imports, the
``/import`` page, the territories' GeoJSON import), and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

ADMIN = 3
BOUNDARY = "fieldcrm-test-boundary"
TOO_BIG = "fichier trop volumineux : 0,01 Mo au plus."
CSV = b"Raison sociale;Ville\n" + "Café du Port;Nice\n".encode() * 6000  # 114 kB
COUNTS = (
    "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM jobs),"
    " (SELECT count(*) FROM territories), (SELECT count(*) FROM audit_log)"
)


def _multipart(fields: dict[str, str], data: bytes) -> bytes:
    """A multipart/form-data body with ``fields`` and ``data`` as the file."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="gros.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _streamed(body: bytes, chunk: int = 8192) -> Iterator[bytes]:
    """The body as a generator: httpx sends it chunked, with no Content-Length."""
    for start in range(0, len(body), chunk):
        yield body[start : start + chunk]


@pytest.fixture
def admin(api_as: ClientFactory) -> TestClient:
    """The admin, with a cap of 10 kB (+ 64 kB of room for the form)."""
    client = api_as(ADMIN)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.settings = settings.model_copy(update={"upload_max_mb": 0.01})  # type: ignore[attr-defined]
    return client


FORM = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/imports/accounts", {}),
        ("/api/imports/accounts/jobs", {}),
        ("/import", {"kind": "accounts"}),
    ],
)
def test_a_chunked_upload_over_the_cap_is_a_413_like_a_declared_one(
    admin: TestClient, demo_db: Session, path: str, fields: dict[str, str]
) -> None:
    body = _multipart(fields, CSV)
    before = tuple(demo_db.execute(text(COUNTS)).one())
    declared = admin.post(path, content=body, headers=FORM)
    streamed = admin.post(path, content=_streamed(body), headers=FORM)
    assert "content-length" not in {k.lower() for k in streamed.request.headers}
    assert streamed.request.headers["transfer-encoding"] == "chunked"
    assert (declared.status_code, streamed.status_code) == (413, 413), streamed.text[:300]
    if path.startswith("/api/"):
        assert streamed.json() == declared.json()
        assert streamed.json()["field"] == "file"
        assert TOO_BIG in streamed.json()["message"]
    else:
        assert TOO_BIG in streamed.text and TOO_BIG in declared.text
    assert tuple(demo_db.execute(text(COUNTS)).one()) == before
    # a small file sent the same way goes through (the cap, not the chunking, refused it)
    small = _multipart(fields, b"Raison sociale;Ville\nCaf\xc3\xa9 Chunk;Nice\n")
    assert admin.post(path, content=_streamed(small, 16), headers=FORM).status_code in (
        200,
        202,
        303,
    )


def test_a_chunked_geojson_import_over_the_cap_is_a_413(
    admin: TestClient, demo_db: Session
) -> None:
    padding = "x" * 120_000
    body = f'{{"type": "FeatureCollection", "features": [], "pad": "{padding}"}}'.encode()
    before = tuple(demo_db.execute(text(COUNTS)).one())
    json_type = {"Content-Type": "application/json"}
    streamed = admin.post("/api/territories/import", content=_streamed(body), headers=json_type)
    assert streamed.status_code == 413, streamed.text[:300]
    assert TOO_BIG in streamed.json()["message"]
    assert admin.post("/api/territories/import", content=body, headers=json_type).status_code == 413
    assert tuple(demo_db.execute(text(COUNTS)).one()) == before
