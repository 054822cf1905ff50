"""payments follow the schedule of the funding form: payment kinds advance, milestone, acceptance, final and
reward (instalment stays for the untagged payments recorded before); a contract's advance share and an
agreement's final share

Existing instalments that named a milestone become that milestone's payment (the final instalment when it was
the contract's last milestone). Existing agreements take the schedule of the default settings (advance 50 %,
final 30 %); their earlier untagged payments count towards the schedule's lines in order.

Revision ID: 0015_payments
Revises: 0014_contents
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_payments'
down_revision = '0014_contents'
branch_labels = None
depends_on = None

OLD_KINDS = "'instalment', 'final'"
NEW_KINDS = "'advance', 'milestone', 'acceptance', 'final', 'reward', 'instalment'"
# The settings' defaults when this migration was written (config.SUBSIDY_ADVANCE_PERCENT, SUBSIDY_FINAL_PERCENT).
AGREEMENT_ADVANCE, AGREEMENT_FINAL = 50, 30
LAST_MILESTONE = ("SELECT m.id FROM milestones m WHERE m.contract_id = "
                  "(SELECT own.contract_id FROM milestones own WHERE own.id = payments.milestone_id) "
                  "ORDER BY m.position DESC, m.id DESC LIMIT 1")


def upgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advance_percent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('final_percent', sa.Integer(), nullable=True))
    op.execute(f"UPDATE contracts SET advance_percent = {AGREEMENT_ADVANCE}, final_percent = {AGREEMENT_FINAL} "
               "WHERE kind = 'agreement'")
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('advance_percent', existing_type=sa.Integer(), server_default=None)
        batch_op.create_check_constraint('advance_percent_range', 'advance_percent >= 0 AND advance_percent < 100')
        batch_op.create_check_constraint('final_percent_on_agreements',
                                         "(kind = 'agreement') = (final_percent IS NOT NULL)")
        batch_op.create_check_constraint(
            'final_percent_range', 'final_percent IS NULL OR (final_percent >= 0 AND advance_percent + final_percent <= 100)')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payments_kind'), type_='check')
    op.execute(f"UPDATE payments SET kind = 'final' WHERE kind = 'instalment' AND milestone_id IS NOT NULL "
               f"AND milestone_id = ({LAST_MILESTONE})")
    op.execute("UPDATE payments SET kind = 'milestone' WHERE kind = 'instalment' AND milestone_id IS NOT NULL")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_check_constraint('kind', "kind IN (%s)" % NEW_KINDS)
        batch_op.create_check_constraint('milestone_named', "kind <> 'milestone' OR milestone_id IS NOT NULL")
        batch_op.create_check_constraint('no_milestone_named',
                                         "kind NOT IN ('advance', 'acceptance', 'reward') OR milestone_id IS NULL")


def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payments_no_milestone_named'), type_='check')
        batch_op.drop_constraint(op.f('ck_payments_milestone_named'), type_='check')
        batch_op.drop_constraint(op.f('ck_payments_kind'), type_='check')
    op.execute("UPDATE payments SET kind = 'final' WHERE kind = 'reward'")
    op.execute("UPDATE payments SET kind = 'instalment' WHERE kind IN ('advance', 'milestone', 'acceptance')")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_check_constraint('kind', "kind IN (%s)" % OLD_KINDS)

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_contracts_final_percent_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_contracts_final_percent_on_agreements'), type_='check')
        batch_op.drop_constraint(op.f('ck_contracts_advance_percent_range'), type_='check')
        batch_op.drop_column('final_percent')
        batch_op.drop_column('advance_percent')
