"""the audit trail becomes a hash chain: each entry's prev_hash and hash (SHA-256 of its content and of the entry
before it, in id order), the existing entries sealed in id order; a project with audit entries cannot be deleted
(the entries' project key RESTRICTs instead of CASCADE)

The canonical form is copied here as it was when this migration was written (procure.audit.chain.canonical), so
that later changes to the app cannot change what this migration writes.

Revision ID: 0016_audit_chain
Revises: 0015_payments
Create Date: 2026-12-11 10:00:00

"""
import hashlib
import json
from datetime import timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_audit_chain'
down_revision = '0015_payments'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
FIELDS = ("id", "prev_hash", "project_id", "at", "user_id", "organisation_id", "action", "from_state", "to_state",
          "comment", "data")
FK = 'fk_audit_entries_project_id_projects'


def canonical(fields):
    at = fields["at"]
    if at is not None:
        at = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
        at = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(dict(fields, at=at), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal_existing():
    entries = sa.table('audit_entries', *(sa.column(name) for name in FIELDS if name not in ("at", "data")),
                       sa.column('at', sa.DateTime()), sa.column('data', sa.JSON()), sa.column('hash'))
    connection = op.get_bind()
    previous, after = GENESIS, 0
    while True:
        rows = connection.execute(sa.select(*(entries.c[name] for name in FIELDS if name != "prev_hash"))
                                  .where(entries.c.id > after).order_by(entries.c.id).limit(1000)).mappings().all()
        if not rows:
            return
        for row in rows:
            fields = dict(row, prev_hash=previous, comment=row["comment"] or "",
                          data={} if row["data"] is None else row["data"])
            digest = hashlib.sha256(canonical(fields)).hexdigest()
            connection.execute(entries.update().where(entries.c.id == row["id"])
                               .values(prev_hash=previous, hash=digest))
            previous = digest
        after = rows[-1]["id"]


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    seal_existing()
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.create_foreign_key(FK, 'projects', ['project_id'], ['id'], ondelete='RESTRICT')


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.create_foreign_key(FK, 'projects', ['project_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
