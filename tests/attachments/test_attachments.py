"""Attachments: only allowed types (read from the content, the extension agreeing), a size cap, files kept
in the file store under generated keys, downloads with the project's access and sealed bid files."""
import io
import zipfile

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from procure.attachments.models import Attachment
from procure.audit.models import AuditEntry
from procure.extensions import db
from procure.filestore import StoredFile
from procure.formfields import json_to_formdata
from procure.procurement import operations as procurement


def office(folder: str, extra=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(f"{folder}/document.xml", "<document/>")
        for name, content in extra:
            archive.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(13)
ALLOWED = [
    ("申报书.pdf", PDF, "application/pdf"),
    ("现场照片.png", PNG, "image/png"),
    ("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20), "image/jpeg"),
    ("方案.docx", office("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("预算.xlsx", office("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("说明.txt", "居民议事会纪要\n同意申报。\n".encode(), "text/plain"),
    ("名单.csv", "姓名,人数\n王某,3\n".encode(), "text/csv"),
]
REFUSED = [
    ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(50)),        # a Windows executable, renamed
    ("tool.txt", b"\x7fELF\x02\x01\x01" + bytes(50)),                         # a Linux executable
    ("run.txt", b"#!/bin/sh\nrm -rf /\n"),                                    # a script
    ("notes.txt", b"<html><body><script>alert(1)</script></body></html>"),    # HTML
    ("page.pdf", b"<!DOCTYPE html><html></html>"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),  # SVG
    ("logo.txt", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
    ("photo.png", PDF),                                                       # extension disagrees with content
    ("scan.pdf", PNG),
    ("budget.docx", office("xl")),
    ("macro.docx", office("word", [("word/vbaProject.bin", "x")])),           # macros
    ("archive.docx", b"PK\x03\x04" + bytes(40)),                              # a broken or plain zip
    ("noext", PDF),
    ("latin1.txt", "Café".encode("latin-1")),                                 # not UTF-8
]


def stored_files() -> list[StoredFile]:
    db.session.expire_all()
    return db.session.scalars(select(StoredFile).order_by(StoredFile.created_at, StoredFile.key)).all()


def upload(api, username, project, name, content, kind="proposal"):
    return api.as_(username).post(f"/projects/{project.id}/attachments",
                                  data={"kind": kind, "file": (io.BytesIO(content), name)})


def audit_uploads(project):
    return db.session.scalars(select(AuditEntry).filter_by(project_id=project.id, action="upload_attachment")).all()


@pytest.mark.parametrize("name, content, content_type", ALLOWED, ids=[a[0] for a in ALLOWED])
def test_allowed_types_are_kept_in_the_file_store_under_generated_keys(api, journey, name, content, content_type):
    draft = journey.create()
    response = upload(api, "community", draft, name, content)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["name"], body["content_type"], body["size"], body["kind"]) == (name, content_type, len(content),
                                                                                "proposal")
    row = db.session.get(Attachment, body["id"])
    [kept] = stored_files()
    assert kept.key == row.stored_name and name not in kept.key and len(kept.key) == 32
    assert (kept.content, kept.size, kept.sha256) == (content, len(content), row.sha256)
    [entry] = audit_uploads(draft)
    assert entry.data["attachment_id"] == row.id and entry.data["sha256"] == row.sha256
    assert entry.user_id == api.world["community"].id


@pytest.mark.parametrize("name, content", REFUSED, ids=[r[0] + "-" + str(i) for i, r in enumerate(REFUSED)])
def test_a_file_is_judged_by_its_content_and_a_refusal_leaves_nothing(api, journey, db_snapshot, name, content):
    draft = journey.create()
    before = db_snapshot()
    response = upload(api, "community", draft, name, content)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"] == "invalid_input" and "file" in response.get_json()["fields"]
    assert db_snapshot() == before
    assert stored_files() == []


def test_missing_or_empty_file_and_unknown_kind_are_refused(api, journey, db_snapshot):
    draft = journey.create()
    before = db_snapshot()
    path = f"/projects/{draft.id}/attachments"
    assert api.as_("community").post(path, data={"kind": "proposal"}).get_json()["fields"].keys() == {"file"}
    assert upload(api, "community", draft, "empty.pdf", b"").get_json()["fields"].keys() == {"file"}
    assert upload(api, "community", draft, "a.pdf", PDF, kind="secret").get_json()["fields"].keys() == {"kind"}
    assert db_snapshot() == before


def test_the_size_cap(app, api, journey, client, monkeypatch, db_snapshot):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1000)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4000)
    draft = journey.create()
    before = db_snapshot()
    assert upload(api, "community", draft, "exact.pdf", PDF + bytes(1000 - len(PDF))).status_code == 201
    over = upload(api, "community", draft, "over.pdf", PDF + bytes(1001 - len(PDF)))
    assert over.status_code == 400 and "file" in over.get_json()["fields"]
    huge = upload(api, "community", draft, "huge.pdf", PDF + bytes(10_000))
    assert huge.status_code == 413 and huge.get_json()["error"] == "too_large"
    assert len(stored_files()) == 1 and len(audit_uploads(draft)) == 1
    # The page says so in words, not with a bare status.
    client.post("/login", data={"username": "community", "password": PASSWORD})
    page = client.post(f"/projects/{draft.id}/attachments",
                       data={"kind": "proposal", "file": (io.BytesIO(PDF + bytes(10_000)), "huge.pdf")})
    assert page.status_code == 413 and "1000 B" in page.get_data(as_text=True)
    assert len(stored_files()) == 1
    assert len(db_snapshot()["attachments"]) == len(before["attachments"]) + 1


def test_download_needs_the_project_and_is_always_an_attachment(api, journey, client):
    draft = journey.create()
    body = upload(api, "community", draft, "纪要.txt", "<b>not markup</b> 只是文字\n".encode()).get_json()
    assert body["content_type"] == "text/plain"
    response = api.as_("community").get(f"/attachments/{body['id']}")
    assert response.status_code == 200 and response.data == "<b>not markup</b> 只是文字\n".encode()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%BA%AA%E8%A6%81.txt" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "text/plain"
    for outsider in ("community_b", "provider", "bureau_far", "evaluator"):
        assert api.as_(outsider).get(f"/attachments/{body['id']}").status_code == 404, outsider
        assert api.as_(outsider).get(f"/projects/{draft.id}/attachments").status_code == 404, outsider
    assert api.as_("reviewer").get(f"/attachments/{body['id']}").status_code == 200
    assert api.as_("community").get("/attachments/999999").status_code == 404
    # The page route follows the same rule.
    client.post("/login", data={"username": "community_b", "password": PASSWORD})
    assert client.get(f"/attachments/{body['id']}/download").status_code == 404
    client.post("/logout")
    client.post("/login", data={"username": "community", "password": PASSWORD})
    page = client.get(f"/attachments/{body['id']}/download")
    assert page.status_code == 200 and page.headers["Content-Disposition"].startswith("attachment;")
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_who_may_upload_which_kind_and_when(api, journey, world, clock):
    draft = journey.create()
    assert upload(api, "community_b", draft, "a.pdf", PDF).status_code == 404
    assert upload(api, "reviewer", draft, "a.pdf", PDF).status_code == 403
    assert upload(api, "community", draft, "a.pdf", PDF, kind="contract").status_code == 403
    assert upload(api, "community", draft, "a.pdf", PDF, kind="other").status_code == 403
    journey.drive(draft, "notice")
    assert upload(api, "community", draft, "a.pdf", PDF).status_code == 409  # no longer editable
    journey.drive(draft, "tendering")
    assert upload(api, "provider", draft, "a.pdf", PDF, kind="bid").status_code == 403  # no bid yet
    assert upload(api, "bureau", draft, "a.pdf", PDF, kind="contract").status_code == 409


def test_bid_files_are_sealed_with_the_bid(api, journey, world, clock, client):
    project = journey.create()
    journey.drive(project, "tendering")
    journey.do(procurement.submit_bid, project, world["provider"],
               json_to_formdata({"price": "30000", "plan": "方案"}))
    uploaded = upload(api, "provider", project, "报价单.pdf", PDF, kind="bid")
    assert uploaded.status_code == 201, uploaded.get_json()
    attachment = uploaded.get_json()
    path = f"/attachments/{attachment['id']}"
    listing = f"/projects/{project.id}/attachments"
    assert api.as_("provider").get(path).status_code == 200
    assert [a["id"] for a in api.as_("provider").get(listing).get_json()] == [attachment["id"]]
    for other in ("provider2", "bureau", "admin", "reviewer", "community"):
        assert api.as_(other).get(path).status_code == 404, other
        assert api.as_(other).get(listing).get_json() == [], other
        history = api.as_(other).get(f"/projects/{project.id}/history").get_json()
        assert "upload_attachment" not in [e["action"] for e in history], other
    client.post("/login", data={"username": "provider2", "password": PASSWORD})
    assert "报价单.pdf" not in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert client.get(f"/attachments/{attachment['id']}/download").status_code == 404

    clock.advance(days=11)  # past the deadline
    assert api.as_("bureau").get(path).status_code == 200
    assert [a["id"] for a in api.as_("bureau").get(listing).get_json()] == [attachment["id"]]
    assert api.as_("provider2").get(path).status_code == 404
    late = upload(api, "provider", project, "补充.pdf", PDF, kind="bid")
    assert late.status_code == 422 and late.get_json()["reasons"][0]["code"] == "bid_deadline_passed"


def test_upload_from_the_project_page(api, journey, client, db_snapshot):
    draft = journey.create()
    client.post("/login", data={"username": "community", "password": PASSWORD})
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'value="proposal"' in page and 'value="contract"' not in page
    done = client.post(f"/projects/{draft.id}/attachments",
                       data={"kind": "proposal", "file": (io.BytesIO(PDF), "申报书.pdf")})
    assert done.status_code == 302
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    [row] = db.session.scalars(select(Attachment)).all()
    assert "申报书.pdf" in page and f"/attachments/{row.id}/download" in page
    before = db_snapshot()
    refused = client.post(f"/projects/{draft.id}/attachments",
                          data={"kind": "proposal", "file": (io.BytesIO(b"<svg></svg>"), "x.pdf")})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert 'data-testid="refusal"' in text and "扩展名须与文件内容一致" in text
    assert db_snapshot() == before and len(stored_files()) == 1
    # A user who may not upload sees the list without a form.
    client.post("/logout")
    client.post("/login", data={"username": "reviewer", "password": PASSWORD})
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert "申报书.pdf" in page and "upload-attachment-form" not in page


def test_answers_fit_the_openapi_document(api, journey, client):
    from openapi_check import check

    doc = client.get("/api/v1/openapi.json").get_json()
    p = "/projects/{project_id}/attachments"
    draft = journey.create()
    created = check(doc, p, "post", upload(api, "community", draft, "a.pdf", PDF), 201)
    check(doc, p, "post", upload(api, "community", draft, "a.png", PDF), 400)
    check(doc, p, "post", upload(api, "reviewer", draft, "a.pdf", PDF), 403)
    check(doc, p, "get", api.as_("community").get(f"/projects/{draft.id}/attachments"), 200)
    check(doc, "/attachments/{attachment_id}", "get", api.as_("community_b").get(f"/attachments/{created['id']}"), 404)
    download = api.as_("community").get(f"/attachments/{created['id']}")
    assert download.mimetype in doc["paths"]["/attachments/{attachment_id}"]["get"]["responses"]["200"]["content"]


# ---- evidence of service records (photos, sign-in sheets) -------------------------------------------

def delivering_with_a_record(api, journey, world):
    """A project in delivery with one service record: (project, implementer username, record id)."""
    project = journey.drive(journey.create(), "in_delivery")
    implementer = next(u for u in ("provider", "provider2", "provider3")
                       if world[u].organisation_id == project.implementer_id)
    record = api.as_(implementer).post(f"/projects/{project.id}/service-records", json={
        "served_on": "2026-06-01", "place": "社区活动室", "activity": "长者健康讲座", "participants": 32, "hours": "2"})
    assert record.status_code == 201, record.get_json()
    return project, implementer, record.get_json()["id"]


def evidence(api, username, project, record_id, name="签到表.pdf", content=PDF):
    data = {"kind": "service_record", "file": (io.BytesIO(content), name)}
    if record_id is not None:
        data["service_record_id"] = str(record_id)
    return api.as_(username).post(f"/projects/{project.id}/attachments", data=data)


def test_service_record_evidence_only_by_the_implementer_checked_by_content(api, journey, world, db_snapshot,
                                                                           client):
    from openapi_check import check

    doc = client.get("/api/v1/openapi.json").get_json()
    p = "/projects/{project_id}/attachments"
    project, implementer, record_id = delivering_with_a_record(api, journey, world)
    other, _, other_record = delivering_with_a_record(api, journey, world)
    before = db_snapshot()
    for username, status in (("community", 403), ("bureau", 403), ("evaluator", 404), ("community_b", 404),
                             ("bureau_far", 404)):
        if username != implementer:
            check(doc, p, "post", evidence(api, username, project, record_id), status)
    for outsider in ("provider", "provider2", "provider3"):
        if world[outsider].organisation_id not in (project.implementer_id,):
            assert evidence(api, outsider, project, record_id).status_code in (403, 404), outsider
    missing = check(doc, p, "post", evidence(api, implementer, project, None), 400)
    assert missing["fields"].keys() == {"service_record_id"}
    if other.implementer_id == project.implementer_id:  # a record of another project is no record of this one
        foreign = check(doc, p, "post", evidence(api, implementer, project, other_record), 400)
        assert foreign["fields"].keys() == {"service_record_id"}
    for name, content in (("photo.png", PDF), ("sheet.pdf", b"MZ\x90\x00" + bytes(40)),
                          ("photo.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')):
        refused = check(doc, p, "post", evidence(api, implementer, project, record_id, name, content), 400)
        assert refused["fields"].keys() == {"file"}
    assert db_snapshot() == before and stored_files() == []
    photo = check(doc, p, "post", evidence(api, implementer, project, record_id, "现场照片.png", PNG), 201)
    assert (photo["kind"], photo["service_record_id"], photo["content_type"]) == ("service_record", record_id,
                                                                                 "image/png")
    [entry] = audit_uploads(project)
    assert entry.data["service_record_id"] == record_id and entry.data["kind"] == "service_record"
    # Only while the service is delivered (or rectified after acceptance).
    journey.drive(project, "delivered")
    check(doc, p, "post", evidence(api, implementer, project, record_id), 409)


def test_service_record_evidence_is_listed_with_the_record_and_downloadable(api, journey, world, client):
    from openapi_check import check

    doc = client.get("/api/v1/openapi.json").get_json()
    project, implementer, record_id = delivering_with_a_record(api, journey, world)
    sheet = evidence(api, implementer, project, record_id, "签到表.xlsx", office("xl")).get_json()
    records = check(doc, "/projects/{project_id}/service-records", "get",
                    api.as_("community").get(f"/projects/{project.id}/service-records"), 200)
    assert [[a["id"] for a in r["attachments"]] for r in records] == [[sheet["id"]]]
    assert records[0]["attachments"][0]["service_record_id"] == record_id
    listed = check(doc, "/projects/{project_id}/attachments", "get",
                   api.as_("bureau").get(f"/projects/{project.id}/attachments"), 200)
    assert [(a["id"], a["kind"]) for a in listed] == [(sheet["id"], "service_record")]
    for username in ("community", "bureau", "reviewer", "admin", implementer):
        assert api.as_(username).get(f"/attachments/{sheet['id']}").status_code == 200, username
    for username in ("community_b", "bureau_far", "evaluator2", "provider3"):
        if username != implementer:
            assert api.as_(username).get(f"/attachments/{sheet['id']}").status_code == 404, username
            assert api.as_(username).get(f"/projects/{project.id}/service-records").status_code == 404, username


def test_service_record_evidence_on_the_project_page(api, journey, world, client, db_snapshot):
    project, implementer, record_id = delivering_with_a_record(api, journey, world)
    client.post("/login", data={"username": implementer, "password": PASSWORD})
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'data-testid="evidence-form-{record_id}"' in page
    general = page.split('data-testid="upload-attachment-form"')[1].split("</form>")[0]
    assert 'value="milestone_report"' in general and 'value="service_record"' not in general  # evidence: per record
    done = client.post(f"/projects/{project.id}/attachments",
                       data={"kind": "service_record", "service_record_id": str(record_id),
                             "file": (io.BytesIO(PNG), "活动照片.png")})
    assert done.status_code == 302 and done.headers["Location"].endswith("#delivery")
    [row] = db.session.scalars(select(Attachment)).all()
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    cell = page.split(f'data-testid="evidence-{record_id}"')[1].split("</td>")[0]
    assert "活动照片.png" in cell and f"/attachments/{row.id}/download" in cell
    before = db_snapshot()
    refused = client.post(f"/projects/{project.id}/attachments",
                          data={"kind": "service_record", "service_record_id": str(record_id),
                                "file": (io.BytesIO(b"<html></html>"), "照片.png")})
    assert refused.status_code == 400
    cell = refused.get_data(as_text=True).split(f'data-testid="evidence-{record_id}"')[1].split("</td>")[0]
    assert 'data-testid="refusal"' in cell and "扩展名须与文件内容一致" in cell
    assert '<details class="subaction" open' in cell
    assert db_snapshot() == before and len(stored_files()) == 1
    # The community sees the evidence with the record, without a form to add any.
    client.post("/logout")
    client.post("/login", data={"username": "community", "password": PASSWORD})
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "活动照片.png" in page and "evidence-form-" not in page
    assert client.get(f"/attachments/{row.id}/download").status_code == 200


# ---- names that hide what a file is (issue 15, item 8) ---------------------------------------------------

BIDI_CONTROLS = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
                 "\u200f", "\u061c")


def test_names_lose_their_bidirectional_controls_through_the_api(api, journey):
    """"报告\u202etxt.pdf" would show as "报告fdp.txt": the right-to-left override hides the real extension."""
    draft = journey.create()
    body = upload(api, "community", draft, "报告\u202etxt.pdf", PDF).get_json()
    assert body["name"] == "报告txt.pdf"
    every = "".join(BIDI_CONTROLS)
    body = upload(api, "community", draft, f"{every}纪要{every}\u2028.txt", "只是文字\n".encode()).get_json()
    assert body["name"] == "纪要.txt" and body["content_type"] == "text/plain"
    listed = api.as_("community").get(f"/projects/{draft.id}/attachments").get_json()
    assert sorted(a["name"] for a in listed) == ["报告txt.pdf", "纪要.txt"]
    # A name made of nothing but controls is no name.
    refused = upload(api, "community", draft, "\u202e\u2066.\u200f", PDF)
    assert refused.status_code == 400 and "file" in refused.get_json()["fields"]
    # What the extension check sees is the cleaned name: a PDF called "x\u202efdp.txt" is a ".txt" that is no text.
    assert upload(api, "community", draft, "x\u202efdp.txt", PDF).status_code == 400
    entry = min(audit_uploads(draft), key=lambda e: e.id)
    assert entry.comment == "报告txt.pdf" and entry.data["name"] == "报告txt.pdf"


def test_names_lose_their_bidirectional_controls_on_the_page(journey, client):
    draft = journey.create()
    client.post("/login", data={"username": "community", "password": PASSWORD})
    done = client.post(f"/projects/{draft.id}/attachments",
                       data={"kind": "proposal", "file": (io.BytesIO("居民名单\n".encode()), "说明\u202efdp.txt")},
                       follow_redirects=True)
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "附件已上传：说明fdp.txt" in page  # the flash
    assert not any(control in page for control in BIDI_CONTROLS)
    [row] = db.session.scalars(select(Attachment)).all()
    assert row.original_name == "说明fdp.txt"
    download = client.get(f"/attachments/{row.id}/download")
    assert download.status_code == 200
    assert "%E8%AF%B4%E6%98%8Efdp.txt" in download.headers["Content-Disposition"]  # 说明fdp.txt
    assert "%E2%80%AE" not in download.headers["Content-Disposition"]  # no U+202E


def test_provider_evidence_names_are_cleaned_too(api, world):
    org = world.providers[0]
    response = api.as_("provider").post(f"/providers/{org.id}/requirements/tax_record/evidence",
                                        data={"file": (io.BytesIO(PDF), "完税证明\u202egnp.pdf")})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["evidence"]["name"] == "完税证明gnp.pdf"
