"""Volunteer certificates (志愿服务证明, 社区人才库入库证书): official PDFs in Chinese with a verification code and
QR code, issued free to the volunteer and to the staff of their community (nobody else), numbered once for
unchanged data, recorded in the audit trail; the public verification page tells public facts only (the
masked name, never the name, ID number or phone)."""
import hashlib
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest

from procure import clock
from procure.audit.models import AuditEntry
from procure.documents.models import IssuedDocument
from procure.extensions import db
from procure.talent.models import ProfessionalCertificate
from procure.volunteers import ledger
from procure.volunteers.models import Activity, SignUp

from pdf_text import needs_pdftotext, text_of
from test_talent import make_profile, make_volunteer

OUTSIDERS = ["community_b", "community_far", "reviewer", "bureau", "admin", "provider", "evaluator", "other"]

pytestmark = needs_pdftotext


@pytest.fixture
def zhang(world):
    volunteer = make_volunteer(world.community, "zhang", "张三丰", "330102199001011234", "13911112222")
    activity = Activity(organiser_org_id=world.community.id, community_id=world.community.id, title="重阳节敬老探访",
                        category="elderly", place="社区活动中心", starts_at=clock.now() - timedelta(days=3),
                        ends_at=clock.now() - timedelta(days=3, hours=-2), places=10, checkin_token="tok-zhang",
                        created_by_id=world["community"].id)
    db.session.add(activity)
    db.session.flush()
    signup = SignUp(activity_id=activity.id, volunteer_id=volunteer.id, status="completed", hours=Decimal("2.00"),
                    checked_in_at=activity.starts_at, checked_out_at=activity.ends_at,
                    recorded_by_id=world["community"].id)
    db.session.add(signup)
    db.session.flush()
    ledger.append(volunteer, "service", hours=Decimal("2.00"), points=Decimal("3.00"), user=world["community"],
                  signup_id=signup.id)
    ledger.append(volunteer, "service", hours=Decimal("121.50"), points=Decimal("121.50"), user=world["community"])
    db.session.commit()
    return volunteer


@pytest.fixture
def other(world):
    return make_volunteer(world.community, "other", "李四", "330102199202021111", "13733334444")


@pytest.fixture
def as_user(as_user, zhang, other):
    """The conftest's sign-in, with both volunteers registered first."""
    return as_user


def download(client, volunteer, kind):
    response = client.get(f"/volunteers/{volunteer.id}/certificates/{kind}.pdf")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.data


def records() -> list[IssuedDocument]:
    db.session.expire_all()
    return db.session.scalars(db.select(IssuedDocument).order_by(IssuedDocument.id)).all()


def certificate_audits() -> list[dict]:
    return [e.data for e in db.session.scalars(db.select(AuditEntry).filter_by(action="issue_certificate")
                                               .order_by(AuditEntry.id))]


def test_service_certificate_for_the_volunteer(as_user, zhang, world):
    pdf = download(as_user("zhang"), zhang, "volunteer_certificate")
    text = text_of(pdf)
    for expected in ("志愿服务证明", "张三丰", "幸福社区", "123.50 小时", "1 星", "重阳节敬老探访", "助老服务",
                     "3301**********1234", f"V{zhang.id:06d}-ZY-01"):
        assert expected in text, expected
    assert "330102199001011234" not in text and "13911112222" not in text
    [record] = records()
    assert (record.kind, record.volunteer_id, record.project_id, record.number) == \
        ("volunteer_certificate", zhang.id, None, f"V{zhang.id:06d}-ZY-01")
    assert record.verification_code in text and record.sha256 == hashlib.sha256(pdf).hexdigest()
    assert certificate_audits() == [{"kind": "volunteer_certificate", "volunteer_id": zhang.id,
                                     "number": record.number, "document_id": record.id}]
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="issue_certificate"))
    assert (entry.user_id, entry.project_id) == (zhang.user_id, None)


def test_unchanged_data_reuses_the_number_and_new_hours_issue_a_new_one(as_user, zhang, world):
    client = as_user("zhang")
    first = download(client, zhang, "volunteer_certificate")
    staff = as_user("community")  # the community's staff get the same document
    assert download(staff, zhang, "volunteer_certificate") == first
    assert [r.number for r in records()] == [f"V{zhang.id:06d}-ZY-01"]
    assert len(certificate_audits()) == 2  # each issuance is in the audit trail, with who issued it
    ledger.append(zhang, "service", hours=Decimal("1.00"), points=Decimal("1.00"), user=world["community"])
    db.session.commit()
    text = text_of(download(staff, zhang, "volunteer_certificate"))
    assert "124.50 小时" in text
    assert [r.number for r in records()] == [f"V{zhang.id:06d}-ZY-01", f"V{zhang.id:06d}-ZY-02"]


def test_verification_page_shows_the_masked_name_only(as_user, zhang, client):
    pdf = download(as_user("zhang"), zhang, "volunteer_certificate")
    record = records()[0]
    client.post("/logout")
    page = client.get(f"/verify/{record.verification_code.lower()}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in ("志愿服务证明", record.number, "幸福社区", "张**", record.sha256):
        assert expected in html, expected
    for secret in ("张三丰", "330102199001011234", "3301**********1234", "13911112222", "重阳节敬老探访"):
        assert secret not in html, secret
    matched = client.post(f"/verify/{record.verification_code}",
                          data={"pdf": (BytesIO(pdf), "certificate.pdf")}, content_type="multipart/form-data")
    assert 'data-testid="verify-match"' in matched.get_data(as_text=True)
    changed = client.post(f"/verify/{record.verification_code}",
                          data={"pdf": (BytesIO(pdf + b"%"), "certificate.pdf")}, content_type="multipart/form-data")
    assert 'data-testid="verify-mismatch"' in changed.get_data(as_text=True)
    api = client.get(f"/api/v1/documents/{record.verification_code}")
    assert api.status_code == 200 and api.get_json()["kind"] == "volunteer_certificate"
    assert "张三丰" not in api.get_data(as_text=True) and "3301021990" not in api.get_data(as_text=True)


def test_talent_certificate_only_once_admitted(as_user, zhang, world):
    profile = make_profile(zhang, "doctor,手语", "社区医生")
    db.session.add_all([ProfessionalCertificate(profile_id=profile.id, name="执业医师资格证书",
                                                issuer="国家卫生健康委员会", number="110330000001",
                                                checked_at=clock.now(), checked_by_id=world["community"].id),
                        ProfessionalCertificate(profile_id=profile.id, name="未核验的证书")])
    db.session.commit()
    client = as_user("zhang")
    assert client.get(f"/volunteers/{zhang.id}/certificates/talent_certificate.pdf").status_code == 404
    assert client.get(f"/volunteers/{zhang.id}/certificates/proposal.pdf").status_code == 404
    assert records() == []
    staff = as_user("community")
    assert staff.post(f"/talent/volunteers/{zhang.id}/admit").status_code == 302
    text = text_of(download(staff, zhang, "talent_certificate"))
    for expected in ("社区人才库入库证书", "张三丰", "社区医生", "医生", "手语", "执业医师资格证书", "110330000001",
                     clock.today().isoformat(), f"V{zhang.id:06d}-RC-01"):
        assert expected in text, expected
    assert "未核验的证书" not in text and "330102199001011234" not in text
    record = records()[0]
    html = as_user("other").get(f"/verify/{record.verification_code}").get_data(as_text=True)
    assert "社区人才库入库证书" in html and "张**" in html and "张三丰" not in html


@pytest.mark.parametrize("username", OUTSIDERS)
def test_nobody_else_gets_a_certificate(as_user, zhang, username, db_snapshot):
    make_profile(zhang, "doctor", "医生", admitted=True)
    client = as_user(username)
    before = db_snapshot()
    for kind in ("volunteer_certificate", "talent_certificate"):
        assert client.get(f"/volunteers/{zhang.id}/certificates/{kind}.pdf").status_code == 404
    assert db_snapshot() == before


def test_the_public_gets_no_certificate(client, zhang):
    response = client.get(f"/volunteers/{zhang.id}/certificates/volunteer_certificate.pdf")
    assert response.status_code in (302, 401) and records() == []
