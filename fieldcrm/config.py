"""The one settings object, read from the environment (prefix ``FIELDCRM_``) or ``.env``.

Only entry points (app, cli) and services read it; the pure core never imports it.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
DEFAULT_SECRET = "change-me-in-production"
MIN_SECRET_BYTES = 32


def default_planner_workers() -> int:
    """Default of ``planner_workers``: two processes where there are two CPUs or more."""
    return min(2, os.cpu_count() or 1)


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as ``FIELDCRM_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="FIELDCRM_", env_file=".env", extra="ignore")

    # Database: empty means "the local default database that scripts/setup.sh prepared" (the app
    # itself never installs packages nor creates roles or databases).
    database_url: str = Field(default="", description="SQLAlchemy URL (postgresql+psycopg://…)")
    local_db_name: str = "fieldcrm"
    local_db_user: str = "fieldcrm"
    local_db_password: SecretStr = SecretStr("fieldcrm")
    local_db_port: int = 5432

    # Web. Outside development the app refuses to start with a weak secret (see
    # ``serving_problems``); ``make demo`` writes a generated one into the git-ignored .env.
    environment: Literal["production", "development"] = "production"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    secure_cookies: bool | None = None  # None: on outside development (HTTPS in front)
    default_language: Literal["fr", "en"] = "fr"
    host: str = "127.0.0.1"
    port: int = 8000
    upload_max_mb: float = Field(default=50.0, gt=0)  # largest import file (API and /import): 413

    # Sessions and login throttling (counted in the database: it holds across app servers)
    session_lifetime_hours: float = 14 * 24.0
    login_window_minutes: int = 15
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 30
    # A rep reaches (reads, edits, visits) an unassigned prospect within this distance of their
    # home; farther ones are neither listed "around me" nor readable by id (issue 16).
    nearby_prospect_radius_km: float = 30.0

    # Geocoding: providers tried in order; "offline" is the shipped gazetteer. An entry is a
    # name ("ban", "nominatim", "photon", any geopy service such as "opencage") optionally
    # with its endpoint: "nominatim=https://nominatim.example.org" (self-hosted).
    # From the environment: FIELDCRM_GEOCODERS='["nominatim=http://127.0.0.1:8080","offline"]'.
    geocoders: list[str] = ["ban", "offline"]
    geocoder_api_key: SecretStr = SecretStr("")  # for a keyed geopy provider
    geocoder_api_keys: dict[str, SecretStr] = {}  # per provider: '{"opencage": "…"}'
    geocoder_timeout_s: float = 5.0
    geocoder_min_delay_s: float = 0.05  # RateLimiter: minimum delay between calls
    geocoder_max_retries: int = 2  # timeouts, HTTP 429 and 5xx; backoff base × 2^attempt
    geocoder_backoff_s: float = 1.0
    geocoder_review_threshold: float = 0.6  # scores below it are flagged "to review"
    user_agent: str = "fieldcrm/0.1 (self-hosted)"

    # Road network and routing
    road_network_file: Path = PACKAGE_DATA / "osm" / "monaco.osm.pbf"
    road_cache_dir: Path = PROJECT_DIR / "var" / "cache" / "roads"
    routing_engine: Literal["graph", "crowfly", "osrm", "valhalla"] = "graph"
    routing_engine_url: str = ""
    road_max_snap_m: float = 500.0  # farther from any road: reported off the network
    planner_time_limit_s: float = 20.0  # safety cap only: the search stops on its budget
    planner_patience: int = 2000  # iterations without improvement before the search stops
    # processes the planner's independent searches share (the same plan, less wall time);
    # 1: one after the other in the calling process
    planner_workers: int = Field(default_factory=default_planner_workers, ge=1)
    planner_work_weekends: bool = False  # plan Saturdays and Sundays as working days
    planner_slot_reserve_minutes: int = 15  # kept free after each proposal: slots this wide
    # how far a rep's booked appointments may stretch the working day when it is planned
    # (leave earlier, be home later, drive more than the cap, each by at most this); the open
    # visits stay inside the working hours; beyond it the day is refused or planned as a trip
    planner_overtime_minutes: int = Field(default=60, ge=0)
    planner_rejected_days: int = 14  # a rejected account is not proposed again for so many days
    planner_booked_days: int = 14  # nor an account booked within so many days of the plan
    planner_detour_km: float = 20.0  # crow-fly detour budget of the candidate corridor
    planner_max_candidates: int = 150  # best value-per-detour accounts sent to the solver, per day
    planner_eur_per_score_point: float = 5.0  # euros one priority point is worth to the planner

    # Costs
    mileage_scale_year: int = 2025
    hotel_night_eur: float = 95.0
    meal_eur: float = 20.0
    # a day ending farther from home before a next day of visits: a hotel night
    overnight_km: float = 150.0
    meal_km: float = 50.0  # a day with a visit farther from home: a lunch allowance
    # Territories: a rep's field hours a month (visits + driving); a territory whose estimated
    # workload exceeds it is flagged as overloaded (fieldcrm.territories.balance.overloaded)
    rep_field_hours_month: float = 140.0

    # Notifications
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    mail_from: str = "fieldcrm@localhost"
    sms_webhook_url: str = ""
    sms_webhook_token: SecretStr = SecretStr("")
    sms_sender: str = "fieldcrm"
    notify_timeout_s: float = 10.0
    notify_retry_base_s: float = 60.0  # backoff: base × 2^(attempt-1), capped
    notify_retry_max_s: float = 6 * 3600.0
    # attempts before a transient failure ends as 'failed' (the dead-letter list, kept and
    # retried by an admin); 8 ≈ 2 h of backoff at the defaults; 0 = retry forever
    notify_give_up_after: int = 8

    # Scoring rules and priority index
    scoring_timezone: str = "Europe/Paris"
    priority_weight_rfm: float = 30.0
    priority_weight_potential: float = 30.0
    priority_weight_overdue: float = 20.0  # points at most for a visit overdue by its interval

    # RGPD
    prospect_retention_days: int = 3 * 365

    # Background worker (``fieldcrm worker``): scheduled jobs at local times of scoring_timezone
    worker_concurrency: int = 2  # jobs one worker process runs at the same time
    worker_tick_cron: str = "* * * * *"  # the tick: notifications, then the scheduled jobs due
    schedule_rules_at: dt.time = dt.time(2, 0)  # rules, every day
    schedule_trips_at: dt.time = dt.time(3, 0)  # trip derivation, every day
    schedule_retention_at: dt.time = dt.time(4, 0)  # RGPD retention list, every Monday
    geocode_backlog_batches: int = 5  # batches geocoded every quarter of an hour
    worker_stalled_after_s: float = 60.0  # a job whose worker is silent this long is run again
    export_keep_hours: float = 24.0  # how long an export's file stays downloadable

    @property
    def cookies_secure(self) -> bool:
        """Whether session cookies carry ``Secure``: on unless set off or in development."""
        if self.secure_cookies is None:
            return self.environment != "development"
        return self.secure_cookies

    def serving_problems(self) -> list[str]:
        """Why the web app must not start with these settings (empty when it may).

        A default or short secret lets anyone sign a session for any user, so outside
        ``FIELDCRM_ENVIRONMENT=development`` it is refused.
        """
        if self.environment == "development":
            return []
        secret = self.secret_key.get_secret_value()
        if secret == DEFAULT_SECRET or len(secret.encode()) < MIN_SECRET_BYTES:
            return [
                "FIELDCRM_SECRET_KEY est la valeur par défaut ou fait moins de "
                f"{MIN_SECRET_BYTES} octets : n’importe qui pourrait forger une session. "
                "Générez-en une avec `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'` "
                "et mettez-la dans l’environnement ou dans le fichier .env "
                "(FIELDCRM_SECRET_KEY=…). Pour un poste de développement seulement : "
                "FIELDCRM_ENVIRONMENT=development."
            ]
        return []

    # Operations (logs, health)
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line
    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error|critical)$")
    health_db_timeout_s: float = 2.0  # /readyz: the database must answer SELECT 1 within this
    health_heartbeat_max_age_s: float = 60.0  # /readyz: a worker heartbeat at most this old


class InsecureSettings(RuntimeError):
    """The settings are unsafe for serving the web app; the message says how to fix them."""


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached)."""
    return Settings()
