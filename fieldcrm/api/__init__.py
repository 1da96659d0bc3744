"""JSON API routers, one per service module (same name), mounted under ``/api``."""

from __future__ import annotations

from fastapi import APIRouter

from fieldcrm.api import (
    account_map,
    accounts,
    alerts,
    appointments,
    assignment,
    auth,
    calendar_feed,
    costs,
    exports,
    gdpr,
    geocoding,
    imports,
    jobs,
    planning,
    roads,
    rules,
    tasks,
    territories,
    users,
    visits,
)
from fieldcrm.api.schemas.errors import declare_errors

ROUTERS: list[APIRouter] = [
    auth.router,
    accounts.router,
    account_map.router,
    users.router,
    visits.router,
    alerts.router,
    tasks.router,
    rules.router,
    gdpr.router,
    imports.router,
    jobs.router,
    exports.router,
    territories.router,
    assignment.router,
    geocoding.router,
    planning.router,
    appointments.router,
    calendar_feed.router,
    roads.router,
    costs.router,
]
declare_errors(ROUTERS)
