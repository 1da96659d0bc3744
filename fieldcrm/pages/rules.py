"""Managers' "Règles": edit the strategic rules in YAML, validate, dry run, switch on and off."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.calendar_bounds import check_date
from fieldcrm.errors import InvalidInput
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.pages.templating import render
from fieldcrm.services import rules

router = APIRouter(include_in_schema=False)

NEW_RULE = """key: prospect-a-qualifier
name: Prospect non qualifié
period: month
when:
  kind: prospect
  days_since_creation: {gt: 60}
  missing: [qualification, potential]
then:
  - alert: {to: owner, channels: [in_app, email], subject: "{account} à qualifier"}
  - priority: {add: 10}
"""


def _page(request: Request, session: SessionDep, actor: CurrentUser, **extra: Any) -> HTMLResponse:
    context = {
        "rules": rules.list_rules(session, actor=actor),
        "editor": NEW_RULE,
        "problems": [],
        "report": None,
        "saved": None,
        "as_of": "",
    }
    context.update(extra)
    return render(
        request, "rules.html", context, actor=actor, status_code=422 if context["problems"] else 200
    )


@router.get("/regles", response_class=HTMLResponse)
def rules_page(
    request: Request, session: SessionDep, actor: CurrentUser, edit: str = "", saved: str = ""
) -> HTMLResponse:
    """Rules with their YAML, the editor, the dry run."""
    editor = rules.get_rule(session, edit, actor=actor).definition if edit else NEW_RULE
    return _page(request, session, actor, editor=editor, saved=saved or None)


@router.post("/regles", response_model=None)
def save_or_check(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    document: Annotated[str, Form(max_length=50_000)],
    action: Annotated[str, Form(pattern="^(validate|save|dry_run)$")] = "validate",
    as_of: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse | RedirectResponse:
    """Validate, save, or dry-run the rule being edited (the draft, not the stored one, on
    ``as_of`` or today); problems are listed next to the editor."""
    try:
        if action == "save":
            saved = rules.save_rule(session, document, actor=actor)
            return RedirectResponse(f"/regles?saved={saved.key}", status_code=303)
        if action == "dry_run":
            report = rules.run(
                session,
                actor=actor,
                as_of=_day(as_of),
                dry_run=True,
                settings=settings,
                draft=document,
            )
            return _page(
                request,
                session,
                actor,
                editor=document,
                as_of=as_of,
                report=report,
                valid=report.draft,
            )
        key = rules.validate(document, actor=actor)
        return _page(request, session, actor, editor=document, as_of=as_of, valid=key)
    except InvalidInput as exc:
        return _page(request, session, actor, editor=document, as_of=as_of, problems=exc.problems)


def _day(value: str) -> dt.date | None:
    """The dry run's date from the form (empty: today); InvalidInput naming ``as_of``."""
    if not value.strip():
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("as_of", "date invalide", value=value, allowed="AAAA-MM-JJ") from None
    return check_date(day, field="as_of")


@router.post("/regles/{key}/activation")
def toggle(
    session: SessionDep, actor: CurrentUser, key: str, enabled: Annotated[bool, Form()]
) -> RedirectResponse:
    """Switch a rule on or off."""
    rules.set_enabled(session, key, enabled=enabled, actor=actor)
    return RedirectResponse("/regles", status_code=303)


@router.post("/regles/essai")
def dry_run(
    request: Request, session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> HTMLResponse:
    """What the stored enabled rules would fire today, without writing anything."""
    report = rules.run(session, actor=actor, dry_run=True, settings=settings)
    return _page(request, session, actor, report=report)
