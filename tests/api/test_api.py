"""The JSON API as a client sees it (section 5): tokens, categories, projects, transitions, history
and the sub-resources, each answer and each refusal; a refusal never changes a row."""
from datetime import timedelta
from decimal import Decimal

import pytest

from procure import clock as app_clock
from procure.accounts.models import ApiToken, User
from procure.demo.journey import contract_terms, proposal
from procure.extensions import db

from conftest import PASSWORD


@pytest.fixture
def unchanged(db_snapshot):
    """unchanged(call, status, error): the call is refused so, and every row is as it was."""
    def check(call, status, error):
        before = db_snapshot()
        response = call()
        body = response.get_json()
        assert (response.status_code, body["error"]) == (status, error), body
        assert body["message"]
        assert db_snapshot() == before
        return body
    return check


# ---- tokens --------------------------------------------------------------------------------------

def test_a_token_for_a_username_and_password(client, world):
    response = client.post("/api/v1/tokens", json={"username": "bureau", "password": PASSWORD})
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert len(token) >= 32
    me = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    # Only a digest is stored.
    assert not db.session.scalar(db.select(ApiToken).filter_by(token_hash=token))


def test_bad_credentials_get_the_same_401(client, world):
    wrong = client.post("/api/v1/tokens", json={"username": "bureau", "password": "nope"})
    unknown = client.post("/api/v1/tokens", json={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["error"] == "unauthorized"
    for body in ({"username": "bureau"}, {"username": None, "password": None}):
        assert client.post("/api/v1/tokens", json=body).status_code == 401
    # A value of the wrong JSON type tells nothing about the accounts: it is refused as input, like everywhere.
    for body in ({"username": 1, "password": PASSWORD}, {"username": ["bureau"], "password": PASSWORD}):
        response = client.post("/api/v1/tokens", json=body)
        assert response.status_code == 400 and list(response.get_json()["fields"]) == ["username"]
    assert client.post("/api/v1/tokens", data="username=bureau").status_code == 400


def test_an_inactive_user_gets_no_token(client, world):
    world["bureau"].active = False
    db.session.commit()
    assert client.post("/api/v1/tokens", json={"username": "bureau", "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Bearer not-a-token", "Basic YnVyZWF1OnB3",
                                    "bearer"])
def test_calls_need_a_valid_bearer_token(client, world, header):
    headers = {"Authorization": header} if header is not None else {}
    for method, path in (("GET", "/api/v1/projects"), ("POST", "/api/v1/projects"), ("GET", "/api/v1/projects/1"),
                         ("POST", "/api/v1/projects/1/transitions/submit")):
        response = client.open(path, method=method, headers=headers, json={})
        assert response.status_code == 401 and response.get_json()["error"] == "unauthorized", (header, path)


def test_the_scheme_is_case_insensitive(client, world):
    token = ApiToken.issue(world["bureau"], 1)
    db.session.commit()
    assert client.get("/api/v1/projects", headers={"Authorization": f"bearer {token}"}).status_code == 200


# ---- categories ------------------------------------------------------------------------------------

def test_categories_are_public_and_nested(client):
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    roots = response.get_json()
    assert [root["code"] for root in roots] == ["A", "B"]
    assert roots[0]["name"] == "公共服务" and roots[1]["name"] == "政府履职所需辅助性服务"

    def walk(node, depth):
        assert set(node) >= {"code", "name", "children"}
        for child in node["children"]:
            assert child["code"].startswith(node["code"])
            walk(child, depth + 1)
        if not node["children"]:
            assert depth == 3, node  # three levels in the default tree
    for root in roots:
        walk(root, 1)
    social = next(c for c in roots[0]["children"] if c["code"] == "A01")
    assert {"code": "A0101", "name": "养老服务"}.items() <= social["children"][0].items()


@pytest.mark.parametrize("category,status", [("A0101", 201), ("A01", 400), ("A", 400), ("Z9999", 400),
                                             ("", 201)])
def test_a_project_is_filed_under_a_leaf_category(api, world, category, status):
    response = api.as_("community").post("/projects", json=proposal(category=category))
    assert response.status_code == status, response.get_json()
    if status == 400:
        assert "category" in response.get_json()["fields"]


# ---- listing ---------------------------------------------------------------------------------------

def test_list_filters_by_state_and_pages(api, journey, app):
    drafts = [journey.create(title=f"草稿{i}") for i in range(app.config["PER_PAGE"] + 2)]
    noticed = journey.drive(journey.create(), "notice")
    everything = api.as_("community").get("/projects").get_json()
    assert everything["total"] == len(drafts) + 1 and len(everything["items"]) == app.config["PER_PAGE"]
    assert everything["items"][0]["id"] == noticed.id  # newest first
    second = api.as_("community").get("/projects?page=2").get_json()
    assert second["page"] == 2 and len(second["items"]) == 3
    assert {i["id"] for i in everything["items"]} & {i["id"] for i in second["items"]} == set()
    assert api.as_("community").get("/projects?page=3").get_json()["items"] == []
    only = api.as_("community").get("/projects?state=notice").get_json()
    assert [i["id"] for i in only["items"]] == [noticed.id] and only["total"] == 1
    item = only["items"][0]
    assert item["state"] == "notice" and item["requested_amount"] == "40000.00"
    assert "available_transitions" not in item  # the list is a summary


@pytest.mark.parametrize("query", ["state=bogus", "state=DRAFT", "page=0", "page=-1", "page=abc", "page=1.5",
                                   "page=99999999999", "page=", "page=%C2%B2"])
def test_bad_list_parameters_are_400(api, world, query):
    response = api.as_("community").get(f"/projects?{query}")
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"] == "invalid_input"


# ---- creating ----------------------------------------------------------------------------------------

def test_a_community_creates_a_proposal(api, world):
    response = api.as_("community").post("/projects", json=proposal(amount="12345.60"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["state"] == "draft" and body["version"] == 1
    assert body["title"] == "社区长者助餐服务" and body["funding_form"] == "purchase" and body["category"] == "A0101"
    assert body["requested_amount"] == "12345.60"
    assert body["code"].startswith("WXM2026-")
    assert body["community"] == {"id": world["community"].organisation_id, "name": "幸福社区"}
    assert [line["amount"] for line in body["budget_lines"]] == ["7407.36", "4938.24"]
    assert body["budget_lines"][0]["item"] == "餐食及配送"
    assert body["deliberation"] == {"held_on": "2026-02-27", "members_total": 15, "members_present": 12,
                                    "votes_for": 11, "votes_against": 1, "minutes": "议事会讨论了助餐需求，表决通过申报。"}
    assert body["start_date"] == "2026-05-01" and body["end_date"] == "2027-01-26"
    assert set(body["available_transitions"]) == {"publish_notice", "withdraw"}
    again = api.as_("community").get(f"/projects/{body['id']}").get_json()
    assert again == body


def test_codes_number_the_years_projects(api, world):
    first = api.as_("community").post("/projects", json={"title": "甲", "funding_form": "reward"}).get_json()
    second = api.as_("community").post("/projects", json={"title": "乙", "funding_form": "reward"}).get_json()
    assert (first["code"], second["code"]) == ("WXM2026-0001", "WXM2026-0002")


def test_a_minimal_draft_needs_title_and_funding_form(api, world):
    response = api.as_("community").post("/projects", json={"title": "只有标题", "funding_form": "subsidy"})
    assert response.status_code == 201
    assert response.get_json()["budget_lines"] == [] and response.get_json()["deliberation"] is None
    response = api.as_("community").post("/projects", json={"funding_form": "lottery"})
    assert response.status_code == 400
    assert set(response.get_json()["fields"]) == {"title", "funding_form"}


@pytest.mark.parametrize("username", ["reviewer", "bureau", "admin", "provider", "evaluator"])
def test_only_communities_create(api, world, unchanged, username):
    unchanged(lambda: api.as_(username).post("/projects", json=proposal()), 403, "forbidden")


@pytest.mark.parametrize("change,field", [
    ({"requested_amount": "12.345"}, "requested_amount"),
    ({"requested_amount": "-1"}, "requested_amount"),
    ({"start_date": "2026-13-01"}, "start_date"),
    ({"start_date": "2026-09-01", "end_date": "2026-08-01"}, "end_date"),
    ({"deliberation": {"held_on": "2026-02-01", "members_total": 10, "members_present": 11, "votes_for": 5,
                       "votes_against": 0}}, "deliberation"),
    ({"deliberation": {"minutes": "只有纪要"}}, "deliberation"),
    ({"budget_lines": [{"item": "", "amount": "1"}]}, "budget_lines"),
    ({"title": "长" * 201}, "title"),
])
def test_malformed_proposals_are_400_with_the_field(api, world, unchanged, change, field):
    body = unchanged(lambda: api.as_("community").post("/projects", json=proposal(**change)), 400, "invalid_input")
    assert field in body["fields"], body


# ---- reading and editing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("username,expected", [
    ("community", {"publish_notice", "withdraw"}), ("reviewer", set()), ("bureau", {"cancel"}), ("admin", set()),
])
def test_available_transitions_are_the_callers(api, journey, username, expected):
    project = journey.create()
    assert set(api.as_(username).get(f"/projects/{project.id}").get_json()["available_transitions"]) == expected


def test_available_transitions_leave_out_what_a_guard_refuses(api, journey):
    project = journey.create(deliberation={})
    assert api.as_("community").get(f"/projects/{project.id}").get_json()["available_transitions"] == ["withdraw"]


def test_patch_edits_a_draft_and_moves_the_version(api, journey):
    project = journey.create()
    version = project.version
    response = api.as_("community").patch(f"/projects/{project.id}", json={
        "version": version, "title": "长者助餐（修订）", "requested_amount": "30000.00",
        "budget_lines": [{"item": "餐食", "amount": "30000.00"}]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "长者助餐（修订）" and body["requested_amount"] == "30000.00"
    assert body["version"] == version + 1
    assert body["budget_lines"] == [{"item": "餐食", "amount": "30000.00"}]
    # What the PATCH did not name stays as it was.
    assert body["needs_analysis"].startswith("辖区内独居") and body["deliberation"]["members_total"] == 15
    assert body["category"] == "A0101"


def test_patch_with_a_stale_version_is_409(api, journey, unchanged):
    project = journey.create()
    version = project.version
    assert api.as_("community").patch(f"/projects/{project.id}", json={"version": version, "title": "新"}).status_code \
        == 200
    unchanged(lambda: api.as_("community").patch(f"/projects/{project.id}", json={"version": version, "title": "旧"}),
              409, "stale_version")


@pytest.mark.parametrize("state", ["notice", "under_review", "approved", "rejected"])
def test_patch_outside_draft_and_returned_is_not_editable(api, journey, unchanged, state):
    project = journey.drive(journey.create(), state)
    unchanged(lambda: api.as_("community").patch(f"/projects/{project.id}", json={
        "version": project.version, "title": "改"}), 409, "not_editable")


def test_patch_in_returned_is_allowed(api, journey):
    project = journey.drive(journey.create(), "returned")
    response = api.as_("community").patch(f"/projects/{project.id}", json={"version": project.version, "title": "改"})
    assert response.status_code == 200 and response.get_json()["title"] == "改"


def test_patch_refusals(api, journey, world, unchanged):
    project = journey.create()
    path = f"/projects/{project.id}"
    unchanged(lambda: api.as_("reviewer").patch(path, json={"version": project.version, "title": "改"}),
              403, "forbidden")
    unchanged(lambda: api.as_("community_b").patch(path, json={"version": project.version, "title": "改"}),
              404, "not_found")
    body = unchanged(lambda: api.as_("community").patch(path, json={"title": "改"}), 400, "invalid_input")
    assert "version" in body["fields"]
    body = unchanged(lambda: api.as_("community").patch(path, json={"version": project.version, "title": ""}),
                     400, "invalid_input")
    assert "title" in body["fields"]
    unchanged(lambda: api.as_("community").patch(path, data="not json"), 400, "invalid_input")


def test_unknown_project_and_trigger_are_404(api, journey, unchanged):
    project = journey.create()
    assert api.as_("admin").get("/projects/999999").status_code == 404
    unchanged(lambda: api.as_("community").post(f"/projects/{project.id}/transitions/launch",
                                                json={"version": project.version}), 404, "not_found")


def test_wrong_method_is_405_json(api, journey):
    project = journey.create()
    response = api.as_("community")._call("DELETE", f"/projects/{project.id}")
    assert response.status_code == 405 and response.get_json()["error"] == "method_not_allowed"


# ---- transitions -------------------------------------------------------------------------------------------

def test_transition_answers_state_and_version(api, journey):
    project = journey.create()
    version = project.version
    response = api.as_("community").fire(project, "publish_notice", comment="公示")
    assert response.status_code == 200
    assert response.get_json() == {"state": "notice", "version": version + 1}


def test_transition_refusals(api, journey, unchanged):
    project = journey.drive(journey.create(), "under_review")
    path = f"/projects/{project.id}/transitions"
    version = project.version
    unchanged(lambda: api.as_("bureau").post(f"{path}/approve", json={"version": version, "approved_amount": "1",
                                                                       "negative_list_checked": True}),
              403, "forbidden")
    unchanged(lambda: api.as_("reviewer").post(f"{path}/start_review", json={"version": version}),
              409, "invalid_transition")
    unchanged(lambda: api.as_("reviewer").post(f"{path}/approve", json={"version": version - 1,
                                                                         "approved_amount": "1",
                                                                         "negative_list_checked": True}),
              409, "stale_version")
    body = unchanged(lambda: api.as_("reviewer").post(f"{path}/approve", json={
        "version": version, "approved_amount": "99999.00", "negative_list_checked": True}), 422, "guard_failed")
    assert [r["code"] for r in body["reasons"]] == ["approved_exceeds_requested"]
    body = unchanged(lambda: api.as_("reviewer").post(f"{path}/return_for_revision", json={"version": version}),
                     400, "invalid_input")
    assert "comment" in body["fields"]
    body = unchanged(lambda: api.as_("reviewer").post(f"{path}/approve", json={
        "version": version, "approved_amount": "lots", "negative_list_checked": True}), 400, "invalid_input")
    assert "approved_amount" in body["fields"]
    body = unchanged(lambda: api.as_("reviewer").post(f"{path}/reject", json={"reason": "不符合"}), 400, "invalid_input")
    assert "version" in body["fields"]
    unchanged(lambda: api.as_("reviewer").post(f"{path}/reject", json=["version", version]), 400, "invalid_input")
    unchanged(lambda: api.as_("reviewer").post(f"{path}/reject", data=f"version={version}&reason=x",
                                               content_type="application/x-www-form-urlencoded"),
              400, "invalid_input")


def test_refusals_are_checked_in_order_role_state_input_version_guard(api, journey, unchanged):
    """A caller learns the most basic problem first."""
    project = journey.create()
    path = f"/projects/{project.id}/transitions"
    # Wrong role beats wrong state, bad input and stale version.
    unchanged(lambda: api.as_("bureau").post(f"{path}/approve", json={"version": 0}), 403, "forbidden")
    # Wrong state beats bad input and stale version.
    unchanged(lambda: api.as_("community").post(f"{path}/resubmit", json={"version": 0}), 409, "invalid_transition")
    # Bad input beats a stale version.
    unchanged(lambda: api.as_("community").post(f"{path}/withdraw", json={"version": 0}), 400, "invalid_input")
    # A stale version beats a guard.
    project = journey.create(deliberation={})
    unchanged(lambda: api.as_("community").post(f"/projects/{project.id}/transitions/publish_notice",
                                                json={"version": 0}), 409, "stale_version")


@pytest.fixture
def colleague(world):
    """A second worker of the same community."""
    user = User(username="community_2", role="community", organisation_id=world["community"].organisation_id,
                display_name="同事", password_hash=world["community"].password_hash)
    db.session.add(user)
    db.session.commit()
    world.users["community_2"] = user
    return user


def test_two_users_read_the_same_version_and_the_second_is_stale(api, journey, colleague, unchanged):
    project = journey.create()
    seen_by_first = api.as_("community").get(f"/projects/{project.id}").get_json()["version"]
    seen_by_second = api.as_("community_2").get(f"/projects/{project.id}").get_json()["version"]
    assert seen_by_first == seen_by_second
    first = api.as_("community").post(f"/projects/{project.id}/transitions/publish_notice",
                                      json={"version": seen_by_first})
    assert first.status_code == 200
    unchanged(lambda: api.as_("community_2").post(f"/projects/{project.id}/transitions/withdraw",
                                                  json={"version": seen_by_second, "reason": "撤回"}),
              409, "stale_version")


def test_an_edit_makes_a_colleagues_transition_stale(api, journey, colleague, unchanged):
    project = journey.create()
    version = project.version
    assert api.as_("community").patch(f"/projects/{project.id}", json={"version": version, "goals": "新目标"}) \
        .status_code == 200
    unchanged(lambda: api.as_("community_2").post(f"/projects/{project.id}/transitions/publish_notice",
                                                  json={"version": version}), 409, "stale_version")
    unchanged(lambda: api.as_("community_2").patch(f"/projects/{project.id}", json={"version": version, "goals": "旧"}),
              409, "stale_version")


def test_a_sub_resource_change_does_not_make_the_project_stale(api, journey):
    """Objections are the project's parts, not the project: the version a user read stays good."""
    project = journey.drive(journey.create(), "notice")
    version = project.version
    api.as_("community").post(f"/projects/{project.id}/objections", json={"content": "异议"})
    assert api.as_("community").get(f"/projects/{project.id}").get_json()["version"] == version


# ---- history -----------------------------------------------------------------------------------------------

def test_history_oldest_first_with_who_when_what(api, journey, world):
    project = journey.drive(journey.create(), "approved")
    response = api.as_("bureau").get(f"/projects/{project.id}/history")
    assert response.status_code == 200
    entries = response.get_json()
    assert [e["action"] for e in entries] == ["create", "publish_notice", "submit", "start_review", "approve"]
    assert [(e["from_state"], e["to_state"]) for e in entries[1:]] == [
        ("draft", "notice"), ("notice", "submitted"), ("submitted", "under_review"), ("under_review", "approved")]
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    approve = entries[-1]
    assert approve["user"] == "reviewer" and approve["organisation"] == "××市民政局"
    assert approve["comment"] == "需求真实，预算合理，同意立项。"
    assert approve["data"]["approved_amount"] == "40000.00" and approve["data"]["negative_list_checked"] is True
    assert entries[0]["user"] == "community" and entries[0]["organisation"] == "幸福社区"
    assert entries[0]["at"].startswith("2026-03-02T02:00:00")  # UTC, ISO 8601


def test_refusals_leave_no_history(api, journey):
    project = journey.create()
    before = len(api.as_("community").get(f"/projects/{project.id}/history").get_json())
    api.as_("reviewer").fire(project, "approve", approved_amount="1", negative_list_checked=True)
    api.as_("community").fire(project, "submit")
    assert len(api.as_("community").get(f"/projects/{project.id}/history").get_json()) == before


# ---- sub-resources ---------------------------------------------------------------------------------------

def test_objections_happy_path_and_refusals(api, journey, unchanged):
    draft = journey.create()
    unchanged(lambda: api.as_("community").post(f"/projects/{draft.id}/objections", json={"content": "x"}),
              409, "invalid_transition")
    project = journey.drive(journey.create(), "notice")
    path = f"/projects/{project.id}/objections"
    unchanged(lambda: api.as_("reviewer").post(path, json={"content": "x"}), 403, "forbidden")
    unchanged(lambda: api.as_("community").post(path, json={"content": ""}), 400, "invalid_input")
    created = api.as_("community").post(path, json={"content": "占用活动室", "resident_name": "李", "resident_contact": "1"})
    assert created.status_code == 201
    objection = created.get_json()
    assert objection["answer"] is None and objection["resident_name"] == "李"
    unchanged(lambda: api.as_("community").post(f"{path}/999999/answer", json={"answer": "x"}), 404, "not_found")
    unchanged(lambda: api.as_("community").post(f"{path}/{objection['id']}/answer", json={}), 400, "invalid_input")
    answered = api.as_("community").post(f"{path}/{objection['id']}/answer", json={"answer": "错峰使用"})
    assert answered.status_code == 200 and answered.get_json()["answered_at"]
    assert api.as_("community").get(path).get_json()[0]["answer"] == "错峰使用"


def test_bids_happy_path_and_refusals(api, journey, world, unchanged):
    project = journey.drive(journey.create(), "tendering")
    path = f"/projects/{project.id}/bids"
    unchanged(lambda: api.as_("bureau").post(path, json={"price": "1.00", "plan": "x"}), 403, "forbidden")
    for price in ("0", "0.00", "-5", "abc", "1.001"):
        unchanged(lambda: api.as_("provider").post(path, json={"price": price, "plan": "x"}), 400, "invalid_input")
    unchanged(lambda: api.as_("provider").post(f"{path}/withdraw"), 404, "not_found")  # nothing to withdraw
    first = api.as_("provider").post(path, json={"price": "39000.00", "plan": "方案一"})
    assert first.status_code == 201 and first.get_json()["status"] == "submitted"
    revised = api.as_("provider").post(path, json={"price": "38500.50", "plan": "方案二"})
    assert revised.status_code == 201 and revised.get_json()["id"] == first.get_json()["id"]
    assert revised.get_json()["price"] == "38500.50"
    withdrawn = api.as_("provider").post(f"{path}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    unchanged(lambda: api.as_("provider").post(f"{path}/withdraw"), 404, "not_found")
    again = api.as_("provider").post(path, json={"price": "38000.00", "plan": "方案三"})
    assert again.get_json()["status"] == "submitted"
    [mine] = api.as_("provider").get(path).get_json()
    assert (mine["price"], mine["plan"]) == ("38000.00", "方案三")
    actions = [e["action"] for e in api.as_("provider").get(f"/projects/{project.id}/history").get_json()]
    assert actions[-4:] == ["submit_bid", "revise_bid", "withdraw_bid", "revise_bid"]


def test_challenges_happy_path_and_refusals(api, journey, unchanged):
    project = journey.drive(journey.create(), "awarded")
    path = f"/projects/{project.id}/challenges"
    unchanged(lambda: api.as_("provider3").post(path, json={"content": "x"}), 404, "not_found")
    unchanged(lambda: api.as_("bureau").post(path, json={"content": "x"}), 403, "forbidden")
    unchanged(lambda: api.as_("provider").post(path, json={}), 400, "invalid_input")
    created = api.as_("provider").post(path, json={"content": "价格分计算有误"})
    assert created.status_code == 201
    challenge = created.get_json()
    unchanged(lambda: api.as_("provider").post(f"{path}/{challenge['id']}/answer", json={"answer": "x"}),
              403, "forbidden")
    answered = api.as_("bureau").post(f"{path}/{challenge['id']}/answer", json={"answer": "已复核"})
    assert answered.status_code == 200 and answered.get_json()["answer"] == "已复核"
    assert api.as_("provider2").get(path).get_json()[0]["content"] == "价格分计算有误"


def test_contract_milestone_reports_and_payments(api, journey, world, unchanged):
    project = journey.drive(journey.create(), "contracted")
    contract = api.as_("bureau").get(f"/projects/{project.id}/contract").get_json()
    assert contract["kind"] == "contract" and Decimal(contract["amount"]) <= Decimal("40000.00")
    assert [m["percent"] for m in contract["milestones"]] == [40, 60]
    implementer = next(u for u in ("provider", "provider2") if world[u].organisation_id == contract["implementer"]["id"])
    reports = f"/projects/{project.id}/milestone-reports"
    milestone = contract["milestones"][0]["id"]
    unchanged(lambda: api.as_(implementer).post(reports, json={"milestone_id": milestone, "content": "x"}),
              409, "invalid_transition")
    api.as_(implementer).fire(project, "start_delivery")
    unchanged(lambda: api.as_("bureau").post(reports, json={"milestone_id": milestone, "content": "x"}),
              403, "forbidden")
    body = unchanged(lambda: api.as_(implementer).post(reports, json={"milestone_id": 999999, "content": "x"}),
                     422, "guard_failed")
    assert [r["code"] for r in body["reasons"]] == ["milestone_not_found"]
    unchanged(lambda: api.as_(implementer).post(reports, json={"milestone_id": milestone}), 400, "invalid_input")
    created = api.as_(implementer).post(reports, json={"milestone_id": milestone, "content": "完成中期"})
    assert created.status_code == 201 and created.get_json()["milestone_id"] == milestone
    again = api.as_("bureau").get(f"/projects/{project.id}/contract").get_json()
    assert again["milestones"][0]["reports"][0]["content"] == "完成中期"

    payments = f"/projects/{project.id}/payments"
    unchanged(lambda: api.as_("reviewer").post(payments, json={"kind": "instalment", "amount": "1.00",
                                                               "paid_on": "2026-06-01"}), 403, "forbidden")
    unchanged(lambda: api.as_("bureau").post(payments, json={"kind": "deposit", "amount": "1.00",
                                                             "paid_on": "2026-06-01"}), 400, "invalid_input")
    body = unchanged(lambda: api.as_("bureau").post(payments, json={"kind": "instalment", "amount": "1.00",
                                                                    "paid_on": "2026-06-01", "milestone_id": 999999}),
                     422, "guard_failed")
    assert [r["code"] for r in body["reasons"]] == ["milestone_not_found"]
    # A milestone is paid once the community has confirmed it; "instalment" (the kind's name before the payment
    # schedule) is read as a milestone payment.
    body = unchanged(lambda: api.as_("bureau").post(payments, json={"kind": "milestone", "amount": "1000.50",
                                                                    "paid_on": "2026-06-01", "milestone_id": milestone}),
                     422, "guard_failed")
    assert [r["code"] for r in body["reasons"]] == ["milestone_unconfirmed"]
    assert api.as_("community").post(f"/projects/{project.id}/milestones/{milestone}/confirmation",
                                     json={"result": "met", "comment": "按计划完成"}).status_code == 201
    paid = api.as_("bureau").post(payments, json={"kind": "instalment", "amount": "1000.50", "paid_on": "2026-06-01",
                                                  "milestone_id": milestone, "note": "首期"})
    assert paid.status_code == 201
    assert api.as_("bureau").get(payments).get_json() == [
        {"id": paid.get_json()["id"], "kind": "milestone", "amount": "1000.50", "paid_on": "2026-06-01",
         "milestone_id": milestone, "note": "首期"}]


def test_payments_only_after_signing(api, journey, unchanged):
    project = journey.drive(journey.create(), "awarded")
    unchanged(lambda: api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "instalment", "amount": "1.00", "paid_on": "2026-06-01"}), 409, "invalid_transition")


def test_contract_is_null_before_signing(api, journey):
    project = journey.drive(journey.create(), "approved")
    response = api.as_("bureau").get(f"/projects/{project.id}/contract")
    assert response.status_code == 200 and response.get_json() is None


def test_subsidy_agreement_is_the_contract(api, journey, world):
    project = journey.drive(journey.create(funding_form="subsidy"), "contracted")
    contract = api.as_("provider").get(f"/projects/{project.id}/contract").get_json()
    assert contract["kind"] == "agreement" and contract["milestones"] == []
    assert contract["implementer"]["id"] == world["provider"].organisation_id


def test_conflict_declarations_happy_path_and_refusals(api, journey, world, unchanged):
    project = journey.drive(journey.create(), "delivered")
    path = f"/projects/{project.id}/conflict-declarations"
    draws = f"/projects/{project.id}/evaluator-draws"
    unchanged(lambda: api.as_("reviewer").post(draws, json={}), 403, "forbidden")
    unchanged(lambda: api.as_("evaluator").post(f"{path}/mine", json={"statement": "x"}), 404, "not_found")
    drawn = api.as_("bureau").post(draws, json={})
    assert drawn.status_code == 201, drawn.get_json()
    firm = drawn.get_json()["result_org"]["id"]
    member, other = ("evaluator", "evaluator2") if firm == world["evaluator"].organisation_id \
        else ("evaluator2", "evaluator")
    [asked] = api.as_("bureau").get(path).get_json()
    assert asked["evaluator_org"]["id"] == firm and asked["declared_at"] is None
    unchanged(lambda: api.as_(member).post(f"{path}/mine", json={"has_conflict": False}), 400, "invalid_input")
    unchanged(lambda: api.as_(member).post(f"{path}/mine", json={"has_conflict": True, "statement": "有"}),
              400, "invalid_input")  # a conflict needs its type
    declared = api.as_(member).post(f"{path}/mine", json={"has_conflict": False, "statement": "无关联"})
    assert declared.status_code == 200
    body = declared.get_json()
    assert body["has_conflict"] is False and body["declared_at"] and body["late"] is False
    unchanged(lambda: api.as_(member).post(f"{path}/mine", json={"has_conflict": False, "statement": "再次"}),
              422, "guard_failed")  # declared once
    unchanged(lambda: api.as_(other).post(f"{path}/mine", json={"statement": "x"}), 404, "not_found")
    assert [d["statement"] for d in api.as_("bureau").get(path).get_json()] == ["无关联"]


def test_no_draw_before_delivery(api, journey, unchanged):
    project = journey.drive(journey.create(), "in_delivery")
    unchanged(lambda: api.as_("bureau").post(f"/projects/{project.id}/evaluator-draws", json={}),
              409, "invalid_transition")


def test_the_purchase_road_through_the_api_alone(api, journey, world, clock):
    """The main road of the purchase form driven by API calls only, each by the user who does it."""
    body = api.as_("community").post("/projects", json=proposal()).get_json()
    pid = body["id"]

    def fire(username, trigger, **data):
        version = api.as_(username).get(f"/projects/{pid}").get_json()["version"]
        response = api.as_(username).post(f"/projects/{pid}/transitions/{trigger}", json={"version": version, **data})
        assert response.status_code == 200, (trigger, response.get_json())
        return response.get_json()["state"]

    assert fire("community", "publish_notice") == "notice"
    clock.advance(days=10)
    assert fire("community", "submit") == "submitted"
    assert fire("reviewer", "start_review") == "under_review"
    assert fire("reviewer", "approve", approved_amount="38000.00", negative_list_checked=True) == "approved"
    assert fire("bureau", "list_in_catalogue", catalogue_year=2026) == "cataloged"
    assert api.as_("bureau").post("/catalogues/2026/publish").status_code == 200
    clock.advance(days=10)  # the catalogue's notice (CATALOGUE_NOTICE_WORKING_DAYS) has run
    assert api.as_("bureau").post("/catalogues/2026/bring-into-force").get_json()["state"] == "in_force"
    deadline = app_clock.now() + timedelta(days=10)
    assert fire("bureau", "open_tender", method="competitive_consultation",
                bid_deadline=deadline.astimezone(app_clock.SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
                requirements="助餐服务", criteria=[{"name": "服务方案", "max_points": 90}]) == "tendering"
    bids = [api.as_(u).post(f"/projects/{pid}/bids", json={"price": p, "plan": "方案"}).get_json()["id"]
            for u, p in (("provider", "37000.00"), ("provider2", "36000.00"))]
    for username in ("evaluator", "evaluator2"):
        response = api.as_("bureau").post(f"/projects/{pid}/panel", json={"user_id": world[username].id})
        assert response.status_code == 201, response.get_json()
    clock.advance(days=11)
    criterion = api.as_("evaluator").get(f"/projects/{pid}/tender").get_json()["criteria"][0]["id"]
    for username in ("evaluator", "evaluator2"):
        for bid_id, points in zip(bids, ("70", "80")):
            response = api.as_(username).post(f"/projects/{pid}/bids/{bid_id}/scores",
                                              json={"scores": [{"criterion_id": criterion, "points": points}]})
            assert response.status_code == 200, response.get_json()
    assert fire("bureau", "award", bid_id=bids[1]) == "awarded"
    assert api.as_("bureau").post(f"/projects/{pid}/award-notice").status_code == 200
    clock.advance(days=14)
    start = app_clock.today() + timedelta(days=1)
    assert fire("bureau", "sign_contract", amount="36000.00", start=start.isoformat(),
                end=(start + timedelta(days=180)).isoformat(),
                milestones=[{"name": "全部", "percent": 100, "due": (start + timedelta(days=180)).isoformat()}],
                **contract_terms(Decimal("36000.00"))) == "contracted"
    assert fire("provider2", "start_delivery") == "in_delivery"
    milestone = api.as_("provider2").get(f"/projects/{pid}/contract").get_json()["milestones"][0]["id"]
    api.as_("provider2").post(f"/projects/{pid}/milestone-reports", json={"milestone_id": milestone, "content": "完成"})
    assert fire("provider2", "report_completion", summary="完成") == "delivered"
    firm = world["evaluator"].organisation_id
    assert api.as_("bureau").post(f"/projects/{pid}/evaluator-assignments", json={
        "evaluator_org_id": firm, "reason": "测试：指定本机构，理由已记录。"}).status_code == 201
    api.as_("evaluator").post(f"/projects/{pid}/conflict-declarations/mine", json={"statement": "无"})
    api.as_("evaluator").post(f"/projects/{pid}/personal-declarations", json={"statement": "无"})
    assert fire("bureau", "start_acceptance") == "under_acceptance"
    assert fire("evaluator", "request_rectification", findings="补台账") == "rectification"
    assert fire("provider2", "resubmit_for_acceptance", response="已补") == "under_acceptance"
    # Acceptance: a site visit, every checklist item judged met, the community's confirmation.
    assert api.as_("evaluator").post(f"/projects/{pid}/acceptance/site-visits", json={
        "visited_on": app_clock.today().isoformat(), "place": "社区", "observations": "台账齐全"}).status_code == 201
    for item in api.as_("evaluator").get(f"/projects/{pid}/acceptance").get_json()["items"]:
        assert api.as_("evaluator").post(f"/projects/{pid}/acceptance/items/{item['id']}/judgement",
                                         json={"result": "met"}).status_code == 200
    assert api.as_("community").post(f"/projects/{pid}/acceptance/confirmation", json={
        "agreed": True, "opinion": "同意", "residents_present": 3}).status_code == 200
    assert fire("evaluator", "accept", report="合格") == "accepted"
    # Residents answer the satisfaction survey (9 of 10 satisfied: 90 %), the three parties score.
    assert api.as_("community").post(f"/projects/{pid}/survey", json={}).status_code == 201
    issued = api.as_("community").post(f"/projects/{pid}/survey/tokens", json={"count": 10}).get_json()
    slug = issued["url"].rstrip("/").rsplit("/", 1)[1]
    for index, code in enumerate(issued["codes"]):
        answer = {"token": code, "overall": "satisfied" if index < 9 else "dissatisfied"}
        assert api.client.post(f"/api/v1/surveys/{slug}/responses", json=answer).status_code == 201
    leaves = api.as_("evaluator").get(f"/projects/{pid}/evaluation").get_json()["leaves"]
    inputs = {"ratio": {"planned": "100", "actual": "100"}, "scale": {"value": "3"}, "yes_no": {"value": "1"}}
    scores = [{"indicator_id": leaf["indicator_id"], **inputs[leaf["kind"]]} for leaf in leaves
              if leaf["kind"] != "satisfaction"]
    for username in ("evaluator", "bureau", "community"):
        assert api.as_(username).post(f"/projects/{pid}/evaluation/sheets",
                                      json={"submit": True, "scores": scores}).status_code == 200
    assert fire("evaluator", "evaluate", findings="服务规范") == "evaluated"
    detail = api.as_("bureau").get(f"/projects/{pid}").get_json()
    # Scales at 3 of 5 (60): 决策 60 → 12; 过程 100 × 40 % + 60 × 30 % + 100 × 30 % = 88 → 17.6; 产出 100 → 40;
    # 效益 60 × 30 % + 60 × 20 % + 90 × 50 % = 75 → 15. Total 84.60.
    assert detail["score"] == "84.60" and detail["grade"] == "good"
    api.as_("bureau").post(f"/projects/{pid}/payments", json={"kind": "final", "amount": "36000.00",
                                                              "paid_on": app_clock.today().isoformat()})
    assert fire("bureau", "close") == "closed"
    assert api.as_("bureau").get(f"/projects/{pid}").get_json()["available_transitions"] == []
