"""JSON API routers, one per service module (same name)."""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
