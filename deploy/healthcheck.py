"""Health check of a fieldcrm container (Docker HEALTHCHECK, compose healthcheck).

``live``: the web app answers ``/healthz``; ``ready``: ``/readyz`` (database reachable,
migrations applied, a worker's heartbeat seen); ``worker``: a worker's heartbeat is recent
(the same check as ``/readyz`` makes, read from the database). Exit 0 when healthy, 1 otherwise.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def _http_ok(path: str) -> bool:
    port = os.environ.get("FIELDCRM_PORT", "8000")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=4) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _worker_ok() -> bool:
    from fieldcrm.config import get_settings
    from fieldcrm.services.health import check_worker
    from fieldcrm.store.db import make_engine, make_sessionmaker

    settings = get_settings()
    sessions = make_sessionmaker(make_engine(settings.database_url))
    with sessions() as session:
        check = check_worker(session, max_age_s=settings.health_heartbeat_max_age_s)
    print(check.detail)
    return check.ok


def main(mode: str) -> int:
    """Run the check named ``mode``; 0 when healthy."""
    checks = {"live": lambda: _http_ok("/healthz"), "ready": lambda: _http_ok("/readyz")}
    checks["worker"] = _worker_ok
    if mode not in checks:
        print(f"usage: healthcheck.py {{{'|'.join(checks)}}}", file=sys.stderr)
        return 2
    return 0 if checks[mode]() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "live"))
