"""Example gunicorn configuration: fieldcrm's ASGI app in uvicorn worker processes, behind a
reverse proxy (deploy/nginx/fieldcrm.conf) that terminates HTTPS.

Install the server extra (``uv sync --locked --extra server``, or ``pip install
'fieldcrm[server]'``), then::

    gunicorn -c deploy/gunicorn.conf.py

Every setting can be overridden from the environment (``FIELDCRM_GUNICORN_WORKERS``…) without
editing this file. Several app servers may share one database: sessions and login throttling
live in PostgreSQL, and the file caches (road graph, gazetteer) reload when their file changes.
"""

from __future__ import annotations

import multiprocessing
import os

from fieldcrm.config import get_settings
from fieldcrm.logs import logging_config


def _workers(cpus: int) -> int:
    """Worker processes for ``cpus`` cores: gunicorn's (2 × cores) + 1, at most 9 — each worker
    holds its own road graph and gazetteer in memory."""
    return min(2 * cpus + 1, 9)


# the app factory, called once in each worker (it also warms up the caches in the background)
wsgi_app = "fieldcrm.app:app_from_settings()"
# uvicorn's worker class for gunicorn (the `uvicorn-worker` package; `uvicorn.workers` is the
# same class, deprecated in uvicorn itself)
worker_class = "uvicorn_worker.UvicornWorker"
bind = os.environ.get("FIELDCRM_GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FIELDCRM_GUNICORN_WORKERS", _workers(multiprocessing.cpu_count())))
# X-Forwarded-For / -Proto are trusted from the reverse proxy only: the client's address
# (login throttling, audit) and the https scheme (secure cookies, CSRF origin check)
forwarded_allow_ips = os.environ.get("FIELDCRM_FORWARDED_ALLOW_IPS", "127.0.0.1")
# a request never runs longer than the proxy waits (proxy_read_timeout 60s): long work is a job
timeout = 75
# on SIGTERM (systemctl stop/reload, a deploy) workers finish their requests first
graceful_timeout = 30
keepalive = 5  # behind nginx's upstream keepalive
# a worker is replaced after this many requests (jitter: not all at once), bounding any leak
max_requests = 2000
max_requests_jitter = 200
# the app writes one access line per request itself (with its request id): none from gunicorn
accesslog = None
# fieldcrm's log format for everything; gunicorn's own loggers go through it too
logconfig_dict = {
    **logging_config(get_settings()),
    "loggers": {
        "gunicorn.error": {"handlers": [], "propagate": True},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}
