"""Migration 0020 copies the files of an installation's attachments from ATTACHMENTS_DIR into the database under
their stored names, so that upgrading loses nothing; a file missing on disk is logged and skipped. Documents
issued before have no kept PDF yet. The downgrade writes the files back."""
import hashlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import MetaData, Table, select

from procure import create_app
from procure.extensions import db

import test_migrations
from test_migrations import flask_db

empty_database, keep_logging = test_migrations.empty_database, test_migrations.keep_logging  # fixtures

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
FILES = {"a" * 32: b"%PDF-1.4\n%%EOF\n", "b" * 32: "居民议事会纪要\n".encode()}
MISSING = "c" * 32


@pytest.fixture
def installation(empty_database, tmp_path):
    """An app whose uploads were kept on disk, in ATTACHMENTS_DIR."""
    folder = tmp_path / "attachments"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database, ATTACHMENTS_DIR=str(folder))
    yield app, folder
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def tables(conn, *names):
    return {name: Table(name, MetaData(), autoload_with=conn) for name in names}


def test_upgrade_copies_the_files_in_and_downgrade_writes_them_back(installation):
    app, folder = installation
    flask_db(app, "upgrade", "0019_throttle")
    folder.mkdir()
    for name, content in FILES.items():
        (folder / name).write_bytes(content)
    with app.app_context(), db.engine.begin() as conn:
        table = tables(conn, "organisations", "users", "attachments", "issued_documents")
        conn.execute(table["organisations"].insert().values(id=1, kind="government", name="机构", division_code="330102",
                                                            credit_code_override=False, council_version=0))
        conn.execute(table["users"].insert().values(id=1, username="u", password_hash="x", display_name="u",
                                                    role="bureau", organisation_id=1, active=True, created_at=NOW))
        for number, name in enumerate([*FILES, MISSING], 1):
            content = FILES.get(name, b"gone")
            conn.execute(table["attachments"].insert().values(
                id=number, kind="provider_evidence", original_name=f"{number}.pdf", stored_name=name,
                content_type="application/pdf", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                uploaded_at=NOW, uploaded_by_id=1, organisation_id=1))
        conn.execute(table["issued_documents"].insert().values(
            id=1, kind="catalogue", catalogue_year=2026, number="2026-ML-01", verification_code="ABCDEFGHJKMN",
            sha256="0" * 64, source_digest="1" * 64, page_count=1, issued_at=NOW))
    upgraded = flask_db(app, "upgrade")
    assert f"attachment file {MISSING} not found" in upgraded.output
    with app.app_context(), db.engine.connect() as conn:
        table = tables(conn, "stored_files", "issued_documents")
        kept = {row.key: row for row in conn.execute(select(table["stored_files"]))}
        file_keys = conn.execute(select(table["issued_documents"].c.file_key)).scalars().all()
    assert {key: bytes(row.content) for key, row in kept.items()} == FILES
    assert {key: (row.size, row.sha256) for key, row in kept.items()} == {
        key: (len(content), hashlib.sha256(content).hexdigest()) for key, content in FILES.items()}
    assert file_keys == [None]  # rendered and kept on its next download
    with app.app_context():  # the app serves them from the database now, whatever is on disk
        from procure import filestore

        for name in FILES:
            (folder / name).unlink()
        assert {name: filestore.get(name) for name in FILES} == FILES
    flask_db(app, "downgrade", "0019_throttle")
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == FILES
