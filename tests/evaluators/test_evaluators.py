"""Evaluation firms: the register, reproducible draws that leave conflicted firms out, hand picks only with a
written reason, typed declarations by firm and evaluator, recusal, and the guard of start_acceptance."""
import hashlib
from datetime import timedelta

import pytest

from conftest import PASSWORD
from procure import clock
from procure.accounts.models import User
from procure.audit.models import AuditEntry
from procure.evaluators import operations
from procure.evaluators.conflicts import eligible_firms, pick
from procure.evaluators.models import ConflictDeclaration
from procure.evaluators.models import EvaluatorDraw, EvaluatorProfile, FirmEngagement
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.projects.models import Project
from procure.projects.permissions import relations
from procure.providers.models import ControlRelation

NONE = {"has_conflict": False, "statement": "无利益冲突"}


@pytest.fixture
def delivered(journey):
    return journey.drive(journey.create(), "delivered")


@pytest.fixture
def firms(world):
    """(the cast's firm, the other firm)."""
    return world.evaluators[0], world.evaluators[1]


def profile(org) -> EvaluatorProfile:
    return db.session.scalar(db.select(EvaluatorProfile).filter_by(organisation_id=org.id))


def draw(project, world, seed=None) -> EvaluatorDraw:
    result = operations.draw_evaluator(project, world["bureau"], json_to_formdata({}), seed=seed)
    db.session.commit()
    return result


# ---- the draw ------------------------------------------------------------------------------------

def test_pick_is_sha256_of_seed_and_candidates_modulo_their_number():
    digest = int(hashlib.sha256(b"abc:3,7,9").hexdigest(), 16)
    assert pick("abc", [3, 7, 9]) == [3, 7, 9][digest % 3]
    assert {pick(f"seed-{n}", [3, 7, 9]) for n in range(60)} == {3, 7, 9}
    with pytest.raises(ValueError):
        pick("abc", [])


def test_a_draw_is_recorded_and_reproducible(delivered, world, api, firms):
    response = api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-draws", json={})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["method"] == "random" and body["number"] == 1 and len(body["seed"]) == 32
    assert body["candidates"] == sorted(f.id for f in firms) and body["excluded"] == []
    assert body["result_org"]["id"] == body["reproduced_result"] == pick(body["seed"], body["candidates"])
    db.session.refresh(delivered)
    assert delivered.evaluator_org_id == body["result_org"]["id"]
    # The drawn firm is asked to declare, and the draw is audited with everything needed to re-run it.
    assert db.session.scalar(db.select(ConflictDeclaration).filter_by(
        project_id=delivered.id, evaluator_org_id=body["result_org"]["id"])).declared_at is None
    entry = db.session.scalar(db.select(AuditEntry).filter_by(project_id=delivered.id, action="draw_evaluator"))
    assert entry.data["seed"] == body["seed"] and entry.data["candidates"] == body["candidates"]
    assert entry.data["result_org_id"] == body["result_org"]["id"]
    # After a recusal the next draw's number goes on.
    delivered.evaluator_org_id = None
    db.session.commit()
    again = api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-draws", json={}).get_json()
    assert again["number"] == 2
    listed = api.as_("bureau").get(f"/projects/{delivered.id}/evaluator-draws").get_json()
    assert [d["number"] for d in listed] == [1, 2]


def _same_representative(project, firm):
    firm.legal_representative = project.implementer.legal_representative


def _recent_engagement(project, firm):
    db.session.add(FirmEngagement(firm_id=firm.id, counterpart_id=project.implementer_id, description="年度审计",
                                  started_on=clock.today() - timedelta(days=1500),
                                  ended_on=clock.today() - timedelta(days=400)))


def _ongoing_engagement_with_the_community(project, firm):
    db.session.add(FirmEngagement(firm_id=firm.id, counterpart_id=project.community_id, description="社区评估",
                                  started_on=clock.today() - timedelta(days=30)))


def _control_relation(project, firm):
    db.session.add(ControlRelation(organisation_id=project.implementer_id, related_org_id=firm.id,
                                   description="承接方出资设立"))


def _declared_conflict(project, firm):
    db.session.add(ConflictDeclaration(project_id=project.id, evaluator_org_id=firm.id, has_conflict=True,
                                       conflict_type="financial", statement="有", declared_at=clock.now()))


def _expired(project, firm):
    profile(firm).accredited_until = clock.today() - timedelta(days=1)


def _specialty(project, firm):
    profile(firm).specialties = ["B"]  # the project is 养老服务 (A0101), under A


def _inactive(project, firm):
    profile(firm).active = False


def _no_profile(project, firm):
    db.session.delete(profile(firm))


@pytest.mark.parametrize("setup,code", [
    (_same_representative, "same_legal_representative"), (_recent_engagement, "recent_engagement"),
    (_ongoing_engagement_with_the_community, "recent_engagement"), (_control_relation, "control_relation"),
    (_declared_conflict, "declared_conflict"), (_expired, "accreditation_expired"), (_specialty, "specialty_mismatch"),
    (_inactive, "inactive"), (_no_profile, "no_profile"),
], ids=lambda v: getattr(v, "__name__", v))
def test_a_draw_never_picks_an_excluded_firm(delivered, world, firms, setup, code):
    conflicted, other = firms
    setup(delivered, conflicted)
    db.session.commit()
    for n in range(1, 13):
        delivered.evaluator_org_id = None  # as after a recusal, so that the next draw may run
        result = draw(delivered, world, seed=f"seed-{n}")
        assert result.result_org_id == other.id
        assert result.candidates == [other.id]
        assert result.excluded == [{"org_id": conflicted.id, "reasons": [code]}]


def test_an_engagement_older_than_the_lookback_period_is_no_conflict(delivered, world, firms, app):
    firm, _ = firms
    years = app.config["CONFLICT_LOOKBACK_YEARS"]
    db.session.add(FirmEngagement(firm_id=firm.id, counterpart_id=delivered.implementer_id,
                                  started_on=clock.today() - timedelta(days=365 * (years + 3)),
                                  ended_on=clock.today() - timedelta(days=365 * years + 5)))
    db.session.commit()
    assert eligible_firms(delivered) == (sorted(f.id for f in firms), [])


def test_same_organisation_is_a_conflict(delivered, world, firms):
    firm, _ = firms
    delivered.implementer_id = firm.id  # as if the firm itself were the implementer
    assert eligible_firms(delivered)[1] == [{"org_id": firm.id, "reasons": ["same_organisation"]}]
    db.session.rollback()


def test_no_candidate_left_refuses_the_draw(delivered, api, firms, refused):
    for firm in firms:
        profile(firm).active = False
    db.session.commit()
    refused(lambda: api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-draws", json={}), "no_eligible_firm")


def test_only_the_bureau_draws(delivered, api):
    for username in ("community", "provider", "evaluator", "reviewer"):
        response = api.as_(username).post(f"/projects/{delivered.id}/evaluator-draws", json={})
        assert response.status_code in (403, 404), (username, response.get_json())


def test_a_draw_stands_no_second_draw_while_the_drawn_firm_is_in_place(delivered, world, api, firms, refused):
    first = draw(delivered, world, seed="seed-1")
    refused(lambda: api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-draws", json={}), "evaluator_in_place")
    # A firm that does not answer may be replaced by hand, with the reason on record …
    other = next(f for f in firms if f.id != first.result_org_id)
    response = api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-assignments", json={
        "evaluator_org_id": other.id, "reason": "抽中的机构十个工作日未作利益冲突声明，经联系无回应。"})
    assert response.status_code == 201, response.get_json()
    # … but once the assigned firm has declared no conflict, neither a draw nor a hand pick replaces it.
    firm_user = next(u for u in world.users.values() if u.organisation_id == other.id and u.role == "evaluator")
    assert api.as_(firm_user.username).post(f"/projects/{delivered.id}/conflict-declarations/mine",
                                            json=NONE).status_code in (200, 201)
    refused(lambda: api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-assignments", json={
        "evaluator_org_id": first.result_org_id, "reason": "希望换回第一次抽中的机构，理由如上。"}), "evaluator_in_place")


# ---- picking by hand --------------------------------------------------------------------------------

def test_a_hand_pick_needs_a_written_reason(delivered, api, firms, db_snapshot):
    path = f"/projects/{delivered.id}/evaluator-assignments"
    before = db_snapshot()
    for reason in (None, "", "太短了"):
        response = api.as_("bureau").post(path, json={"evaluator_org_id": firms[1].id, "reason": reason})
        assert response.status_code == 400 and "reason" in response.get_json()["fields"], response.get_json()
    assert db_snapshot() == before
    response = api.as_("bureau").post(path, json={"evaluator_org_id": firms[1].id,
                                                  "reason": "另一家机构正在承担本街道的年度评估，人手不足。"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["method"] == "manual" and body["seed"] is None and body["reason"].startswith("另一家机构")
    assert body["result_org"]["id"] == firms[1].id and body["reproduced_result"] is None
    entry = db.session.scalar(db.select(AuditEntry).filter_by(project_id=delivered.id, action="assign_evaluator"))
    assert entry.comment.startswith("另一家机构") and entry.data["result_org_id"] == firms[1].id


def test_an_excluded_firm_cannot_be_picked_by_hand(delivered, api, firms, refused):
    _specialty(delivered, firms[1])
    db.session.commit()
    [reason] = refused(lambda: api.as_("bureau").post(
        f"/projects/{delivered.id}/evaluator-assignments",
        json={"evaluator_org_id": firms[1].id, "reason": "该机构熟悉本社区情况，理由充分。"}), "evaluator_excluded")
    assert "专业领域" in reason["message"]


# ---- declarations and recusal -----------------------------------------------------------------------

def test_a_conflict_needs_a_type(delivered, api, world):
    api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-assignments",
                           json={"evaluator_org_id": world.evaluators[0].id, "reason": "测试用指定理由，十个字以上。"})
    response = api.as_("evaluator").post(f"/projects/{delivered.id}/conflict-declarations/mine",
                                         json={"has_conflict": True, "statement": "本所曾为承接方提供审计"})
    assert response.status_code == 400 and "conflict_type" in response.get_json()["fields"]


def test_a_late_firm_declaration_recuses_the_firm_and_the_bureau_draws_again(journey, api, world, firms):
    project = journey.drive(journey.create(), "under_acceptance")
    assert project.evaluator_org_id == firms[0].id
    response = api.as_("evaluator").post(f"/projects/{project.id}/conflict-declarations/mine", json={
        "has_conflict": True, "conflict_type": "previous_engagement", "statement": "发现本所去年曾为承接方做过培训"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["late"] is True and response.get_json()["conflict_type"] == "previous_engagement"
    db.session.refresh(project)
    assert project.evaluator_org_id is None and project.state == "under_acceptance"
    assert db.session.scalar(db.select(AuditEntry).filter_by(project_id=project.id, action="recuse_evaluator"))
    # Recused: no longer acting on the project.
    assert "assigned_evaluator" not in relations(world["evaluator"], project)
    assert api.as_("evaluator").fire(project, "accept", report="验收合格").status_code in (403, 404)
    # Drawn again, the recused firm is left out and says why.
    again = api.as_("bureau").post(f"/projects/{project.id}/evaluator-draws", json={})
    assert again.status_code == 201, again.get_json()
    body = again.get_json()
    assert body["result_org"]["id"] == firms[1].id
    assert body["excluded"][0]["org_id"] == firms[0].id and body["excluded"][0]["reasons"] == ["declared_conflict"]
    # With a firm in place, no further draw until it is recused.
    response = api.as_("bureau").post(f"/projects/{project.id}/evaluator-draws", json={})
    assert response.status_code == 422 and response.get_json()["reasons"][0]["code"] == "evaluator_in_place"


def test_a_late_personal_declaration_recuses_the_person(journey, api, world):
    project = journey.drive(journey.create(), "under_acceptance")
    assert "assigned_evaluator" in relations(world["evaluator"], project)
    response = api.as_("evaluator").post(f"/projects/{project.id}/personal-declarations", json={
        "has_conflict": True, "conflict_type": "personal", "statement": "本人配偶受聘于承接方"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["late"] is True
    db.session.refresh(project)
    assert project.evaluator_org_id == world.evaluators[0].id  # the firm stays; the person is out
    assert relations(world["evaluator"], project) & {"assigned_evaluator", "firm_member"} == set()
    response = api.as_("evaluator").fire(project, "accept", report="验收合格")
    assert response.status_code == 403, response.get_json()
    # Declared once: a second declaration is refused.
    again = api.as_("evaluator").post(f"/projects/{project.id}/personal-declarations", json=NONE)
    assert again.status_code == 403


def test_a_firm_member_declares_before_acting_and_the_page_says_so(journey, world, client):
    project = journey.drive(journey.create(), "under_acceptance")
    colleague = User(username="evaluator3", role="evaluator", organisation_id=world.evaluators[0].id,
                     display_name="evaluator3", password_hash=world["evaluator"].password_hash)
    db.session.add(colleague)
    db.session.commit()
    assert relations(colleague, project) >= {"firm_member", "invited_evaluator"}
    assert "assigned_evaluator" not in relations(colleague, project)
    client.post("/login", data={"username": "evaluator3", "password": PASSWORD})
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="declare-first"' in page and 'data-testid="declare-personal-form"' in page
    response = client.post(f"/projects/{project.id}/declarations/personal",
                           data={"statement": "本人与承接方无利害关系"})
    assert response.status_code == 302
    db.session.expire_all()
    assert "assigned_evaluator" in relations(colleague, db.session.get(Project, project.id))


# ---- start_acceptance --------------------------------------------------------------------------------

def test_start_acceptance_needs_the_firm_and_one_evaluator_to_declare(delivered, api, world, firms, refused):
    def start():
        db.session.refresh(delivered)
        return api.as_("bureau").fire(delivered, "start_acceptance")

    refused(start, "evaluator_not_assigned")
    api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-assignments",
                           json={"evaluator_org_id": firms[0].id, "reason": "测试用指定理由，十个字以上。"})
    refused(start, "firm_not_declared", "no_evaluator_declared")
    api.as_("evaluator").post(f"/projects/{delivered.id}/personal-declarations", json=NONE)
    refused(start, "firm_not_declared")
    api.as_("evaluator").post(f"/projects/{delivered.id}/conflict-declarations/mine", json=NONE)
    response = start()
    assert response.status_code == 200 and response.get_json()["state"] == "under_acceptance"


# ---- who reads the draws -----------------------------------------------------------------------------

def test_draws_are_public_to_project_readers_only_after_acceptance(journey, api, world):
    project = journey.drive(journey.create(), "under_acceptance")
    path = f"/projects/{project.id}/evaluator-draws"
    assert api.as_("bureau").get(path).status_code == 200
    assert api.as_("admin").get(path).status_code == 200
    assert api.as_("community").get(path).status_code == 403
    db.session.execute(db.update(Project).where(Project.id == project.id).values(state="accepted"))
    db.session.commit()
    listed = api.as_("community").get(path)
    assert listed.status_code == 200 and listed.get_json()[0]["reproduced_result"] == world.evaluators[0].id
    assert api.as_("community_b").get(path).status_code == 404


# ---- the register ------------------------------------------------------------------------------------

def test_register_api_shapes(api, world, firms):
    db.session.add(FirmEngagement(firm_id=firms[0].id, counterpart_id=world.providers[0].id, description="培训",
                                  started_on=clock.today() - timedelta(days=100)))
    profile(firms[0]).specialties = ["A"]
    db.session.commit()
    listed = api.as_("bureau").get("/evaluators")
    assert listed.status_code == 200
    first = listed.get_json()[0]
    assert first["id"] == firms[0].id and first["specialties"] == [{"code": "A", "name": "公共服务"}]
    assert first["active"] is True and first["credit_code"] == firms[0].credit_code
    detail = api.as_("bureau").get(f"/evaluators/{firms[0].id}").get_json()
    assert detail["engagements"][0]["counterpart"]["id"] == world.providers[0].id and detail["staff"] == []
    # A firm sees its own entry only; a provider nothing.
    assert [f["id"] for f in api.as_("evaluator").get("/evaluators").get_json()] == [firms[0].id]
    assert api.as_("evaluator").get(f"/evaluators/{firms[1].id}").status_code == 404
    assert api.as_("provider").get("/evaluators").status_code == 403
    assert api.as_("provider").get(f"/evaluators/{firms[0].id}").status_code == 404


def test_register_routes_are_documented(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, method in (("/evaluators", "get"), ("/evaluators/{org_id}", "get"),
                         ("/projects/{project_id}/evaluator-draws", "get"),
                         ("/projects/{project_id}/evaluator-draws", "post"),
                         ("/projects/{project_id}/evaluator-assignments", "post"),
                         ("/projects/{project_id}/personal-declarations", "post")):
        assert method in doc["paths"][path], (path, method)
    draws = doc["paths"]["/projects/{project_id}/evaluator-draws"]["post"]["responses"]["422"]["x-reason-codes"]
    assert set(draws) >= {"evaluator_in_place", "no_eligible_firm"}
    picks = doc["paths"]["/projects/{project_id}/evaluator-assignments"]["post"]["responses"]["422"]
    assert "evaluator_excluded" in picks["x-reason-codes"]
    assert "requestConflictDeclaration" not in str(doc["paths"])


def test_register_pages_for_the_bureau_and_denied_to_a_provider(client, world, firms):
    client.post("/login", data={"username": "bureau", "password": PASSWORD})
    index = client.get("/evaluators")
    assert index.status_code == 200 and firms[0].name in index.get_data(as_text=True)
    url = f"/evaluators/{firms[0].id}"
    assert client.get(url).status_code == 200
    response = client.post(url + "/profile", data={
        "accreditation": "5A", "accredited_until": "2099-12-31", "specialties": "A", "active": "y",
        "staff-0-name": "张评估", "staff-0-qualification": "中级社工师", "staff-0-user_id": str(world["evaluator"].id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = profile(firms[0])
    db.session.refresh(saved)
    assert saved.specialties == ["A"] and [s.name for s in saved.staff] == ["张评估"] and saved.staff_count == 1
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="update_evaluator_profile"))
    wrong = client.post(url + "/profile", data={"specialties": "Z9"})
    assert wrong.status_code == 400 and "一级服务类别" in wrong.get_data(as_text=True)
    engaged = client.post(url + "/engagements", data={"counterpart_id": world.providers[0].id,
                                                      "started_on": "2025-01-01", "description": "机构评估"})
    assert engaged.status_code == 302
    assert "机构评估" in client.get(url).get_data(as_text=True)
    client.post("/logout")
    client.post("/login", data={"username": "provider", "password": PASSWORD})
    assert client.get("/evaluators").status_code == 403
    assert client.get(url).status_code == 404
    assert client.post(url + "/profile", data={"accreditation": "x"}).status_code == 404
    client.post("/logout")
    client.post("/login", data={"username": "evaluator", "password": PASSWORD})
    own = client.get(url)
    assert own.status_code == 200 and 'data-testid="profile-form"' not in own.get_data(as_text=True)
    assert client.post(url + "/profile", data={"accreditation": "x"}).status_code == 403
