"""Typed answers of the JSON API, one module per area (same names as the routers).

Every API operation declares its 2xx answer with one of these models (``response_model``), so
the OpenAPI document describes what is answered; rows that a store or service already defines
as a dataclass are reused as they are (one home for their shape), anything built as a dict in a
router has its model here. Error answers are declared once, in :mod:`.errors`.
"""
