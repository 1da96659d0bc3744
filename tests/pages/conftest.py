"""API fixtures: ``api_as(user_id)`` gives the real app logged in as a demo user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web import ClientFactory, logged_in, make_client


@pytest.fixture
def api_as(demo_db: Session) -> Iterator[ClientFactory]:
    """Factory: ``api_as(4)`` is a client logged in as Camille Martin (rep), inside ``demo_db``."""
    with ExitStack() as stack:

        def factory(user_id: int) -> TestClient:
            return stack.enter_context(logged_in(demo_db, user_id))

        yield factory


@pytest.fixture
def anonymous(demo_db: Session) -> TestClient:
    """A client with no session."""
    return make_client(demo_db)
