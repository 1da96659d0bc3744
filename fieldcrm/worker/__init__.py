"""The background worker: procrastinate's queue on the same PostgreSQL, running the services."""
