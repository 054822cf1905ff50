"""catalogue: procurement item codes on categories, the negative list, the annual purchase catalogue
(items, versioned amendments) and the reviewer's negative-list confirmation on projects

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Default 政府采购品目 (government-procurement item codes) for the tree of 0002. They are defaults in the
# style of the services part (C) of the national item catalogue; an admin changes them where the local
# finance bureau files an item differently.
ITEM_CODES = {
    "A": "C07", "A01": "C0701", "A0101": "C0701", "A0102": "C0701", "A0103": "C0701", "A0104": "C0701",
    "A02": "C0703", "A0201": "C0703", "A0202": "C0703", "A0203": "C0703", "A0204": "C0703",
    "A03": "C0799", "A0301": "C0799", "A0302": "C0799",
    "A04": "C0799", "A0401": "C0799", "A0402": "C0799",
    "A05": "C0702", "A0501": "C0702", "A0502": "C0702",
    "B": "C23", "B01": "C2304", "B0101": "C2304", "B02": "C2399", "B0201": "C2399", "B0202": "C2399",
}

# The negative list of 财政部令第102号 (art. 10): what may not be bought as a government service.
NEGATIVE_LIST = [
    ("not_government_duty", "不属于政府职能范围的服务事项", "Services outside the government's duties"),
    ("inherent_duty", "应当由政府直接履职的事项", "Duties the government must perform itself"),
    ("goods_or_works", "政府采购法规定的货物和工程，以及将工程和服务打包的项目",
     "Goods or works, or works bundled with services"),
    ("financing", "融资行为", "Financing"),
    ("own_staffing", "购买主体的人员招、聘用，以劳务派遣方式用工，以及设置公益性岗位等事项",
     "The buyer's own hiring, labour dispatch or public-welfare posts (公益性岗位)"),
    ("excluded_by_law", "法律、行政法规以及国务院规定的其他不得作为政府购买服务内容的事项",
     "Anything else excluded by law, regulation or the State Council"),
]

categories = sa.table("categories", sa.column("code", sa.String), sa.column("procurement_item_code", sa.String))
negative_list_items = sa.table(
    "negative_list_items", sa.column("code", sa.String), sa.column("position", sa.Integer),
    sa.column("description", sa.Text), sa.column("description_en", sa.Text))


def upgrade():
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('procurement_item_code', sa.String(length=16), nullable=True))
    for code, item in ITEM_CODES.items():
        op.execute(categories.update().where(categories.c.code == code).values(procurement_item_code=item))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('negative_list_checked_at', sa.DateTime(), nullable=True))

    op.create_table('negative_list_items',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_negative_list_items'))
    )
    op.bulk_insert(negative_list_items, [
        {"code": code, "position": position, "description": text, "description_en": english}
        for position, (code, text, english) in enumerate(NEGATIVE_LIST)
    ])

    op.create_table('catalogues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('notice_ends_on', sa.Date(), nullable=True),
    sa.Column('in_force_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state IN ('draft', 'published', 'in_force')", name=op.f('ck_catalogues_state')),
    sa.CheckConstraint("state = 'draft' OR (published_at IS NOT NULL AND notice_ends_on IS NOT NULL)",
                       name=op.f('ck_catalogues_published_has_notice')),
    sa.CheckConstraint("state <> 'in_force' OR in_force_at IS NOT NULL", name=op.f('ck_catalogues_in_force_has_time')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_catalogues_version_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogues')),
    sa.UniqueConstraint('year', name=op.f('uq_catalogues_year'))
    )
    op.create_table('catalogue_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalogue_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('category_code', sa.String(length=16), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('added_in_version', sa.Integer(), nullable=False),
    sa.Column('removed_in_version', sa.Integer(), nullable=True),
    sa.CheckConstraint('budget >= 0', name=op.f('ck_catalogue_items_budget_nonnegative')),
    sa.CheckConstraint('removed_in_version IS NULL OR removed_in_version > added_in_version',
                       name=op.f('ck_catalogue_items_removed_after_added')),
    sa.ForeignKeyConstraint(['catalogue_id'], ['catalogues.id'], name=op.f('fk_catalogue_items_catalogue_id_catalogues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_catalogue_items_category_code_categories')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_catalogue_items_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_items')),
    sa.UniqueConstraint('catalogue_id', 'project_id', name='uq_catalogue_items_project')
    )
    with op.batch_alter_table('catalogue_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_items_catalogue_id'), ['catalogue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_items_project_id'), ['project_id'], unique=False)

    op.create_table('catalogue_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalogue_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_catalogue_amendments_by_id_users')),
    sa.ForeignKeyConstraint(['catalogue_id'], ['catalogues.id'], name=op.f('fk_catalogue_amendments_catalogue_id_catalogues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_catalogue_amendments_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_amendments')),
    sa.UniqueConstraint('catalogue_id', 'version', name='uq_catalogue_amendments_version')
    )
    with op.batch_alter_table('catalogue_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_amendments_catalogue_id'), ['catalogue_id'], unique=False)


def downgrade():
    with op.batch_alter_table('catalogue_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_amendments_catalogue_id'))
    op.drop_table('catalogue_amendments')
    with op.batch_alter_table('catalogue_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_items_project_id'))
        batch_op.drop_index(batch_op.f('ix_catalogue_items_catalogue_id'))
    op.drop_table('catalogue_items')
    op.drop_table('catalogues')
    op.drop_table('negative_list_items')
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 too): a batch copy would drop and rebuild tables
    # that other tables' foreign keys point at.
    op.drop_column('projects', 'negative_list_checked_at')
    op.drop_column('categories', 'procurement_item_code')
