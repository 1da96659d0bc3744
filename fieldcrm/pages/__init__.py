"""HTML routers, one per screen people know."""

from __future__ import annotations

from fastapi import APIRouter

from fieldcrm.pages import day, dispatch, home, login, territories, trip

ROUTERS: list[APIRouter] = [
    login.router,
    home.router,
    day.router,
    trip.router,
    territories.router,
    dispatch.router,
]
