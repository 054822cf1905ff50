"""Unified social credit codes (GB 32100): the check character, and positions 1–2 (registration authority and
category) against the organisation's kind; only an admin changes a code, and a failing one only by an override
with a reason, recorded in the audit trail (API, page and the `flask orgs create` command)."""
import pytest

from procure.accounts.models import Organisation
from procure.audit.models import AuditEntry
from procure.codes import make_uscc
from procure.extensions import db

from support import reason_codes

GOOD = make_uscc("52330102MJ0000777")       # 民办非企业单位: fits a provider
COMPANY = make_uscc("91330102MA0000777")    # 企业: fits a provider or an evaluator
FOUNDATION_OF_STATE = make_uscc("11330102MB0000777")  # 机关: a government body, not a provider
BAD_CHECK = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")


def put(api, username, org, **body):
    return api.as_(username).put(f"/organisations/{org.id}/credit-code", json=body)


def overrides():
    return db.session.scalars(db.select(AuditEntry).filter_by(action="credit_code_override")).all()


@pytest.mark.parametrize("code,codes", [
    (BAD_CHECK, ["credit_code_invalid"]),
    (FOUNDATION_OF_STATE, ["credit_code_category_mismatch"]),
    ("3" + BAD_CHECK[1:], ["credit_code_invalid", "credit_code_category_mismatch"]),
])
def test_a_failing_code_is_refused_with_each_problem_named(api, world, db_snapshot, code, codes):
    before = db_snapshot()
    response = put(api, "admin", world.providers[0], credit_code=code)
    assert response.status_code == 422 and reason_codes(response) == codes
    assert all(r["message"] for r in response.get_json()["reasons"])
    assert db_snapshot() == before


def test_the_category_is_checked_against_the_kind(api, world):
    firm = world.evaluators[0]
    assert reason_codes(put(api, "admin", firm, credit_code=make_uscc("55330102MJ0000778"))) == [
        "credit_code_category_mismatch"]  # a residents' committee's code is no firm's
    assert put(api, "admin", firm, credit_code=COMPANY).status_code == 200
    community = world.community
    assert reason_codes(put(api, "admin", community, credit_code=make_uscc("52330102MJ0000779"))) == [
        "credit_code_category_mismatch"]
    response = put(api, "admin", community, credit_code=make_uscc("55330102MJ0000779"))
    assert response.status_code == 200 and response.get_json()["credit_code_override"] is False


def test_the_admin_overrides_with_a_reason_audited(api, world):
    org = world.providers[0]
    previous = org.credit_code
    response = put(api, "admin", org, credit_code=BAD_CHECK.lower(), override_reason="登记证书原件已核对，代码以证书为准")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["credit_code"] == BAD_CHECK and response.get_json()["credit_code_override"] is True
    [entry] = overrides()
    assert entry.user_id == world["admin"].id and entry.comment == "登记证书原件已核对，代码以证书为准"
    assert entry.data == {"organisation_id": org.id, "credit_code": BAD_CHECK, "previous": previous,
                          "problems": ["credit_code_invalid"]}
    # The overridden organisation still saves other changes; a valid code later clears the override.
    db.session.refresh(org)
    org.contact = "8800 0000"
    db.session.commit()
    response = put(api, "admin", org, credit_code=GOOD)
    assert response.status_code == 200 and response.get_json()["credit_code_override"] is False
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="set_credit_code")).comment == ""


@pytest.mark.parametrize("username,status", [("bureau", 403), ("provider", 403), ("reviewer", 403)])
def test_only_the_admin_changes_a_code(api, world, db_snapshot, username, status):
    before = db_snapshot()
    assert put(api, username, world.providers[0], credit_code=GOOD, override_reason="x").status_code == status
    assert db_snapshot() == before


def test_input_is_checked(api, world, db_snapshot):
    before = db_snapshot()
    assert set(put(api, "admin", world.providers[0], credit_code="123").get_json()["fields"]) == {"credit_code"}
    taken = put(api, "admin", world.providers[0], credit_code=world.providers[1].credit_code)
    assert taken.status_code == 400 and set(taken.get_json()["fields"]) == {"credit_code"}
    assert api.as_("admin").put("/organisations/999999/credit-code", json={"credit_code": GOOD}).status_code == 404
    assert db_snapshot() == before


def test_the_admin_page_refuses_then_overrides(as_user, world):
    org = world.providers[0]
    client = as_user("admin")
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert org.name in page and org.credit_code in page
    refused = client.post(f"/admin/organisations/{org.id}/credit-code", data={"credit_code": BAD_CHECK})
    assert refused.status_code == 422 and "统一社会信用代码校验位错误" in refused.get_data(as_text=True)
    assert overrides() == []
    done = client.post(f"/admin/organisations/{org.id}/credit-code",
                       data={"credit_code": BAD_CHECK, "override_reason": "证书原件已核对"})
    assert done.status_code == 302
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert BAD_CHECK in page and "未通过校验，已由管理员确认" in page
    assert [e.comment for e in overrides()] == ["证书原件已核对"]
    assert as_user("bureau").get("/admin/organisations").status_code == 404


def test_the_command_needs_an_admin_and_a_reason_to_override(app, world):
    runner = app.test_cli_runner()
    args = ["orgs", "create", "新机构", "--kind", "provider", "--division", "330102"]
    refused = runner.invoke(args=[*args, "--credit-code", FOUNDATION_OF_STATE])
    assert refused.exit_code != 0 and "positions 1–2" in refused.output
    no_reason = runner.invoke(args=[*args, "--credit-code", FOUNDATION_OF_STATE, "--override-credit-check", "admin"])
    assert no_reason.exit_code != 0 and "reason" in no_reason.output
    assert db.session.scalar(db.select(Organisation).filter_by(name="新机构")) is None
    done = runner.invoke(args=[*args, "--credit-code", FOUNDATION_OF_STATE, "--override-credit-check", "admin",
                               "--reason", "事业单位改制中，沿用原代码"])
    assert done.exit_code == 0, done.output
    org = db.session.scalar(db.select(Organisation).filter_by(name="新机构"))
    assert org.credit_code_override is True
    [entry] = overrides()
    assert entry.comment == "事业单位改制中，沿用原代码" and entry.data["problems"] == ["credit_code_category_mismatch"]
