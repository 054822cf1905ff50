"""issued official PDF documents (numbers, verification codes, fingerprints)

Revision ID: 0008
Revises: 0007


"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

KINDS = "'proposal', 'catalogue', 'award_notice', 'contract', 'acceptance_certificate', 'evaluation_report'"


def upgrade():
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('catalogue_year', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=48), nullable=False),
    sa.Column('verification_code', sa.String(length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source_digest', sa.String(length=64), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f('ck_issued_documents_kind')),
    sa.CheckConstraint("(kind = 'catalogue') = (project_id IS NULL)",
                       name=op.f('ck_issued_documents_project_unless_catalogue')),
    sa.CheckConstraint("kind <> 'catalogue' OR catalogue_year IS NOT NULL",
                       name=op.f('ck_issued_documents_catalogue_has_year')),
    sa.CheckConstraint('page_count >= 1', name=op.f('ck_issued_documents_page_count_positive')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_issued_documents_issued_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_issued_documents_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
    sa.UniqueConstraint('number', name=op.f('uq_issued_documents_number')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_issued_documents_verification_code'))
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_source_digest'), ['source_digest'], unique=False)


def downgrade():
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_documents_source_digest'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_project_id'))

    op.drop_table('issued_documents')
