"""checks: text signatures, check runs

Revision ID: 77f9c5610c13
Revises: 253c019945c5
Create Date: 2026-11-28 22:57:15.491878
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "77f9c5610c13"
down_revision: str | None = "253c019945c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("discovered_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_id", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_discovered_links_body_id_bodies"), "bodies", ["body_id"], ["id"], ondelete="CASCADE"
        )
    op.create_table(
        "check_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "scope", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "summary", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_runs")),
    )
    op.create_table(
        "text_signatures",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_text_signatures_body_id_bodies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_text_signatures_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "section", name=op.f("pk_text_signatures")),
    )
    with op.batch_alter_table("text_signatures", schema=None) as batch_op:
        batch_op.create_index("ix_text_signatures_year_section", ["year", "section"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("text_signatures", schema=None) as batch_op:
        batch_op.drop_index("ix_text_signatures_year_section")

    op.drop_table("text_signatures")
    op.drop_table("check_runs")
    with op.batch_alter_table("discovered_links", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_discovered_links_body_id_bodies"), type_="foreignkey")
        batch_op.drop_column("body_id")
