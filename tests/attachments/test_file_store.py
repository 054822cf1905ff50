"""The file store in the database: an attachment uploaded on one node downloads on any other, byte for byte, with
the download's headers; its bytes commit or roll back with its record; nothing is written to a local disk."""
import hashlib
import io

from sqlalchemy import func, select

from conftest import PASSWORD
from procure import filestore
from procure.attachments.models import Attachment
from procure.extensions import db
from procure.filestore import StoredFile


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def kept_count() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredFile))


def test_put_get_delete():
    content = bytes(range(256)) * 3
    key = filestore.put(content)
    db.session.commit()
    assert len(key) == 32 and int(key, 16) >= 0
    assert filestore.get(key) == content
    row = db.session.get(StoredFile, key)
    assert (row.size, row.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert filestore.get("0" * 32) is None
    for not_a_key in ("../etc/passwd", key.upper(), "", None):
        assert filestore.get(not_a_key) is None
    filestore.delete(key)
    db.session.commit()
    assert filestore.get(key) is None


def test_an_upload_round_trips_through_the_store_and_nothing_lands_on_disk(app, api, journey, client, tmp_path,
                                                                         monkeypatch):
    folder = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(folder))
    draft = journey.create()
    big = PDF + bytes(range(256)) * (3 * 4096)  # 3 MiB of every byte value
    body = api.as_("community").post(f"/projects/{draft.id}/attachments",
                                     data={"kind": "proposal", "file": (io.BytesIO(big), "申报材料.pdf")}).get_json()
    row = db.session.get(Attachment, body["id"])
    assert db.session.get(StoredFile, row.stored_name).content == big
    downloaded = api.as_("bureau").get(f"/attachments/{row.id}")
    assert downloaded.status_code == 200 and downloaded.data == big
    assert downloaded.headers["Content-Length"] == str(len(big)) and downloaded.mimetype == "application/pdf"
    client.post("/login", data={"username": "community", "password": PASSWORD})
    page = client.get(f"/attachments/{row.id}/download")
    assert page.status_code == 200 and page.data == big
    assert page.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%94%B3%E6%8A%A5%E6%9D%90%E6%96%99.pdf" in page.headers["Content-Disposition"]
    assert page.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "private, no-store"
    unchanged = client.get(f"/attachments/{row.id}/download", headers={"If-None-Match": f'"{row.sha256}"'})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert not folder.exists()


def test_an_upload_rolled_back_leaves_no_file(app, journey, world):
    from procure.attachments import operations
    from werkzeug.datastructures import FileStorage

    draft = journey.create()
    db.session.commit()
    before = kept_count()
    operations.upload(draft, world["community"], "proposal", FileStorage(io.BytesIO(PDF), "a.pdf"))
    assert kept_count() == before + 1
    db.session.rollback()  # as when the commit fails
    assert kept_count() == before and db.session.scalars(select(Attachment)).all() == []


def test_a_record_whose_file_is_missing_downloads_as_404(api, journey):
    draft = journey.create()
    body = api.as_("community").post(f"/projects/{draft.id}/attachments",
                                     data={"kind": "proposal", "file": (io.BytesIO(PDF), "a.pdf")}).get_json()
    filestore.delete(db.session.get(Attachment, body["id"]).stored_name)
    db.session.commit()
    response = api.as_("community").get(f"/attachments/{body['id']}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
