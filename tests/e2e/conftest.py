"""Browser tests: the real app served by uvicorn on loopback, driven in headless Chromium.

The app runs on its own database seeded with the demo company as of ``DEMO_TODAY``; the
browser is Debian's Chromium (``FIELDCRM_CHROMIUM`` to override) at a phone's viewport.
Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from fieldcrm.app import create_app
from fieldcrm.config import Settings
from fieldcrm.store import migrate
from tests.conftest import DEMO_TODAY, _recreate, _server_url
from tests.web import EMAILS, PASSWORD, TEST_SECRET

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 390, "height": 844}
BEAUSOLEIL = {"latitude": 43.7425, "longitude": 7.4236}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def e2e_url() -> str:
    """Database URL of the browser tests' own seeded demo database."""
    from fieldcrm.services.demo import seed_demo

    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_e2e"
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        seed_demo(session, today=DEMO_TODAY, reset=True)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def server(e2e_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app served on loopback."""
    settings = Settings(
        database_url=e2e_url,
        road_cache_dir=tmp_path_factory.mktemp("roads"),
        secret_key=TEST_SECRET,
        secure_cookies=False,
        _env_file=None,
    )
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _chromium() -> str:
    path = (
        os.environ.get("FIELDCRM_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        raise RuntimeError("Chromium not found: run scripts/setup.sh (installs Debian's chromium)")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium."""
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=_chromium(), headless=True, args=["--no-sandbox", "--lang=fr-FR"]
        )
        yield b
        b.close()


@pytest.fixture
def phone(browser: Browser, server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone-sized page in French, located in Beausoleil; screenshot kept after the test."""
    context = browser.new_context(
        viewport=PHONE,
        locale="fr-FR",
        geolocation=BEAUSOLEIL,
        permissions=["geolocation"],
        base_url=server,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a script or handler the Content-Security-Policy refused is a broken page too
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def log_in(page: Page, user_id: int) -> None:
    """Log in through the form as a demo user."""
    page.goto("/login")
    page.fill("input[name=email]", EMAILS[user_id])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def e2e_sql(e2e_url: str) -> Iterator[Callable[[str], None]]:
    """Run a statement on the browser tests' database (committed: the server must see it)."""
    engine = create_engine(e2e_url)

    def run(statement: str) -> None:
        with engine.begin() as conn:
            conn.execute(text(statement))

    yield run
    engine.dispose()


def draw_rectangle(
    page: Page, map_selector: str, *, margin: float = 5, size: tuple[float, float] | None = None
) -> None:
    """Draw a rectangle with Leaflet.draw's tool on the map in ``map_selector`` (whole map by default)."""
    # the map must have settled (tiles requested, zoom animation over) before drawing on it
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".leaflet-draw-draw-rectangle")
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    box = page.locator(map_selector).bounding_box()
    assert box is not None, f"no map at {map_selector}"
    width, height = size or (box["width"] - 2 * margin, box["height"] - 2 * margin)
    page.click(".leaflet-draw-draw-rectangle")
    page.mouse.move(box["x"] + margin, box["y"] + margin)
    page.mouse.down()
    page.mouse.move(box["x"] + margin + width, box["y"] + margin + height, steps=8)
    page.mouse.up()


def run_worker_once(database_url: str, road_cache: Path, timeout_s: float = 180) -> str:
    """Run ``fieldcrm worker --once`` (the shipped command) on the browser tests' database
    until its queue is empty; its output. Fails the test if the worker fails."""
    import subprocess
    import sys

    env = {
        **os.environ,
        "FIELDCRM_DATABASE_URL": database_url,
        "FIELDCRM_SMTP_PORT": "1",
        "FIELDCRM_ROAD_CACHE_DIR": str(road_cache),
    }
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("fieldcrm")), "worker", "--once"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        output = worker.communicate(timeout=timeout_s)[0].decode()
    finally:
        worker.kill()
    assert worker.returncode == 0, output
    return output
