"""API dependencies (shared with the pages, defined once in :mod:`fieldcrm.http.deps`)."""

from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep

__all__ = ["CurrentUser", "SessionDep", "SettingsDep"]
