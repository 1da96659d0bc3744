"""HTML routers, one per screen people know."""

from __future__ import annotations

from fastapi import APIRouter

from fieldcrm.pages import (
    accounts,
    agenda,
    alerts,
    costs,
    day,
    dispatch,
    find_day,
    gdpr,
    geocoding,
    home,
    imports,
    jobs,
    login,
    picked_route,
    rules,
    tasks,
    territories,
    trip,
    users,
)

ROUTERS: list[APIRouter] = [
    login.router,
    home.router,
    day.router,
    agenda.router,
    trip.router,
    accounts.router,
    territories.router,
    dispatch.router,
    rules.router,
    alerts.router,
    tasks.router,
    costs.router,
    gdpr.router,
    imports.router,
    geocoding.router,
    jobs.router,
    users.router,
    find_day.router,
    picked_route.router,
]
