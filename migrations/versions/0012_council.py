"""the residents' council: a version for the compare-and-swap of a community's registered council size

Revision ID: 0012_council
Revises: 0011
Create Date: 2026-12-07 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_council'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('council_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('council_version', server_default=None)


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('council_version')
