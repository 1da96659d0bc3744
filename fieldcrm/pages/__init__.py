"""HTML routers, one per screen people know."""

from __future__ import annotations

from fastapi import APIRouter

from fieldcrm.pages import alerts, day, dispatch, home, login, rules, territories, trip

ROUTERS: list[APIRouter] = [
    login.router,
    home.router,
    day.router,
    trip.router,
    territories.router,
    dispatch.router,
    rules.router,
    alerts.router,
]
