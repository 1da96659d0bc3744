"""``fieldcrm serve``: run the web app with uvicorn."""

from __future__ import annotations

import typer

from fieldcrm.cli.common import checked_database_url, console, settings
from fieldcrm.logs import configure_logging, logging_config


def serve(
    host: str = typer.Option("", help="Interface (default from settings: 127.0.0.1)."),
    port: int = typer.Option(0, help="Port (default from settings: 8000)."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Serve the web app and the JSON API (OpenAPI at /docs)."""
    import uvicorn

    config = settings()
    host = host or config.host
    port = port or config.port
    problems = config.serving_problems()
    if problems:
        for problem in problems:
            console.print(problem, style="bold red", markup=False)
        raise typer.Exit(1)
    checked_database_url()  # a missing local database: the set-up hint, not a traceback
    configure_logging(config)
    console.print(f"fieldcrm sur http://{host}:{port} (API : http://{host}:{port}/docs)")
    uvicorn.run(
        "fieldcrm.app:app_from_settings",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # our configuration in every worker process; one access line per request comes from
        # the app (with its request id), so uvicorn's own is off
        log_config=logging_config(config),
        log_level=config.log_level.lower(),
        access_log=False,
    )
