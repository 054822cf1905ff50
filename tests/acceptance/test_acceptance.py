"""Acceptance (验收): the checklist drawn from the contract, who may judge, visit and confirm, what acceptance
needs, rectification rounds with deadlines and their limit, the overdue reminder and the API's shapes."""
from datetime import timedelta

import pytest

from procure import clock as app_clock
from procure.acceptance.models import ChecklistItem, Rectification
from procure.acceptance.operations import split_items
from procure.audit.models import AuditEntry
from procure.extensions import db
from procure.notifications.models import Notification
from procure.notifications.reminders import write_notifications
from procure.procurement.models import Contract

from openapi_check import check


def acceptance(api, project, username="bureau"):
    response = api.as_(username).get(f"/projects/{project.id}/acceptance")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def implementer_of(world, project) -> str:
    return "provider2" if project.implementer_id == world["provider2"].organisation_id else "provider"


def judge(api, project, item_id, result, finding="", username="evaluator"):
    return api.as_(username).post(f"/projects/{project.id}/acceptance/items/{item_id}/judgement",
                                  json={"result": result, "finding": finding})


def visit(api, project, username="evaluator", **overrides):
    body = {"visited_on": app_clock.today().isoformat(), "place": "社区服务站", "participants": "评估员2人、居民代表3人",
            "observations": "查看台账，走访服务对象", **overrides}
    return api.as_(username).post(f"/projects/{project.id}/acceptance/site-visits", json=body)


def confirm(api, project, agreed=True, username="community", residents=4):
    return api.as_(username).post(f"/projects/{project.id}/acceptance/confirmation",
                                  json={"agreed": agreed, "opinion": "居民反映良好" if agreed else "服务次数不足",
                                        "residents_present": residents})


def judge_all(api, project, result="met"):
    for item in acceptance(api, project)["items"]:
        assert judge(api, project, item["id"], result, "问题" if result != "met" else "").status_code == 200


@pytest.fixture
def under_acceptance(journey):
    return journey.drive(journey.create(), "under_acceptance")


# ---- the checklist ------------------------------------------------------------------------------------

def test_items_split_on_chinese_and_western_separators():
    assert split_items("助餐配送。上门探访；健康讲座;  \n\n 建立台账。") == ["助餐配送", "上门探访", "健康讲座", "建立台账"]
    assert split_items("") == [] and split_items(None) == []


def test_the_checklist_comes_from_the_contracts_texts_and_milestones(under_acceptance, api):
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=under_acceptance.id))
    items = acceptance(api, under_acceptance)["items"]
    by_source = {}
    for item in items:
        by_source.setdefault(item["source"], []).append(item["text"])
        assert item["result"] is None
    assert by_source["service_content"] == split_items(contract.service_content)
    assert by_source["quantity"] == ["每周配送午餐5天，服务老人不少于120人", "每月上门探访不少于2次", "全年健康讲座不少于6场"]
    assert by_source["quality"] == split_items(contract.quality_targets)
    first = contract.milestones[0]
    assert by_source["milestone"][0] == f"{first.name}（{first.percent}%），完成期限 {first.due.isoformat()}"
    assert len(by_source["milestone"]) == len(contract.milestones)
    assert "goal" not in by_source
    assert [i["position"] for i in items] == list(range(len(items)))


def test_an_agreement_without_terms_is_checked_against_the_proposals_goals(journey, api):
    project = journey.drive(journey.create(funding_form="subsidy", goals="每周配送午餐五天；覆盖120名老人\n满意度90%以上"),
                            "under_acceptance")
    items = acceptance(api, project)["items"]
    assert [(i["source"], i["text"]) for i in items] == [("goal", "每周配送午餐五天"), ("goal", "覆盖120名老人"),
                                                         ("goal", "满意度90%以上")]


def test_re_acceptance_keeps_the_checklist(journey, api):
    project = journey.drive(journey.create(), "rectification")
    before = [(i["id"], i["text"]) for i in acceptance(api, project)["items"]]
    journey.resubmit_for_acceptance(project)
    assert [(i["id"], i["text"]) for i in acceptance(api, project)["items"]] == before


# ---- who may judge, visit, add and confirm ---------------------------------------------------------------

def test_only_the_assigned_evaluator_judges(under_acceptance, api, world, db_snapshot):
    item = acceptance(api, under_acceptance)["items"][0]
    before = db_snapshot()
    for username, status in ((implementer_of(world, under_acceptance), 403), ("community", 403), ("bureau", 403),
                             ("evaluator2", 404), ("community_b", 404)):
        assert judge(api, under_acceptance, item["id"], "met", username=username).status_code == status, username
        assert api.as_(username).post(f"/projects/{under_acceptance.id}/acceptance/items",
                                      json={"text": "补充"}).status_code == status, username
        assert visit(api, under_acceptance, username=username).status_code == status, username
    assert db_snapshot() == before
    response = judge(api, under_acceptance, item["id"], "partly_met", "签到表缺 3 次")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["result"] == "partly_met" and response.get_json()["finding"] == "签到表缺 3 次"


def test_a_finding_is_required_unless_met(under_acceptance, api, db_snapshot):
    item = acceptance(api, under_acceptance)["items"][0]
    before = db_snapshot()
    for result in ("not_met", "partly_met"):
        response = judge(api, under_acceptance, item["id"], result, "  ")
        assert response.status_code == 400 and "finding" in response.get_json()["fields"]
    assert judge(api, under_acceptance, item["id"], "excellent").status_code == 400
    assert db_snapshot() == before
    assert judge(api, under_acceptance, item["id"], "met").status_code == 200


def test_an_item_of_another_project_is_not_found(journey, under_acceptance, api):
    other = journey.drive(journey.create(title="另一个项目"), "under_acceptance")
    foreign = acceptance(api, other)["items"][0]["id"]
    assert judge(api, under_acceptance, foreign, "met").status_code == 404


def test_a_judgement_is_audited_with_its_previous_value(under_acceptance, api):
    item = acceptance(api, under_acceptance)["items"][0]
    judge(api, under_acceptance, item["id"], "not_met", "未开展")
    judge(api, under_acceptance, item["id"], "met")
    entry = db.session.scalars(db.select(AuditEntry).filter_by(project_id=under_acceptance.id, action="judge_item")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.data["result"] == "met"
    assert entry.data["previous"] == {"result": "not_met", "finding": "未开展"}


def test_the_evaluator_adds_an_item(under_acceptance, api):
    count = len(acceptance(api, under_acceptance)["items"])
    response = api.as_("evaluator").post(f"/projects/{under_acceptance.id}/acceptance/items",
                                         json={"text": "服务档案完整"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["source"] == "custom" and response.get_json()["position"] == count
    assert api.as_("evaluator").post(f"/projects/{under_acceptance.id}/acceptance/items",
                                     json={"text": ""}).status_code == 400


def test_a_site_visit_cannot_be_dated_in_the_future(under_acceptance, api, refused):
    tomorrow = (app_clock.today() + timedelta(days=1)).isoformat()
    refused(lambda: visit(api, under_acceptance, visited_on=tomorrow), "visit_in_future")
    response = visit(api, under_acceptance)
    assert response.status_code == 201, response.get_json()
    assert acceptance(api, under_acceptance)["site_visits"][0]["place"] == "社区服务站"


def test_only_the_community_confirms_and_a_later_confirmation_replaces_the_earlier(under_acceptance, api, world):
    for username, status in (("evaluator", 403), (implementer_of(world, under_acceptance), 403), ("bureau", 403),
                             ("community_b", 404)):
        assert confirm(api, under_acceptance, username=username).status_code == status, username
    assert confirm(api, under_acceptance, agreed=False, residents=2).status_code == 200
    response = confirm(api, under_acceptance, residents=6)
    assert response.status_code == 200, response.get_json()
    shown = acceptance(api, under_acceptance)["confirmation"]
    assert shown["agreed"] is True and shown["residents_present"] == 6 and shown["current"] is True
    entries = db.session.scalars(db.select(AuditEntry).filter_by(project_id=under_acceptance.id,
                                                                 action="confirm_acceptance")
                                 .order_by(AuditEntry.id)).all()
    assert len(entries) == 2 and entries[0].data["previous"] is None
    assert entries[1].data["previous"]["agreed"] is False and entries[1].data["previous"]["residents_present"] == 2
    # Missing "agreed" means not agreed; a negative count is refused.
    assert api.as_("community").post(f"/projects/{under_acceptance.id}/acceptance/confirmation",
                                     json={"opinion": "x", "residents_present": -1}).status_code == 400


def test_judging_waits_for_the_rectification_response(journey, api):
    project = journey.drive(journey.create(), "rectification")
    item = acceptance(api, project)["items"][0]
    response = judge(api, project, item["id"], "met")
    assert response.status_code == 409 and response.get_json()["error"] == "invalid_transition"
    assert visit(api, project).status_code == 201  # the evaluator may go and look during rectification
    assert confirm(api, project).status_code == 409


# ---- what acceptance needs ------------------------------------------------------------------------------

def test_acceptance_is_refused_for_each_missing_step(under_acceptance, api, refused):
    project = under_acceptance
    accept = lambda: api.as_("evaluator").fire(project, "accept", report="验收合格")  # noqa: E731
    items = acceptance(api, project)["items"]
    [unjudged, *_] = refused(accept, "items_unjudged", "no_site_visit", "community_not_confirmed")
    assert str(len(items)) in unjudged["message"]
    judge_all(api, project)
    judge(api, project, items[0]["id"], "not_met", "缺少健康讲座记录")
    visit(api, project)
    refused(accept, "items_not_met", "community_not_confirmed")
    judge(api, project, items[0]["id"], "met")
    confirm(api, project, agreed=False)
    [reason] = refused(accept, "community_not_confirmed")
    assert "不同意" in reason["message"]
    confirm(api, project)
    db.session.add(Rectification(project_id=project.id, round=1, findings="x", deadline=app_clock.today()))
    db.session.commit()
    refused(accept, "rectification_open")
    db.session.delete(db.session.scalar(db.select(Rectification).filter_by(project_id=project.id)))
    db.session.commit()
    response = accept()
    assert response.status_code == 200 and response.get_json()["state"] == "accepted", response.get_json()
    shown = acceptance(api, project)
    assert shown["report"] == "验收合格" and shown["accepted_on"] == app_clock.today().isoformat()


def test_an_empty_checklist_cannot_be_accepted(journey, api, refused):
    # Goals are required before the notice (issue 14); a project from before that rule may have none.
    project = journey.drive(journey.create(funding_form="reward"), "delivered")
    project.goals = None
    db.session.commit()
    journey.drive(project, "under_acceptance")
    assert acceptance(api, project)["items"] == []
    visit(api, project)
    confirm(api, project, username="reviewer")  # the community implements a reward: the street office confirms
    refused(lambda: api.as_("evaluator").fire(project, "accept", report="合格"), "checklist_empty")


def test_after_a_rectification_the_community_confirms_again(journey, api, refused):
    project = journey.drive(journey.create(), "under_acceptance")
    confirm(api, project)
    journey.request_rectification(project)
    journey.clock.advance(days=1)
    journey.resubmit_for_acceptance(project)
    judge_all(api, project)
    assert acceptance(api, project)["confirmation"]["current"] is False
    [reason] = refused(lambda: api.as_("evaluator").fire(project, "accept", report="合格"), "community_not_confirmed")
    assert "本轮" in reason["message"]
    confirm(api, project)
    assert api.as_("evaluator").fire(project, "accept", report="合格").get_json()["state"] == "accepted"
    [round_one] = acceptance(api, project)["rectifications"]
    assert round_one["outcome"] == "passed" and round_one["judged_at"]


def test_the_journey_accepts_through_every_step(journey, api):
    project = journey.drive(journey.create(), "accepted")
    shown = acceptance(api, project)
    assert all(i["result"] == "met" for i in shown["items"]) and shown["site_visits"]
    assert shown["confirmation"]["agreed"] is True and shown["report"]


# ---- rectification rounds --------------------------------------------------------------------------------

def request(api, project, **body):
    return api.as_("evaluator").fire(project, "request_rectification", **{"findings": "台账不全", **body})


def resubmit(api, world, project, response="已补齐"):
    return api.as_(implementer_of(world, project)).fire(project, "resubmit_for_acceptance", response=response)


def test_the_deadline_defaults_and_must_lie_ahead(under_acceptance, api, app, refused):
    refused(lambda: request(api, under_acceptance, deadline=app_clock.today().isoformat()),
            "rectification_deadline_past")
    assert request(api, under_acceptance).get_json()["state"] == "rectification"
    [row] = acceptance(api, under_acceptance)["rectifications"]
    expected = app_clock.today() + timedelta(days=app.config["RECTIFICATION_DAYS"])
    assert row["deadline"] == expected.isoformat() and row["round"] == 1 and row["response"] is None
    assert row["overdue"] is False and row["late"] is False and row["outcome"] is None


def test_resubmission_resets_the_items_not_met(under_acceptance, api, world):
    first, second, third = acceptance(api, under_acceptance)["items"][:3]
    judge(api, under_acceptance, first["id"], "not_met", "未开展健康讲座")
    judge(api, under_acceptance, second["id"], "partly_met", "探访次数不足")
    judge(api, under_acceptance, third["id"], "met")
    request(api, under_acceptance, deadline=(app_clock.today() + timedelta(days=10)).isoformat())
    assert resubmit(api, world, under_acceptance, "已补开讲座并补充探访").status_code == 200
    items = {i["id"]: i for i in acceptance(api, under_acceptance)["items"]}
    assert items[first["id"]]["result"] is None and items[second["id"]]["result"] is None
    assert items[first["id"]]["finding"] == "未开展健康讲座"  # kept for the re-check
    assert items[third["id"]]["result"] == "met"
    [row] = acceptance(api, under_acceptance)["rectifications"]
    assert row["response"] == "已补开讲座并补充探访" and row["responded_at"] and row["late"] is False


def test_a_late_response_is_flagged(under_acceptance, api, world, clock, as_user):
    request(api, under_acceptance, deadline=(app_clock.today() + timedelta(days=2)).isoformat())
    clock.advance(days=3)
    assert acceptance(api, under_acceptance)["rectifications"][0]["overdue"] is True
    resubmit(api, world, under_acceptance)
    [row] = acceptance(api, under_acceptance)["rectifications"]
    assert row["late"] is True and row["overdue"] is False
    entry = db.session.scalars(db.select(AuditEntry).filter_by(project_id=under_acceptance.id,
                                                               action="resubmit_for_acceptance")).one()
    assert entry.data["late"] is True
    html = as_user("bureau").get(f"/projects/{under_acceptance.id}").get_data(as_text=True)
    assert 'data-testid="round-late-1"' in html and "逾期答复" in html


def test_two_failed_rounds_reach_the_limit_and_the_bureau_terminates(journey, api, world, refused, as_user):
    project = journey.drive(journey.create(), "rectification")
    assert resubmit(api, world, project).status_code == 200
    assert request(api, project, findings="仍有缺失").status_code == 200
    assert resubmit(api, world, project).status_code == 200
    rounds = acceptance(api, project)["rectifications"]
    assert [(r["round"], r["outcome"]) for r in rounds] == [(1, "failed"), (2, None)]
    [reason] = refused(lambda: request(api, project, findings="第三次"), "rectification_limit")
    assert "终止" in reason["message"]
    assert "request_rectification" not in api.as_("evaluator").get(f"/projects/{project.id}").get_json()[
        "available_transitions"]
    html = as_user("bureau").get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="rectification-limit"' in html and "终止合同" in html
    response = api.as_("bureau").fire(project, "terminate", reason="两轮整改仍未达到合同要求")
    assert response.status_code == 200 and response.get_json()["state"] == "cancelled", response.get_json()


def test_the_evaluator_may_still_accept_at_the_limit(journey, api, world):
    project = journey.drive(journey.create(), "rectification")
    resubmit(api, world, project)
    request(api, project)
    resubmit(api, world, project)
    journey.accept(project)
    assert project.state == "accepted"
    assert [r["outcome"] for r in acceptance(api, project)["rectifications"]] == ["failed", "passed"]


# ---- the overdue reminder --------------------------------------------------------------------------------

def test_an_overdue_rectification_is_reminded_once(under_acceptance, api, world, clock):
    deadline = app_clock.today() + timedelta(days=5)
    request(api, under_acceptance, deadline=deadline.isoformat())
    clock.advance(days=5)
    write_notifications()
    assert not db.session.scalars(db.select(Notification).filter_by(kind="rectification_overdue")).all()
    clock.advance(days=1)
    write_notifications()
    write_notifications()
    rows = db.session.scalars(db.select(Notification).filter_by(kind="rectification_overdue")).all()
    users = {n.user_id for n in rows}
    assert users == {world[implementer_of(world, under_acceptance)].id, world["evaluator"].id}
    assert len(rows) == 2 and deadline.isoformat() in rows[0].params["deadline"]


def test_no_reminder_once_answered(under_acceptance, api, world, clock):
    request(api, under_acceptance, deadline=(app_clock.today() + timedelta(days=2)).isoformat())
    resubmit(api, world, under_acceptance)
    clock.advance(days=10)
    write_notifications()
    assert not db.session.scalars(db.select(Notification).filter_by(kind="rectification_overdue")).all()


# ---- the API's shapes and the page ------------------------------------------------------------------------

@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_the_acceptance_endpoints_answer_as_documented(under_acceptance, api, doc, world):
    project = under_acceptance
    base = "/projects/{project_id}/acceptance"
    item = check(doc, base, "get", api.as_("bureau").get(f"/projects/{project.id}/acceptance"), 200)["items"][0]
    for username in ("community", "evaluator", implementer_of(world, project)):
        check(doc, base, "get", api.as_(username).get(f"/projects/{project.id}/acceptance"), 200)
    check(doc, base, "get", api.as_("community_b").get(f"/projects/{project.id}/acceptance"), 404)
    check(doc, base + "/items/{item_id}/judgement", "post", judge(api, project, item["id"], "not_met", "缺"), 200)
    check(doc, base + "/items/{item_id}/judgement", "post", judge(api, project, item["id"], "not_met"), 400)
    check(doc, base + "/items", "post", api.as_("evaluator").post(f"/projects/{project.id}/acceptance/items",
                                                                  json={"text": "档案"}), 201)
    check(doc, base + "/site-visits", "post", visit(api, project), 201)
    check(doc, base + "/site-visits", "post",
          visit(api, project, visited_on=(app_clock.today() + timedelta(days=3)).isoformat()), 422)
    check(doc, base + "/confirmation", "post", confirm(api, project), 200)
    check(doc, base + "/confirmation", "post", confirm(api, project, username="evaluator"), 403)
    request(api, project)
    check(doc, base, "get", api.as_("bureau").get(f"/projects/{project.id}/acceptance"), 200)
    check(doc, base + "/confirmation", "post", confirm(api, project), 409)
    detail = api.as_("bureau").get(f"/projects/{project.id}").get_json()
    assert "rectification_findings" not in detail and "rectification_response" not in detail


def test_the_page_offers_the_evaluator_its_forms_and_keeps_a_refused_judgement(under_acceptance, as_user, client):
    project = under_acceptance
    item = db.session.scalars(db.select(ChecklistItem).filter_by(project_id=project.id)
                              .order_by(ChecklistItem.position)).first()
    html = as_user("evaluator").get(f"/projects/{project.id}").get_data(as_text=True)
    for testid in (f"judge-{item.id}-form", "acceptance-item-form", "site-visit-form", 'id="acceptance"'):
        assert testid in html, testid
    assert "acceptance-confirmation-form" not in html
    rectify = html.split('data-testid="action-request_rectification"')[1].split("</details>")[0]
    default = (app_clock.today() + timedelta(days=15)).isoformat()
    assert 'name="deadline"' in rectify and default in rectify
    response = client.post(f"/projects/{project.id}/acceptance/items/{item.id}/judgement",
                           data={"result": "not_met", "finding": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "须写明发现的问题" in html
    response = client.post(f"/projects/{project.id}/acceptance/items/{item.id}/judgement",
                           data={"result": "met", "finding": ""})
    assert response.status_code == 302
    html = as_user("community").get(f"/projects/{project.id}").get_data(as_text=True)
    assert "acceptance-confirmation-form" in html and f"judge-{item.id}-form" not in html
    response = client.post(f"/projects/{project.id}/acceptance/confirmation",
                           data={"agreed": "y", "opinion": "同意", "residents_present": "5"})
    assert response.status_code == 302
