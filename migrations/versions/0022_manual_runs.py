"""Manual assignments are runs of the assignment history too (kind ``manual``), undoable
while they are the latest like an automatic one (QA of 2026-12-06: a dispatcher's hand
assignment left no trace in the history).

Revision ID: 0022_manual_runs
Revises: 0021_task_closed_by_visit
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022_manual_runs"
down_revision: str | Sequence[str] | None = "0021_task_closed_by_visit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('auto', 'manual', 'rebalance', 'territory_delete', 'undo')"
OLD_KINDS = "kind IN ('auto', 'rebalance', 'territory_delete', 'undo')"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_assignment_runs_kind"), "assignment_runs", type_="check")
    op.create_check_constraint(op.f("ck_assignment_runs_kind"), "assignment_runs", KINDS)


def downgrade() -> None:
    # before 0022 a manual assignment made no run: its runs (and their undos) go, their moves
    # stay in the accounts' history (assignment_history keeps them with their reason)
    op.execute("""
        CREATE TEMPORARY TABLE gone ON COMMIT DROP AS
        SELECT id FROM assignment_runs WHERE kind = 'manual'
        UNION SELECT id FROM assignment_runs
              WHERE undoes_run_id IN (SELECT id FROM assignment_runs WHERE kind = 'manual')""")
    op.execute("UPDATE assignment_history SET run_id = NULL WHERE run_id IN (SELECT id FROM gone)")
    op.execute("DELETE FROM assignment_runs WHERE id IN (SELECT id FROM gone) AND kind = 'undo'")
    op.execute("DELETE FROM assignment_runs WHERE id IN (SELECT id FROM gone)")
    op.drop_constraint(op.f("ck_assignment_runs_kind"), "assignment_runs", type_="check")
    op.create_check_constraint(op.f("ck_assignment_runs_kind"), "assignment_runs", OLD_KINDS)
