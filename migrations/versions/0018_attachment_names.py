"""attachment names without bidirectional controls: the names of files uploaded before lose the Unicode
bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), the C1 controls and
the line and paragraph separators, as procure/attachments/operations.py now removes them on upload

Only attachments.original_name changes; the audit trail keeps what was recorded. There is no way back: the
downgrade leaves the names as they are.

Revision ID: 0018_attachment_names
Revises: 0017_sessions
Create Date: 2026-12-11 10:00:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_attachment_names'
down_revision = '0017_sessions'
branch_labels = None
depends_on = None

# The rule of procure.attachments.operations.CONTROL when this migration was written.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
attachments = sa.table('attachments', sa.column('id', sa.Integer), sa.column('original_name', sa.String))


def upgrade():
    conn = op.get_bind()
    for row_id, name in conn.execute(sa.select(attachments.c.id, attachments.c.original_name)).all():
        cleaned = CONTROL.sub("", name or "").strip().strip(".") or "attachment"
        if cleaned != name:
            conn.execute(attachments.update().where(attachments.c.id == row_id).values(original_name=cleaned))


def downgrade():
    pass
