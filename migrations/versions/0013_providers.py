"""providers: each requirement (civil liability, accounts, capacity, tax, social security) with its evidence
and verification date; a provider's evidence is an attachment without a project; credit codes whose
positions 1–2 do not fit the organisation's kind are kept, marked as overridden

Revision ID: 0013_providers
Revises: 0012_council
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = '0013_providers'
down_revision = '0012_council'
branch_labels = None
depends_on = None

REQUIREMENTS = ("civil_liability", "sound_accounts", "capacity", "tax_record", "social_security_record")
OLD_KINDS = "'proposal', 'bid', 'milestone_report', 'service_record', 'contract', 'acceptance', 'other'"
NEW_KINDS = OLD_KINDS + ", 'provider_evidence'"
# The defaults of config.CREDIT_CODE_PREFIXES when the migration runs without the app's settings.
DEFAULT_PREFIXES = {"provider": ["51", "52", "53", "59", "12", "91"], "evaluator": ["51", "52", "53", "59", "12", "91"],
                    "community": ["54", "55", "59"], "government": ["11"]}


def _prefixes():
    try:
        from flask import current_app
        return current_app.config["CREDIT_CODE_PREFIXES"]
    except (ImportError, RuntimeError, KeyError):
        return DEFAULT_PREFIXES


def upgrade():
    op.create_table('provider_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('requirement', sa.String(length=32), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("requirement IN ('%s')" % "', '".join(REQUIREMENTS), name=op.f('ck_provider_requirements_requirement')),
    sa.CheckConstraint('(verified_on IS NULL) = (verified_by_id IS NULL)', name=op.f('ck_provider_requirements_verified_with_verifier')),
    sa.ForeignKeyConstraint(['evidence_id'], ['attachments.id'], name=op.f('fk_provider_requirements_evidence_id_attachments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_provider_requirements_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_provider_requirements_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_requirements')),
    sa.UniqueConstraint('organisation_id', 'requirement', name='uq_provider_requirements_org_requirement')
    )
    with op.batch_alter_table('provider_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_requirements_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f('ck_attachments_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN (%s)" % NEW_KINDS)
        batch_op.create_check_constraint('project_unless_evidence',
                                         "(kind = 'provider_evidence') = (project_id IS NULL)")

    conn = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    # A profile the bureau verified before the requirements were recorded one by one: each requirement counts
    # as verified on that day, without a file, so providers in a running tender stay eligible until the
    # verification lapses (PROVIDER_REQUIREMENT_VALID_DAYS) and new evidence must be verified.
    requirements = sa.table('provider_requirements', sa.column('organisation_id'), sa.column('requirement'),
                            sa.column('note'), sa.column('verified_on'), sa.column('verified_by_id'),
                            sa.column('updated_at'))
    rows = conn.execute(sa.text("SELECT organisation_id, verified_at, verified_by_id FROM provider_profiles "
                                "WHERE verified_at IS NOT NULL")).all()
    values = []
    for org_id, verified_at, verified_by in rows:
        day = (verified_at if isinstance(verified_at, datetime) else datetime.fromisoformat(str(verified_at))).date()
        values += [{"organisation_id": org_id, "requirement": r, "note": "", "verified_on": day,
                    "verified_by_id": verified_by, "updated_at": now} for r in REQUIREMENTS]
    if values:
        op.bulk_insert(requirements, values)

    # Credit codes registered before positions 1–2 were checked against the kind stay as they are, marked as
    # overridden and recorded in the audit trail, so that later edits of those organisations still save.
    prefixes = _prefixes()
    audit = sa.table('audit_entries', sa.column('at'), sa.column('action'), sa.column('comment'),
                     sa.column('data', sa.JSON))
    for org_id, kind, code in conn.execute(sa.text(
            "SELECT id, kind, credit_code FROM organisations WHERE credit_code IS NOT NULL "
            "AND NOT credit_code_override")).all():
        if code[:2].upper() not in prefixes.get(kind, []):
            conn.execute(sa.text("UPDATE organisations SET credit_code_override = :yes WHERE id = :id"),
                         {"yes": True, "id": org_id})
            op.bulk_insert(audit, [{"at": now, "action": "credit_code_override",
                                    "comment": "0013_providers: registered before positions 1–2 were checked",
                                    "data": {"organisation_id": org_id, "credit_code": code}}])


def downgrade():
    op.execute("DELETE FROM attachments WHERE kind = 'provider_evidence'")
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachments_project_unless_evidence'), type_='check')
        batch_op.drop_constraint(op.f('ck_attachments_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN (%s)" % OLD_KINDS)
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('provider_requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_requirements_organisation_id'))
    op.drop_table('provider_requirements')
