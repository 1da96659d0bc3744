"""``fieldcrm worker``: run the background worker (scheduled rules, notifications, imports…)."""

from __future__ import annotations

import typer

from fieldcrm.cli.common import checked_database_url, console, settings


def worker(
    once: bool = typer.Option(
        False, "--once", help="Traiter les tâches en attente puis s’arrêter."
    ),
    concurrency: int = typer.Option(0, help="Tâches menées de front (défaut : réglages, 2)."),
) -> None:
    """Run a worker: the periodic tick (notifications every minute, rules every night…) and
    the queued jobs. Start as many as you like, on any machine reaching the database."""
    from fieldcrm.worker.queue import run_worker

    checked_database_url()  # a missing local database: the set-up hint, not a traceback
    config = settings()
    if concurrency:
        config = config.model_copy(update={"worker_concurrency": concurrency})
    console.print(
        "fieldcrm worker : file « fieldcrm », "
        f"{config.worker_concurrency} tâche(s) de front, Ctrl-C pour arrêter"
    )
    run_worker(config, wait=not once)
