"""The admin's "Utilisateurs" screen, and the page where a user sets a password with a code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Conflict, InvalidInput, Problem
from fieldcrm.http import error_text
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, allowed_to
from fieldcrm.pages import forms
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import user_admin

router = APIRouter(include_in_schema=False)
ROLES = [role.value for role in Role]


def _detail_page(
    request: Request, session: SessionDep, actor: Actor, user_id: int, **extra: object
) -> HTMLResponse:
    found = user_admin.detail(session, actor=actor, user_id=user_id)
    managers = [
        u
        for u in user_admin.list_all(session, actor=actor)
        if u.active and u.role in ("manager", "admin") and u.id != user_id
    ]
    context = {"d": found, "roles": ROLES, "managers": managers, "reset": None, **extra}
    return render(request, "user.html", context, actor=actor)


def _users_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    form: dict[str, str] | None = None,
    errors: forms.FieldErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    people = user_admin.list_all(session, actor=actor)
    managers = [u for u in people if u.active and u.role in ("manager", "admin")]
    context = {
        "people": people,
        "roles": ROLES,
        "managers": managers,
        "names": {u.id: u.full_name for u in people},
        "form": form or {},
        "field_errors": errors or {},
        "error": forms.summary(errors) if errors else None,
    }
    return render(request, "users.html", context, actor=actor, status_code=status_code)


@router.get("/utilisateurs", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, actor: CurrentUser) -> HTMLResponse:
    """Every user with role, manager and state; the form to add one."""
    return _users_page(request, session, actor)


def _new_user_choices(role: str, manager_id: str) -> tuple[Role, int | None]:
    """The role and manager picked in the new-user form; :class:`InvalidInput` naming each
    field that holds something else."""
    problems = []
    try:
        picked = Role(role)
    except ValueError:
        picked = Role.REP
        problems.append(Problem("role", "unknown role", role))  # the list offers the others
    manager = None
    if manager_id.strip():
        try:
            manager = int(manager_id)
        except ValueError:
            problems.append(Problem("manager_id", "not a user id", manager_id))
    InvalidInput.collect(problems)
    return picked, manager


NEW_USER_FIELDS = ("full_name", "email", "role", "manager_id")


@router.post("/utilisateurs", response_class=HTMLResponse)
def create_user(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=2000)] = "",
    full_name: Annotated[str, Form(max_length=2000)] = "",
    role: Annotated[str, Form(max_length=50)] = "",
    manager_id: Annotated[str, Form(max_length=50)] = "",
) -> HTMLResponse:
    """Create a user and show, once, the link where they choose their password; a refusal
    (an e-mail already used, whatever its case, a field empty or wrong) shows the form again
    with what was typed and, beside each field, what is wrong (nothing is stored then)."""
    typed = {"email": email, "full_name": full_name, "role": role, "manager_id": manager_id}
    try:
        picked, manager = _new_user_choices(role, manager_id)
        user_id, reset = user_admin.create(
            session,
            actor=actor,
            email=email,
            full_name=full_name,
            role=picked,
            manager_id=manager,
            secret=settings.secret_key.get_secret_value(),
        )
    except InvalidInput as exc:
        errors = forms.refusal_errors(exc, reader_language(request, actor)) or {}
        return _users_page(request, session, actor, form=typed, errors=errors, status_code=422)
    except Conflict as exc:
        if exc.field not in NEW_USER_FIELDS:
            raise
        said = error_text.describe(exc, reader_language(request, actor))
        errors = {exc.field: said}
        return _users_page(request, session, actor, form=typed, errors=errors, status_code=409)
    return _detail_page(request, session, actor, user_id, reset=reset, created=True)


@router.get("/utilisateurs/{user_id}", response_class=HTMLResponse)
def user_page(
    request: Request, session: SessionDep, actor: CurrentUser, user_id: int
) -> HTMLResponse:
    """One user: role and team, state, password reset, open sessions, history."""
    return _detail_page(request, session, actor, user_id)


@router.post("/utilisateurs/{user_id}", dependencies=[allowed_to("users.admin")])
def update_user(
    session: SessionDep,
    actor: CurrentUser,
    user_id: int,
    role: Annotated[Role, Form()],
    manager_id: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Change role and manager (team)."""
    try:
        manager = int(manager_id) if manager_id.strip() else None
    except ValueError:
        raise InvalidInput("manager_id", "not a user id", value=manager_id) from None
    user_admin.update(
        session, actor=actor, user_id=user_id, role=role, manager_id=manager, set_manager=True
    )
    return RedirectResponse(f"/utilisateurs/{user_id}", status_code=303)


def _whole(value: str, field: str) -> int | None:
    try:
        return int(value.replace(" ", "").replace("\u202f", "")) if value.strip() else None
    except ValueError:
        raise InvalidInput(field, "un nombre entier", value=value) from None


@router.post("/utilisateurs/{user_id}/vehicule", dependencies=[allowed_to("users.admin")])
def set_vehicle(
    session: SessionDep,
    actor: CurrentUser,
    user_id: int,
    vehicle_kind: Annotated[str, Form(max_length=20)],
    fiscal_hp: Annotated[str, Form(max_length=10)] = "",
    annual_km_estimate: Annotated[str, Form(max_length=12)] = "",
    electric: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    """The rep's vehicle and yearly distance for the barème."""
    user_admin.set_vehicle(
        session,
        actor=actor,
        user_id=user_id,
        vehicle_kind=vehicle_kind,
        fiscal_hp=_whole(fiscal_hp, "fiscal_hp"),
        electric=electric,
        annual_km_estimate=_whole(annual_km_estimate, "annual_km_estimate"),
    )
    return RedirectResponse(f"/utilisateurs/{user_id}", status_code=303)


@router.post("/utilisateurs/{user_id}/desactiver")
def disable_user(session: SessionDep, actor: CurrentUser, user_id: int) -> RedirectResponse:
    """Disable: login refused and every session ended."""
    user_admin.set_active(session, actor=actor, user_id=user_id, active=False)
    return RedirectResponse(f"/utilisateurs/{user_id}", status_code=303)


@router.post("/utilisateurs/{user_id}/activer")
def enable_user(session: SessionDep, actor: CurrentUser, user_id: int) -> RedirectResponse:
    """Enable again."""
    user_admin.set_active(session, actor=actor, user_id=user_id, active=True)
    return RedirectResponse(f"/utilisateurs/{user_id}", status_code=303)


@router.post("/utilisateurs/{user_id}/reinitialiser", response_class=HTMLResponse)
def reset_password(
    request: Request, session: SessionDep, actor: CurrentUser, settings: SettingsDep, user_id: int
) -> HTMLResponse:
    """Show, once, a one-time link where the user chooses a new password."""
    reset = user_admin.issue_reset(
        session, actor=actor, user_id=user_id, secret=settings.secret_key.get_secret_value()
    )
    return _detail_page(request, session, actor, user_id, reset=reset)


@router.post("/utilisateurs/{user_id}/sessions/{session_id}/revoquer")
def revoke_session(
    session: SessionDep, actor: CurrentUser, user_id: int, session_id: int
) -> RedirectResponse:
    """End one open session at once."""
    user_admin.revoke_session(session, actor=actor, user_id=user_id, session_id=session_id)
    return RedirectResponse(f"/utilisateurs/{user_id}", status_code=303)


@router.get(user_admin.RESET_PATH, response_class=HTMLResponse)
def reset_form(
    request: Request, session: SessionDep, settings: SettingsDep, code: str = ""
) -> HTMLResponse:
    """The form where a user chooses a new password with the code an admin gave them."""
    valid = user_admin.reset_is_valid(
        session, code=code, secret=settings.secret_key.get_secret_value()
    )
    context = {"code": code, "valid": valid, "error": None, "done": False}
    return render(request, "password_reset.html", context, status_code=200 if valid else 410)


@router.post(user_admin.RESET_PATH, response_class=HTMLResponse)
def reset_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    confirmation: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """Set the new password (the code then stops working) and invite to log in."""
    context: dict[str, object] = {"code": code, "valid": True, "error": None, "done": False}
    if password != confirmation:
        context["error"] = "mismatch"
        return render(request, "password_reset.html", context, status_code=422)
    try:
        user_admin.use_reset(
            session, code=code, password=password, secret=settings.secret_key.get_secret_value()
        )
    except InvalidInput as exc:
        if exc.field == "code":
            context["valid"] = False
            return render(request, "password_reset.html", context, status_code=410)
        context["error"] = "short"
        return render(request, "password_reset.html", context, status_code=422)
    context["done"] = True
    return render(request, "password_reset.html", context)
