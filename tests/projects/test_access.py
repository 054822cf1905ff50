"""Who can see which records: the owning community, the area's reviewer and bureau, bidders and
implementers, invited and assigned evaluation firms, admins; and nobody else, not even by guessing ids."""
from datetime import timedelta

import pytest

from procure.accounts.models import ApiToken
from procure.demo.journey import Cast, Journey
from procure.extensions import db

from support import Tokens

SUB_RESOURCES = ["", "/history", "/objections", "/bids", "/challenges", "/contract", "/payments",
                 "/conflict-declarations"]


@pytest.fixture
def tokens(client, world):
    return Tokens(client, world)


def journey_for(world, clock, community, reviewer="reviewer", bureau="bureau"):
    return Journey(Cast(community=world[community], reviewer=world[reviewer], bureau=world[bureau],
                        evaluator=world["evaluator"], providers=world.cast().providers), clock)


def listed_ids(tokens, username, **params):
    response = tokens.get(username, "/projects", query_string=params)
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


def assert_hidden(tokens, username, project_id):
    for suffix in SUB_RESOURCES:
        response = tokens.get(username, f"/projects/{project_id}{suffix}")
        assert response.status_code == 404, (username, suffix, response.status_code)
        assert response.get_json()["error"] == "not_found"


def assert_shown(tokens, username, project_id):
    for suffix in SUB_RESOURCES:
        response = tokens.get(username, f"/projects/{project_id}{suffix}")
        assert response.status_code == 200, (username, suffix, response.get_json())


@pytest.fixture
def three_communities(world, clock, journey):
    own = journey.create(title="本社区项目")
    same_area = journey_for(world, clock, "community_b").create(title="同街道其他社区项目")
    far = journey_for(world, clock, "community_far", "reviewer_far", "bureau_far").create(title="外区项目")
    return own, same_area, far


def test_communities_see_only_their_own_projects(tokens, three_communities):
    own, same_area, far = three_communities
    assert listed_ids(tokens, "community") == {own.id}
    assert listed_ids(tokens, "community_b") == {same_area.id}
    assert listed_ids(tokens, "community_far") == {far.id}
    assert_shown(tokens, "community", own.id)
    assert_hidden(tokens, "community", same_area.id)
    assert_hidden(tokens, "community", far.id)
    assert_hidden(tokens, "community_b", own.id)


def test_reviewers_and_bureaus_see_only_their_area(tokens, three_communities):
    own, same_area, far = three_communities
    for username in ("reviewer", "bureau"):
        assert listed_ids(tokens, username) == {own.id, same_area.id}
        assert_shown(tokens, username, own.id)
        assert_hidden(tokens, username, far.id)
    for username in ("reviewer_far", "bureau_far"):
        assert listed_ids(tokens, username) == {far.id}
        assert_hidden(tokens, username, own.id)
        assert_hidden(tokens, username, same_area.id)


def test_admin_sees_everything(tokens, three_communities):
    assert listed_ids(tokens, "admin") == {p.id for p in three_communities}
    for project in three_communities:
        assert_shown(tokens, "admin", project.id)


def test_firms_see_no_proposal(tokens, three_communities):
    for username in ("provider", "provider2", "provider3", "evaluator", "evaluator2"):
        assert listed_ids(tokens, username) == set()
        for project in three_communities:
            assert_hidden(tokens, username, project.id)


def test_providers_see_open_tenders_their_bids_and_what_they_implement(tokens, journey, world):
    tender = journey.drive(journey.create(title="采购中"), "tendering")
    for username in ("provider", "provider2", "provider3"):
        assert listed_ids(tokens, username) == {tender.id}
        assert listed_ids(tokens, username, state="tendering") == {tender.id}
        assert tokens.get(username, f"/projects/{tender.id}").status_code == 200

    awarded = journey.drive(journey.create(title="已定承接方"), "awarded")  # provider and provider2 bid
    assert listed_ids(tokens, "provider") == {tender.id, awarded.id}
    assert listed_ids(tokens, "provider3") == {tender.id}
    assert_hidden(tokens, "provider3", awarded.id)

    subsidy = journey.drive(journey.create(title="补贴项目", funding_form="subsidy"), "in_delivery")
    assert subsidy.implementer_id == world["provider"].organisation_id
    assert_shown(tokens, "provider", subsidy.id)
    assert_hidden(tokens, "provider2", subsidy.id)
    assert listed_ids(tokens, "provider2") == {tender.id, awarded.id}


def test_evaluators_see_projects_they_are_invited_to_or_assigned(tokens, journey, world, api):
    project = journey.drive(journey.create(), "delivered")
    assert_hidden(tokens, "evaluator", project.id)
    response = api.as_("bureau").post(f"/projects/{project.id}/evaluator-assignments",
                                      json={"evaluator_org_id": world["evaluator"].organisation_id,
                                            "reason": "测试：不经抽取指定本机构，理由已记录。"})
    assert response.status_code == 201
    assert_shown(tokens, "evaluator", project.id)
    assert listed_ids(tokens, "evaluator") == {project.id}
    assert_hidden(tokens, "evaluator2", project.id)
    assert listed_ids(tokens, "evaluator2") == set()

    journey.start_acceptance(project)
    assert project.state == "under_acceptance"
    assert_shown(tokens, "evaluator", project.id)
    assert_hidden(tokens, "evaluator2", project.id)
    # The unassigned firm cannot act either: it cannot even find the project.
    response = api.as_("evaluator2").fire(project, "accept", report="验收合格")
    assert response.status_code == 404


def test_evaluators_see_only_their_own_firms_declaration(tokens, journey, world, api):
    project = journey.drive(journey.create(), "delivered")
    for firm in world.evaluators:  # picked one after the other: each is asked to declare
        response = api.as_("bureau").post(f"/projects/{project.id}/evaluator-assignments",
                                          json={"evaluator_org_id": firm.id, "reason": "测试：依次指定两家机构。"})
        assert response.status_code == 201, response.get_json()
    mine = tokens.get("evaluator", f"/projects/{project.id}/conflict-declarations").get_json()
    assert [d["evaluator_org"]["id"] for d in mine] == [world["evaluator"].organisation_id]
    everyone = tokens.get("bureau", f"/projects/{project.id}/conflict-declarations").get_json()
    assert {d["evaluator_org"]["id"] for d in everyone} == {firm.id for firm in world.evaluators}


def test_objection_private_fields_only_for_community_and_reviewer(tokens, journey, api):
    project = journey.drive(journey.create(), "notice")
    response = api.as_("community").post(f"/projects/{project.id}/objections",
                                         json={"content": "担心噪音", "resident_name": "王某某",
                                               "resident_contact": "13800000000"})
    assert response.status_code == 201
    for username in ("community", "reviewer"):
        [objection] = tokens.get(username, f"/projects/{project.id}/objections").get_json()
        assert (objection["resident_name"], objection["resident_contact"]) == ("王某某", "13800000000")
    for username in ("bureau", "admin"):
        response = tokens.get(username, f"/projects/{project.id}/objections")
        [objection] = response.get_json()
        assert objection["content"] == "担心噪音"
        assert "resident_name" not in objection and "resident_contact" not in objection
        assert "王某某" not in response.get_data(as_text=True) and "13800000000" not in response.get_data(as_text=True)
    for username in ("community_b", "reviewer_far", "provider", "evaluator"):
        assert tokens.get(username, f"/projects/{project.id}/objections").status_code == 404


def test_bids_are_sealed_until_the_deadline(tokens, journey, world, clock):
    project = journey.drive(journey.create(), "tendering")
    for username, price in (("provider", "38000.00"), ("provider2", "37000.00")):
        response = tokens.post(username, f"/projects/{project.id}/bids", json={"price": price, "plan": "方案"})
        assert response.status_code == 201, response.get_json()

    def seen(username):
        response = tokens.get(username, f"/projects/{project.id}/bids")
        assert response.status_code == 200
        return {(b["provider"]["id"], b["price"]) for b in response.get_json()}

    provider_org, provider2_org = world["provider"].organisation_id, world["provider2"].organisation_id
    assert seen("provider") == {(provider_org, "38000.00")}
    assert seen("provider2") == {(provider2_org, "37000.00")}
    assert seen("provider3") == set()
    for username in ("bureau", "reviewer", "admin", "community"):
        assert seen(username) == set(), username
    # Nor does the history give a price away.
    history = tokens.get("bureau", f"/projects/{project.id}/history").get_data(as_text=True)
    assert "38000" not in history and "37000" not in history

    clock.moment = project.bid_deadline  # at the deadline itself, still sealed
    assert seen("bureau") == set()
    clock.advance(hours=1)
    assert seen("bureau") == {(provider_org, "38000.00"), (provider2_org, "37000.00")}
    assert seen("admin") == seen("bureau")
    assert seen("provider") == {(provider_org, "38000.00")}
    assert seen("reviewer") == set()
    assert seen("community") == set()


def test_a_provider_cannot_withdraw_or_read_anothers_bid(tokens, journey, world):
    project = journey.drive(journey.create(), "tendering")
    tokens.post("provider", f"/projects/{project.id}/bids", json={"price": "30000.00", "plan": "方案"})
    response = tokens.post("provider2", f"/projects/{project.id}/bids/withdraw", json={})
    assert response.status_code == 404
    assert tokens.get("provider2", f"/projects/{project.id}/bids").get_json() == []


def test_pagination_counts_only_visible_projects(tokens, journey, world, clock, app):
    mine = [journey.create(title=f"项目{i}") for i in range(3)]
    journey_for(world, clock, "community_b").create()
    per_page = app.config["PER_PAGE"]
    body = tokens.get("community", "/projects").get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == per_page
    assert [item["id"] for item in body["items"]] == sorted((p.id for p in mine), reverse=True)
    assert tokens.get("reviewer", "/projects").get_json()["total"] == 4


def test_an_inactive_users_token_stops_working(tokens, world):
    assert tokens.get("community", "/projects").status_code == 200
    world["community"].active = False
    db.session.commit()
    response = tokens.get("community", "/projects")
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_a_token_expires(client, world, clock, app):
    token = ApiToken.issue(world["community"], app.config["API_TOKEN_HOURS"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/projects", headers=headers).status_code == 200
    clock.advance(hours=app.config["API_TOKEN_HOURS"])
    response = client.get("/api/v1/projects", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    clock.moment -= timedelta(seconds=1)
    assert client.get("/api/v1/projects", headers=headers).status_code == 200
