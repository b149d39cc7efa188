"""checks: index report versions by first and last seen

Revision ID: 1a2ce2c754b5
Revises: 77f9c5610c13
Create Date: 2026-11-29 01:23:13.420945
"""

from collections.abc import Sequence

from alembic import op

revision: str = "1a2ce2c754b5"
down_revision: str | None = "77f9c5610c13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.create_index("ix_report_versions_first_seen", ["first_seen"], unique=False)
        batch_op.create_index("ix_report_versions_last_seen", ["last_seen"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_report_versions_last_seen")
        batch_op.drop_index("ix_report_versions_first_seen")
