"""Each guard's refusal through the API: 422 {"error": "guard_failed", "reasons": [{code, message}]},
exactly the reasons that apply, and not one row changed. Periods count working days on the holiday
calendar, so a notice published before a long holiday runs longer in calendar days."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from procure import clock as app_clock
from procure.clock import SHANGHAI
from procure.demo.journey import tender_terms
from procure.extensions import db
from procure.lifecycle import GUARDS
from procure.payments.models import Payment
from procure.procurement.models import Bid
from procure.providers.models import Debarment

from support import valid_input

# Every code a trigger's guard can give, and the sub-resource guards; each has a test below.
TRIGGER_GUARD_CODES = {
    "missing_fields", "budget_mismatch", "over_cap", "no_deliberation", "no_quorum", "no_majority",
    "council_size_unregistered", "council_size_mismatch", "deliberation_in_future", "deliberation_after_notice",
    "minutes_missing",
    "notice_period_running", "objections_unanswered", "approved_exceeds_requested", "negative_list_unchecked",
    "not_purchase", "bid_deadline_not_passed", "too_few_bids", "no_justification", "bid_not_found",
    "bidder_debarred", "challenge_period_running", "open_challenges", "amount_exceeds_bid", "term_too_long",
    "milestones_not_100", "not_subsidy", "implementer_invalid", "milestones_unreported", "not_reward",
    "final_payment_missing", "over_budget", "catalogue_not_in_force",
    "deadline_in_past", "profile_unverified", "public_welfare_barred", "major_violation", "annual_inspection_failed",
    "amendment_reason_required",
    # Tendering and bid evaluation.
    "bid_period_too_short", "bid_deposit_too_high", "panel_too_small", "scoring_incomplete", "not_top_ranked", "award_notice_not_published",
    # Contract terms at signing and termination (tested in test_contracts.py; bid_deposit_too_high in
    # test_contract_contents.py).
    "deposit_too_high", "subcontracting_not_declared", "signed_on_in_future", "signed_before_award",
    "milestone_outside_term", "no_contract",
    # The advance a contract states (tested in tests/payments/test_payments.py).
    "advance_too_high",
    # Starting the acceptance: the drawn firm and its evaluators declared (procure.evaluators.conflicts).
    "evaluator_not_assigned", "firm_not_declared", "no_evaluator_declared",
    # Acceptance: rectification and accept (procure.acceptance.operations; tested in test_acceptance.py).
    "rectification_limit", "rectification_deadline_past", "checklist_empty", "items_unjudged", "items_not_met",
    "no_site_visit", "community_not_confirmed", "rectification_open",
    # Performance evaluation: evaluate and close (procure.performance_evaluation.operations; test_performance.py).
    "evaluation_not_opened", "scores_missing", "divergence_unexplained", "survey_too_few",
    "rectification_plan_missing",
}


def test_every_guard_code_in_the_source_is_listed_here():
    import inspect
    import re

    from procure.catalogue import triggers as catalogue
    from procure.delivery import triggers as delivery
    from procure.procurement import guards as procurement
    from procure.projects import guards
    from procure.providers import eligibility

    from procure.acceptance import operations as acceptance

    source = inspect.getsource(guards) + inspect.getsource(eligibility.eligibility_reasons)
    source += inspect.getsource(procurement) + inspect.getsource(catalogue.catalogue_checks)
    source += inspect.getsource(catalogue.catalogue_in_force)
    source += inspect.getsource(delivery.milestones_reported)
    source += inspect.getsource(acceptance.rectification_reasons) + inspect.getsource(acceptance.accept_reasons)
    from procure.evaluators import conflicts

    source += inspect.getsource(conflicts.start_acceptance_reasons)
    from procure.performance_evaluation import operations as performance

    source += inspect.getsource(performance.evaluate_reasons) + inspect.getsource(performance.close_reasons)
    assert set(re.findall(r'Reason\("([a-z_0-9]+)"', source)) | {"not_purchase", "not_subsidy", "not_reward"} \
        == TRIGGER_GUARD_CODES
    assert set(GUARDS) <= {"publish_notice", "submit", "resubmit", "approve", "open_tender", "award",
                           "sign_contract", "sign_agreement", "report_completion", "claim_completion",
                           "start_acceptance", "evaluate", "close", "list_in_catalogue", "terminate",
                           "request_rectification", "accept"}


def fire(api, username, project, trigger, **overrides):
    return lambda: api.as_(username).fire(project, trigger, **overrides)


def fire_valid(api, world, username, project, trigger, **overrides):
    def call():
        db.session.refresh(project)
        return api.as_(username).fire(project, trigger, **{**valid_input(trigger, project, world), **overrides})
    return call


def ok(response, state=None):
    assert response.status_code == 200, response.get_json()
    if state:
        assert response.get_json()["state"] == state
    return response


def at_local(day: date, hour=10):
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


# ---- the proposal: publish_notice and resubmit ---------------------------------------------------

def test_missing_fields_are_named(journey, api, refused):
    project = journey.create(needs_analysis="", beneficiaries="", category="", budget_lines=[])
    [reason] = refused(fire(api, "community", project, "publish_notice"), "missing_fields")
    for label in ("服务类别", "需求分析", "受益对象", "预算明细"):
        assert label in reason["message"]
    assert "项目名称" not in reason["message"]


def test_budget_lines_must_add_up_to_the_amount(journey, api, refused):
    project = journey.create(budget_lines=[{"item": "餐食", "amount": "39999.99"}])
    [reason] = refused(fire(api, "community", project, "publish_notice"), "budget_mismatch")
    assert "39999.99" in reason["message"] and "40000.00" in reason["message"]


def test_amount_over_the_community_class_cap(journey, api, refused):
    project = journey.create(amount="50000.01")
    refused(fire(api, "community", project, "publish_notice"), "over_cap")
    at_cap = journey.create(amount="50000.00")
    ok(api.as_("community").fire(at_cap, "publish_notice"), "notice")


def test_no_deliberation(journey, api, refused):
    project = journey.create(deliberation={})
    refused(fire(api, "community", project, "publish_notice"), "no_deliberation")


@pytest.mark.parametrize("present,votes_for,codes", [
    (10, 9, ["no_quorum"]),        # 10 of 15 is exactly two thirds: not more than
    (11, 5, ["no_majority"]),      # 5 of 11 present
    (10, 5, ["no_quorum", "no_majority"]),
    (12, 6, ["no_majority"]),      # exactly half is no majority
])
def test_deliberation_needs_quorum_and_majority(journey, api, refused, present, votes_for, codes):
    project = journey.create(deliberation={"held_on": "2026-02-27", "members_total": 15, "members_present": present,
                                           "votes_for": votes_for, "votes_against": 0, "minutes": "表决"})
    refused(fire(api, "community", project, "publish_notice"), *codes)


def test_deliberation_just_over_the_thresholds_passes(journey, api):
    project = journey.create(deliberation={"held_on": "2026-02-27", "members_total": 15, "members_present": 11,
                                           "votes_for": 6, "votes_against": 5, "minutes": "表决"})
    ok(api.as_("community").fire(project, "publish_notice"), "notice")


def test_resubmit_checks_the_proposal_again(journey, api, refused):
    project = journey.drive(journey.create(), "returned")
    response = api.as_("community").patch(f"/projects/{project.id}", json={
        "version": project.version, "requested_amount": "45000.00"})
    assert response.status_code == 200, response.get_json()
    refused(fire(api, "community", project, "resubmit"), "budget_mismatch")


# ---- the public notice -------------------------------------------------------------------------

def publish_on(journey, api, clock, day):
    clock.moment = at_local(day)
    project = journey.create()
    ok(api.as_("community").fire(project, "publish_notice"), "notice")
    return project


@pytest.mark.parametrize("published,last_day,note", [
    (date(2026, 3, 2), date(2026, 3, 9), "a plain week: Mon + 5 working days = next Mon"),
    (date(2026, 9, 30), date(2026, 10, 13), "National Day 1–7 Oct off, Sat 10 Oct a make-up working day"),
    (date(2026, 2, 13), date(2026, 2, 27), "Spring Festival 15–23 Feb off, Sat 14 Feb a make-up working day"),
])
def test_notice_period_counts_working_days_on_the_holiday_calendar(journey, api, clock, refused,
                                                                   published, last_day, note):
    project = publish_on(journey, api, clock, published)
    clock.moment = at_local(last_day, 23)
    [reason] = refused(fire(api, "community", project, "submit"), "notice_period_running")
    assert last_day.isoformat() in reason["message"], note
    clock.moment = at_local(last_day + timedelta(days=1), 0)
    ok(api.as_("community").fire(project, "submit"), "submitted")


def test_holidays_make_the_notice_longer_in_calendar_days(journey, api, clock):
    plain = (date(2026, 3, 9) - date(2026, 3, 2)).days
    national_day = (date(2026, 10, 13) - date(2026, 9, 30)).days
    assert national_day > plain + 5


def test_every_objection_needs_an_answer_before_submission(journey, api, clock, refused):
    project = journey.drive(journey.create(), "notice")
    response = api.as_("community").post(f"/projects/{project.id}/objections", json={"content": "场地太小"})
    assert response.status_code == 201
    objection_id = response.get_json()["id"]
    clock.advance(days=14)
    refused(fire(api, "community", project, "submit"), "objections_unanswered")
    answer = api.as_("community").post(f"/projects/{project.id}/objections/{objection_id}/answer",
                                       json={"answer": "已协调更大场地"})
    assert answer.status_code == 200 and answer.get_json()["answer"] == "已协调更大场地"
    ok(api.as_("community").fire(project, "submit"), "submitted")


def test_notice_running_and_objections_open_are_both_reported(journey, api, refused):
    project = journey.drive(journey.create(), "notice")
    api.as_("community").post(f"/projects/{project.id}/objections", json={"content": "异议"})
    refused(fire(api, "community", project, "submit"), "notice_period_running", "objections_unanswered")


# ---- review -------------------------------------------------------------------------------------

def test_approved_amount_cannot_exceed_the_request(journey, api, refused):
    project = journey.drive(journey.create(), "under_review")
    [reason] = refused(fire(api, "reviewer", project, "approve", approved_amount="40000.01",
                            negative_list_checked=True), "approved_exceeds_requested")
    assert "40000.00" in reason["message"]
    ok(api.as_("reviewer").fire(project, "approve", approved_amount="35000.00", negative_list_checked=True),
       "approved")
    db.session.refresh(project)
    assert project.approved_amount == Decimal("35000.00")


def test_the_negative_list_must_be_checked(journey, api, refused):
    project = journey.drive(journey.create(), "under_review")
    refused(fire(api, "reviewer", project, "approve", approved_amount="40000.00"), "negative_list_unchecked")
    refused(fire(api, "reviewer", project, "approve", approved_amount="40000.00", negative_list_checked=False),
            "negative_list_unchecked")


# ---- funding form ------------------------------------------------------------------------------

def test_only_the_purchase_form_is_tendered(journey, api, world, refused):
    project = journey.in_force(journey.drive(journey.create(funding_form="subsidy"), "cataloged"))
    refused(fire_valid(api, world, "bureau", project, "open_tender"), "not_purchase")


def test_only_the_subsidy_form_signs_an_agreement(journey, api, world, refused):
    project = journey.in_force(journey.drive(journey.create(), "cataloged"))
    refused(fire_valid(api, world, "bureau", project, "sign_agreement"), "not_subsidy")


def test_only_the_reward_form_claims_completion(journey, api, world, refused):
    project = journey.in_force(journey.drive(journey.create(funding_form="subsidy"), "cataloged"))
    refused(fire_valid(api, world, "community", project, "claim_completion"), "not_reward")


# ---- award ----------------------------------------------------------------------------------------

def bid(api, username, project, price):
    response = api.as_(username).post(f"/projects/{project.id}/bids", json={"price": price, "plan": "服务方案"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_no_award_before_the_bid_deadline(journey, api, world, clock, refused):
    project = journey.drive(journey.create(), "tendering")
    first = bid(api, "provider", project, "38000.00")
    bid(api, "provider2", project, "37000.00")
    journey.appoint_panel(project)
    clock.moment = project.bid_deadline
    refused(fire(api, "bureau", project, "award", bid_id=first), "bid_deadline_not_passed")
    clock.advance(hours=1)
    journey.evaluate_bids(project, favour=db.session.get(Bid, first))
    ok(api.as_("bureau").fire(project, "award", bid_id=first), "awarded")


def test_too_few_bids_for_the_method(journey, api, clock, refused):
    project = journey.drive(journey.create(), "tendering")
    only = bid(api, "provider", project, "38000.00")
    clock.advance(days=11)
    journey.evaluate_bids(project)
    [reason] = refused(fire(api, "bureau", project, "award", bid_id=only), "too_few_bids")
    assert "1" in reason["message"] and "2" in reason["message"]


def test_a_withdrawn_bid_counts_for_nothing(journey, api, clock, refused):
    project = journey.drive(journey.create(), "tendering")
    first = bid(api, "provider", project, "38000.00")
    bid(api, "provider2", project, "37000.00")
    bid(api, "provider3", project, "36000.00")
    assert api.as_("provider").post(f"/projects/{project.id}/bids/withdraw").status_code == 200
    clock.advance(days=11)
    journey.evaluate_bids(project)
    refused(fire(api, "bureau", project, "award", bid_id=first), "bid_not_found")
    refused(fire(api, "bureau", project, "award", bid_id=999999), "bid_not_found")


def test_single_source_needs_a_published_justification(journey, api, world, clock, refused):
    project = journey.in_force(journey.drive(journey.create(), "cataloged"))
    deadline = (app_clock.now() + timedelta(days=8)).isoformat()  # 5 working days at least
    response = api.as_("bureau").fire(project, "open_tender", method="single_source", bid_deadline=deadline,
                                      requirements="采购需求")
    assert response.status_code == 400 and "justification" in response.get_json()["fields"]
    ok(api.as_("bureau").fire(project, "open_tender", method="single_source", bid_deadline=deadline,
                              requirements="采购需求", justification="该服务仅一家机构具备资质"), "tendering")
    only = bid(api, "provider", project, "38000.00")
    clock.advance(days=9)
    # A justification lost afterwards (e.g. by a data import) still blocks the award.
    project.single_source_justification = None
    db.session.commit()
    refused(fire(api, "bureau", project, "award", bid_id=only), "no_justification")


def test_a_debarred_bidder_is_not_awarded(journey, api, world, clock, refused):
    project = journey.drive(journey.create(), "tendering")
    cheapest = bid(api, "provider", project, "30000.00")
    bid(api, "provider2", project, "37000.00")
    db.session.add(Debarment(organisation_id=world["provider"].organisation_id, reason="上年度绩效评价为差",
                             starts_on=app_clock.today(), ends_on=app_clock.today() + timedelta(days=365)))
    db.session.commit()
    clock.advance(days=11)
    journey.evaluate_bids(project)
    [reason] = refused(fire(api, "bureau", project, "award", bid_id=cheapest), "bidder_debarred")
    assert world.providers[0].name in reason["message"]


# ---- contract ------------------------------------------------------------------------------------

def test_contract_waits_for_the_challenge_period(journey, api, world, clock, refused):
    project = journey.drive(journey.create(), "awarded")
    refused(fire_valid(api, world, "bureau", project, "sign_contract"), "challenge_period_running")
    clock.advance(days=6)  # 7 working days: more than one week
    refused(fire_valid(api, world, "bureau", project, "sign_contract"), "challenge_period_running")
    clock.advance(days=7)
    ok(fire_valid(api, world, "bureau", project, "sign_contract")(), "contracted")


def test_contract_waits_for_every_challenge_answer(journey, api, world, clock, refused):
    project = journey.drive(journey.create(), "awarded")
    response = api.as_("provider").post(f"/projects/{project.id}/challenges", json={"content": "评分有误"})
    assert response.status_code == 201, response.get_json()
    challenge_id = response.get_json()["id"]
    clock.advance(days=14)
    refused(fire_valid(api, world, "bureau", project, "sign_contract"), "open_challenges")
    answer = api.as_("bureau").post(f"/projects/{project.id}/challenges/{challenge_id}/answer",
                                    json={"answer": "经复核评分无误"})
    assert answer.status_code == 200
    ok(fire_valid(api, world, "bureau", project, "sign_contract")(), "contracted")


def test_the_challenge_period_runs_over_national_day(journey, api, world, clock, refused):
    """Awarded on Tuesday 29 September 2026: 7 working days end on Wednesday 14 October, not 8 October."""
    project = journey.drive(journey.create(), "tendering")
    first = bid(api, "provider", project, "38000.00")
    bid(api, "provider2", project, "37000.00")
    clock.moment = at_local(date(2026, 9, 29))
    journey.evaluate_bids(project, favour=db.session.get(Bid, first))
    ok(api.as_("bureau").fire(project, "award", bid_id=first), "awarded")
    assert api.as_("bureau").post(f"/projects/{project.id}/award-notice").status_code == 200
    clock.moment = at_local(date(2026, 10, 14), 23)
    refused(fire_valid(api, world, "bureau", project, "sign_contract"), "challenge_period_running")
    challenge = api.as_("provider2").post(f"/projects/{project.id}/challenges", json={"content": "最后一天的质疑"})
    assert challenge.status_code == 201, challenge.get_json()
    api.as_("bureau").post(f"/projects/{project.id}/challenges/{challenge.get_json()['id']}/answer",
                           json={"answer": "已答复"})
    clock.moment = at_local(date(2026, 10, 15), 0)
    refused(lambda: api.as_("provider2").post(f"/projects/{project.id}/challenges", json={"content": "迟了"}),
            "challenge_period_over")
    ok(fire_valid(api, world, "bureau", project, "sign_contract")(), "contracted")


@pytest.fixture
def awarded(journey, clock):
    project = journey.drive(journey.create(), "awarded")
    clock.advance(days=14)
    return project


def test_contract_amount_within_the_winning_bid(awarded, api, world, refused):
    price = db.session.scalar(db.select(Bid.price).filter_by(project_id=awarded.id, status="awarded"))
    [reason] = refused(fire_valid(api, world, "bureau", awarded, "sign_contract", amount=str(price + Decimal("0.01"))),
                       "amount_exceeds_bid")
    assert f"{price:.2f}" in reason["message"]


def test_contract_term_at_most_one_year_or_three_when_stable(awarded, api, world, refused):
    start = app_clock.today() + timedelta(days=3)
    one_year = start.replace(year=start.year + 1)
    refused(fire_valid(api, world, "bureau", awarded, "sign_contract", start=start.isoformat(),
                       end=one_year.isoformat()), "term_too_long")
    three_years = start.replace(year=start.year + 3)
    refused(fire_valid(api, world, "bureau", awarded, "sign_contract", start=start.isoformat(),
                       end=three_years.isoformat(), multi_year=True), "term_too_long")
    ok(fire_valid(api, world, "bureau", awarded, "sign_contract", start=start.isoformat(),
                  end=(three_years - timedelta(days=1)).isoformat(), multi_year=True)(), "contracted")


def test_payment_milestones_add_up_to_100(awarded, api, world, refused):
    due = (app_clock.today() + timedelta(days=100)).isoformat()
    [reason] = refused(fire_valid(api, world, "bureau", awarded, "sign_contract",
                                  milestones=[{"name": "中期", "percent": 40, "due": due},
                                              {"name": "完成", "percent": 50, "due": due}]), "milestones_not_100")
    assert "90" in reason["message"]


def test_several_contract_reasons_at_once(awarded, api, world, refused):
    start = app_clock.today() + timedelta(days=3)
    refused(fire_valid(api, world, "bureau", awarded, "sign_contract", amount="99999.00",
                       end=(start + timedelta(days=800)).isoformat(),
                       milestones=[{"name": "一次性", "percent": 99, "due": start.isoformat()}]),
            "amount_exceeds_bid", "term_too_long", "milestones_not_100")


# ---- subsidy agreement -----------------------------------------------------------------------------

def test_the_implementer_must_be_a_registered_provider(journey, api, world, refused):
    project = journey.in_force(journey.drive(journey.create(funding_form="subsidy"), "cataloged"))
    for org_id in (world["community"].organisation_id, world["evaluator"].organisation_id, 999999):
        refused(fire_valid(api, world, "bureau", project, "sign_agreement", implementer_org_id=org_id),
                "implementer_invalid")
    start = app_clock.today() + timedelta(days=1)
    refused(fire_valid(api, world, "bureau", project, "sign_agreement", start=start.isoformat(),
                       end=start.replace(year=start.year + 1).isoformat()), "term_too_long")


# ---- delivery and acceptance ---------------------------------------------------------------------

def test_completion_needs_every_milestone_reported(journey, api, world, refused):
    project = journey.drive(journey.create(), "in_delivery")
    contract = api.as_("bureau").get(f"/projects/{project.id}/contract").get_json()
    first, second = contract["milestones"]
    implementer = "provider2" if project.implementer_id == world["provider2"].organisation_id else "provider"
    [reason] = refused(fire_valid(api, world, implementer, project, "report_completion"), "milestones_unreported")
    assert first["name"] in reason["message"] and second["name"] in reason["message"]
    response = api.as_(implementer).post(f"/projects/{project.id}/milestone-reports",
                                         json={"milestone_id": first["id"], "content": "中期完成"})
    assert response.status_code == 201, response.get_json()
    [reason] = refused(fire_valid(api, world, implementer, project, "report_completion"), "milestones_unreported")
    assert first["name"] not in reason["message"] and second["name"] in reason["message"]


@pytest.fixture
def delivered(journey):
    return journey.drive(journey.create(), "delivered")


def test_acceptance_needs_a_firm_drawn_that_declared_and_an_evaluator_who_declared(delivered, api, world, refused):
    path = f"/projects/{delivered.id}"
    refused(fire(api, "bureau", delivered, "start_acceptance"), "evaluator_not_assigned")
    drawn = api.as_("bureau").post(path + "/evaluator-draws", json={})
    assert drawn.status_code == 201, drawn.get_json()
    firm = drawn.get_json()["result_org"]["id"]
    member = "evaluator" if firm == world["evaluator"].organisation_id else "evaluator2"
    refused(fire(api, "bureau", delivered, "start_acceptance"), "firm_not_declared", "no_evaluator_declared")
    none = {"has_conflict": False, "statement": "无利益冲突"}
    assert api.as_(member).post(path + "/conflict-declarations/mine", json=none).status_code == 200
    refused(fire(api, "bureau", delivered, "start_acceptance"), "no_evaluator_declared")
    # The other firm's evaluator cannot declare for this project.
    other = "evaluator2" if member == "evaluator" else "evaluator"
    assert api.as_(other).post(path + "/personal-declarations", json=none).status_code in (403, 404)
    assert api.as_(member).post(path + "/personal-declarations", json=none).status_code == 201
    ok(api.as_("bureau").fire(delivered, "start_acceptance", comment="开始验收"), "under_acceptance")


def test_evaluation_needs_every_partys_sheet_and_the_survey(journey, api, refused):
    project = journey.drive(journey.create(), "accepted")
    [missing, survey] = refused(fire(api, "evaluator", project, "evaluate", findings="服务规范"),
                                "scores_missing", "survey_too_few")
    assert all(party in missing["message"] for party in ("第三方评估机构", "采购管理部门", "社区"))
    assert "0 份" in survey["message"]


def test_closing_needs_the_final_payment_by_grade(journey, api, refused):
    project = journey.drive(journey.create(), "evaluated")
    due = Decimal(api.as_("bureau").get(f"/projects/{project.id}/evaluation").get_json()["final_payment"]["due"])
    refused(fire(api, "bureau", project, "close"), "final_payment_missing")
    first = api.as_("bureau").get(f"/projects/{project.id}/contract").get_json()["milestones"][0]["id"]
    instalment = api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "milestone", "milestone_id": first, "amount": "100.00", "paid_on": "2026-12-01"})
    assert instalment.status_code == 201  # a milestone's payment is no part of the final instalment
    final = api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "final", "amount": "100.00", "paid_on": "2026-12-01"})
    assert final.status_code == 201, final.get_json()
    [reason] = refused(fire(api, "bureau", project, "close"), "final_payment_missing")
    assert f"{due}" in reason["message"] and "100.00" in reason["message"]
    rest = api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "final", "amount": str(due - 100), "paid_on": "2026-12-01"})
    assert rest.status_code == 201, rest.get_json()
    ok(api.as_("bureau").fire(project, "close"), "closed")


# ---- sub-resource guards ----------------------------------------------------------------------------

def test_bids_close_at_the_deadline(journey, api, clock, refused):
    project = journey.drive(journey.create(), "tendering")
    bid(api, "provider", project, "38000.00")
    clock.moment = project.bid_deadline
    refused(lambda: api.as_("provider2").post(f"/projects/{project.id}/bids", json={"price": "1.00", "plan": "迟到"}),
            "bid_deadline_passed")
    refused(lambda: api.as_("provider").post(f"/projects/{project.id}/bids", json={"price": "1.00", "plan": "改价"}),
            "bid_deadline_passed")
    refused(lambda: api.as_("provider").post(f"/projects/{project.id}/bids/withdraw"), "bid_deadline_passed")


def test_a_debarred_provider_cannot_bid(journey, api, world, refused):
    project = journey.drive(journey.create(), "tendering")
    db.session.add(Debarment(organisation_id=world["provider3"].organisation_id, reason="严重违法失信",
                             starts_on=app_clock.today() - timedelta(days=10),
                             ends_on=app_clock.today() + timedelta(days=10)))
    db.session.commit()
    refused(lambda: api.as_("provider3").post(f"/projects/{project.id}/bids", json={"price": "1.00", "plan": "方案"}),
            "bidder_debarred")


def test_a_lifted_or_expired_debarment_no_longer_bars(journey, api, world):
    project = journey.drive(journey.create(), "tendering")
    today = app_clock.today()
    db.session.add_all([
        Debarment(organisation_id=world["provider3"].organisation_id, reason="已过期", starts_on=today - timedelta(days=30),
                  ends_on=today - timedelta(days=1)),
        Debarment(organisation_id=world["provider3"].organisation_id, reason="已解除", starts_on=today,
                  ends_on=today + timedelta(days=30), lifted_at=app_clock.now()),
    ])
    db.session.commit()
    assert bid(api, "provider3", project, "1.00")


def test_challenges_close_after_seven_working_days(journey, api, clock, refused):
    project = journey.drive(journey.create(), "awarded")
    clock.advance(days=14)
    refused(lambda: api.as_("provider").post(f"/projects/{project.id}/challenges", json={"content": "迟到的质疑"}),
            "challenge_period_over")


def test_a_challenge_is_answered_once(journey, api, db_snapshot):
    project = journey.drive(journey.create(), "awarded")
    challenge_id = api.as_("provider").post(f"/projects/{project.id}/challenges",
                                            json={"content": "质疑"}).get_json()["id"]
    path = f"/projects/{project.id}/challenges/{challenge_id}/answer"
    assert api.as_("bureau").post(path, json={"answer": "答复"}).status_code == 200
    before = db_snapshot()
    response = api.as_("bureau").post(path, json={"answer": "再答复"})
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    assert db_snapshot() == before


def test_milestone_reports_and_payments_name_a_milestone_of_this_contract(journey, api, world, refused):
    other = journey.drive(journey.create(title="另一个项目"), "in_delivery")
    foreign = api.as_("bureau").get(f"/projects/{other.id}/contract").get_json()["milestones"][0]["id"]
    project = journey.drive(journey.create(), "in_delivery")
    implementer = "provider2" if project.implementer_id == world["provider2"].organisation_id else "provider"
    refused(lambda: api.as_(implementer).post(f"/projects/{project.id}/milestone-reports",
                                              json={"milestone_id": foreign, "content": "x"}), "milestone_not_found")
    refused(lambda: api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "instalment", "amount": "1.00", "paid_on": "2026-06-01", "milestone_id": foreign}),
        "milestone_not_found")


def test_an_objection_is_answered_once(journey, api, db_snapshot):
    project = journey.drive(journey.create(), "notice")
    objection_id = api.as_("community").post(f"/projects/{project.id}/objections",
                                             json={"content": "异议"}).get_json()["id"]
    path = f"/projects/{project.id}/objections/{objection_id}/answer"
    assert api.as_("community").post(path, json={"answer": "答复"}).status_code == 200
    before = db_snapshot()
    response = api.as_("community").post(path, json={"answer": "再答复"})
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    assert db_snapshot() == before


def test_payments_never_exceed_the_contract(journey, api, refused):
    """Paid line by line as the schedule allows, the payments come to the contract amount (优: everything) and
    every line then refuses more."""
    project = journey.drive(journey.create(), "evaluated")
    contract = api.as_("bureau").get(f"/projects/{project.id}/contract").get_json()
    amount, first = Decimal(contract["amount"]), contract["milestones"][0]["id"]
    journey.pay_due(project)
    [line, ceiling] = refused(lambda: api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "milestone", "milestone_id": first, "amount": "0.01", "paid_on": "2026-12-01"}),
        "over_payable", "over_contract_amount")
    assert "本次最多 0.00 元" in line["message"] and f"{amount:.2f}" in ceiling["message"]
    refused(lambda: api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "final", "amount": "0.01", "paid_on": "2026-12-01"}), "final_over_grade", "over_contract_amount")
    paid = sum(p.amount for p in db.session.scalars(db.select(Payment).filter_by(project_id=project.id)))
    assert paid == amount


def test_no_final_payment_before_the_evaluation(journey, api, refused):
    project = journey.drive(journey.create(), "accepted")
    refused(lambda: api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "final", "amount": "10.00", "paid_on": "2026-06-01"}), "final_before_evaluation")


def test_only_evaluation_firms_are_picked_by_hand(delivered, api, world, refused):
    refused(lambda: api.as_("bureau").post(f"/projects/{delivered.id}/evaluator-assignments",
                                           json={"evaluator_org_id": world["provider"].organisation_id,
                                                 "reason": "该机构熟悉本社区情况，理由充分。"}),
            "evaluator_invalid")


# ---- budget-bound purchases and tenders that can still be answered ------------------------------------------

def test_no_award_above_the_approved_budget(journey, api, clock, db_snapshot):
    project = journey.drive(journey.create(), "tendering")  # approved 40,000.00
    over = bid(api, "provider", project, "99999.00")
    bid(api, "provider2", project, "98000.00")
    clock.advance(days=11)
    journey.evaluate_bids(project, favour=db.session.get(Bid, over))  # top-ranked, yet over the budget
    before = db_snapshot()
    response = api.as_("bureau").fire(project, "award", bid_id=over)
    assert response.status_code == 422, response.get_json()
    assert [r["code"] for r in response.json["reasons"]] == ["over_budget"]
    assert db_snapshot() == before


def test_no_subsidy_agreement_above_the_approved_budget(journey, api, world, db_snapshot):
    project = journey.in_force(journey.drive(journey.create(funding_form="subsidy"), "cataloged"))  # approved 40,000.00
    before = db_snapshot()
    response = api.as_("bureau").fire(project, "sign_agreement", implementer_org_id=world.providers[0].id,
                                      amount="40000.01", start="2026-04-01", end="2026-12-31")
    assert response.status_code == 422
    assert [r["code"] for r in response.json["reasons"]] == ["over_budget"]
    assert db_snapshot() == before


def test_the_bid_deadline_lies_in_the_future(journey, api):
    project = journey.in_force(journey.drive(journey.create(), "cataloged"))
    response = api.as_("bureau").fire(project, "open_tender", method="competitive_consultation",
                                      bid_deadline=(app_clock.now() - timedelta(days=1)).isoformat(), **tender_terms())
    assert response.status_code == 422, response.get_json()
    assert [r["code"] for r in response.json["reasons"]] == ["deadline_in_past"]
