"""Official PDF documents: each kind renders from journey data with its key fields, amounts and page
numbers; the renderer fetches nothing but data: URIs; the public verification page and API tell the
issued record and compare an uploaded copy; only readers of the project get its documents; downloading
changes no project (documents are issued after the commit, never inside a transition)."""
import hashlib
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest

from conftest import PASSWORD
from procure.catalogue import operations as catalogue_ops
from procure.catalogue.models import Catalogue
from procure.documents.models import IssuedDocument
from procure.documents.render import DataOnlyFetcher, FetchRefused, qr_data_uri, render_pdf
from procure.extensions import db
from procure.procurement.models import Bid, Contract

from test_openapi import check, doc  # noqa: F401  (the document fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")


class Text(str):
    """pdftotext's output; `in` ignores white space (it comes and goes between CJK characters)."""

    def __contains__(self, part):
        return "".join(part.split()) in "".join(self.split())


def text_of(pdf: bytes) -> Text:
    return Text(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode())


@pytest.fixture
def as_user(client, world):
    def log_in(username):
        client.post("/logout")
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        return client
    return log_in


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    return response.data


def records() -> list[IssuedDocument]:
    db.session.expire_all()
    return db.session.scalars(db.select(IssuedDocument).order_by(IssuedDocument.id)).all()


@pytest.fixture
def contracted(journey):
    project = journey.create()
    return journey.drive(project, "contracted")


def test_proposal(journey, as_user):
    project = journey.drive(journey.create(), "submitted")
    text = text_of(download(as_user("community"), f"/projects/{project.id}/documents/proposal.pdf"))
    for expected in ("项目申报书", "社区长者助餐服务", "幸福社区", "40,000.00 元", "24,000.00 元", "16,000.00 元",
                     "餐食及配送", "居民议事会决议", "辖区内独居和高龄老人较多", f"{project.code}-SB-01",
                     "第 1 页 / 共"):
        assert expected in text, expected
    record = records()[0]
    assert (record.kind, record.project_id, record.number) == ("proposal", project.id, f"{project.code}-SB-01")
    assert record.verification_code in text and len(record.verification_code) == 12


def test_award_notice_and_contract(contracted, as_user):
    bid = db.session.scalar(db.select(Bid).filter_by(project_id=contracted.id, status="awarded"))
    client = as_user("bureau")
    notice = text_of(download(client, f"/projects/{contracted.id}/documents/award_notice.pdf"))
    for expected in ("成交（中标）通知书", bid.provider.name, f"{bid.price:,.2f} 元", "38,800.00 元", "38,000.00 元",
                     "竞争性磋商", "综合得分", "质疑期限", "××市民政局", "第 1 页 / 共"):
        assert expected in notice, expected
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=contracted.id))
    text = text_of(download(client, f"/projects/{contracted.id}/documents/contract.pdf"))
    first = (contract.amount * 40 / 100).quantize(Decimal("0.01"))
    for expected in ("政府购买服务合同", contract.implementer.name, f"{contract.amount:,.2f} 元", f"{first:,.2f} 元",
                     f"{contract.deposit:,.2f} 元", "项目启动及中期评估", "40%", "不转包", "助餐配送",
                     str(contract.signed_on), f"{contracted.code}-HT-01"):
        assert expected in text, expected


def test_catalogue(listed_catalogue, as_user):
    client = as_user("provider")
    page = client.get("/catalogues/2026").get_data(as_text=True)
    assert "/catalogues/2026/document.pdf" in page
    text = text_of(download(client, "/catalogues/2026/document.pdf"))
    for expected in ("年度购买服务目录", "小计", "合计", "52,500.50 元", "72,500.50 元", "20,000.00 元", "2026-ML-01"):
        assert expected in text, expected


@pytest.fixture
def listed_catalogue(journey, world):
    for title, amount, category in (("长者助餐", "40000.00", "A0101"), ("邻里互助", "12500.50", "A0203"),
                                    ("社工培训", "20000.00", "B0201")):
        journey.drive(journey.create(title=title, amount=amount, category=category), "cataloged")
    journey.do(catalogue_ops.publish, db.session.scalar(db.select(Catalogue).filter_by(year=2026)), world["bureau"])


def test_draft_catalogue_has_no_pdf(journey, as_user):
    journey.drive(journey.create(), "cataloged")
    client = as_user("bureau")
    assert "/catalogues/2026/document.pdf" not in client.get("/catalogues/2026").get_data(as_text=True)
    assert client.get("/catalogues/2026/document.pdf").status_code == 404


def test_links_follow_the_state(journey, as_user):
    project = journey.create()
    client = as_user("community")
    assert 'data-testid="documents"' not in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert client.get(f"/projects/{project.id}/documents/proposal.pdf").status_code == 404
    journey.drive(project, "tendering")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "documents/proposal.pdf" in page and "award_notice.pdf" not in page and "contract.pdf" not in page
    for kind in ("award_notice", "contract", "catalogue", "acceptance_certificate", "nonsense"):
        assert client.get(f"/projects/{project.id}/documents/{kind}.pdf").status_code == 404
    journey.drive(project, "contracted")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "award_notice.pdf" in page and "contract.pdf" in page


def test_access(contracted, as_user, client, api):
    url = f"/projects/{contracted.id}/documents/contract.pdf"
    assert client.get(url).status_code == 302  # to the login page
    assert as_user("provider3").get(url).status_code == 404
    assert as_user("community_b").get(url).status_code == 404
    assert api.as_("provider3").get(url).status_code == 404
    assert api.as_("bureau_far").get(url).status_code == 404
    response = api.as_("community").get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(records()) == 1


def test_download_changes_no_project(contracted, as_user, db_snapshot):
    before = db_snapshot()
    client = as_user("provider2")
    for kind in ("proposal", "award_notice", "contract"):
        download(client, f"/projects/{contracted.id}/documents/{kind}.pdf")
    after = db_snapshot()
    assert len(after.pop("issued_documents")) == 3 and before.pop("issued_documents") == []
    assert after == before  # audit trail, states, versions: all as they were


def test_unchanged_data_reuses_the_record(journey, as_user):
    project = journey.drive(journey.create(), "submitted")
    client = as_user("community")
    url = f"/projects/{project.id}/documents/proposal.pdf"
    first, second = download(client, url), download(client, url)
    assert first == second and len(records()) == 1
    journey.drive(project, "approved")  # the approved amount now shows on the proposal
    third = download(client, url)
    numbers = [r.number for r in records()]
    assert numbers == [f"{project.code}-SB-01", f"{project.code}-SB-02"] and third != first
    assert "40,000.00 元" in text_of(third) and "核定金额" in text_of(third)
    assert records()[1].sha256 == hashlib.sha256(third).hexdigest()


# ---- the fetcher -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/a.png", "https://example.com/x.css",
                                 "ftp://example.com/x", "/etc/passwd", "FILE:///etc/passwd"])
def test_fetcher_refuses_everything_but_data(url):
    with pytest.raises(FetchRefused, match="data: URIs"):
        DataOnlyFetcher().fetch(url)


def test_fetcher_allows_data_uris():
    response = DataOnlyFetcher().fetch(qr_data_uri("https://example.org/verify/ABC"))
    assert b"<svg" in response.read()


def test_html_cannot_pull_in_files_or_the_network():
    html = ('<html><head><link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head><body>'
            '<p>正文</p><img src="file:///etc/passwd"><iframe src="file:///etc/passwd"></iframe>'
            '<object data="file:///etc/passwd"></object>'
            '<div style="background: url(file:///etc/passwd)"></div></body></html>')
    rendered = render_pdf(html)
    text = text_of(rendered.pdf)
    assert "正文" in text and "root:" not in text and b"root:x:" not in rendered.pdf
    assert rendered.pages == 1


# ---- verification ------------------------------------------------------------------------------

@pytest.fixture
def issued(contracted, as_user, client):
    pdf = download(as_user("bureau"), f"/projects/{contracted.id}/documents/contract.pdf")
    client.post("/logout")
    return records()[0], pdf


def test_verification_page(issued, client, contracted):
    record, pdf = issued
    page = client.get(f"/verify/{record.verification_code}").get_data(as_text=True)
    for expected in (record.number, record.sha256, contracted.code, contracted.title, "××市民政局", "政府购买服务合同"):
        assert expected in page, expected
    assert record.sha256 == hashlib.sha256(pdf).hexdigest()
    same = client.post(f"/verify/{record.verification_code}", data={"pdf": (BytesIO(pdf), "合同.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-testid="verify-match"' in same and "verify-mismatch" not in same
    altered = pdf.replace(b"%PDF-1.7", b"%PDF-1.6", 1) if b"%PDF-1.7" in pdf[:10] else pdf + b"\n"
    other = client.post(f"/verify/{record.verification_code}", data={"pdf": (BytesIO(altered), "合同.pdf")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-testid="verify-mismatch"' in other and "verify-match\"" not in other


def test_verification_upload_is_capped(issued, client, app):
    record, pdf = issued
    app.config["VERIFY_UPLOAD_MAX_BYTES"] = 100
    try:
        response = client.post(f"/verify/{record.verification_code}", data={"pdf": (BytesIO(pdf), "x.pdf")},
                               content_type="multipart/form-data")
    finally:
        app.config["VERIFY_UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    assert response.status_code == 413 and 'data-testid="verify-too-large"' in response.get_data(as_text=True)


def test_unknown_code_is_404(client, issued):
    for code in ("AAAAAAAAAAAA", "x", issued[0].verification_code + "X"):
        response = client.get(f"/verify/{code}")
        text = response.get_data(as_text=True)
        assert response.status_code == 404 and "找不到该页面" in text and "This page does not exist" in text
    assert client.get("/api/v1/documents/AAAAAAAAAAAA").status_code == 404


def test_verification_api_is_public(issued, client, contracted, doc):  # noqa: F811  (the fixture)
    record, _ = issued
    response = client.get(f"/api/v1/documents/{record.verification_code}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["number"] == record.number and body["sha256"] == record.sha256 and body["kind"] == "contract"
    assert body["project"] == {"code": contracted.code, "title": contracted.title}
    check(doc, "/documents/{code}", "get", response, 200)


def test_api_download(contracted, api):
    response = api.as_("provider2").get(f"/projects/{contracted.id}/documents/award_notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "成交（中标）通知书" in text_of(response.data)
    assert api.as_("provider2").get(f"/projects/{contracted.id}/documents/bogus.pdf").status_code == 404
