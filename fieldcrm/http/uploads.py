"""Reading uploaded files, bounded in size (shared by the API and the pages)."""

from __future__ import annotations

from fastapi import UploadFile

from fieldcrm.errors import InvalidInput

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def read_upload(file: UploadFile, *, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The uploaded bytes, refused above ``limit`` (call it from a sync handler: it blocks)."""
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput("file", f"larger than {limit // 1024 // 1024} MB")
    return data
