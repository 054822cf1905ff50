"""tenders, bid evaluation, contract terms and amendments, notifications

Revision ID: 0007
Revises: 0006


"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD_KINDS = "'proposal', 'bid', 'milestone_report', 'contract', 'acceptance', 'other'"
NEW_KINDS = "'proposal', 'bid', 'milestone_report', 'service_record', 'contract', 'acceptance', 'other'"


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_notifications_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'key', name='uq_notifications_user_key')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('panel_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('appointed_at', sa.DateTime(), nullable=False),
    sa.Column('appointed_by_id', sa.Integer(), nullable=False),
    sa.Column('recused_at', sa.DateTime(), nullable=True),
    sa.Column('recusal_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(recused_at IS NULL) = (recusal_reason IS NULL)', name=op.f('ck_panel_members_recusal_has_reason')),
    sa.ForeignKeyConstraint(['appointed_by_id'], ['users.id'], name=op.f('fk_panel_members_appointed_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_panel_members_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_members')),
    sa.UniqueConstraint('project_id', 'user_id', name='uq_panel_members_project_user')
    )
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_members_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_members_user_id'), ['user_id'], unique=False)

    op.create_table('tenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('price_weight', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('award_notice_at', sa.DateTime(), nullable=True),
    sa.Column('award_notice_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('price_weight >= 0 AND price_weight <= 100', name=op.f('ck_tenders_price_weight_range')),
    sa.ForeignKeyConstraint(['award_notice_by_id'], ['users.id'], name=op.f('fk_tenders_award_notice_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_tenders_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenders')),
    sa.UniqueConstraint('project_id', name=op.f('uq_tenders_project_id'))
    )
    op.create_table('contract_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('amended_at', sa.DateTime(), nullable=False),
    sa.Column('amended_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['amended_by_id'], ['users.id'], name=op.f('fk_contract_amendments_amended_by_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_amendments_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_amendments')),
    sa.UniqueConstraint('contract_id', 'version', name='uq_contract_amendments_version')
    )
    with op.batch_alter_table('contract_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_amendments_contract_id'), ['contract_id'], unique=False)

    op.create_table('tender_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_points > 0', name=op.f('ck_tender_criteria_max_points_positive')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_criteria_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_criteria'))
    )
    with op.batch_alter_table('tender_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_criteria_tender_id'), ['tender_id'], unique=False)

    op.create_table('bid_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('scored_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_bid_scores_points_nonnegative')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_scores_bid_id_bids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['tender_criteria.id'], name=op.f('fk_bid_scores_criterion_id_tender_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['panel_members.id'], name=op.f('fk_bid_scores_member_id_panel_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_scores')),
    sa.UniqueConstraint('member_id', 'bid_id', 'criterion_id', name='uq_bid_scores_member_bid_criterion')
    )
    with op.batch_alter_table('bid_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_scores_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bid_scores_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_record_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_service_record_id'), ['service_record_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_service_record_id_service_records'), 'service_records', ['service_record_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('service_content', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('quantity_targets', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('quality_targets', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('deposit', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('no_subcontracting', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('terminated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('termination_reason', sa.Text(), nullable=True))
        batch_op.create_check_constraint('deposit_nonnegative', 'deposit >= 0')
        batch_op.create_check_constraint('termination_has_reason',
                                         '(terminated_at IS NULL) = (termination_reason IS NULL)')
    # The server defaults only filled existing rows; the models give every new row its value.
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        for column in ('service_content', 'quantity_targets', 'quality_targets', 'deposit', 'no_subcontracting',
                       'version'):
            batch_op.alter_column(column, server_default=None)
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.alter_column('team', server_default=None)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachments_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN (%s)" % NEW_KINDS)
        batch_op.create_check_constraint('service_record_only_for_records',
                                         "(kind = 'service_record') = (service_record_id IS NOT NULL)")

    # Tenders opened before this revision: a notice without published criteria, its award notice
    # taken as sent when the award was made.
    op.execute("INSERT INTO tenders (project_id, requirements, price_weight, published_at, award_notice_at) "
               "SELECT id, '', 10, COALESCE(awarded_at, bid_deadline), awarded_at FROM projects "
               "WHERE procurement_method IS NOT NULL")



def downgrade():
    op.execute("DELETE FROM attachments WHERE kind = 'service_record'")
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachments_service_record_only_for_records'), type_='check')
        batch_op.drop_constraint(op.f('ck_attachments_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN (%s)" % OLD_KINDS)
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_contracts_termination_has_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_contracts_deposit_nonnegative'), type_='check')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_column('termination_reason')
        batch_op.drop_column('terminated_at')
        batch_op.drop_column('version')
        batch_op.drop_column('published_at')
        batch_op.drop_column('no_subcontracting')
        batch_op.drop_column('deposit')
        batch_op.drop_column('quality_targets')
        batch_op.drop_column('quantity_targets')
        batch_op.drop_column('service_content')
        batch_op.drop_column('signed_on')

    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_column('team')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_service_record_id_service_records'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_service_record_id'))
        batch_op.drop_column('service_record_id')

    with op.batch_alter_table('bid_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_scores_member_id'))
        batch_op.drop_index(batch_op.f('ix_bid_scores_bid_id'))

    op.drop_table('bid_scores')
    with op.batch_alter_table('tender_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_criteria_tender_id'))

    op.drop_table('tender_criteria')
    with op.batch_alter_table('contract_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_amendments_contract_id'))

    op.drop_table('contract_amendments')
    op.drop_table('tenders')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_members_project_id'))

    op.drop_table('panel_members')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_project_id'))

    op.drop_table('notifications')
