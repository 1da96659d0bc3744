"""API and page fixtures (defined once in :mod:`tests.web`)."""

from tests.web import anonymous, api_as

__all__ = ["anonymous", "api_as"]
