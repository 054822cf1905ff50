"""file store: the bytes of attachments and of issued PDFs in the database (stored_files), so that every
application node serves every file and one backup holds everything

The files uploaded before are copied in from ATTACHMENTS_DIR under their stored names, which become their
keys; a file that is missing there is logged and skipped (its download then answers 404, as it did). The files
stay on disk: remove ATTACHMENTS_DIR once the upgrade is done and backed up. issued_documents.file_key names
each issued PDF's bytes; documents issued before have none, and their next download renders them once and
keeps them. The downgrade writes the attachments back into ATTACHMENTS_DIR (those not there already) before it
drops the table.

Revision ID: 0020_file_store
Revises: 0019_throttle
Create Date: 2026-12-14 10:00:00

"""
import hashlib
import logging
import os
import re
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_file_store'
down_revision = '0019_throttle'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')
STORED_NAME = re.compile(r"[0-9a-f]{32}")  # the names procure/attachments/storage.py gave the files
attachments = sa.table('attachments', sa.column('stored_name', sa.String), sa.column('uploaded_at', sa.DateTime))
stored_files = sa.table('stored_files', sa.column('key', sa.String), sa.column('content', sa.LargeBinary),
                        sa.column('size', sa.BigInteger), sa.column('sha256', sa.String),
                        sa.column('created_at', sa.DateTime))


def attachments_dir() -> Path:
    """ATTACHMENTS_DIR of the app being migrated (or of the environment, run outside Flask)."""
    try:
        from flask import current_app

        return Path(current_app.config["ATTACHMENTS_DIR"])
    except (ImportError, RuntimeError, KeyError):
        return Path(os.environ.get("ATTACHMENTS_DIR", "instance/attachments"))


def upgrade():
    op.create_table('stored_files',
                    sa.Column('key', sa.String(length=64), nullable=False),
                    sa.Column('content', sa.LargeBinary(), nullable=False),
                    sa.Column('size', sa.BigInteger(), nullable=False),
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.CheckConstraint('size >= 0', name=op.f('ck_stored_files_size_not_negative')),
                    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_files')))
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_key', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_issued_documents_file_key_stored_files'), 'stored_files',
                                    ['file_key'], ['key'])
    copy_attachments_in()


def copy_attachments_in():
    conn = op.get_bind()
    rows = conn.execute(sa.select(attachments.c.stored_name, attachments.c.uploaded_at)
                        .order_by(attachments.c.stored_name)).all()
    if not rows:
        return
    folder = attachments_dir()
    copied = missing = 0
    for name, uploaded_at in rows:
        path = folder / name
        if not STORED_NAME.fullmatch(name or "") or not path.is_file():
            log.warning("attachment file %s not found in %s: skipped (its download will answer 404)", name, folder)
            missing += 1
            continue
        content = path.read_bytes()
        conn.execute(stored_files.insert().values(key=name, content=content, size=len(content),
                                                  sha256=hashlib.sha256(content).hexdigest(), created_at=uploaded_at))
        copied += 1
    log.info("copied %s attachment files from %s into stored_files; %s missing", copied, folder, missing)


def downgrade():
    copy_attachments_out()
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_issued_documents_file_key_stored_files'), type_='foreignkey')
        batch_op.drop_column('file_key')
    op.drop_table('stored_files')


def copy_attachments_out():
    conn = op.get_bind()
    keys = conn.execute(sa.select(stored_files.c.key).where(stored_files.c.key.in_(sa.select(
        attachments.c.stored_name))).order_by(stored_files.c.key)).scalars().all()
    if not keys:
        return
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for key in keys:  # one file in memory at a time
        if not (folder / key).exists():
            content = conn.execute(sa.select(stored_files.c.content).where(stored_files.c.key == key)).scalar_one()
            (folder / key).write_bytes(content)
    log.info("wrote %s attachment files back to %s", len(keys), folder)
