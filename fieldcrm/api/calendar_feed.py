"""The rep's calendar feed: make, remake or revoke its secret URL, and the feed itself."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.schemas.errors import ErrorBody
from fieldcrm.services import calendar_feed as svc

router = APIRouter(prefix="/calendar", tags=["calendar"])
Rep = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="The rep (default: the caller)")]


class FeedStatus(BaseModel):
    """Whether the rep has a live feed (its URL is only shown when it is made)."""

    active: bool
    created_at: dt.datetime | None


class NewFeed(BaseModel):
    """A new feed: its URL, shown this once (only a digest of the token is kept)."""

    url: str = Field(description="Subscribe to it in a calendar app")
    created_at: dt.datetime


@router.get("/feed")
def feed_status(session: SessionDep, actor: CurrentUser, rep: Rep = None) -> FeedStatus:
    """Whether the rep's feed is live, and since when."""
    created = svc.feed_created_at(session, actor=actor, rep_id=rep or actor.id)
    return FeedStatus(active=created is not None, created_at=created)


@router.post("/feed", status_code=201)
def create_feed(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    rep: Rep = None,
) -> NewFeed:
    """Make the rep's feed, or a new one (the old URL stops working)."""
    token, created = svc.create_feed(
        session, actor=actor, rep_id=rep or actor.id, settings=settings
    )
    return NewFeed(url=svc.feed_url(str(request.base_url), token), created_at=created)


@router.delete("/feed", status_code=204)
def revoke_feed(session: SessionDep, actor: CurrentUser, rep: Rep = None) -> Response:
    """Revoke the rep's feed: its URL answers 404 from now on."""
    svc.revoke_feed(session, actor=actor, rep_id=rep or actor.id)
    return Response(status_code=204)


@router.get(
    "/feed.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
        404: {"description": "Unknown or revoked", "model": ErrorBody},
    },
)
def feed(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Query(max_length=200, description="The feed's secret")] = "",
) -> Response:
    """The rep's appointments (30 days back, 180 ahead) in iCalendar; no login, the token is the key."""
    body = svc.feed_ics(session, token=token, settings=settings)
    return Response(
        body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": "inline; filename=agenda.ics",
        },
    )
