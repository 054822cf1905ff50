"""job_runs: each daily job claims its day once (unique job and day), so that it does its work once however
many machines' timers fire

Revision ID: 0021_job_runs
Revises: 0020_file_store
Create Date: 2026-12-19 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_job_runs'
down_revision = '0020_file_store'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('job', sa.String(length=64), nullable=False),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('node', sa.String(length=255), nullable=False),
                    sa.Column('started_at', sa.DateTime(), nullable=False),
                    sa.Column('finished_at', sa.DateTime(), nullable=True),
                    sa.Column('outcome', sa.String(length=255), nullable=True),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
                    sa.UniqueConstraint('job', 'day', name='uq_job_runs_job_day'))


def downgrade():
    op.drop_table('job_runs')
