"""list indexes: the project lists' orders after each filter, the home page's latest rows, project_counts (filled
from the projects here, kept by the app afterwards), and the project search's index: an FTS5 trigram table kept
by triggers on SQLite, pg_trgm GIN indexes on PostgreSQL (CREATE EXTENSION needs a superuser or, pg_trgm being a
trusted extension, the database's owner)

Revision ID: 0022_list_indexes
Revises: 0021_job_runs
Create Date: 2026-12-20 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_list_indexes'
down_revision = '0021_job_runs'
branch_labels = None
depends_on = None

PROJECT_INDEXES = {
    'ix_projects_updated': ['updated_at', 'id'],
    'ix_projects_state_updated': ['state', 'updated_at', 'id'],
    'ix_projects_state_id': ['state', 'id'],
    'ix_projects_community_updated': ['community_id', 'updated_at', 'id'],
    'ix_projects_funding_form_updated': ['funding_form', 'updated_at', 'id'],
    'ix_projects_implementer_updated': ['implementer_id', 'updated_at', 'id'],
    'ix_projects_evaluator_updated': ['evaluator_org_id', 'updated_at', 'id'],
    'ix_projects_state_deadline': ['state', 'bid_deadline', 'id'],
    'ix_projects_state_noticed': ['state', 'notice_published_on', 'id'],
}
OTHER_INDEXES = {
    'ix_tenders_award_notice': ('tenders', ['award_notice_at', 'project_id']),
    'ix_contracts_published': ('contracts', ['published_at', 'project_id']),
    'ix_performance_evaluations_finalised': ('performance_evaluations', ['finalised_at', 'project_id']),
    'ix_catalogue_items_totals': ('catalogue_items', ['catalogue_id', 'removed_in_version', 'budget']),
}

# (facet, value, condition) for each facet procure.projects.counts counts under, in SQL over projects p joined
# to their community o: the same rule as counts.facets.
FACETS = [("'all'", "''", None),
          ("'community'", "CAST(p.community_id AS VARCHAR(32))", None),
          ("'class'", "COALESCE(o.community_class, '')", None),
          ("'form'", "p.funding_form", None)]
FACETS += [(f"'area{n}'", f"substr(o.division_code, 1, {n})", f"length(o.division_code) >= {n}")
           for n in (2, 4, 6, 9, 12)]
FACETS += [("'catalogue_year'", "CAST(p.catalogue_year AS VARCHAR(32))", "p.catalogue_year IS NOT NULL"),
           ("'proposal_year'", "substr(p.code, 4, 4)", "p.code LIKE 'WXM%' AND substr(p.code, 8, 1) = '-'")]
FACETS += [("'category'", f"substr(p.category_code, 1, {n})", f"length(p.category_code) >= {n}") for n in (1, 3, 5)]
FACETS += [("'implementer'", "CAST(p.implementer_id AS VARCHAR(32))", "p.implementer_id IS NOT NULL"),
           ("'evaluator'", "CAST(p.evaluator_org_id AS VARCHAR(32))", "p.evaluator_org_id IS NOT NULL")]

SEARCH_SQLITE = [
    "CREATE VIRTUAL TABLE project_search USING fts5(title, code, community, tokenize='trigram')",
    "INSERT INTO project_search (rowid, title, code, community) "
    "SELECT p.id, p.title, p.code, o.name FROM projects p JOIN organisations o ON o.id = p.community_id",
    "CREATE TRIGGER project_search_insert AFTER INSERT ON projects BEGIN "
    "INSERT INTO project_search (rowid, title, code, community) VALUES "
    "(new.id, new.title, new.code, (SELECT name FROM organisations WHERE id = new.community_id)); END",
    "CREATE TRIGGER project_search_update AFTER UPDATE OF title, code, community_id ON projects BEGIN "
    "UPDATE project_search SET title = new.title, code = new.code, "
    "community = (SELECT name FROM organisations WHERE id = new.community_id) WHERE rowid = old.id; END",
    "CREATE TRIGGER project_search_delete AFTER DELETE ON projects BEGIN "
    "DELETE FROM project_search WHERE rowid = old.id; END",
    "CREATE TRIGGER project_search_community AFTER UPDATE OF name ON organisations BEGIN "
    "UPDATE project_search SET community = new.name "
    "WHERE rowid IN (SELECT id FROM projects WHERE community_id = new.id); END",
]
SEARCH_SQLITE_DOWN = ["DROP TRIGGER IF EXISTS project_search_community", "DROP TRIGGER IF EXISTS project_search_delete",
                      "DROP TRIGGER IF EXISTS project_search_update", "DROP TRIGGER IF EXISTS project_search_insert",
                      "DROP TABLE IF EXISTS project_search"]
SEARCH_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_projects_title_trgm ON projects USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_projects_code_trgm ON projects USING gin (code gin_trgm_ops)",
    "CREATE INDEX ix_organisations_name_trgm ON organisations USING gin (name gin_trgm_ops)",
]
SEARCH_POSTGRESQL_DOWN = ["DROP INDEX IF EXISTS ix_organisations_name_trgm",
                          "DROP INDEX IF EXISTS ix_projects_code_trgm", "DROP INDEX IF EXISTS ix_projects_title_trgm"]


def upgrade():
    op.drop_index('ix_projects_state', table_name='projects')
    op.drop_index('ix_projects_funding_form', table_name='projects')
    for name, columns in PROJECT_INDEXES.items():
        op.create_index(name, 'projects', columns, unique=False)
    for name, (table, columns) in OTHER_INDEXES.items():
        op.create_index(name, table, columns, unique=False)
    op.create_table('project_counts',
                    sa.Column('facet', sa.String(length=16), nullable=False),
                    sa.Column('value', sa.String(length=32), nullable=False),
                    sa.Column('state', sa.String(length=24), nullable=False),
                    sa.Column('listed', sa.Boolean(), nullable=False),
                    sa.Column('projects', sa.Integer(), nullable=False),
                    sa.Column('approved_amount', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('facet', 'value', 'state', 'listed', name=op.f('pk_project_counts')))
    for facet, value, condition in FACETS:
        op.execute(
            "INSERT INTO project_counts (facet, value, state, listed, projects, approved_amount) "
            f"SELECT {facet}, {value}, p.state, (p.catalogue_year IS NOT NULL), count(*), "
            "COALESCE(sum(p.approved_amount), 0) FROM projects p JOIN organisations o ON o.id = p.community_id"
            + (f" WHERE {condition}" if condition else "")
            + " GROUP BY 2, 3, 4")  # value, state, listed
    dialect = op.get_bind().dialect.name
    for statement in SEARCH_SQLITE if dialect == 'sqlite' else SEARCH_POSTGRESQL if dialect == 'postgresql' else []:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in (SEARCH_SQLITE_DOWN if dialect == 'sqlite' else SEARCH_POSTGRESQL_DOWN
                      if dialect == 'postgresql' else []):
        op.execute(statement)
    op.drop_table('project_counts')
    for name, (table, _columns) in OTHER_INDEXES.items():
        op.drop_index(name, table_name=table)
    for name in PROJECT_INDEXES:
        op.drop_index(name, table_name='projects')
    op.create_index('ix_projects_funding_form', 'projects', ['funding_form'], unique=False)
    op.create_index('ix_projects_state', 'projects', ['state'], unique=False)
