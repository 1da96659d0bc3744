"""Appointments the rep books and moves (note, link to the accepted proposal, a version for
calendar clients) and the per-rep calendar feed token (only its digest is kept).

Revision ID: 0012_calendar
Revises: 0011_month_closing
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_calendar"
down_revision: str | Sequence[str] | None = "0011_month_closing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("note", sa.Text(), nullable=True))
    op.add_column("appointments", sa.Column("proposal_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "appointments",
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "appointments",
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_foreign_key(
        op.f("fk_appointments_proposal_id_plan_proposals"),
        "appointments",
        "plan_proposals",
        ["proposal_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_appointments_proposal_id", "appointments", ["proposal_id"])
    op.create_index("ix_appointments_rep_id_starts_at", "appointments", ["rep_id", "starts_at"])
    op.create_check_constraint(
        op.f("ck_appointments_status"), "appointments", "status IN ('confirmed', 'cancelled')"
    )
    # Appointments booked from a proposal before this revision: link each to its proposal.
    op.execute(
        """UPDATE appointments ap SET proposal_id = m.proposal_id
           FROM (SELECT DISTINCT ON (a.id) a.id, p.id AS proposal_id
                 FROM appointments a
                 JOIN plan_proposals p ON p.account_id = a.account_id AND p.status = 'accepted'
                 JOIN plans pl ON pl.id = p.plan_id AND pl.rep_id = a.rep_id
                 WHERE a.starts_at BETWEEN p.slot_start AND p.slot_end
                 ORDER BY a.id, p.decided_at DESC NULLS LAST, p.id DESC) m
           WHERE ap.id = m.id"""
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_calendar_feeds"),
        sa.UniqueConstraint("token_digest", name="uq_calendar_feeds_token_digest"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_calendar_feeds_user_id_users", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    op.drop_constraint(op.f("ck_appointments_status"), "appointments", type_="check")
    op.drop_index("ix_appointments_rep_id_starts_at", table_name="appointments")
    op.drop_index("ix_appointments_proposal_id", table_name="appointments")
    op.drop_constraint(
        op.f("fk_appointments_proposal_id_plan_proposals"), "appointments", type_="foreignkey"
    )
    op.drop_column("appointments", "updated_at")
    op.drop_column("appointments", "sequence")
    op.drop_column("appointments", "proposal_id")
    op.drop_column("appointments", "note")
