"""Managers' "Règles": edit the strategic rules in YAML, validate, dry run (a job), switch on
and off, delete (after a confirmation naming the rule)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.calendar_bounds import parse_date
from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, allowed_to
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.scoring.rules import editor_help
from fieldcrm.services import jobs, rules

router = APIRouter(include_in_schema=False)

NEW_RULE = """key: prospect-a-qualifier
name: {fr: Prospect non qualifié, en: Unqualified prospect}
period: month
when:
  kind: prospect
  days_since_creation: {gt: 60}
  missing: [qualification, potential]
then:
  - alert:
      to: owner
      channels: [in_app, email]
      subject: {fr: "{account} à qualifier", en: "{account} to qualify"}
  - priority: {add: 10}
"""


def _page(request: Request, session: SessionDep, actor: CurrentUser, **extra: Any) -> HTMLResponse:
    lang = reader_language(request, actor)
    context = {
        "rules": rules.list_rules(session, actor=actor),
        "names": rules.rule_names(session, actor=actor, lang=lang),
        "about": rules.rule_about(session, actor=actor, lang=lang),
        "open_alerts": rules.open_alerts_by_rule(session, actor=actor),
        "editor": NEW_RULE,
        # the values a reader writes: French names in French, the codes in English
        "help": editor_help(french=lang == "fr"),
        "problems": [],
        "report": None,
        "trial": None,
        "saved": None,
        "deleted": None,
        "switched": None,
        "switched_on": None,
        "as_of": "",
    }
    context.update(extra)
    return render(
        request, "rules.html", context, actor=actor, status_code=422 if context["problems"] else 200
    )


@router.get("/regles", response_class=HTMLResponse)
def rules_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    edit: str = "",
    saved: str = "",
    deleted: str = "",
    switched: str = "",
    on: Annotated[str, Query(max_length=1)] = "",
    essai: int | None = Query(None, ge=1, le=2**63 - 1),
) -> HTMLResponse:
    """Rules with their YAML, the editor, the dry run (``essai``: a dry-run job's draft back
    in the editor, with its report once it is done); ``switched`` and ``on``: the rule just
    switched on (1) or off (0)."""
    rule = rules.get_rule(session, edit, actor=actor) if edit else None
    editor = rule.definition if rule else NEW_RULE
    if essai is None:
        return _page(
            request,
            session,
            actor,
            editor=editor,
            saved=saved or None,
            deleted=deleted or None,
            switched=switched or None,
            switched_on={"1": True, "0": False}.get(on),  # else: what the rule is now
            version=rule.version if rule else None,
        )
    trial = jobs.job_view(session, essai, actor=actor)
    if trial.kind != rules.DRY_RUN_KIND:
        raise NotFound("essai à blanc", essai)
    draft = trial.params.get("draft")
    return _page(
        request,
        session,
        actor,
        editor=draft or editor,
        as_of=trial.params["as_of"] if draft else "",
        trial=trial,
        report=trial.result if trial.status == "done" else None,
    )


@router.post("/regles", response_model=None)
def save_or_check(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    # an empty editor is the service's « la règle est vide », shown next to the editor
    document: Annotated[str, Form(max_length=50_000)] = "",
    action: Annotated[str, Form(pattern="^(validate|save|dry_run)$")] = "validate",
    as_of: Annotated[str, Form(max_length=20)] = "",
    version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse | RedirectResponse:
    """Validate, save, or dry-run the rule being edited (the draft, not the stored one, on
    ``as_of`` or today: queued, followed on its job page); problems are listed next to
    the editor."""
    try:
        if action == "save":
            saved = rules.save_rule(session, document, actor=actor, expected_version=version)
            return RedirectResponse(f"/regles?saved={saved.key}", status_code=303)
        if action == "dry_run":
            job_id = rules.start_dry_run(
                session, actor=actor, settings=settings, as_of=_day(as_of), draft=document
            )
            return RedirectResponse(f"/taches/{job_id}", status_code=303)
        key, about = rules.check(
            session, document, actor=actor, lang=reader_language(request, actor)
        )
        return _page(
            request,
            session,
            actor,
            editor=document,
            as_of=as_of,
            valid=key,
            valid_about=about,
            version=version,
        )
    except InvalidInput as exc:
        return _page(
            request,
            session,
            actor,
            editor=document,
            as_of=as_of,
            problems=exc.problems,
            version=version,
        )


def _day(value: str) -> dt.date | None:
    """The dry run's date from the form (empty: today); InvalidInput naming ``as_of``."""
    if not value.strip():
        return None
    return parse_date(value, field="as_of")


@router.post("/regles/{key}/activation", dependencies=[allowed_to("rules.edit")])
def toggle(
    session: SessionDep,
    actor: CurrentUser,
    key: str,
    enabled: Annotated[bool, Form()],
    version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> RedirectResponse:
    """Switch a rule on or off (409 if someone changed it since the page was shown)."""
    rules.set_enabled(session, key, enabled=enabled, actor=actor, expected_version=version)
    query = urlencode({"switched": key, "on": "1" if enabled else "0"})
    return RedirectResponse(f"/regles?{query}", status_code=303)


@router.post("/regles/{key}/suppression")
def delete(session: SessionDep, actor: CurrentUser, key: str) -> RedirectResponse:
    """Delete a rule (the page asked for confirmation, naming it and its open alerts)."""
    rules.delete_rule(session, key, actor=actor)
    return RedirectResponse(f"/regles?{urlencode({'deleted': key})}", status_code=303)


@router.post("/regles/essai")
def dry_run(session: SessionDep, actor: CurrentUser, settings: SettingsDep) -> RedirectResponse:
    """Queue a dry run of the stored enabled rules (today) and follow it on its job page."""
    job_id = rules.start_dry_run(session, actor=actor, settings=settings)
    return RedirectResponse(f"/taches/{job_id}", status_code=303)
