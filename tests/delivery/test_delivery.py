"""Delivery: service records by the implementer, the community's milestone confirmations and progress,
payment requests against milestones and the bureau's decisions, and racing approvals."""
from decimal import Decimal

import pytest

from procure.delivery.models import PaymentRequest
from procure.extensions import db
from procure.payments.models import Payment
from procure.procurement.models import Contract

from support import Tokens, reason_codes
from concurrently import post, run_together
from openapi_check import check

PROJECT = "/projects/{project_id}"


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def delivering(journey, world):
    """A purchase project in delivery: (project, implementer username, milestones)."""
    project = journey.drive(journey.create(), "in_delivery")
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    implementer = next(u for u in ("provider", "provider2", "provider3")
                       if world[u].organisation_id == project.implementer_id)
    return project, implementer, contract


def report(api, implementer, project, milestone):
    response = api.as_(implementer).post(f"/projects/{project.id}/milestone-reports",
                                         json={"milestone_id": milestone.id, "content": "按计划完成"})
    assert response.status_code == 201, response.get_json()


SERVICE = {"served_on": "2026-06-01", "place": "社区活动室", "activity": "长者健康讲座", "participants": 32,
           "hours": "2.5"}


def test_service_records_only_by_the_implementer_during_delivery(api, world, journey, doc, db_snapshot):
    project, implementer, contract = delivering(journey, world)
    path = f"/projects/{project.id}/service-records"
    body = check(doc, PROJECT + "/service-records", "post", api.as_(implementer).post(path, json=SERVICE), 201)
    assert body["hours"] == "2.50" and body["participants"] == 32
    before = db_snapshot()
    for username, status in (("community", 403), ("bureau", 403), ("bureau_far", 404), ("provider3", 404)):
        if username == implementer:
            continue
        response = api.as_(username).post(path, json=SERVICE)
        check(doc, PROJECT + "/service-records", "post", response, status)
    check(doc, PROJECT + "/service-records", "post",
          api.as_(implementer).post(path, json={**SERVICE, "hours": "0"}), 400)
    assert db_snapshot() == before
    listed = check(doc, PROJECT + "/service-records", "get", api.as_("community").get(path), 200)
    assert [r["activity"] for r in listed] == ["长者健康讲座"]
    journey.drive(project, "delivered")
    check(doc, PROJECT + "/service-records", "post", api.as_(implementer).post(path, json=SERVICE), 409)


def test_confirmation_by_the_community_once_after_a_report_and_progress(api, world, journey, doc, db_snapshot):
    project, implementer, contract = delivering(journey, world)
    first, second = contract.milestones  # 40 % and 60 %
    doc_path = PROJECT + "/milestones/{milestone_id}/confirmation"
    path = lambda m: f"/projects/{project.id}/milestones/{m.id}/confirmation"  # noqa: E731
    before = db_snapshot()
    unreported = api.as_("community").post(path(first), json={"result": "met", "comment": "好"})
    check(doc, doc_path, "post", unreported, 422)
    assert reason_codes(unreported) == ["milestone_unreported"]
    assert db_snapshot() == before
    report(api, implementer, project, first)
    report(api, implementer, project, second)
    before = db_snapshot()
    for username, status in ((implementer, 403), ("bureau", 403), ("community_b", 404)):
        check(doc, doc_path, "post", api.as_(username).post(path(first), json={"result": "met", "comment": "好"}),
              status)
    check(doc, doc_path, "post", api.as_("community").post(path(first), json={"result": "bad", "comment": "x"}), 400)
    assert db_snapshot() == before
    body = check(doc, doc_path, "post",
                 api.as_("community").post(path(first), json={"result": "met", "comment": "居民满意"}), 201)
    assert body["progress"] == "40.00"
    check(doc, doc_path, "post", api.as_("community").post(path(first), json={"result": "not_met", "comment": "改"}),
          409)
    body = check(doc, doc_path, "post",
                 api.as_("community").post(path(second), json={"result": "partial", "comment": "部分完成"}), 201)
    assert body["progress"] == "70.00"  # 40 met + half of 60
    page = api.client.get(f"/projects/{project.id}")  # not logged in: the page itself is checked in test_pages
    assert page.status_code in (302, 401)


def test_payment_requests_ceiling_and_the_bureaus_decision(api, world, journey, doc, db_snapshot):
    project, implementer, contract = delivering(journey, world)
    first = contract.milestones[0]
    share = (contract.amount * first.percent / 100).quantize(Decimal("0.01"))
    path = f"/projects/{project.id}/payment-requests"
    before = db_snapshot()
    unreported = api.as_(implementer).post(path, json={"milestone_id": first.id, "amount": "1.00"})
    check(doc, PROJECT + "/payment-requests", "post", unreported, 422)
    assert reason_codes(unreported) == ["milestone_unreported"]
    report(api, implementer, project, first)
    before = db_snapshot()
    too_much = api.as_(implementer).post(path, json={"milestone_id": first.id, "amount": str(share + Decimal("0.01"))})
    check(doc, PROJECT + "/payment-requests", "post", too_much, 422)
    assert reason_codes(too_much) == ["over_milestone_share"]
    check(doc, PROJECT + "/payment-requests", "post",
          api.as_("community").post(path, json={"milestone_id": first.id, "amount": "1.00"}), 403)
    assert db_snapshot() == before
    made = check(doc, PROJECT + "/payment-requests", "post",
                 api.as_(implementer).post(path, json={"milestone_id": first.id, "amount": str(share - 100)}), 201)
    other = check(doc, PROJECT + "/payment-requests", "post",
                  api.as_(implementer).post(path, json={"milestone_id": first.id, "amount": "200.00"}), 201)
    approve = PROJECT + "/payment-requests/{request_id}/approve"
    refuse = PROJECT + "/payment-requests/{request_id}/refuse"
    # Asked for before the community confirmed the milestone: the bureau may pay only once it is confirmed.
    before = db_snapshot()
    early = api.as_("bureau").post(f"{path}/{made['id']}/approve", json={})
    check(doc, approve, "post", early, 422)
    assert reason_codes(early) == ["milestone_unconfirmed"]
    assert db_snapshot() == before
    journey.confirm(project, first.id)
    before = db_snapshot()
    for username, status in ((implementer, 403), ("community", 403), ("bureau_far", 404)):
        check(doc, approve, "post", api.as_(username).post(f"{path}/{made['id']}/approve", json={}), status)
        check(doc, refuse, "post", api.as_(username).post(f"{path}/{made['id']}/refuse", json={"reason": "x"}),
              status)
    check(doc, refuse, "post", api.as_("bureau").post(f"{path}/{made['id']}/refuse", json={}), 400)
    check(doc, approve, "post", api.as_("bureau").post(f"{path}/99999/approve", json={}), 404)
    assert db_snapshot() == before
    body = check(doc, approve, "post", api.as_("bureau").post(f"{path}/{made['id']}/approve", json={}), 200)
    assert body["state"] == "approved" and body["payment_id"]
    check(doc, approve, "post", api.as_("bureau").post(f"{path}/{made['id']}/approve", json={}), 409)
    # 200.00 asked, only 100.00 of the milestone's share is left: refused with its reason, nothing changes.
    before = db_snapshot()
    over = api.as_("bureau").post(f"{path}/{other['id']}/approve", json={})
    check(doc, approve, "post", over, 422)
    assert reason_codes(over) == ["over_payable"] and "100.00" in over.get_json()["reasons"][0]["message"]
    assert db_snapshot() == before
    body = check(doc, refuse, "post", api.as_("bureau").post(f"{path}/{other['id']}/refuse",
                                                              json={"reason": "超过节点应付金额"}), 200)
    assert body["state"] == "refused" and body["reason"] == "超过节点应付金额"
    listed = check(doc, PROJECT + "/payment-requests", "get", api.as_(implementer).get(path), 200)
    assert [r["state"] for r in listed] == ["approved", "refused"]
    paid = db.session.scalars(db.select(Payment.amount).filter_by(project_id=project.id)).all()
    assert paid == [share - 100]


def test_a_direct_payment_and_an_approved_request_draw_on_the_same_milestone(api, world, journey):
    project, implementer, contract = delivering(journey, world)
    first = contract.milestones[0]
    share = (contract.amount * first.percent / 100).quantize(Decimal("0.01"))
    journey.confirm(project, first.id)
    made = api.as_(implementer).post(f"/projects/{project.id}/payment-requests",
                                     json={"milestone_id": first.id, "amount": "100.00"}).get_json()
    assert api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "milestone", "milestone_id": first.id, "amount": str(share - 50),
        "paid_on": "2026-06-01"}).status_code == 201
    over = api.as_("bureau").post(f"/projects/{project.id}/payment-requests/{made['id']}/approve", json={})
    assert reason_codes(over) == ["over_payable"]


@pytest.mark.parametrize("round_", range(3))
def test_racing_approvals_never_exceed_the_milestone(app, client, world, journey, round_):
    """Two requests each for the whole milestone, approved at once: one wins, the other finds nothing left."""
    project, implementer, contract = delivering(journey, world)
    first = contract.milestones[0]  # not the last: its instalment waits for the performance evaluation
    share = (contract.amount * first.percent / 100).quantize(Decimal("0.01"))
    tokens = Tokens(client, world)
    journey.confirm(project, first.id)
    ids = [tokens.post(implementer, f"/projects/{project.id}/payment-requests",
                       json={"milestone_id": first.id, "amount": str(share)}).get_json()["id"] for _ in range(2)]
    headers = tokens.headers("bureau")
    results = run_together(app, [post(headers, f"/projects/{project.id}/payment-requests/{i}/approve", {})
                                 for i in ids])
    assert sorted(status for status, _ in results) == [200, 422], results
    loser = next(body for status, body in results if status == 422)
    assert [r["code"] for r in loser["reasons"]] == ["over_payable"]
    db.session.expire_all()
    paid = db.session.scalars(db.select(Payment.amount).filter_by(project_id=project.id)).all()
    assert paid == [share]
    states = db.session.scalars(db.select(PaymentRequest.state).filter_by(project_id=project.id)).all()
    assert sorted(states) == ["approved", "requested"]


# ---- the project page ----------------------------------------------------------------------------

def test_the_project_page_shows_progress_and_lets_each_part_act(api, client, world, journey):
    from support import login

    project, implementer, contract = delivering(journey, world)
    first = contract.milestones[0]
    login(client, implementer)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="service-record-form"' in page and 'data-testid="payment-request-form"' not in page
    response = client.post(f"/projects/{project.id}/service-records", data={**SERVICE, "milestone_id": ""})
    assert response.status_code == 302
    refused = client.post(f"/projects/{project.id}/service-records", data={**SERVICE, "place": ""})
    assert refused.status_code == 400 and "长者健康讲座" in refused.get_data(as_text=True)
    report(api, implementer, project, first)
    assert client.post(f"/projects/{project.id}/payment-requests",
                       data={"milestone_id": first.id, "amount": "1000.00"}).status_code == 302
    client.post("/logout")
    login(client, "community")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'data-testid="confirm-{first.id}-form"' in page
    assert '<progress class="progress" max="100" value="0"' in page
    assert client.post(f"/projects/{project.id}/milestones/{first.id}/confirmation",
                       data={"result": "met", "comment": "居民满意"}).status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<progress class="progress" max="100" value="40"' in page and "长者健康讲座" in page
    client.post("/logout")
    login(client, "bureau")
    request_id = db.session.scalar(db.select(PaymentRequest.id).filter_by(project_id=project.id))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'data-testid="approve-request-{request_id}-form"' in page
    refused = client.post(f"/projects/{project.id}/payment-requests/{request_id}/refuse", data={"reason": ""})
    assert refused.status_code == 400
    assert client.post(f"/projects/{project.id}/payment-requests/{request_id}/approve",
                       data={"paid_on": "2026-06-01"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PaymentRequest, request_id).state == "approved"


def test_waiting_for_me_lists_overdue_unconfirmed_and_undecided(app, api, world, journey, clock):
    from procure.clock import today
    from procure.desk.waiting import waiting_for

    project, implementer, contract = delivering(journey, world)
    first = contract.milestones[0]

    def notes(username):
        with app.test_request_context():
            items, _ = waiting_for(world[username])
        return [n for w in items if w.project.id == project.id for n in w.notes]

    assert not any("逾期" in n for n in notes(implementer))
    clock.advance(days=(first.due - today()).days + 1)
    assert any("1 个付款节点已逾期未报告" in n for n in notes(implementer))
    report(api, implementer, project, first)
    assert any("待社区确认" in n for n in notes("community"))
    assert api.as_(implementer).post(f"/projects/{project.id}/payment-requests",
                                     json={"milestone_id": first.id, "amount": "10.00"}).status_code == 201
    assert any("1 项付款申请待审批" in n for n in notes("bureau"))
    assert not any("付款申请" in n for n in notes("bureau_far"))
