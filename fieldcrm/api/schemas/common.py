"""Building blocks shared by the answer models: exact JSON for free-form parts, GeoJSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, BeforeValidator, ConfigDict

JsonObject = Annotated[dict[str, Any], BeforeValidator(jsonable_encoder)]
"""A free-form JSON object (stored columns, a stored document), encoded exactly as FastAPI
encodes a plain dict (numbers stay numbers, dates are ISO text)."""

JsonList = Annotated[list[Any], BeforeValidator(jsonable_encoder)]
"""A free-form JSON array, encoded as :data:`JsonObject`."""


class Strict(BaseModel):
    """An answer built by a router: a key added there without its field here fails loudly
    (a 500 in the tests), instead of silently vanishing from the answer."""

    model_config = ConfigDict(extra="forbid")


class Geometry(BaseModel):
    """A GeoJSON geometry (``coordinates``, or ``geometries`` for a collection), WGS84."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"required": ["type"]})

    type: str


class StoredDocument(BaseModel):
    """A JSON document stored with a row and given back as it was stored (its known keys are
    described; keys added by later versions pass through)."""

    model_config = ConfigDict(extra="allow")
