"""volunteer points, redemption and the talent pool: volunteers (role resident), activities, sign-ups,
the append-only points ledger, corrections, redemption catalogues, talent profiles and certificates, and
the two volunteer documents

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 05:04:05.001498

"""
from alembic import op
import sqlalchemy as sa

OLD_ROLES = "'community', 'reviewer', 'bureau', 'provider', 'evaluator', 'admin'"
NEW_ROLES = OLD_ROLES + ", 'resident'"
OLD_KINDS = "'proposal', 'catalogue', 'award_notice', 'contract', 'acceptance_certificate', 'evaluation_report'"
NEW_KINDS = OLD_KINDS + ", 'volunteer_certificate', 'talent_certificate'"


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reward_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('points_price', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('points_price > 0', name=op.f('ck_reward_items_price_positive')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_reward_items_stock_nonnegative')),
    sa.ForeignKeyConstraint(['community_id'], ['organisations.id'], name=op.f('fk_reward_items_community_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_items'))
    )
    with op.batch_alter_table('reward_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_items_community_id'), ['community_id'], unique=False)

    op.create_table('volunteers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('real_name', sa.String(length=100), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('skills', sa.Text(), nullable=False),
    sa.Column('consent_public', sa.Boolean(), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.Column('hours_total', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_volunteers_balance_nonnegative')),
    sa.CheckConstraint('hours_total >= 0', name=op.f('ck_volunteers_hours_nonnegative')),
    sa.ForeignKeyConstraint(['community_id'], ['organisations.id'], name=op.f('fk_volunteers_community_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteers')),
    sa.UniqueConstraint('id_number', name=op.f('uq_volunteers_id_number')),
    sa.UniqueConstraint('user_id', name=op.f('uq_volunteers_user_id'))
    )
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteers_community_id'), ['community_id'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_org_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('checkin_token', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('published', 'cancelled', 'finished')", name=op.f('ck_activities_state')),
    sa.CheckConstraint('places > 0', name=op.f('ck_activities_places_positive')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_activities_times_ordered')),
    sa.ForeignKeyConstraint(['community_id'], ['organisations.id'], name=op.f('fk_activities_community_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_activities_created_by_id_users')),
    sa.ForeignKeyConstraint(['organiser_org_id'], ['organisations.id'], name=op.f('fk_activities_organiser_org_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_activities_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('checkin_token', name=op.f('uq_activities_checkin_token'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_organiser_org_id'), ['organiser_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_starts_at'), ['starts_at'], unique=False)

    op.create_table('project_skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_skills_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_skills')),
    sa.UniqueConstraint('project_id', 'skill', name='uq_project_skills_project_skill')
    )
    with op.batch_alter_table('project_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_skills_project_id'), ['project_id'], unique=False)

    op.create_table('redemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('redeemed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['reward_items.id'], name=op.f('fk_redemptions_item_id_reward_items')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_redemptions_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redemptions'))
    )
    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redemptions_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_redemptions_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('talent_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('profession', sa.String(length=100), nullable=False),
    sa.Column('skills', sa.Text(), nullable=False),
    sa.Column('availability', sa.Text(), nullable=False),
    sa.Column('admitted_at', sa.DateTime(), nullable=True),
    sa.Column('admitted_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['admitted_by_id'], ['users.id'], name=op.f('fk_talent_profiles_admitted_by_id_users')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_talent_profiles_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talent_profiles')),
    sa.UniqueConstraint('volunteer_id', name=op.f('uq_talent_profiles_volunteer_id'))
    )
    op.create_table('professional_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_professional_certificates_checked_by_id_users')),
    sa.ForeignKeyConstraint(['profile_id'], ['talent_profiles.id'], name=op.f('fk_professional_certificates_profile_id_talent_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_certificates'))
    )
    with op.batch_alter_table('professional_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professional_certificates_profile_id'), ['profile_id'], unique=False)

    op.create_table('signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('signed_up_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('checked_out_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('hours', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("status IN ('signed_up', 'cancelled', 'checked_in', 'completed', 'no_show')", name=op.f('ck_signups_status')),
    sa.CheckConstraint('checked_out_at IS NULL OR checked_in_at IS NOT NULL', name=op.f('ck_signups_out_after_in')),
    sa.CheckConstraint('hours IS NULL OR hours >= 0', name=op.f('ck_signups_hours_nonnegative')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_signups_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_signups_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_signups_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signups')),
    sa.UniqueConstraint('activity_id', 'volunteer_id', name='uq_signups_activity_volunteer')
    )
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signups_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signups_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('correction_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('requested_hours', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(state = 'requested') = (decided_at IS NULL)", name=op.f('ck_correction_requests_decided_when_not_requested')),
    sa.CheckConstraint("state IN ('requested', 'approved', 'refused')", name=op.f('ck_correction_requests_state')),
    sa.CheckConstraint('requested_hours >= 0', name=op.f('ck_correction_requests_hours_nonnegative')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_correction_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['signup_id'], ['signups.id'], name=op.f('fk_correction_requests_signup_id_signups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correction_requests'))
    )
    with op.batch_alter_table('correction_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correction_requests_signup_id'), ['signup_id'], unique=False)

    op.create_table('point_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('hours', sa.BigInteger(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=True),
    sa.Column('correction_id', sa.Integer(), nullable=True),
    sa.Column('redemption_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('service', 'correction', 'redemption', 'expiry')", name=op.f('ck_point_entries_kind')),
    sa.ForeignKeyConstraint(['correction_id'], ['correction_requests.id'], name=op.f('fk_point_entries_correction_id_correction_requests')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_point_entries_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['redemption_id'], ['redemptions.id'], name=op.f('fk_point_entries_redemption_id_redemptions')),
    sa.ForeignKeyConstraint(['signup_id'], ['signups.id'], name=op.f('fk_point_entries_signup_id_signups')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_point_entries_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_entries'))
    )
    with op.batch_alter_table('point_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_entries_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_point_entries_signup_id'), ['signup_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_point_entries_volunteer_id'), ['volunteer_id'], unique=False)

    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('volunteer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_issued_documents_volunteer_id'), ['volunteer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_issued_documents_volunteer_id_volunteers'), 'volunteers', ['volunteer_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_issued_documents_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_issued_documents_project_unless_catalogue'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN (%s)" % NEW_KINDS)
        batch_op.create_check_constraint(
            'project_unless_catalogue',
            "(kind IN ('catalogue', 'volunteer_certificate', 'talent_certificate')) = (project_id IS NULL)")
        batch_op.create_check_constraint(
            'volunteer_documents',
            "(kind IN ('volunteer_certificate', 'talent_certificate')) = (volunteer_id IS NOT NULL)")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', "role IN (%s)" % NEW_ROLES)


def downgrade():
    op.execute("DELETE FROM issued_documents WHERE volunteer_id IS NOT NULL")
    op.execute("DELETE FROM users WHERE role = 'resident'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', "role IN (%s)" % OLD_ROLES)
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_issued_documents_volunteer_documents'), type_='check')
        batch_op.drop_constraint(op.f('ck_issued_documents_project_unless_catalogue'), type_='check')
        batch_op.drop_constraint(op.f('ck_issued_documents_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN (%s)" % OLD_KINDS)
        batch_op.create_check_constraint('project_unless_catalogue', "(kind = 'catalogue') = (project_id IS NULL)")
        batch_op.drop_constraint(batch_op.f('fk_issued_documents_volunteer_id_volunteers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_issued_documents_volunteer_id'))
        batch_op.drop_column('volunteer_id')

    with op.batch_alter_table('point_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_entries_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_point_entries_signup_id'))
        batch_op.drop_index(batch_op.f('ix_point_entries_at'))

    op.drop_table('point_entries')
    with op.batch_alter_table('correction_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correction_requests_signup_id'))

    op.drop_table('correction_requests')
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signups_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_signups_activity_id'))

    op.drop_table('signups')
    with op.batch_alter_table('professional_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_professional_certificates_profile_id'))

    op.drop_table('professional_certificates')
    op.drop_table('talent_profiles')
    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redemptions_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_redemptions_item_id'))

    op.drop_table('redemptions')
    with op.batch_alter_table('project_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_skills_project_id'))

    op.drop_table('project_skills')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_starts_at'))
        batch_op.drop_index(batch_op.f('ix_activities_project_id'))
        batch_op.drop_index(batch_op.f('ix_activities_organiser_org_id'))
        batch_op.drop_index(batch_op.f('ix_activities_community_id'))

    op.drop_table('activities')
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteers_community_id'))

    op.drop_table('volunteers')
    with op.batch_alter_table('reward_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_items_community_id'))

    op.drop_table('reward_items')
