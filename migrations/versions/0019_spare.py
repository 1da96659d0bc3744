"""Files a job produced (exports), kept in the database for a while (issue 19 leftovers).

A worker on any machine writes the file; the web process on any other serves it. The bytes
are split in chunks (one row each) so neither side holds a whole big export in one value.

Revision ID: 0019_spare
Revises: 0018_assignment_runs
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_spare"
down_revision: str | Sequence[str] | None = "0018_assignment_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_files",
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name="pk_job_files"),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name="fk_job_files_job_id_jobs", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_job_files_expires_at", "job_files", ["expires_at"])
    op.create_table(
        "job_file_chunks",
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "seq", name="pk_job_file_chunks"),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["job_files.job_id"],
            name="fk_job_file_chunks_job_id_job_files",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("job_file_chunks")
    op.drop_index("ix_job_files_expires_at", table_name="job_files")
    op.drop_table("job_files")
