"""public portal and open data: OCDS releases as published, division names for the public figures; an
official document downloaded by the public has no issuing user

Existing projects get their first release with `flask opendata publish`.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 03:43:47.396432

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('divisions',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_divisions'))
    )
    op.create_table('ocds_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('ocid', sa.String(length=64), nullable=False),
    sa.Column('release_id', sa.String(length=96), nullable=False),
    sa.Column('date', sa.DateTime(), nullable=False),
    sa.Column('tags', sa.String(length=200), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('release', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_ocds_releases_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ocds_releases')),
    sa.UniqueConstraint('ocid', 'release_id', name=op.f('uq_ocds_releases_ocid_release_id'))
    )
    with op.batch_alter_table('ocds_releases', schema=None) as batch_op:
        batch_op.create_index('ix_ocds_releases_date_id', ['date', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ocds_releases_ocid'), ['ocid'], unique=False)
        batch_op.create_index(batch_op.f('ix_ocds_releases_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.alter_column('issued_by_id',
               existing_type=sa.INTEGER(),
               nullable=True)



def downgrade():
    # Documents the public downloaded have no issuing user, which the older schema cannot hold.
    op.execute("DELETE FROM issued_documents WHERE issued_by_id IS NULL")
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.alter_column('issued_by_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('ocds_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ocds_releases_project_id'))
        batch_op.drop_index(batch_op.f('ix_ocds_releases_ocid'))
        batch_op.drop_index('ix_ocds_releases_date_id')

    op.drop_table('ocds_releases')
    op.drop_table('divisions')
