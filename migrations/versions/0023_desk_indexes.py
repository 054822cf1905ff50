"""desk indexes: every desk, project page, catalogue, public table and volunteer page at any size. Indexes matched to
their filters and orders (a desk's longest-waiting projects per state, per community, implementer and evaluation
firm; a project's entries in time order; the public tables' orders; the work queues: unanswered challenges,
payment requests, unpublished contracts, awarded projects by award; a user's unread notifications); the catalogue's order kept on its items (listing_key) and its groups'
counts and subtotals kept (catalogue_groups); each volunteer's hours and points per month and year kept
(volunteer_periods) for the star board and the register; the open-data totals (ocds_totals); the public tables' totals per filter value (project_figures,
filter_totals); all filled here and kept by the app afterwards

Revision ID: 0023_desk_indexes
Revises: 0022_list_indexes
Create Date: 2026-12-21 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_desk_indexes'
down_revision = '0022_list_indexes'
branch_labels = None
depends_on = None

INDEXES = {  # beside 0022's: the lists' orders, which the desks read too
    'ix_projects_community_state': ('projects', ['community_id', 'state', 'updated_at', 'id']),
    'ix_projects_implementer_state': ('projects', ['implementer_id', 'state', 'updated_at', 'id']),
    'ix_projects_evaluator_state': ('projects', ['evaluator_org_id', 'state', 'updated_at', 'id']),
    'ix_projects_state_community': ('projects', ['state', 'community_id']),
    'ix_audit_entries_project_at': ('audit_entries', ['project_id', 'at', 'id']),
    'ix_challenges_open': ('challenges', ['answered_at', 'filed_at']),
    'ix_contracts_unpublished': ('contracts', ['published_at', 'signed_at']),
    'ix_contracts_signed': ('contracts', ['signed_at', 'id']),
    'ix_contracts_implementer': ('contracts', ['implementer_id']),
    'ix_payment_requests_state': ('payment_requests', ['state', 'project_id']),
    'ix_payments_paid_on': ('payments', ['paid_on', 'id']),
    'ix_performance_evaluations_finalised_id': ('performance_evaluations', ['finalised_at', 'id']),
    'ix_catalogue_items_listing': ('catalogue_items', ['catalogue_id', 'removed_in_version', 'listing_key']),
    'ix_volunteers_board': ('volunteers', ['consent_public', 'hours_total', 'id']),
    'ix_projects_state_awarded': ('projects', ['state', 'awarded_at', 'id']),
    'ix_projects_implementer_by_id': ('projects', ['implementer_id', 'id']),
    'ix_projects_evaluator_by_id': ('projects', ['evaluator_org_id', 'id']),
    'ix_notifications_user_read': ('notifications', ['user_id', 'read_at']),
}
# Replaced by an index above that begins with the same column.
REPLACED = {
    'ix_projects_implementer_id': ('projects', ['implementer_id']),
    'ix_projects_evaluator_org_id': ('projects', ['evaluator_org_id']),
    'ix_audit_entries_project_id': ('audit_entries', ['project_id']),
    'ix_catalogue_items_catalogue_id': ('catalogue_items', ['catalogue_id']),
    'ix_notifications_user_id': ('notifications', ['user_id']),
}


def _padded(dialect, column):
    """A position as four digits, as procure.catalogue.models.listing_key writes it."""
    if dialect == 'sqlite':
        return f"printf('%04d', {column})"
    return f"lpad(CAST({column} AS VARCHAR), 4, '0')"


# The public tables' figures (procure.totals.models.FIGURES): money in fen, as stored.
FIGURES = ("projects", "approved", "contracts", "contract_amount", "paid", "outstanding", "payments", "payments_amount",
           "evaluations", "scored", "score_sum", "excellent", "good", "fair", "poor")
MONEY = {"approved", "contract_amount", "paid", "outstanding", "payments_amount", "score_sum"}
NOTICE_AND_CATALOGED_ON = ("notice", "cataloged", "tendering", "awarded", "contracted", "in_delivery", "delivered",
                           "under_acceptance", "rectification", "accepted", "evaluated", "closed")
IMPLEMENTER_PUBLIC_STATES = ("contracted", "in_delivery", "delivered", "under_acceptance", "rectification", "accepted",
                             "evaluated", "closed", "cancelled")
ACCEPTED_STATES = ("accepted", "evaluated", "closed")


def _in(values):
    return ", ".join(f"'{value}'" for value in values)


# Each public project's part, as procure.totals.keeping counts it (disclosure: a public project, its published
# contract with what was paid on it, the payments on that contract, its finalised evaluation).
PROJECT_FIGURES = f"""
INSERT INTO project_figures (project_id, state, funding_form, community_id, district, community_class, catalogue_year,
    category_code, provider_id, evaluator_id, {", ".join(FIGURES)})
SELECT p.id, p.state, p.funding_form, p.community_id, substr(o.division_code, 1, 6), o.community_class,
    p.catalogue_year, p.category_code,
    CASE WHEN p.state IN ({_in(IMPLEMENTER_PUBLIC_STATES)}) THEN p.implementer_id END,
    CASE WHEN p.state IN ({_in(ACCEPTED_STATES)}) THEN p.evaluator_org_id END,
    1, COALESCE(p.approved_amount, 0),
    CASE WHEN c.id IS NULL THEN 0 ELSE 1 END, COALESCE(c.amount, 0),
    CASE WHEN c.id IS NULL THEN 0 ELSE COALESCE(pay.total, 0) END,
    CASE WHEN c.id IS NULL THEN 0 WHEN c.amount > COALESCE(pay.total, 0) THEN c.amount - COALESCE(pay.total, 0)
         ELSE 0 END,
    CASE WHEN c.id IS NULL THEN 0 ELSE COALESCE(pay.n, 0) END,
    CASE WHEN c.id IS NULL THEN 0 ELSE COALESCE(pay.total, 0) END,
    CASE WHEN e.id IS NULL THEN 0 ELSE 1 END,
    CASE WHEN e.score IS NULL THEN 0 ELSE 1 END, COALESCE(e.score, 0),
    CASE WHEN e.grade = 'excellent' THEN 1 ELSE 0 END, CASE WHEN e.grade = 'good' THEN 1 ELSE 0 END,
    CASE WHEN e.grade = 'fair' THEN 1 ELSE 0 END, CASE WHEN e.grade = 'poor' THEN 1 ELSE 0 END
FROM projects p JOIN organisations o ON o.id = p.community_id
LEFT JOIN contracts c ON c.project_id = p.id AND c.published_at IS NOT NULL
LEFT JOIN (SELECT project_id, count(*) AS n, sum(amount) AS total FROM payments GROUP BY project_id) pay
    ON pay.project_id = p.id
LEFT JOIN performance_evaluations e ON e.project_id = p.id AND e.finalised_at IS NOT NULL
WHERE p.state IN ({_in(NOTICE_AND_CATALOGED_ON)}) OR (p.state = 'cancelled' AND p.catalogue_year IS NOT NULL)
"""
# Each filter value a project counts under (procure.totals.keeping.keys_of): (key, condition).
FILTER_KEYS = [("'all'", None), ("'state:' || state", None), ("'funding_form:' || funding_form", None),
               ("'community:' || CAST(community_id AS VARCHAR(16))", None), ("'district:' || district", None),
               ("'community_class:' || community_class", "community_class IS NOT NULL AND community_class <> ''"),
               ("'year:' || CAST(catalogue_year AS VARCHAR(8))", "catalogue_year IS NOT NULL"),
               ("'provider:' || CAST(provider_id AS VARCHAR(16))", "provider_id IS NOT NULL"),
               ("'evaluator:' || CAST(evaluator_id AS VARCHAR(16))", "evaluator_id IS NOT NULL")]
FILTER_KEYS += [(f"'category:' || substr(category_code, 1, {n})", f"length(category_code) >= {n}")
                for n in range(1, 17)]


def fill_totals(execute, scalar):
    """Fill project_figures and filter_totals from the projects (`execute` runs a statement, `scalar` reads one
    value): what procure.totals.keeping.refill() does, in SQL."""
    execute(PROJECT_FIGURES)
    sums = ", ".join(f"sum({name})" for name in FIGURES)
    for key, condition in FILTER_KEYS:
        if key == "'all'":
            if scalar("SELECT count(*) FROM project_figures"):
                execute(f'INSERT INTO filter_totals ("key", {", ".join(FIGURES)}) SELECT {key}, {sums} '
                        "FROM project_figures")
            continue
        execute(f'INSERT INTO filter_totals ("key", {", ".join(FIGURES)}) SELECT {key}, {sums} FROM project_figures'
                + (f" WHERE {condition}" if condition else "") + f" GROUP BY {key}")


def _figure_columns():
    return [sa.Column(name, sa.BigInteger() if name in MONEY else sa.Integer(), nullable=False) for name in FIGURES]


# The local month of a ledger entry (Shanghai keeps no daylight saving time), as procure.volunteers.periods.
MONTH = {'sqlite': "strftime('%Y-%m', at, '+8 hours')",
         'postgresql': "to_char((at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"}


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table('volunteer_periods',
                    sa.Column('volunteer_id', sa.Integer(), nullable=False),
                    sa.Column('period', sa.String(length=7), nullable=False),
                    sa.Column('hours', sa.BigInteger(), nullable=False),
                    sa.Column('points', sa.BigInteger(), nullable=False),
                    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'],
                                            name=op.f('fk_volunteer_periods_volunteer_id_volunteers')),
                    sa.PrimaryKeyConstraint('volunteer_id', 'period', name=op.f('pk_volunteer_periods')))
    op.create_index('ix_volunteer_periods_board', 'volunteer_periods', ['period', 'hours', 'volunteer_id'],
                    unique=False)
    op.create_table('project_figures',
                    sa.Column('project_id', sa.Integer(), nullable=False),
                    sa.Column('state', sa.String(length=24), nullable=False),
                    sa.Column('funding_form', sa.String(length=16), nullable=False),
                    sa.Column('community_id', sa.Integer(), nullable=False),
                    sa.Column('district', sa.String(length=6), nullable=False),
                    sa.Column('community_class', sa.String(length=32), nullable=True),
                    sa.Column('catalogue_year', sa.Integer(), nullable=True),
                    sa.Column('category_code', sa.String(length=16), nullable=True),
                    sa.Column('provider_id', sa.Integer(), nullable=True),
                    sa.Column('evaluator_id', sa.Integer(), nullable=True),
                    *_figure_columns(),
                    sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                            name=op.f('fk_project_figures_project_id_projects'), ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_figures')))
    op.create_table('filter_totals',
                    sa.Column('key', sa.String(length=48), nullable=False),
                    *_figure_columns(),
                    sa.PrimaryKeyConstraint('key', name=op.f('pk_filter_totals')))
    fill_totals(op.execute, lambda statement: op.get_bind().execute(sa.text(statement)).scalar())
    op.create_table('ocds_totals',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('releases', sa.Integer(), nullable=False),
                    sa.Column('processes', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_ocds_totals')))
    op.execute("INSERT INTO ocds_totals (id, releases, processes) "
               "SELECT 1, count(id), count(DISTINCT ocid) FROM ocds_releases")
    months = (f"SELECT volunteer_id, {MONTH[dialect]} AS period, sum(hours) AS hours, sum(points) AS points "
              "FROM point_entries WHERE kind IN ('service', 'correction') GROUP BY volunteer_id, period")
    op.execute(f"INSERT INTO volunteer_periods (volunteer_id, period, hours, points) {months}")
    op.execute("INSERT INTO volunteer_periods (volunteer_id, period, hours, points) "
               "SELECT volunteer_id, substr(period, 1, 4), sum(hours), sum(points) FROM volunteer_periods "
               "GROUP BY volunteer_id, substr(period, 1, 4)")
    op.add_column('catalogue_items', sa.Column('listing_key', sa.String(length=64), nullable=False,
                                               server_default=''))
    op.execute(
        "UPDATE catalogue_items SET listing_key = ("
        f"SELECT {_padded(dialect, 'top.position')} || {_padded(dialect, 'leaf.position')} || p.code "
        "FROM categories leaf JOIN categories top ON top.code = substr(leaf.code, 1, 1) "
        "JOIN projects p ON p.id = catalogue_items.project_id WHERE leaf.code = catalogue_items.category_code)")
    with op.batch_alter_table('catalogue_items') as batch_op:
        batch_op.alter_column('listing_key', server_default=None)
    op.create_table('catalogue_groups',
                    sa.Column('catalogue_id', sa.Integer(), nullable=False),
                    sa.Column('category_code', sa.String(length=16), nullable=False),
                    sa.Column('listing_key', sa.String(length=8), nullable=False),
                    sa.Column('items', sa.Integer(), nullable=False),
                    sa.Column('budget', sa.BigInteger(), nullable=False),
                    sa.CheckConstraint('items >= 0', name=op.f('ck_catalogue_groups_items_nonnegative')),
                    sa.ForeignKeyConstraint(['catalogue_id'], ['catalogues.id'],
                                            name=op.f('fk_catalogue_groups_catalogue_id_catalogues'),
                                            ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['category_code'], ['categories.code'],
                                            name=op.f('fk_catalogue_groups_category_code_categories')),
                    sa.PrimaryKeyConstraint('catalogue_id', 'category_code', name=op.f('pk_catalogue_groups')))
    op.execute(
        "INSERT INTO catalogue_groups (catalogue_id, category_code, listing_key, items, budget) "
        f"SELECT i.catalogue_id, top.code, {_padded(dialect, 'top.position')}, count(*), sum(i.budget) "
        "FROM catalogue_items i JOIN categories top ON top.code = substr(i.category_code, 1, 1) "
        "WHERE i.removed_in_version IS NULL GROUP BY i.catalogue_id, top.code, top.position")
    for name, (table, _columns) in REPLACED.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade():
    op.drop_table('ocds_totals')
    op.drop_table('filter_totals')
    op.drop_table('project_figures')
    op.drop_index('ix_volunteer_periods_board', table_name='volunteer_periods')
    op.drop_table('volunteer_periods')
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in REPLACED.items():
        op.create_index(name, table, columns, unique=False)
    op.drop_table('catalogue_groups')
    with op.batch_alter_table('catalogue_items') as batch_op:
        batch_op.drop_column('listing_key')
