"""Issued PDFs are kept: a download of an unchanged document serves the bytes kept when it was issued (the same
number, the same bytes, nothing rendered, nothing written); changed data issue a new number, rendered once.
Rendering is bounded: a page cap and a time cap refuse cleanly, a download that finds no render slot free
answers 503 with Retry-After, and simultaneous first downloads issue one number."""
import contextlib
import hashlib
import threading
from io import BytesIO

import pytest
from sqlalchemy import text

from procure.documents import render_claim, render_pool
from procure.documents.models import IssuedDocument
from procure.extensions import db
from procure.filestore import StoredFile

from concurrently import run_together
from pdf_text import needs_pdftotext, text_of


@pytest.fixture
def renders(monkeypatch):
    """Every HTML rendered to a PDF, as it is rendered."""
    seen = []
    real = render_pool.render

    def counted(html):
        seen.append(html)
        return real(html)

    monkeypatch.setattr(render_pool, "render", counted)
    return seen


def records() -> list[IssuedDocument]:
    db.session.expire_all()
    return db.session.scalars(db.select(IssuedDocument).order_by(IssuedDocument.id)).all()


def kept_bytes(record) -> bytes:
    return db.session.get(StoredFile, record.file_key).content


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def noticed(journey):
    """A project on public notice: its proposal is a public PDF."""
    return journey.drive(journey.create(), "notice")


def public_path(project, kind="proposal"):
    return f"/public/projects/{project.code}/documents/{kind}.pdf"


def test_a_second_download_serves_the_kept_pdf_and_renders_and_writes_nothing(client, noticed, renders,
                                                                              db_snapshot):
    first = client.get(public_path(noticed))
    assert first.status_code == 200 and first.data.startswith(b"%PDF") and len(renders) == 1
    [record] = records()
    assert kept_bytes(record) == first.data and record.sha256 == sha256(first.data)
    before = db_snapshot()
    for _ in range(3):
        again = client.get(public_path(noticed))
        assert again.status_code == 200 and again.data == first.data
        assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert len(renders) == 1
    assert db_snapshot() == before
    verified = client.get(f"/api/v1/documents/{record.verification_code}").get_json()
    assert (verified["number"], verified["sha256"]) == (record.number, sha256(first.data))


@needs_pdftotext
def test_changed_data_issue_a_new_number_rendered_once_and_the_old_copy_still_verifies(as_user, client, journey,
                                                                                      renders):
    project = journey.drive(journey.create(), "submitted")
    url = f"/projects/{project.id}/documents/proposal.pdf"
    staff = as_user("community")
    first = staff.get(url).data
    project.title = "社区长者助餐服务（扩大到三个小区）"
    db.session.commit()
    second = staff.get(url).data
    assert second != first and len(renders) == 2
    assert "扩大到三个小区" in text_of(second) and f"{project.code}-SB-02" in text_of(second)
    assert staff.get(url).data == second and len(renders) == 2
    old, new = records()
    assert (old.number, new.number) == (f"{project.code}-SB-01", f"{project.code}-SB-02")
    assert (kept_bytes(old), kept_bytes(new)) == (first, second)
    checked = client.post(f"/verify/{old.verification_code}", data={"pdf": (BytesIO(first), "old.pdf")},
                          content_type="multipart/form-data")
    assert 'data-testid="verify-match"' in checked.get_data(as_text=True)


def test_a_document_issued_before_pdfs_were_kept_renders_once_with_its_own_number(client, noticed, renders):
    first = client.get(public_path(noticed)).data
    [record] = records()
    key = record.file_key
    db.session.execute(text("UPDATE issued_documents SET file_key = NULL"))
    db.session.execute(text("DELETE FROM stored_files WHERE key = :key"), {"key": key})
    db.session.commit()
    assert client.get(public_path(noticed)).data == first and len(renders) == 2
    [record] = records()
    assert record.file_key is not None and kept_bytes(record) == first
    assert client.get(public_path(noticed)).data == first and len(renders) == 2


def test_the_page_cap_refuses_a_longer_document_cleanly(app, as_user, api, journey, monkeypatch, db_snapshot,
                                                        caplog):
    contracted = journey.drive(journey.create(), "contracted")
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_PAGES", 1)
    before = db_snapshot()
    url = f"/projects/{contracted.id}/documents/contract.pdf"
    page = as_user("bureau").get(url)
    assert page.status_code == 422
    assert "文件过大，无法生成（超过 1 页）" in page.get_data(as_text=True)
    answer = api.as_("bureau").get(url)
    assert answer.status_code == 422 and answer.get_json() == {
        "error": "document_too_large",
        "message": "The document is too large to produce (more than 1 pages) / 文件过大，无法生成（超过 1 页）"}
    assert db_snapshot() == before  # no number, no bytes
    assert "refused (DOCUMENT_MAX_PAGES = 1)" in caplog.text
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_PAGES", 200)
    assert as_user("bureau").get(url).status_code == 200


def test_a_download_that_finds_no_render_slot_answers_503_with_retry_after(app, client, api, noticed, monkeypatch,
                                                                          db_snapshot):
    monkeypatch.setitem(app.config, "DOCUMENT_RENDER_WAIT_SECONDS", 0.05)
    slots = render_pool.slots()
    taken = [slots.acquire(timeout=5) for _ in range(app.config["DOCUMENT_RENDER_CONCURRENCY"])]
    assert all(taken)
    try:
        before = db_snapshot()
        page = client.get(public_path(noticed))
        assert page.status_code == 503
        assert int(page.headers["Retry-After"]) >= 1  # (on a rate-limited page, Flask-Limiter's may be later)
        html = page.get_data(as_text=True)
        assert "正在生成的文件较多，请稍后再试" in html and "系统繁忙" in html and "The server is busy" in html
        answer = api.as_("community").get(f"/projects/{noticed.id}/documents/proposal.pdf")
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == str(app.config["DOCUMENT_RENDER_TIMEOUT_SECONDS"])
        assert answer.get_json()["error"] == "busy" and " / 正在生成的文件较多" in answer.get_json()["message"]
        assert db_snapshot() == before
    finally:
        for _ in taken:
            slots.release()
    first = client.get(public_path(noticed))
    assert first.status_code == 200
    for _ in taken:  # a kept document needs no slot
        slots.acquire()
    try:
        assert client.get(public_path(noticed)).data == first.data
    finally:
        for _ in taken:
            slots.release()


def test_the_time_cap_stops_the_render(app, api, noticed, monkeypatch, db_snapshot, caplog):
    monkeypatch.setitem(app.config, "DOCUMENT_RENDER_TIMEOUT_SECONDS", 0.05)
    before = db_snapshot()
    answer = api.as_("community").get(f"/projects/{noticed.id}/documents/proposal.pdf")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert answer.get_json()["error"] == "render_timeout"
    assert db_snapshot() == before
    assert "document render stopped after 0.05 s" in caplog.text


def test_simultaneous_first_downloads_in_one_process_render_once(app, noticed, renders, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_RENDER_WAIT_SECONDS", 60)
    path = public_path(noticed)
    responses = run_together(app, [lambda c: c.get(path) for _ in range(3)])
    assert [r.status_code for r in responses] == [200] * 3
    assert len({r.data for r in responses}) == 1
    assert len(records()) == 1 and len(renders) == 1  # the others waited for the slot, then found it kept


def test_simultaneous_first_downloads_on_two_workers_issue_one_number(app, noticed, monkeypatch):
    """Two renders at once (as two gunicorn workers or machines would do): the second to commit finds the
    number taken, and serves the first one's record and bytes."""
    monkeypatch.setitem(app.extensions, "document_render_slots", threading.BoundedSemaphore(2))
    # The render claim keeps two renders of one document apart (tests/documents/test_render_claim.py); without
    # it, as here, the unique number is the safety net.
    monkeypatch.setattr(render_claim, "claimed", lambda name: contextlib.nullcontext())
    both_rendering, real = threading.Barrier(2), render_pool.render

    def render_together(html):
        both_rendering.wait(timeout=30)  # both have read "no record yet" before either commits
        return real(html)

    monkeypatch.setattr(render_pool, "render", render_together)
    path = public_path(noticed)
    responses = run_together(app, [lambda c: c.get(path) for _ in range(2)])
    assert [r.status_code for r in responses] == [200, 200]
    [record] = records()
    assert responses[0].data == responses[1].data == kept_bytes(record)
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 1
