"""A provider's requirements, each on its own: the provider uploads evidence, the bureau verifies it as of a day,
the verification lapses after PROVIDER_REQUIREMENT_VALID_DAYS; eligibility (API and page) names each one missing,
unverified or lapsed; an annual inspection 不合格 bars; every refusal changes nothing."""
from datetime import timedelta
from io import BytesIO

import pytest

from procure import clock as app_clock
from procure.audit.models import AuditEntry
from procure.extensions import db
from procure.providers.models import REQUIREMENTS, ProviderRequirement

from support import reason_codes

TEXT = "无欠税证明 ×税证〔2026〕12号\n".encode()


@pytest.fixture
def org(world):
    """The first provider, with its tax record not yet proved."""
    org = world.providers[0]
    db.session.execute(db.delete(ProviderRequirement).filter_by(organisation_id=org.id, requirement="tax_record"))
    db.session.commit()
    return org


def upload(api, username, org, requirement="tax_record", content=TEXT, name="无欠税证明.txt", note="2026年度"):
    return api.as_(username).post(f"/providers/{org.id}/requirements/{requirement}/evidence",
                                  data={"file": (BytesIO(content), name), "note": note},
                                  content_type="multipart/form-data")


def verify(api, username, org, requirement="tax_record", **body):
    return api.as_(username).post(f"/providers/{org.id}/requirements/{requirement}/verify", json=body)


def detail(api, org, username="bureau"):
    return api.as_(username).get(f"/providers/{org.id}").get_json()


def requirement(api, org, name="tax_record"):
    return next(r for r in detail(api, org)["requirements"] if r["requirement"] == name)


def test_eligibility_names_the_requirement_missing(api, org):
    body = detail(api, org)
    assert [r["code"] for r in body["eligibility"]] == ["requirement_missing"]
    assert "依法缴纳税收记录良好" in body["eligibility"][0]["message"] and org.name in body["eligibility"][0]["message"]
    assert requirement(api, org)["status"] == "missing"
    assert {r["requirement"]: r["status"] for r in body["requirements"]} == {
        **{r: "verified" for r in REQUIREMENTS}, "tax_record": "missing"}


def test_evidence_then_verification_then_it_lapses(api, org, clock, client):
    response = upload(api, "provider", org)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "unverified" and response.get_json()["note"] == "2026年度"
    assert [r["code"] for r in detail(api, org)["eligibility"]] == ["requirement_missing"]  # not verified yet

    clock.advance(days=2)
    verified = verify(api, "bureau", org, verified_on=(app_clock.today() - timedelta(days=1)).isoformat())
    assert verified.status_code == 200, verified.get_json()
    day = app_clock.today() - timedelta(days=1)
    assert verified.get_json()["verified_on"] == day.isoformat()
    assert verified.get_json()["expires_on"] == (day + timedelta(days=364)).isoformat()
    assert detail(api, org)["eligibility"] == []
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="verify_provider_requirement"))
    assert entry.data["requirement"] == "tax_record" and entry.data["verified_on"] == day.isoformat()

    # The evidence is the provider's and the register's to read, no one else's.
    url = verified.get_json()["evidence"]["download_url"].removeprefix("/api/v1")
    assert api.as_("bureau").get(url).data == TEXT and api.as_("provider").get(url).data == TEXT
    assert api.as_("provider2").get(url).status_code == 404 and api.as_("community").get(url).status_code == 404

    def tax_reasons():
        return [r["code"] for r in detail(api, org)["eligibility"] if "依法缴纳税收记录良好" in r["message"]]

    clock.advance(days=363)  # the others, verified the day before, lapse first
    assert tax_reasons() == [] and requirement(api, org)["status"] == "verified"
    clock.advance(days=1)
    assert tax_reasons() == ["requirement_expired"] and requirement(api, org)["status"] == "expired"
    assert verify(api, "bureau", org).status_code == 409  # lapsed: new evidence first
    assert upload(api, "provider", org).status_code == 201
    assert verify(api, "bureau", org).status_code == 200 and tax_reasons() == []


def test_new_evidence_needs_verifying_again(api, world):
    org = world.providers[0]
    assert upload(api, "provider", org, "capacity", note="新增场地").status_code == 201
    assert [r["code"] for r in detail(api, org)["eligibility"]] == ["requirement_missing"]
    assert "具备提供服务所必需的设施、人员和专业技术能力" in detail(api, org)["eligibility"][0]["message"]
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="provider_evidence"))
    assert entry.data["requirement"] == "capacity" and entry.user_id == world["provider"].id


def test_refusals_change_nothing(api, org, world, db_snapshot, clock):
    before = db_snapshot()
    refused = verify(api, "bureau", org)
    assert refused.status_code == 422 and reason_codes(refused) == ["requirement_no_evidence"]
    assert upload(api, "bureau", org).status_code == 403  # only the provider supplies its evidence
    assert upload(api, "provider2", org).status_code == 404  # nor sees another's
    assert upload(api, "provider", org, "charity").status_code == 404
    assert upload(api, "provider", org, content=b"MZ\x90\x00", name="x.exe").status_code == 400
    assert upload(api, "provider", org, content=b"").status_code == 400
    assert db_snapshot() == before

    assert upload(api, "provider", org).status_code == 201
    before = db_snapshot()
    assert verify(api, "provider", org).status_code == 403
    assert verify(api, "reviewer", org).status_code == 403
    future = verify(api, "bureau", org, verified_on=(app_clock.today() + timedelta(days=1)).isoformat())
    assert future.status_code == 400 and set(future.get_json()["fields"]) == {"verified_on"}
    early = verify(api, "bureau", org, verified_on=(app_clock.today() - timedelta(days=1)).isoformat())
    assert early.status_code == 400 and set(early.get_json()["fields"]) == {"verified_on"}
    assert verify(api, "bureau", org, verified_on="not a date").status_code == 400
    assert db_snapshot() == before
    assert verify(api, "bureau", org).status_code == 200
    assert verify(api, "bureau", org).status_code == 409


def test_an_annual_inspection_other_than_unqualified_does_not_bar(api, world):
    org = world.providers[0]
    for result, codes in (("not_inspected", []), ("basically_qualified", []),
                          ("unqualified", ["profile_unverified", "annual_inspection_failed"])):
        body = {"registration_type": "social_service_agency", "annual_inspection": result}
        assert api.as_("provider").put(f"/providers/{org.id}/profile", json=body).status_code == 200
        if result != "unqualified":
            assert api.as_("bureau").post(f"/providers/{org.id}/verify").status_code == 200
        assert [r["code"] for r in detail(api, org)["eligibility"]] == codes


def test_the_registration_type_must_fit_the_credit_code(api, world, db_snapshot):
    org = world.providers[0]  # 52…: 民办非企业单位, a social service agency
    before = db_snapshot()
    for kind in ("social_group", "foundation", "company"):
        response = api.as_("provider").put(f"/providers/{org.id}/profile",
                                           json={"registration_type": kind, "annual_inspection": "qualified"})
        assert response.status_code == 400 and set(response.get_json()["fields"]) == {"registration_type"}
    assert db_snapshot() == before


def test_pages_show_each_requirement_and_take_evidence_and_verification(as_user, org, world):
    client = as_user("provider")
    page = client.get(f"/providers/{org.id}").get_data(as_text=True)
    assert 'data-testid="requirement-tax_record" data-status="missing"' in page
    assert "依法缴纳税收记录良好" in page and "缺少经民政局核验的证明材料" in page
    refused = client.post(f"/providers/{org.id}/requirements/tax_record/evidence", data={"note": "x"},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "请选择要上传的文件" in refused.get_data(as_text=True)
    response = client.post(f"/providers/{org.id}/requirements/tax_record/evidence",
                           data={"file": (BytesIO(TEXT), "无欠税证明.txt"), "note": "2026年度"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/providers/{org.id}").get_data(as_text=True)
    assert 'data-status="unverified"' in page and "无欠税证明.txt" in page

    client = as_user("bureau")
    future = (app_clock.today() + timedelta(days=3)).isoformat()
    refused = client.post(f"/providers/{org.id}/requirements/tax_record/verify", data={"verified_on": future})
    assert refused.status_code == 400 and "核验日期不能晚于今天" in refused.get_data(as_text=True)
    response = client.post(f"/providers/{org.id}/requirements/tax_record/verify",
                           data={"verified_on": app_clock.today().isoformat()})
    assert response.status_code == 302
    page = client.get(f"/providers/{org.id}").get_data(as_text=True)
    assert 'data-testid="requirement-tax_record" data-status="verified"' in page and "今天可以投标和中标" in page
