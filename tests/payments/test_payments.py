"""The grade decides the final money on every funding form (procure/payments/schedule.py), through the API and
the pages: a contract pays its advance (only where it states one), each milestone as the community confirmed
it, and its last milestone after the evaluation by grade; a subsidy agreement its advance, its acceptance share
and its final share by grade; a reward nothing before the evaluation, then the approved amount by grade. Each
refusal is a 422 with a stable reason code that changes nothing. The three payments measured on the demo
before the schedule (each then answered 201) come first."""
from datetime import timedelta
from decimal import Decimal

import pytest

from procure import clock as app_clock
from procure.demo.journey import GRADE_INPUTS
from procure.extensions import db
from procure.payments.models import Payment
from procure.procurement.models import Contract

from support import reason_codes, valid_input

D = Decimal


def contract_of(project) -> Contract:
    return db.session.scalar(db.select(Contract).filter_by(project_id=project.id))


def pay(api, project, **body):
    return api.as_("bureau").post(f"/projects/{project.id}/payments", json={"paid_on": "2026-12-01", **body})


def payment(api, project, **body):
    """A payment the schedule allows: 201."""
    response = pay(api, project, **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def schedule(api, project, username="bureau") -> dict:
    response = api.as_(username).get(f"/projects/{project.id}/payment-schedule")
    assert response.status_code == 200
    return response.get_json()


def lines(body) -> list[tuple]:
    return [(line["kind"], line["status"], line["reason"] and line["reason"]["code"]) for line in body["lines"]]


def paid(project) -> Decimal:
    return sum(db.session.scalars(db.select(Payment.amount).filter_by(project_id=project.id)), D("0.00"))


def implementer(world, project) -> str:
    return next(u for u in ("provider", "provider2", "provider3") if world[u].organisation_id == project.implementer_id)


def desk_notes(app, user, project) -> list[str]:
    from procure.desk.waiting import waiting_for

    with app.test_request_context():
        items, _ = waiting_for(user)
    return [n for w in items if w.project.id == project.id for n in w.notes]


def evaluate(journey, project, grade):
    scores, satisfied = GRADE_INPUTS[grade]
    journey.evaluate(project, scores=scores or None, satisfied=satisfied)
    assert project.grade == grade


# ---- the three payments measured on the demo ------------------------------------------------------------

def test_a_contract_in_delivery_takes_no_untagged_instalment(journey, api, world, refused):
    """Measured: a purchase contract in delivery took the whole remaining amount as an untagged instalment."""
    project = journey.drive(journey.create(), "in_delivery")
    contract = contract_of(project)
    first, last = contract.milestones  # 40 % and 60 % of 38,000.00
    [reason] = refused(lambda: pay(api, project, kind="instalment", amount=str(contract.amount)), "milestone_required")
    assert "节点" in reason["message"]
    refused(lambda: pay(api, project, kind="milestone", milestone_id=first.id, amount="15200.00"),
            "milestone_unconfirmed")
    refused(lambda: pay(api, project, kind="milestone", milestone_id=last.id, amount="1.00"), "final_before_evaluation")
    refused(lambda: pay(api, project, kind="final", amount="1.00"), "final_before_evaluation")
    refused(lambda: pay(api, project, kind="advance", amount="1.00"), "advance_not_agreed")
    refused(lambda: pay(api, project, kind="acceptance", amount="1.00"), "kind_not_in_schedule")
    refused(lambda: pay(api, project, kind="advance", milestone_id=first.id, amount="1.00"), "milestone_not_expected")
    body = schedule(api, project, implementer(world, project))  # the implementer reads it too
    assert lines(body) == [("milestone", "held", "milestone_unconfirmed"), ("final", "held", "final_before_evaluation")]
    assert (body["payable_now"], body["held"], body["paid"]) == ("0.00", "38000.00", "0.00")


def test_a_contract_graded_poor_pays_its_final_instalment_by_grade_and_closes(journey, api, refused):
    """Measured: a 38,000 contract paid in full and then graded 差 had overpaid 6,840 and could never be closed.
    Now the last milestone waits for the grade, which pays 70 % of it, and the project closes."""
    project = journey.drive(journey.create(), "accepted")  # both milestones reported and confirmed as met
    contract = contract_of(project)
    first, last = contract.milestones
    assert contract.amount == D("38000.00")
    payment(api, project, kind="milestone", milestone_id=first.id, amount="15200.00")
    refused(lambda: pay(api, project, kind="milestone", milestone_id=last.id, amount="22800.00"),
            "final_before_evaluation")
    evaluate(journey, project, "poor")
    body = schedule(api, project)
    final = body["lines"][-1]
    assert (final["base"], final["due"], final["share"], final["withheld"], final["reason"]["code"]) == (
        "22800.00", "15960.00", 70, "6840.00", "final_by_grade")
    [reason] = refused(lambda: pay(api, project, kind="final", amount="22800.00"), "final_over_grade")
    assert "差" in reason["message"] and "15960.00" in reason["message"]
    made = payment(api, project, kind="final", amount="15960.00")
    assert (made["kind"], made["milestone_id"]) == ("final", last.id)  # the last milestone's payment
    refused(lambda: pay(api, project, kind="final", amount="0.01"), "final_over_grade")
    assert api.as_("bureau").fire(project, "close").get_json()["state"] == "closed"
    assert paid(project) == D("38000.00") - D("6840.00")


def test_a_subsidy_pays_its_advance_then_on_acceptance_then_by_grade(journey, api, refused):
    """Measured: a subsidy agreement in delivery took its remaining 15,000.00 (100 %) before any acceptance."""
    project = journey.drive(journey.create(funding_form="subsidy", amount="30000.00"), "in_delivery")
    agreement = contract_of(project)
    assert (agreement.advance_percent, agreement.final_percent) == (50, 30)  # the settings' defaults
    payment(api, project, kind="advance", amount="15000.00")
    refused(lambda: pay(api, project, kind="instalment", amount="15000.00"), "kind_not_in_schedule")
    refused(lambda: pay(api, project, kind="acceptance", amount="6000.00"), "acceptance_pending")
    refused(lambda: pay(api, project, kind="final", amount="9000.00"), "final_before_evaluation")
    refused(lambda: pay(api, project, kind="advance", amount="0.01"), "over_payable")
    assert lines(schedule(api, project)) == [("advance", "settled", None), ("acceptance", "held", "acceptance_pending"),
                                             ("final", "held", "final_before_evaluation")]
    journey.drive(project, "accepted")
    payment(api, project, kind="acceptance", amount="6000.00")
    refused(lambda: pay(api, project, kind="final", amount="9000.00"), "final_before_evaluation")
    evaluate(journey, project, "fair")  # 中: 90 % of the final share
    refused(lambda: pay(api, project, kind="final", amount="8100.01"), "final_over_grade")
    payment(api, project, kind="final", amount="8100.00")
    assert api.as_("bureau").fire(project, "close").get_json()["state"] == "closed"
    body = schedule(api, project)
    assert (body["paid"], body["withheld"], body["payable_now"]) == ("29100.00", "900.00", "0.00")


def test_a_reward_is_paid_only_after_the_evaluation_by_grade(journey, api, world, refused, app, as_user):
    """Measured: a reward project in delivered was paid before acceptance and evaluation."""
    project = journey.drive(journey.create(funding_form="reward", amount="10000.00"), "delivered")
    for kind in ("reward", "final"):  # final: the only money a reward has is the one the grade decides
        refused(lambda: pay(api, project, kind=kind, amount="10000.00"), "reward_before_evaluation")
    refused(lambda: pay(api, project, kind="instalment", amount="10000.00"), "kind_not_in_schedule")
    refused(lambda: pay(api, project, kind="advance", amount="1.00"), "kind_not_in_schedule")
    journey.drive(project, "accepted")
    refused(lambda: pay(api, project, kind="reward", amount="1.00"), "reward_before_evaluation")
    evaluate(journey, project, "good")
    percent = app.config["REWARD_PERCENT"]["good"]
    due = (D("10000.00") * percent / 100).quantize(D("0.01"))
    [line] = schedule(api, project, "community")["lines"]
    assert (line["kind"], line["due"], line["share"], line["reason"]["code"]) == ("reward", f"{due}", percent,
                                                                                  "reward_by_grade")
    refused(lambda: pay(api, project, kind="reward", amount=str(due + D("0.01"))), "final_over_grade")
    assert f"项目奖励待支付 {due:,.2f} 元" in desk_notes(app, world["bureau"], project)
    html = as_user("bureau").get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"项目奖励按评价等级 良 支付核定金额的 {percent}%：应付 {due:,.2f} 元" in html
    assert 'data-testid="schedule-reward" data-status="payable"' in html
    assert payment(api, project, kind="final", amount=str(due))["kind"] == "reward"
    assert not any("待支付" in n for n in desk_notes(app, world["bureau"], project))
    assert api.as_("bureau").fire(project, "close").get_json()["state"] == "closed"


def test_a_reward_graded_poor_pays_nothing_and_still_closes(journey, api, world, refused, app):
    project = journey.drive(journey.create(funding_form="reward", amount="10000.00"), "accepted")
    evaluate(journey, project, "poor")
    [line] = schedule(api, project)["lines"]
    assert (line["due"], line["withheld"], line["status"]) == ("0.00", "10000.00", "settled")
    [reason] = refused(lambda: pay(api, project, kind="reward", amount="0.01"), "final_over_grade")
    assert "0%" in reason["message"]
    assert not any("待支付" in n for n in desk_notes(app, world["bureau"], project))  # nothing is owed
    assert api.as_("bureau").fire(project, "close").get_json()["state"] == "closed"
    assert paid(project) == 0


# ---- contracts: the advance they state, milestones as confirmed --------------------------------------------

def sign(journey, api, world, clock, advance, percents):
    """A contract signed through the API with this advance and these milestones (the last one is the final
    instalment); the response."""
    project = journey.drive(journey.create(), "awarded")
    clock.advance(days=20)  # past the challenge period (7 working days), whatever holidays fall in it
    data = valid_input("sign_contract", project, world)
    start = app_clock.today() + timedelta(days=3)
    data.update(advance_percent=advance, milestones=[
        {"name": f"节点{i + 1}", "percent": percent, "due": (start + timedelta(days=30 * (i + 1))).isoformat()}
        for i, percent in enumerate(percents)])
    return project, api.as_("bureau").fire(project, "sign_contract", **data)


def test_an_advance_only_where_the_contract_states_one(journey, api, world, clock, db_snapshot):
    project, too_high = sign(journey, api, world, clock, 60, [20, 20])
    assert too_high.status_code == 422 and reason_codes(too_high) == ["advance_too_high"]
    assert "50%" in too_high.get_json()["reasons"][0]["message"]  # ADVANCE_MAX_PERCENT
    before = db_snapshot()
    wrong_sum = api.as_("bureau").fire(project, "sign_contract", **{
        **valid_input("sign_contract", project, world), "advance_percent": 20})
    assert reason_codes(wrong_sum) == ["milestones_not_100"] and "120%" in wrong_sum.get_json()["reasons"][0]["message"]
    assert db_snapshot() == before
    signed = api.as_("bureau").fire(project, "sign_contract", **{
        **valid_input("sign_contract", project, world), "advance_percent": 20,
        "milestones": [{"name": "中期", "percent": 30, "due": (app_clock.today() + timedelta(days=90)).isoformat()},
                       {"name": "完成", "percent": 50, "due": (app_clock.today() + timedelta(days=200)).isoformat()}]})
    assert signed.status_code == 200, signed.get_json()
    contract = api.as_("provider").get(f"/projects/{project.id}/contract").get_json()
    assert (contract["advance_percent"], contract["final_percent"]) == (20, None)
    amount = D(contract["amount"])
    advance = (amount * D("0.2")).quantize(D("0.01"))
    assert lines(schedule(api, project))[0] == ("advance", "payable", None)
    assert pay(api, project, kind="advance", amount=str(advance + D("0.01"))).status_code == 422
    payment(api, project, kind="advance", amount=str(advance))  # from signing on
    assert reason_codes(pay(api, project, kind="advance", amount="0.01")) == ["over_payable"]
    # Without an advance stated, none can be paid (test_a_contract_in_delivery_takes_no_untagged_instalment).


def test_milestones_pay_as_the_community_confirmed_them(journey, api, world, clock, refused, app):
    project, signed = sign(journey, api, world, clock, 10, [20, 20, 20, 30])
    assert signed.status_code == 200, signed.get_json()
    contract = contract_of(project)
    amount = contract.amount
    met, partly, missed, last = contract.milestones
    share = (amount * D("0.2")).quantize(D("0.01"))
    journey.drive(project, "in_delivery")
    journey.confirm(project, met.id, "met")
    journey.confirm(project, partly.id, "partial")
    journey.confirm(project, missed.id, "not_met")
    half = (share * app.config["MILESTONE_PARTIAL_PERCENT"] / 100).quantize(D("0.01"))
    assert lines(schedule(api, project)) == [
        ("advance", "payable", None), ("milestone", "payable", None), ("milestone", "payable", "milestone_partly_met"),
        ("milestone", "settled", "milestone_not_met"), ("final", "held", "final_before_evaluation")]
    payment(api, project, kind="milestone", milestone_id=met.id, amount=str(share))
    refused(lambda: pay(api, project, kind="milestone", milestone_id=met.id, amount="0.01"), "over_payable")
    [reason] = refused(lambda: pay(api, project, kind="milestone", milestone_id=partly.id, amount=str(share)),
                       "over_payable")
    assert f"{half}" in reason["message"]
    payment(api, project, kind="milestone", milestone_id=partly.id, amount=str(half))
    [reason] = refused(lambda: pay(api, project, kind="milestone", milestone_id=missed.id, amount="0.01"),
                       "milestone_not_met")
    assert "节点3" in reason["message"]
    # The implementer may not even ask for it; the payment request takes the same schedule.
    asked = api.as_(implementer(world, project)).post(f"/projects/{project.id}/payment-requests",
                                      json={"milestone_id": missed.id, "amount": "1.00"})
    assert reason_codes(asked) == ["milestone_not_met"]
    body = schedule(api, project)
    assert body["withheld"] == f"{share - half + share:.2f}" and body["payable_now"] == f"{amount * D('0.1'):.2f}"


def test_untagged_instalments_recorded_before_the_schedule_count_towards_its_lines_in_order(journey, api, refused):
    project = journey.drive(journey.create(funding_form="subsidy", amount="20000.00"), "in_delivery")
    db.session.add(Payment(project_id=project.id, kind="instalment", amount=D("12000.00"), paid_on=app_clock.today(),
                           recorded_at=app_clock.now()))
    db.session.commit()
    body = schedule(api, project)
    assert [(line["kind"], line["paid"]) for line in body["lines"]] == [
        ("advance", "10000.00"), ("acceptance", "2000.00"), ("final", "0.00")]
    refused(lambda: pay(api, project, kind="advance", amount="0.01"), "over_payable")
    # An agreement's final payment before the schedule took all but the advance: what is beyond the final
    # share counts towards the earlier lines too.
    db.session.add(Payment(project_id=project.id, kind="final", amount=D("8000.00"), paid_on=app_clock.today(),
                           recorded_at=app_clock.now()))
    db.session.commit()
    assert [(line["kind"], line["paid"]) for line in schedule(api, project)["lines"]] == [
        ("advance", "10000.00"), ("acceptance", "4000.00"), ("final", "6000.00")]


# ---- the project page -------------------------------------------------------------------------------------

def test_the_page_shows_what_is_payable_now_what_is_held_and_why(journey, api, world, as_user):
    project = journey.drive(journey.create(), "in_delivery")
    first, last = contract_of(project).milestones
    journey.confirm(project, first.id)
    api_view = schedule(api, project)
    bureau = as_user("bureau")
    html = bureau.get(f"/projects/{project.id}").get_data(as_text=True)
    table = html.split('data-testid="payment-schedule"')[1].split("</table>")[0]
    payable = table.split(f'data-testid="schedule-milestone-{first.id}"')[1].split("</tr>")[0]
    held = table.split('data-testid="schedule-final-')[1].split("</tr>")[0]
    assert 'data-status="payable"' in payable and "15,200.00" in payable
    assert 'data-status="held"' in held and "绩效评价完成后方可支付尾款" in held and "22,800.00" in held
    assert [line["status"] for line in api_view["lines"]] == ["payable", "held"]  # the same reading as the page
    assert "现可支付 15,200.00 元 · 暂缓支付 22,800.00 元 · 不予支付 0.00 元" in html
    form = html.split('data-testid="payment-form"')[1].split("</form>")[0]
    assert '<option selected value="milestone">' in form or 'value="milestone" selected' in form
    assert 'value="15200.00"' in form and "预付款" not in form  # this contract states no advance
    provider = as_user(implementer(world, project))
    assert "现可支付 15,200.00 元" in provider.get(f"/projects/{project.id}").get_data(as_text=True)


@pytest.mark.parametrize("form,state,kind,message", [
    ("purchase", "in_delivery", "instalment", "进度款须注明所付的合同节点"),
    ("subsidy", "in_delivery", "acceptance", "验收通过后方可支付验收款"),
    ("reward", "delivered", "reward", "项目奖励在绩效评价完成后按评价等级支付"),
])
def test_the_page_refuses_the_measured_payments_and_says_why(journey, as_user, db_snapshot, form, state, kind,
                                                             message):
    project = journey.drive(journey.create(funding_form=form, amount="30000.00"), state)
    bureau = as_user("bureau")
    before = db_snapshot()
    response = bureau.post(f"/projects/{project.id}/payments",
                           data={"kind": kind, "amount": "15000.00", "paid_on": app_clock.today().isoformat()})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db_snapshot() == before


def test_the_page_pays_a_line_and_the_schedule_moves_on(journey, as_user, api):
    project = journey.drive(journey.create(funding_form="subsidy", amount="30000.00"), "in_delivery")
    bureau = as_user("bureau")
    html = bureau.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "暂缓支付 15,000.00 元" in html and "验收通过后方可支付验收款" in html
    assert 'data-testid="agreement-final"' in html and "30%" in html.split('data-testid="agreement-final"')[1][:80]
    assert bureau.post(f"/projects/{project.id}/payments", data={
        "kind": "advance", "amount": "15000.00", "paid_on": app_clock.today().isoformat()}).status_code == 302
    html = bureau.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "已支付 15,000.00 元" in html and "现可支付 0.00 元" in html
    assert 'data-testid="schedule-advance" data-status="settled"' in html
    assert schedule(api, project)["paid"] == "15000.00"


def test_a_terminated_contract_pays_nothing_more_and_says_so(journey, api):
    project = journey.drive(journey.create(), "in_delivery")
    first = contract_of(project).milestones[0]
    journey.confirm(project, first.id)
    payment(api, project, kind="milestone", milestone_id=first.id, amount="5000.00")
    assert api.as_("bureau").fire(project, "terminate", reason="承接方擅自停止服务").get_json()["state"] == "cancelled"
    body = schedule(api, project)
    assert lines(body) == [("milestone", "settled", "project_ended"), ("final", "settled", "project_ended")]
    assert (body["paid"], body["payable_now"], body["held"], body["withheld"]) == ("5000.00", "0.00", "0.00",
                                                                                   "33000.00")
    assert pay(api, project, kind="milestone", milestone_id=first.id, amount="1.00").status_code == 409
