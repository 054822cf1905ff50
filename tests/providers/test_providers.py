"""Providers (承接主体): eligibility at bid and award, each refusal with its reason; related suppliers;
debarments set and lifted by the bureau with audit; the profile the provider keeps and the bureau verifies."""
from datetime import date, timedelta

import pytest

from procure import clock as app_clock
from procure.audit.models import AuditEntry
from procure.extensions import db
from procure.procurement.models import Bid
from procure.providers.models import REQUIREMENTS, ControlRelation, Debarment, ProviderProfile, ProviderRequirement, Violation

from support import reason_codes

PROFILE = {"registration_type": "social_service_agency", "founded_on": "2015-06-01", "rating": "4A",
           "annual_inspection": "qualified", "service_areas": "养老服务；社区治理", "contact": "8800 3001",
           "team": [{"name": "陈敏", "qualification": "社会工作者职业资格（中级）", "role": "项目主管"}]}


def bid(api, username, project, price="38000.00"):
    return api.as_(username).post(f"/projects/{project.id}/bids", json={"price": price, "plan": "服务方案"})


def profile_of(world, username) -> ProviderProfile:
    return db.session.scalar(db.select(ProviderProfile).filter_by(organisation_id=world[username].organisation_id))


def audit(action):
    return db.session.scalars(db.select(AuditEntry).filter_by(action=action)).all()


@pytest.fixture
def tendering(journey):
    return journey.drive(journey.create(), "tendering")


# ---- eligibility when bidding --------------------------------------------------------------------

def make_unverified(world, username):
    profile = profile_of(world, username)
    profile.verified_at = profile.verified_by_id = None
    db.session.commit()


def make_class_one(world, username):
    profile_of(world, username).public_welfare_class_one = True
    db.session.commit()


def add_major_violation(world, username, days_ago=30):
    db.session.add(Violation(organisation_id=world[username].organisation_id, major=True, description="虚假申报",
                             occurred_on=app_clock.today() - timedelta(days=days_ago)))
    db.session.commit()


def debar(world, username):
    db.session.add(Debarment(organisation_id=world[username].organisation_id, reason="违约", source="breach",
                             starts_on=app_clock.today(), ends_on=app_clock.today() + timedelta(days=30)))
    db.session.commit()


def drop_profile(world, username):
    db.session.delete(profile_of(world, username))
    db.session.commit()


def fail_inspection(world, username):
    profile_of(world, username).annual_inspection = "unqualified"
    db.session.commit()


def requirement_of(world, username, requirement) -> ProviderRequirement:
    return db.session.scalar(db.select(ProviderRequirement).filter_by(
        organisation_id=world[username].organisation_id, requirement=requirement))


def drop(requirement):
    def spoil(world, username):
        db.session.delete(requirement_of(world, username, requirement))
        db.session.commit()
    spoil.__name__ = f"drop_{requirement}"
    return spoil


def lapse(requirement):
    """Verified one validity period (PROVIDER_REQUIREMENT_VALID_DAYS, 365) before today: lapsed yesterday."""
    def spoil(world, username):
        requirement_of(world, username, requirement).verified_on = app_clock.today() - timedelta(days=365)
        db.session.commit()
    spoil.__name__ = f"lapse_{requirement}"
    return spoil


REFUSALS = [(make_unverified, "profile_unverified"), (drop_profile, "profile_unverified"),
            (make_class_one, "public_welfare_barred"), (add_major_violation, "major_violation"),
            (debar, "bidder_debarred"), (fail_inspection, "annual_inspection_failed"),
            *[(drop(r), "requirement_missing") for r in REQUIREMENTS],
            *[(lapse(r), "requirement_expired") for r in REQUIREMENTS]]


@pytest.mark.parametrize("spoil,code", REFUSALS)
def test_an_ineligible_provider_cannot_bid(tendering, api, world, db_snapshot, spoil, code):
    spoil(world, "provider3")
    before = db_snapshot()
    response = bid(api, "provider3", tendering)
    assert reason_codes(response) == [code]
    assert world.providers[2].name in response.get_json()["reasons"][0]["message"]
    assert db_snapshot() == before
    assert bid(api, "provider", tendering).status_code == 201  # the others still may


@pytest.mark.parametrize("spoil,code", REFUSALS)
def test_an_ineligible_provider_is_not_awarded(tendering, api, world, clock, db_snapshot, spoil, code, journey):
    chosen = bid(api, "provider", tendering).get_json()["id"]
    assert bid(api, "provider2", tendering, "37000.00").status_code == 201
    spoil(world, "provider")
    clock.advance(days=11)
    journey.evaluate_bids(tendering, favour=db.session.get(Bid, chosen))  # ranked first by the panel
    before = db_snapshot()
    db.session.refresh(tendering)
    response = api.as_("bureau").fire(tendering, "award", bid_id=chosen)
    assert reason_codes(response) == [code]
    assert db_snapshot() == before


def test_reasons_add_up(tendering, api, world):
    make_unverified(world, "provider3")
    make_class_one(world, "provider3")
    add_major_violation(world, "provider3")
    debar(world, "provider3")
    assert reason_codes(bid(api, "provider3", tendering)) == [
        "profile_unverified", "public_welfare_barred", "major_violation", "bidder_debarred"]


def test_a_major_violation_bars_for_three_years_and_a_minor_one_not_at_all(tendering, api, world):
    add_major_violation(world, "provider3", days_ago=3 * 366)
    db.session.add(Violation(organisation_id=world["provider3"].organisation_id, major=False, description="迟交年报",
                             occurred_on=app_clock.today()))
    db.session.commit()
    assert bid(api, "provider3", tendering).status_code == 201


# ---- related suppliers --------------------------------------------------------------------------

def test_same_legal_representative_second_bid_refused(tendering, api, world, db_snapshot):
    world.providers[1].legal_representative = world.providers[0].legal_representative
    db.session.commit()
    assert bid(api, "provider", tendering).status_code == 201
    before = db_snapshot()
    response = bid(api, "provider2", tendering)
    assert reason_codes(response) == ["related_supplier"]
    assert world.providers[0].name in response.get_json()["reasons"][0]["message"]
    assert db_snapshot() == before
    # the first bid is unaffected: still valid, and it may be revised
    assert bid(api, "provider", tendering, "36000.00").status_code == 201
    assert db.session.scalar(db.select(Bid).filter_by(provider_id=world.providers[0].id)).status == "submitted"
    assert bid(api, "provider3", tendering).status_code == 201


@pytest.mark.parametrize("declared_by", ["provider", "provider2"])
def test_declared_control_relation_either_way(tendering, api, world, declared_by):
    other = "provider2" if declared_by == "provider" else "provider"
    response = api.as_(declared_by).post(f"/providers/{world[declared_by].organisation_id}/relations",
                                         json={"related_org_id": world[other].organisation_id,
                                               "description": "同一举办单位控制"})
    assert response.status_code == 201, response.get_json()
    assert audit("declare_relation")
    assert bid(api, "provider2", tendering).status_code == 201
    assert reason_codes(bid(api, "provider", tendering)) == ["related_supplier"]


def test_a_withdrawn_related_bid_no_longer_blocks(tendering, api, world):
    db.session.add(ControlRelation(organisation_id=world.providers[0].id, related_org_id=world.providers[1].id))
    db.session.commit()
    assert bid(api, "provider", tendering).status_code == 201
    assert api.as_("provider").post(f"/projects/{tendering.id}/bids/withdraw").status_code == 200
    assert bid(api, "provider2", tendering).status_code == 201


def test_relations_only_with_another_provider(api, world):
    own = world["provider"].organisation_id
    for target in (own, world.evaluators[0].id, 999999):
        response = api.as_("provider").post(f"/providers/{own}/relations", json={"related_org_id": target})
        assert response.status_code == 400, target
    response = api.as_("bureau").post(f"/providers/{own}/relations", json={"related_org_id": world.providers[1].id})
    assert response.status_code == 403


# ---- debarments ---------------------------------------------------------------------------------

def test_bureau_debars_for_a_breach_three_years_by_default_and_lifts(api, world):
    org_id = world["provider"].organisation_id
    response = api.as_("bureau").post(f"/providers/{org_id}/debarments", json={"reason": "擅自转包", "source": "breach"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    today = app_clock.today()
    assert body["starts_on"] == today.isoformat()
    assert body["ends_on"] == (date(today.year + 3, today.month, today.day) - timedelta(days=1)).isoformat()
    assert body["active"] is True
    detail = api.as_("bureau").get(f"/providers/{org_id}").get_json()
    assert detail["debarred"] and [r["code"] for r in detail["eligibility"]] == ["bidder_debarred"]
    [entry] = audit("set_debarment")
    assert entry.user_id == world["bureau"].id and entry.data["debarment_id"] == body["id"]
    assert entry.project_id is None and entry.comment == "擅自转包"

    lifted = api.as_("bureau").post(f"/debarments/{body['id']}/lift")
    assert lifted.status_code == 200 and lifted.get_json()["lifted_at"] and not lifted.get_json()["active"]
    assert audit("lift_debarment")[0].data["debarment_id"] == body["id"]
    assert api.as_("bureau").post(f"/debarments/{body['id']}/lift").status_code == 409
    assert api.as_("bureau").get(f"/providers/{org_id}").get_json()["eligibility"] == []


def test_other_sources_need_an_end_date(api, world):
    org_id = world["provider"].organisation_id
    response = api.as_("bureau").post(f"/providers/{org_id}/debarments", json={"reason": "判决", "source": "court"})
    assert response.status_code == 400 and "ends_on" in response.get_json()["fields"]
    response = api.as_("bureau").post(f"/providers/{org_id}/debarments",
                                      json={"reason": "x", "source": "nonsense", "ends_on": "2027-01-01"})
    assert response.status_code == 400 and "source" in response.get_json()["fields"]
    response = api.as_("bureau").post(f"/providers/{org_id}/debarments",
                                      json={"reason": "判决", "source": "court", "ends_on": "2028-01-01"})
    assert response.status_code == 201 and response.get_json()["ends_on"] == "2028-01-01"


@pytest.mark.parametrize("username,status", [("reviewer", 403), ("admin", 403), ("provider", 403),
                                             ("provider2", 404), ("community", 404), ("evaluator", 404)])
def test_only_the_bureau_debars_and_lifts(api, world, db_snapshot, username, status):
    org_id = world["provider"].organisation_id
    debarment = Debarment(organisation_id=org_id, reason="违约", source="breach", starts_on=app_clock.today(),
                          ends_on=app_clock.today() + timedelta(days=10))
    db.session.add(debarment)
    db.session.commit()
    before = db_snapshot()
    response = api.as_(username).post(f"/providers/{org_id}/debarments", json={"reason": "x", "source": "breach"})
    assert response.status_code == status
    assert api.as_(username).post(f"/debarments/{debarment.id}/lift").status_code == 403
    assert api.as_(username).post(f"/providers/{org_id}/verify").status_code == status
    assert api.as_(username).post(f"/providers/{org_id}/violations",
                                  json={"occurred_on": "2026-01-01", "description": "x"}).status_code == status
    assert db_snapshot() == before


# ---- the profile --------------------------------------------------------------------------------

def test_editing_a_verified_profile_unverifies_it_until_the_bureau_verifies(tendering, api, world):
    org_id = world["provider"].organisation_id
    response = api.as_("provider").put(f"/providers/{org_id}/profile", json=PROFILE)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["verified"] is False and body["profile"]["rating"] == "4A"
    assert body["profile"]["team"] == PROFILE["team"]
    assert [r["code"] for r in body["eligibility"]] == ["profile_unverified"]
    assert audit("update_provider_profile")[0].data["was_verified"] is True
    assert reason_codes(bid(api, "provider", tendering)) == ["profile_unverified"]

    verified = api.as_("bureau").post(f"/providers/{org_id}/verify")
    assert verified.status_code == 200 and verified.get_json()["verified"] is True
    assert audit("verify_provider_profile")[0].user_id == world["bureau"].id
    assert api.as_("bureau").post(f"/providers/{org_id}/verify").status_code == 409
    assert bid(api, "provider", tendering).status_code == 201


def test_a_provider_cannot_edit_or_see_another_profile(api, world, db_snapshot):
    other = world["provider2"].organisation_id
    before = db_snapshot()
    assert api.as_("provider").put(f"/providers/{other}/profile", json=PROFILE).status_code == 404
    assert api.as_("provider").get(f"/providers/{other}").status_code == 404
    assert api.as_("bureau").put(f"/providers/{other}/profile", json=PROFILE).status_code == 403
    assert db_snapshot() == before
    assert [p["id"] for p in api.as_("provider").get("/providers").get_json()] == [world["provider"].organisation_id]
    assert len(api.as_("reviewer").get("/providers").get_json()) == 3
    assert api.as_("community").get("/providers").get_json() == []


def test_profile_input_is_validated(api, world):
    org_id = world["provider"].organisation_id
    response = api.as_("provider").put(f"/providers/{org_id}/profile",
                                       json={**PROFILE, "rating": "6A", "registration_type": "club"})
    assert response.status_code == 400
    assert {"rating", "registration_type"} <= set(response.get_json()["fields"])


# ---- pages ---------------------------------------------------------------------------------------

def login(client, username):
    from conftest import PASSWORD

    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def test_pages_for_bureau_and_provider(client, world):
    org_id = world["provider"].organisation_id
    login(client, "bureau")
    listing = client.get("/providers").get_data(as_text=True)
    assert all(p.name in listing for p in world.providers)
    page = client.get(f"/providers/{org_id}").get_data(as_text=True)
    assert world.providers[0].name in page and "列入禁入名单" in page
    response = client.post(f"/providers/{org_id}/debarments", data={"reason": "违约", "source": "breach"})
    assert response.status_code == 302
    assert Debarment.active_for(org_id, app_clock.today())

    login(client, "provider")
    listing = client.get("/providers").get_data(as_text=True)
    assert world.providers[0].name in listing and world.providers[1].name not in listing
    page = client.get(f"/providers/{org_id}").get_data(as_text=True)
    assert "保存机构信息" in page and "列入禁入名单" not in page
    assert client.get(f"/providers/{world['provider2'].organisation_id}").status_code == 404
    response = client.post(f"/providers/{org_id}/profile", data={
        "registration_type": "social_service_agency", "annual_inspection": "qualified", "rating": "5A",
        "team-0-name": "李华", "team-0-qualification": "社会工作者职业资格（初级）", "team-0-role": "社工"})
    assert response.status_code == 302
    assert profile_of(world, "provider").rating == "5A" and not profile_of(world, "provider").verified

    login(client, "community")
    assert client.get(f"/providers/{org_id}").status_code == 404


def test_a_minimal_profile_leaves_the_rest_empty(api, world):
    org_id = world["provider"].organisation_id
    response = api.as_("provider").put(f"/providers/{org_id}/profile",
                                       json={"registration_type": "other", "annual_inspection": "not_inspected"})
    assert response.status_code == 200, response.get_json()
    profile = response.get_json()["profile"]
    assert profile["rating"] is None and profile["founded_on"] is None and profile["team"] == []


def test_provider_responses_fit_the_document(client, api, world):
    from openapi_check import check

    doc = client.get("/api/v1/openapi.json").get_json()
    org_id = world["provider"].organisation_id
    db.session.add(ControlRelation(organisation_id=world.providers[1].id, related_org_id=org_id, description="控制"))
    db.session.add(Violation(organisation_id=org_id, occurred_on=date(2025, 1, 1), description="迟报", major=False))
    db.session.commit()
    path = "/providers/{org_id}"
    check(doc, "/providers", "get", api.as_("bureau").get("/providers"), 200)
    check(doc, path + "/profile", "put", api.as_("provider").put(f"/providers/{org_id}/profile", json=PROFILE), 200)
    check(doc, path + "/verify", "post", api.as_("bureau").post(f"/providers/{org_id}/verify"), 200)
    check(doc, path + "/verify", "post", api.as_("bureau").post(f"/providers/{org_id}/verify"), 409)
    debarment = check(doc, path + "/debarments", "post", api.as_("bureau").post(
        f"/providers/{org_id}/debarments", json={"reason": "违约", "source": "breach"}), 201)
    check(doc, path + "/violations", "post", api.as_("bureau").post(
        f"/providers/{org_id}/violations", json={"occurred_on": "2026-01-05", "description": "虚报", "major": True}),
        201)
    check(doc, path + "/relations", "post", api.as_("provider").post(
        f"/providers/{org_id}/relations", json={"related_org_id": world.providers[2].id}), 201)
    detail = check(doc, path, "get", api.as_("bureau").get(f"/providers/{org_id}"), 200)
    assert {r["code"] for r in detail["eligibility"]} == {"major_violation", "bidder_debarred"}
    assert len(detail["relations"]) == 2 and detail["profile"]["team"]
    check(doc, "/debarments/{debarment_id}/lift", "post",
          api.as_("bureau").post(f"/debarments/{debarment['id']}/lift"), 200)
    check(doc, path, "get", api.as_("provider2").get(f"/providers/{org_id}"), 404)
    listed = doc["paths"]["/projects/{project_id}/bids"]["post"]["responses"]["422"]["x-reason-codes"]
    assert {"related_supplier", "profile_unverified", "public_welfare_barred", "major_violation",
            "bidder_debarred", "bid_deadline_passed"} <= set(listed)
    award = doc["paths"]["/projects/{project_id}/transitions/award"]["post"]["responses"]["422"]["x-reason-codes"]
    assert {"profile_unverified", "public_welfare_barred", "major_violation", "bidder_debarred"} <= set(award)


def test_the_register_costs_the_same_queries_however_many_providers(api, world):
    """The provider list loads profiles and debarments in bulk, not once per provider."""
    from sqlalchemy import event

    from procure.extensions import db

    def count_queries(path):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert api.as_("bureau").get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = count_queries("/providers")
    from procure.accounts.models import Organisation
    from procure.codes import make_uscc
    for i in range(5):
        db.session.add(Organisation(kind="provider", name=f"新增社工机构{i}", division_code="330102",
                                    credit_code=make_uscc(f"5233019{i}MJ000009{i}"), legal_representative=f"新{i}"))
    db.session.commit()
    assert count_queries("/providers") == few


def test_related_among_is_related_organisations_for_each(world):
    """The bid evaluation reads every bidder's relations at once: the same as one bidder at a time."""
    from procure.providers.eligibility import related_among, related_organisations

    first, second, third = world.providers
    third.legal_representative = first.legal_representative  # one person represents two of them
    db.session.add(ControlRelation(organisation_id=second.id, related_org_id=world.evaluators[0].id))
    db.session.add(ControlRelation(organisation_id=third.id, related_org_id=second.id))
    db.session.commit()
    for group in ([first, second, third], [first], [second, third], []):
        assert related_among(group) == {org.id: related_organisations(org) for org in group}
    assert related_among([first, second, third]) == {
        first.id: {third.id}, second.id: {world.evaluators[0].id, third.id}, third.id: {first.id, second.id}}
