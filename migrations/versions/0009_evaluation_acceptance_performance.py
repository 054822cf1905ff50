"""evaluation firms and draws, typed conflict declarations, acceptance checklists, site visits and
rectification rounds, performance evaluation by indicator templates and several scorers, resident survey

The single-scorer indicator_scores table goes (its four numbers live on in projects.score and grade);
a project's rectification findings and response move into its first rectification round.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 00:34:23.177669

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category_code', sa.String(length=16), nullable=True),
    sa.Column('community_class', sa.String(length=32), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_templates'))
    )
    op.create_table('evaluator_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('accreditation', sa.String(length=200), nullable=False),
    sa.Column('accredited_until', sa.Date(), nullable=True),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('staff_count', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('staff_count >= 0', name=op.f('ck_evaluator_profiles_staff_nonnegative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_evaluator_profiles_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluator_profiles')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_evaluator_profiles_organisation_id'))
    )
    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('scale_max', sa.Integer(), nullable=True),
    sa.Column('anchors', sa.Text(), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.CheckConstraint("kind <> 'scale' OR scale_max >= 1", name=op.f('ck_indicators_scale_has_max')),
    sa.CheckConstraint("kind IS NULL OR kind IN ('ratio', 'scale', 'yes_no', 'satisfaction')", name=op.f('ck_indicators_kind')),
    sa.CheckConstraint('level BETWEEN 1 AND 3', name=op.f('ck_indicators_level')),
    sa.CheckConstraint('weight > 0 AND weight <= 10000', name=op.f('ck_indicators_weight')),
    sa.ForeignKeyConstraint(['parent_id'], ['indicators.id'], name=op.f('fk_indicators_parent_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['indicator_templates.id'], name=op.f('fk_indicators_template_id_indicator_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('template_id', 'code', name='uq_indicators_template_code')
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicators_template_id'), ['template_id'], unique=False)

    op.create_table('evaluator_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('qualification', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['evaluator_profiles.id'], name=op.f('fk_evaluator_staff_profile_id_evaluator_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluator_staff_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluator_staff'))
    )
    with op.batch_alter_table('evaluator_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluator_staff_profile_id'), ['profile_id'], unique=False)

    op.create_table('firm_engagements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('counterpart_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ended_on IS NULL OR started_on <= ended_on', name=op.f('ck_firm_engagements_dates_ordered')),
    sa.ForeignKeyConstraint(['counterpart_id'], ['organisations.id'], name=op.f('fk_firm_engagements_counterpart_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['firm_id'], ['organisations.id'], name=op.f('fk_firm_engagements_firm_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_firm_engagements_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_engagements'))
    )
    with op.batch_alter_table('firm_engagements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_engagements_counterpart_id'), ['counterpart_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_firm_engagements_firm_id'), ['firm_id'], unique=False)

    op.create_table('acceptance_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('agreed', sa.Boolean(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('residents_present', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('residents_present >= 0', name=op.f('ck_acceptance_confirmations_residents_nonnegative')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_acceptance_confirmations_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_acceptance_confirmations_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptance_confirmations')),
    sa.UniqueConstraint('project_id', name=op.f('uq_acceptance_confirmations_project_id'))
    )
    op.create_table('acceptance_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("result IS NULL OR result IN ('met', 'partly_met', 'not_met')", name=op.f('ck_acceptance_items_result')),
    sa.CheckConstraint("source IN ('service_content', 'quantity', 'quality', 'milestone', 'goal', 'custom')", name=op.f('ck_acceptance_items_source')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_acceptance_items_checked_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_acceptance_items_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptance_items'))
    )
    with op.batch_alter_table('acceptance_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acceptance_items_project_id'), ['project_id'], unique=False)

    op.create_table('evaluator_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=True),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('excluded', sa.JSON(), nullable=False),
    sa.Column('result_org_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("method <> 'manual' OR reason <> ''", name=op.f('ck_evaluator_draws_manual_has_reason')),
    sa.CheckConstraint("method <> 'random' OR seed IS NOT NULL", name=op.f('ck_evaluator_draws_random_has_seed')),
    sa.CheckConstraint("method IN ('random', 'manual')", name=op.f('ck_evaluator_draws_method')),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['users.id'], name=op.f('fk_evaluator_draws_drawn_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_evaluator_draws_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['result_org_id'], ['organisations.id'], name=op.f('fk_evaluator_draws_result_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluator_draws')),
    sa.UniqueConstraint('project_id', 'number', name='uq_evaluator_draws_project_number')
    )
    with op.batch_alter_table('evaluator_draws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluator_draws_project_id'), ['project_id'], unique=False)

    op.create_table('performance_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('score', sa.BigInteger(), nullable=True),
    sa.Column('grade', sa.String(length=16), nullable=True),
    sa.Column('group_scores', sa.JSON(), nullable=False),
    sa.Column('rectification_plan', sa.Text(), nullable=False),
    sa.Column('finalised_at', sa.DateTime(), nullable=True),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 10000)', name=op.f('ck_performance_evaluations_score_range')),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['users.id'], name=op.f('fk_performance_evaluations_finalised_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_performance_evaluations_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['indicator_templates.id'], name=op.f('fk_performance_evaluations_template_id_indicator_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_evaluations')),
    sa.UniqueConstraint('project_id', name=op.f('uq_performance_evaluations_project_id'))
    )
    op.create_table('personal_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('conflict_type', sa.String(length=32), nullable=True),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("conflict_type IS NULL OR conflict_type IN ('financial', 'personal', 'institutional', 'previous_engagement', 'other')", name=op.f('ck_personal_declarations_conflict_type')),
    sa.CheckConstraint('NOT has_conflict OR conflict_type IS NOT NULL', name=op.f('ck_personal_declarations_conflict_has_type')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_personal_declarations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_personal_declarations_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_personal_declarations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_declarations')),
    sa.UniqueConstraint('project_id', 'user_id', name='uq_personal_declarations_project_user')
    )
    with op.batch_alter_table('personal_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_declarations_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_declarations_user_id'), ['user_id'], unique=False)

    op.create_table('rectifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('judged_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('passed', 'failed')", name=op.f('ck_rectifications_outcome')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_rectifications_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_rectifications_requested_by_id_users')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['users.id'], name=op.f('fk_rectifications_responded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectifications')),
    sa.UniqueConstraint('project_id', 'round', name='uq_rectifications_project_round')
    )
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectifications_project_id'), ['project_id'], unique=False)

    op.create_table('site_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('observations', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_site_visits_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_site_visits_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_visits'))
    )
    with op.batch_alter_table('site_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_visits_project_id'), ['project_id'], unique=False)

    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_surveys_opened_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_surveys_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
    sa.UniqueConstraint('project_id', name=op.f('uq_surveys_project_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_surveys_slug'))
    )
    op.create_table('divergence_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('explained_at', sa.DateTime(), nullable=False),
    sa.Column('explained_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['evaluation_id'], ['performance_evaluations.id'], name=op.f('fk_divergence_notes_evaluation_id_performance_evaluations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['explained_by_id'], ['users.id'], name=op.f('fk_divergence_notes_explained_by_id_users')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_divergence_notes_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_divergence_notes')),
    sa.UniqueConstraint('evaluation_id', 'indicator_id', name='uq_divergence_notes_indicator')
    )
    with op.batch_alter_table('divergence_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_divergence_notes_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('score_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("party IN ('third_party', 'bureau', 'community')", name=op.f('ck_score_sheets_party')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['performance_evaluations.id'], name=op.f('fk_score_sheets_evaluation_id_performance_evaluations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_score_sheets_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheets')),
    sa.UniqueConstraint('evaluation_id', 'party', name='uq_score_sheets_evaluation_party')
    )
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheets_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('survey_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_tokens_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_tokens_token_hash'))
    )
    with op.batch_alter_table('survey_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_tokens_survey_id'), ['survey_id'], unique=False)

    op.create_table('leaf_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('planned', sa.BigInteger(), nullable=True),
    sa.Column('actual', sa.BigInteger(), nullable=True),
    sa.Column('value', sa.BigInteger(), nullable=True),
    sa.Column('score', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 10000', name=op.f('ck_leaf_scores_score_range')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_leaf_scores_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheets.id'], name=op.f('fk_leaf_scores_sheet_id_score_sheets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leaf_scores')),
    sa.UniqueConstraint('sheet_id', 'indicator_id', name='uq_leaf_scores_sheet_indicator')
    )
    with op.batch_alter_table('leaf_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leaf_scores_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('satisfied', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['token_id'], ['survey_tokens.id'], name=op.f('fk_survey_responses_token_id_survey_tokens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('token_id', name=op.f('uq_survey_responses_token_id'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_survey_id'), ['survey_id'], unique=False)

    with op.batch_alter_table('indicator_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_scores_project_id'))

    op.drop_table('indicator_scores')
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_type', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('late', sa.Boolean(), nullable=False, server_default=sa.false()))

    _move_rectifications()
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('rectification_response')
        batch_op.drop_column('rectification_findings')



def _move_rectifications():
    """Findings and response kept on the project become round 1, due the day they were recorded."""
    projects = sa.table('projects', sa.column('id', sa.Integer), sa.column('updated_at', sa.DateTime),
                        sa.column('rectification_findings', sa.Text), sa.column('rectification_response', sa.Text))
    rounds = sa.table('rectifications', sa.column('project_id', sa.Integer), sa.column('round', sa.Integer),
                      sa.column('findings', sa.Text), sa.column('deadline', sa.Date),
                      sa.column('requested_at', sa.DateTime), sa.column('response', sa.Text))
    rows = op.get_bind().execute(sa.select(projects).where(projects.c.rectification_findings.is_not(None))).all()
    if rows:
        op.bulk_insert(rounds, [{"project_id": r.id, "round": 1, "findings": r.rectification_findings,
                                 "deadline": r.updated_at.date(), "requested_at": r.updated_at,
                                 "response": r.rectification_response} for r in rows])


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rectification_findings', sa.TEXT(), nullable=True))
        batch_op.add_column(sa.Column('rectification_response', sa.TEXT(), nullable=True))

    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_column('late')
        batch_op.drop_column('conflict_type')

    op.create_table('indicator_scores',
    sa.Column('id', sa.INTEGER(), nullable=False),
    sa.Column('project_id', sa.INTEGER(), nullable=False),
    sa.Column('indicator', sa.VARCHAR(length=32), nullable=False),
    sa.Column('score', sa.BIGINT(), nullable=False),
    sa.Column('scored_by_id', sa.INTEGER(), nullable=True),
    sa.CheckConstraint('score >= 0 AND score <= 10000', name=op.f('ck_indicator_scores_score_range')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_indicator_scores_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scored_by_id'], ['users.id'], name=op.f('fk_indicator_scores_scored_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_scores')),
    sa.UniqueConstraint('project_id', 'indicator', name=op.f('uq_score_project_indicator'))
    )
    with op.batch_alter_table('indicator_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_scores_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_survey_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('leaf_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leaf_scores_sheet_id'))

    op.drop_table('leaf_scores')
    with op.batch_alter_table('survey_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_tokens_survey_id'))

    op.drop_table('survey_tokens')
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheets_evaluation_id'))

    op.drop_table('score_sheets')
    with op.batch_alter_table('divergence_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_divergence_notes_evaluation_id'))

    op.drop_table('divergence_notes')
    op.drop_table('surveys')
    with op.batch_alter_table('site_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_visits_project_id'))

    op.drop_table('site_visits')
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectifications_project_id'))

    op.drop_table('rectifications')
    with op.batch_alter_table('personal_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_declarations_user_id'))
        batch_op.drop_index(batch_op.f('ix_personal_declarations_project_id'))

    op.drop_table('personal_declarations')
    op.drop_table('performance_evaluations')
    with op.batch_alter_table('evaluator_draws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluator_draws_project_id'))

    op.drop_table('evaluator_draws')
    with op.batch_alter_table('acceptance_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acceptance_items_project_id'))

    op.drop_table('acceptance_items')
    op.drop_table('acceptance_confirmations')
    with op.batch_alter_table('firm_engagements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firm_engagements_firm_id'))
        batch_op.drop_index(batch_op.f('ix_firm_engagements_counterpart_id'))

    op.drop_table('firm_engagements')
    with op.batch_alter_table('evaluator_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluator_staff_profile_id'))

    op.drop_table('evaluator_staff')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_template_id'))
        batch_op.drop_index(batch_op.f('ix_indicators_parent_id'))

    op.drop_table('indicators')
    op.drop_table('evaluator_profiles')
    op.drop_table('indicator_templates')
