"""``fieldcrm users``: list and create users, set a password."""

from __future__ import annotations

import typer
from rich.table import Table

from fieldcrm.auth.roles import SYSTEM, Role
from fieldcrm.cli.common import console, open_session
from fieldcrm.services import users

app = typer.Typer(help="Users: list, create, set a password.", no_args_is_help=True)


@app.command("list")
def list_users(role: Role | None = typer.Option(None, help="Only this role.")) -> None:
    """List users."""
    with open_session() as session:
        rows = users.list_users(session, actor=SYSTEM, role=role)
    table = Table("id", "nom", "e-mail", "rôle", "actif")
    for r in rows:
        table.add_row(str(r.id), r.full_name, r.email, r.role, "oui" if r.active else "non")
    console.print(table)


@app.command("create")
def create(
    email: str = typer.Option(..., help="Login e-mail."),
    name: str = typer.Option(..., help="Full name."),
    role: Role = typer.Option(Role.REP, help="Role."),
    manager_id: int | None = typer.Option(None, help="Manager's user id (for reps)."),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Password (8+ characters).",
    ),
) -> None:
    """Create a user."""
    with open_session() as session:
        user_id = users.create_user(
            session,
            actor=SYSTEM,
            email=email,
            full_name=name,
            role=role,
            password=password,
            manager_id=manager_id,
        )
    console.print(f"Utilisateur {user_id} créé : {name} <{email}> ({role.value})")


@app.command("password")
def password(
    email: str = typer.Argument(..., help="Login e-mail."),
    new_password: str = typer.Option(
        ..., "--password", prompt=True, hide_input=True, confirmation_prompt=True
    ),
) -> None:
    """Set a user's password."""
    with open_session() as session:
        users.set_password(session, actor=SYSTEM, email=email, password=new_password)
    console.print(f"Mot de passe changé pour {email}")
