"""what a proposal and a contract must contain: the proposal's direct and indirect beneficiaries (counts and
descriptions), its lead, contact and team; the contract's rights and obligations, liability for breach and
dispute resolution (existing contracts get the default text); the tender's bid deposit

Revision ID: 0014_contents
Revises: 0013_providers
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_contents'
down_revision = '0013_providers'
branch_labels = None
depends_on = None

# The default text of config.CONTRACT_DEFAULT_TERMS when this migration was written: what contracts signed
# before the terms were recorded are taken to have agreed (the standard terms of the bureau's contract form).
DEFAULT_TERMS = {
    "rights_obligations": (
        "甲方有权监督检查乙方的服务过程和服务质量，按合同约定组织验收和绩效评价，并按约定及时支付服务费用。"
        "乙方应按合同约定的服务内容、数量和质量标准提供服务，建立服务台账，按时报告服务进展，接受甲方、服务社区"
        "和第三方评估机构的监督，不得转包、违法分包，并对服务中获取的个人信息保密。"),
    "breach_liability": (
        "乙方未按合同约定提供服务或服务质量不达标的，应在甲方要求的期限内整改；逾期不整改或整改后仍不达标的，"
        "甲方有权扣减相应服务费用、不予退还履约保证金并解除合同，乙方列入禁止参与政府购买服务名单。"
        "甲方无正当理由逾期支付服务费用的，应承担相应的违约责任。"),
    "dispute_resolution": (
        "因履行本合同发生的争议，双方应协商解决；协商不成的，任何一方可向甲方所在地有管辖权的人民法院提起诉讼。"),
}


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('beneficiaries_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('indirect_beneficiaries', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('indirect_beneficiaries_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lead_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('team', sa.Text(), nullable=True))
        batch_op.create_check_constraint('beneficiaries_nonnegative',
                                         'beneficiaries_count IS NULL OR beneficiaries_count >= 0')
        batch_op.create_check_constraint('indirect_beneficiaries_nonnegative',
                                         'indirect_beneficiaries_count IS NULL OR indirect_beneficiaries_count >= 0')

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        for name in DEFAULT_TERMS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
    contracts = sa.table('contracts', *(sa.column(name, sa.Text()) for name in DEFAULT_TERMS))
    op.execute(contracts.update().values(**DEFAULT_TERMS))
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        for name in DEFAULT_TERMS:
            batch_op.alter_column(name, existing_type=sa.Text(), nullable=False)

    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bid_deposit', sa.BigInteger(), nullable=False,
                                      server_default='0'))
        batch_op.create_check_constraint('bid_deposit_nonnegative', 'bid_deposit >= 0')
    # The server default only filled existing rows (no deposit asked); the model gives every new row its value.
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.alter_column('bid_deposit', existing_type=sa.BigInteger(), server_default=None)


def downgrade():
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tenders_bid_deposit_nonnegative'), type_='check')
        batch_op.drop_column('bid_deposit')

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        for name in reversed(list(DEFAULT_TERMS)):
            batch_op.drop_column(name)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_projects_indirect_beneficiaries_nonnegative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_projects_beneficiaries_nonnegative'), type_='check')
        batch_op.drop_column('team')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')
        batch_op.drop_column('lead_name')
        batch_op.drop_column('indirect_beneficiaries_count')
        batch_op.drop_column('indirect_beneficiaries')
        batch_op.drop_column('beneficiaries_count')
