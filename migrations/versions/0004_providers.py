"""providers: the register (profiles, team members), violations, declared control relations and the
debarment sources

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provider_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('registration_type', sa.String(length=32), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('rating', sa.String(length=4), nullable=True),
    sa.Column('annual_inspection', sa.String(length=24), nullable=False),
    sa.Column('service_areas', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('public_welfare_class_one', sa.Boolean(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("registration_type IN ('social_group', 'social_service_agency', 'foundation', 'company', 'other')", name=op.f('ck_provider_profiles_registration_type')),
    sa.CheckConstraint("rating IS NULL OR rating IN ('3A', '4A', '5A')", name=op.f('ck_provider_profiles_rating')),
    sa.CheckConstraint("annual_inspection IN ('qualified', 'basically_qualified', 'unqualified', 'not_inspected')", name=op.f('ck_provider_profiles_annual_inspection')),
    sa.CheckConstraint('(verified_at IS NULL) = (verified_by_id IS NULL)', name=op.f('ck_provider_profiles_verified_with_verifier')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_provider_profiles_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_provider_profiles_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_profiles')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_provider_profiles_organisation_id'))
    )
    op.create_table('provider_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('qualification', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['provider_profiles.id'], name=op.f('fk_provider_team_members_profile_id_provider_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_team_members'))
    )
    with op.batch_alter_table('provider_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_team_members_profile_id'), ['profile_id'], unique=False)

    op.create_table('provider_violations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('major', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_provider_violations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_violations'))
    )
    with op.batch_alter_table('provider_violations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_violations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('control_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('related_org_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('organisation_id <> related_org_id', name=op.f('ck_control_relations_not_self')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_control_relations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['related_org_id'], ['organisations.id'], name=op.f('fk_control_relations_related_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_relations')),
    sa.UniqueConstraint('organisation_id', 'related_org_id', name='uq_control_relations_pair')
    )
    with op.batch_alter_table('control_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_control_relations_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_control_relations_related_org_id'), ['related_org_id'], unique=False)

    op.execute("UPDATE debarments SET source = 'other' WHERE source NOT IN ('breach', 'evaluation_poor', 'court', 'other')")
    with op.batch_alter_table('debarments', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_debarments_source'),
                                         "source IN ('breach', 'evaluation_poor', 'court', 'other')")


def downgrade():
    with op.batch_alter_table('debarments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_debarments_source'), type_='check')

    with op.batch_alter_table('control_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_control_relations_related_org_id'))
        batch_op.drop_index(batch_op.f('ix_control_relations_organisation_id'))
    op.drop_table('control_relations')
    with op.batch_alter_table('provider_violations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_violations_organisation_id'))
    op.drop_table('provider_violations')
    with op.batch_alter_table('provider_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_team_members_profile_id'))
    op.drop_table('provider_team_members')
    op.drop_table('provider_profiles')
