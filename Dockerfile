# fieldcrm: one image, two commands — the web app (`fieldcrm serve`, the default) and the
# background worker (`fieldcrm worker`). See compose.yaml and the README ("Déploiement").
#   docker build -t fieldcrm .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app

# The locked dependencies first (a layer kept while only the code changes), without dev tools.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-install-project --no-cache

# The app: package, templates and static files, migrations; installed from the same lock.
COPY fieldcrm ./fieldcrm
COPY web ./web
COPY migrations ./migrations
COPY alembic.ini ./
COPY deploy/healthcheck.py ./deploy/healthcheck.py
RUN uv sync --locked --no-cache

# Never root: a system user owning only the writable cache folder (road graphs, gazetteer).
RUN useradd --system --uid 10001 --no-create-home --home-dir /app fieldcrm \
    && mkdir -p /app/var/cache \
    && chown -R fieldcrm:fieldcrm /app/var
USER fieldcrm

ENV FIELDCRM_HOST=0.0.0.0 \
    FIELDCRM_PORT=8000
EXPOSE 8000

# Liveness of the web app (compose checks readiness, /readyz, and the worker's heartbeat).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "deploy/healthcheck.py", "live"]

CMD ["fieldcrm", "serve"]
