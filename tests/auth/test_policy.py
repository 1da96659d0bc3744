"""The authorisation table, role by role."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.auth import policy
from fieldcrm.auth.passwords import hash_password, needs_rehash, verify_password
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.auth.tokens import new_token, token_digest
from fieldcrm.errors import Forbidden, InvalidInput

REP = Actor(4, Role.REP, "Camille")
OTHER_REP = Actor(5, Role.REP, "Julien")
MANAGER = Actor(1, Role.MANAGER, "Claire", frozenset({4, 5}))
DISPATCHER = Actor(2, Role.DISPATCHER, "Karim")
ADMIN = Actor(3, Role.ADMIN, "Admin")


def test_reps_reach_their_own_accounts_and_unassigned_prospects_near_home_only() -> None:
    assert policy.can(REP, "account.read", owner_id=4)
    assert policy.can(REP, "account.edit", owner_id=4)
    assert not policy.can(REP, "account.read", owner_id=None)  # far away or not a prospect
    for action in ("account.read", "account.edit", "account.locate", "activity.write"):
        assert policy.can(REP, action, owner_id=None, in_reach=True)
        assert not policy.can(REP, action, owner_id=5, in_reach=True)  # reach is for nobody's
    assert not policy.can(REP, "account.read", owner_id=5)
    with pytest.raises(Forbidden, match=r"account\.edit"):
        policy.require(REP, "account.edit", owner_id=5)


MANAGER_2 = Actor(7, Role.MANAGER, "Other manager", frozenset({8}))


def test_team_scope_is_one_rule() -> None:
    assert policy.scope_owner_ids(MANAGER) == {1, 4, 5}
    assert policy.scope_owner_ids(REP) == {4}
    assert policy.scope_owner_ids(DISPATCHER) is None and policy.scope_owner_ids(ADMIN) is None
    assert policy.in_scope(MANAGER, 4) and policy.in_scope(MANAGER, None)
    assert not policy.in_scope(MANAGER, 8) and not policy.in_scope(MANAGER_2, 4)
    assert not policy.in_scope(REP, None) and not policy.in_scope(REP, 5)


@pytest.mark.parametrize("action", ["assign", "territory.edit", "account.edit", "plan", "tasks"])
def test_a_manager_acts_on_their_team_only(action: str) -> None:
    assert policy.can(MANAGER, action, owner_id=4)
    assert policy.can(MANAGER, action, owner_id=None)
    assert not policy.can(MANAGER, action, owner_id=8)
    assert policy.can(MANAGER_2, action, owner_id=8)
    assert not policy.can(MANAGER_2, action, owner_id=4)
    assert policy.can(ADMIN, action, owner_id=8)


def test_dispatchers_assign_company_wide_but_edit_no_territory() -> None:
    assert policy.can(DISPATCHER, "assign", owner_id=8)
    assert not policy.can(DISPATCHER, "territory.edit", owner_id=None)


def test_managers_reach_their_team_not_others() -> None:
    assert policy.can(MANAGER, "plan", owner_id=5)
    assert not policy.can(MANAGER, "plan", owner_id=6)
    assert policy.can(MANAGER, "rules.edit")


def test_office_roles() -> None:
    assert policy.can(DISPATCHER, "assign")
    assert not policy.can(REP, "assign")
    assert not policy.can(DISPATCHER, "rules.edit")
    assert not policy.can(MANAGER, "users.admin")
    assert policy.can(ADMIN, "users.admin")


@given(owner=st.one_of(st.none(), st.integers(min_value=1, max_value=50)))
def test_admin_may_do_everything_but_validate_their_own_costs(owner: int | None) -> None:
    for action in policy.RULES:
        own_month = action == "costs.validate" and owner == ADMIN.id
        assert policy.can(ADMIN, action, owner_id=owner) is not own_month


def test_nobody_validates_their_own_month() -> None:
    assert policy.can(MANAGER, "costs.validate", owner_id=4)
    assert not policy.can(MANAGER, "costs.validate", owner_id=MANAGER.id)
    assert not policy.can(REP, "costs.validate", owner_id=REP.id)


def test_visible_owners() -> None:
    assert policy.visible_owner_ids(ADMIN) is None
    assert policy.visible_owner_ids(MANAGER) == {1, 4, 5}
    assert policy.visible_owner_ids(REP) == {4}


def test_unknown_role_is_named() -> None:
    with pytest.raises(InvalidInput, match="role"):
        Actor(1, "boss")  # type: ignore[arg-type]


def test_passwords_hash_and_verify() -> None:
    digest = hash_password("correct horse")
    assert verify_password(digest, "correct horse")
    assert not verify_password(digest, "wrong horse")
    assert not verify_password(None, "x")
    assert not verify_password("not-a-hash", "x")
    assert not needs_rehash(digest)
    with pytest.raises(InvalidInput, match="password"):
        hash_password("short")


def test_tokens_are_random_and_kept_as_a_digest() -> None:
    token, digest = new_token(secret="s3cret")
    other, _ = new_token(secret="s3cret")
    assert token != other and len(token) >= 40
    assert (
        digest == token_digest(token, secret="s3cret") != token_digest(token + "x", secret="s3cret")
    )
    assert digest != token_digest(token, secret="another secret"), "a new key ends every session"
