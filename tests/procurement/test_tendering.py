"""Tendering and bid evaluation: the notice's criteria and minimum periods, the panel and its recusals, blind
scoring after the deadline, the ranking (综合评分法 or lowest price), the award to the top-ranked bid, the
award notice and the challenge window that runs from it."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from procure import clock as app_clock
from procure.demo.journey import tender_terms
from procure.extensions import db
from procure.procurement.models import Bid
from procure.procurement.panel import evaluation_of
from procure.procurement.ranking import price_score, rank_by_price, rank_by_score, technical_score
from procure.procurement.tenders import BidScore, PanelMember, Tender
from procure.workdays.service import Calendar

from support import reason_codes


# ---- the ranking, worked by hand ---------------------------------------------------------------------

@dataclass
class FakeBid:
    id: int
    price: Decimal
    submitted_at: datetime


def fake(bid_id, price, minute=0):
    return FakeBid(bid_id, Decimal(price), datetime(2026, 3, 1, 10, minute, tzinfo=timezone.utc))


def test_hand_worked_ranking_example():
    """Prices 40,000 / 38,000 / 36,000 with a price weight of 10: price scores 9.00 / 9.47 / 10.00."""
    bids = [fake(1, "40000.00"), fake(2, "38000.00"), fake(3, "36000.00")]
    sums = {1: [Decimal("80"), Decimal("78")], 2: [Decimal("75"), Decimal("76")], 3: [Decimal("70"), Decimal("71")]}
    ranked = rank_by_score(bids, sums, 10)
    assert [(r.bid.id, r.rank, r.technical, r.price_score, r.total) for r in ranked] == [
        (1, 1, Decimal("79.00"), Decimal("9.00"), Decimal("88.00")),
        (2, 2, Decimal("75.50"), Decimal("9.47"), Decimal("84.97")),
        (3, 3, Decimal("70.50"), Decimal("10.00"), Decimal("80.50")),
    ]


def test_scores_round_half_up_to_two_places():
    assert technical_score([Decimal("70.01"), Decimal("70.00")]) == Decimal("70.01")  # 70.005
    assert price_score(Decimal("36000"), Decimal("38000"), 10) == Decimal("9.47")  # 9.4736…
    assert price_score(Decimal("1"), Decimal("8"), 10) == Decimal("1.25")
    assert price_score(Decimal("1"), Decimal("16"), 10) == Decimal("0.63")  # 0.625


def test_equal_totals_go_to_the_lower_price_then_the_earlier_submission():
    # 80.00 + 9.00 = 89.00 and 79.00 + 10.00 = 89.00: the lower price ranks first.
    bids = [fake(1, "40000.00"), fake(2, "36000.00")]
    ranked = rank_by_score(bids, {1: [Decimal("80")], 2: [Decimal("79")]}, 10)
    assert [r.bid.id for r in ranked] == [2, 1] and ranked[0].total == ranked[1].total == Decimal("89.00")
    # Everything equal: the earlier submission first.
    late, early = fake(1, "36000.00", minute=30), fake(2, "36000.00", minute=5)
    ranked = rank_by_score([late, early], {1: [Decimal("80")], 2: [Decimal("80")]}, 10)
    assert [r.bid.id for r in ranked] == [2, 1]


def test_lowest_price_ranking():
    bids = [fake(1, "39000.00", 1), fake(2, "37000.00", 9), fake(3, "37000.00", 3)]
    assert [(r.bid.id, r.rank) for r in rank_by_price(bids)] == [(3, 1), (2, 2), (1, 3)]


# ---- the tender notice --------------------------------------------------------------------------------

def open_tender(api, project, method="competitive_consultation", days=10, **data):
    deadline = (app_clock.now() + timedelta(days=days)).isoformat()
    return api.as_("bureau").fire(project, "open_tender", method=method, bid_deadline=deadline,
                                  **{**tender_terms(), **data})


@pytest.fixture
def cataloged(journey):
    return journey.in_force(journey.drive(journey.create(), "cataloged"))


@pytest.mark.parametrize("method,number,unit", [
    ("open_tender", 20, "days"), ("invited_tender", 20, "days"), ("competitive_consultation", 10, "days"),
    ("competitive_negotiation", 3, "working_days"), ("inquiry", 3, "working_days"),
    ("single_source", 5, "working_days"),
])
def test_minimum_bid_period_per_method(cataloged, api, app, method, number, unit, db_snapshot):
    assert app.config["MIN_BID_PERIODS"][method] == (number, unit)
    today = app_clock.today()
    days = number if unit == "days" else (Calendar().add(today, number) - today).days
    extra = {"justification": "仅一家机构具备资质"} if method == "single_source" else {}
    before = db_snapshot()
    response = open_tender(api, cataloged, method, days=days - 1, **extra)
    assert reason_codes(response) == ["bid_period_too_short"]
    earliest = app_clock.local(app_clock.now() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")
    assert earliest in response.get_json()["reasons"][0]["message"]
    assert db_snapshot() == before
    response = open_tender(api, cataloged, method, days=days, **extra)
    assert response.status_code == 200, response.get_json()


def test_the_notice_is_recorded_with_its_criteria(cataloged, api):
    assert open_tender(api, cataloged).status_code == 200
    tender = db.session.scalar(db.select(Tender).filter_by(project_id=cataloged.id))
    assert tender.requirements and tender.price_weight == 10 and tender.published_at == app_clock.now()
    assert [(c.name, c.max_points) for c in tender.criteria] == [("服务方案", 40), ("团队与资质", 30), ("类似项目经验", 20)]


@pytest.mark.parametrize("criteria,weight,error", [
    ([], None, "至少设置一项"),
    ([{"name": "方案", "max_points": 80}], None, "合计 80 分，应为 90 分"),
    ([{"name": "方案", "max_points": 80}], 10, "应为 90 分"),
    ([{"name": "方案", "max_points": 90}], 20, "应为 80 分"),
    ([{"name": "", "max_points": 90}], None, None),
    ([{"name": "方案", "max_points": 0}, {"name": "团队", "max_points": 90}], None, None),
])
def test_scored_methods_need_criteria_adding_up_to_100_less_price(cataloged, api, criteria, weight, error):
    data = {"criteria": criteria, "price_weight": weight}
    response = open_tender(api, cataloged, **data)
    assert response.status_code == 400, response.get_json()
    fields = response.get_json()["fields"]
    assert "criteria" in fields
    if error:
        assert any(isinstance(m, str) and error in m for m in fields["criteria"]), fields


def test_a_different_price_weight_shifts_the_criteria_total(cataloged, api):
    response = open_tender(api, cataloged, price_weight=30, criteria=[{"name": "方案", "max_points": 70}])
    assert response.status_code == 200, response.get_json()
    assert db.session.scalar(db.select(Tender.price_weight).filter_by(project_id=cataloged.id)) == 30


def test_lowest_price_methods_need_and_keep_no_criteria(cataloged, api):
    response = open_tender(api, cataloged, "competitive_negotiation", criteria=[], requirements="需求")
    assert response.status_code == 200, response.get_json()
    tender = db.session.scalar(db.select(Tender).filter_by(project_id=cataloged.id))
    assert tender.criteria == []


def test_requirements_are_required(cataloged, api):
    response = open_tender(api, cataloged, requirements="")
    assert response.status_code == 400 and "requirements" in response.get_json()["fields"]


# ---- bids, the panel, scoring ------------------------------------------------------------------------

def bid(api, username, project, price, team="社工师2名"):
    response = api.as_(username).post(f"/projects/{project.id}/bids",
                                      json={"price": price, "plan": f"{username} 的方案", "team": team})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def appoint(api, project, *usernames, world):
    ids = []
    for username in usernames:
        response = api.as_("bureau").post(f"/projects/{project.id}/panel", json={"user_id": world[username].id})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def criteria_of(project):
    return db.session.scalar(db.select(Tender).filter_by(project_id=project.id)).criteria


def score(api, username, project, bid_id, points):
    """`points`: one value per criterion, in the notice's order."""
    rows = [{"criterion_id": c.id, "points": str(p)} for c, p in zip(criteria_of(project), points)]
    return api.as_(username).post(f"/projects/{project.id}/bids/{bid_id}/scores", json={"scores": rows})


@pytest.fixture
def tendering(journey, api, world):
    """Tendering with two bids (provider 40,000, provider2 38,000), a panel of evaluator and evaluator2."""
    project = journey.drive(journey.create(), "tendering")
    bids = [bid(api, "provider", project, "40000.00", team="项目负责人：中级社工师，团队4人持证"),
            bid(api, "provider2", project, "38000.00")]
    members = appoint(api, project, "evaluator", "evaluator2", world=world)
    return project, bids, members


def past_deadline(clock, project):
    clock.moment = project.bid_deadline + timedelta(hours=1)


def test_a_bid_carries_its_team(tendering, api):
    project, (first, _), _ = tendering
    assert db.session.get(Bid, first).team == "项目负责人：中级社工师，团队4人持证"
    mine = api.as_("provider").get(f"/projects/{project.id}/bids").get_json()
    assert mine[0]["team"] == "项目负责人：中级社工师，团队4人持证"


def test_scoring_only_after_the_deadline(tendering, api, clock, db_snapshot):
    project, (first, _), _ = tendering
    before = db_snapshot()
    assert reason_codes(score(api, "evaluator", project, first, [30, 20, 10])) == ["scoring_before_deadline"]
    assert db_snapshot() == before
    past_deadline(clock, project)
    assert score(api, "evaluator", project, first, [30, 20, 10]).status_code == 200


def test_points_stay_within_each_criterion(tendering, api, clock, db_snapshot):
    project, (first, _), _ = tendering
    past_deadline(clock, project)
    before = db_snapshot()
    response = score(api, "evaluator", project, first, [41, 20, 10])
    assert reason_codes(response) == ["points_over_max"] and "40" in response.get_json()["reasons"][0]["message"]
    response = score(api, "evaluator", project, first, [30, 20])
    assert reason_codes(response) == ["criteria_unscored"] and "类似项目经验" in response.get_json()["reasons"][0]["message"]
    response = api.as_("evaluator").post(f"/projects/{project.id}/bids/{first}/scores", json={"scores": [
        {"criterion_id": 999999, "points": "1"}]})
    assert "criterion_not_found" in reason_codes(response)
    assert api.as_("evaluator").post(f"/projects/{project.id}/bids/{first}/scores",
                                     json={"scores": [{"criterion_id": 1, "points": "-1"}]}).status_code == 400
    assert db_snapshot() == before


def test_scoring_again_replaces_the_members_points(tendering, api, clock):
    project, (first, _), (member, _) = tendering
    past_deadline(clock, project)
    assert score(api, "evaluator", project, first, [30, 20, 10]).status_code == 200
    assert score(api, "evaluator", project, first, [35, 25, 15]).status_code == 200
    points = db.session.scalars(db.select(BidScore.points).filter_by(member_id=member, bid_id=first)).all()
    assert sorted(points) == [Decimal("15.00"), Decimal("25.00"), Decimal("35.00")]


def test_scoring_is_blind_until_every_member_has_scored_every_bid(tendering, api, clock, world):
    project, (first, second), (member, member2) = tendering
    path = f"/projects/{project.id}/tender"
    past_deadline(clock, project)
    assert len(api.as_("evaluator").get(f"/projects/{project.id}/bids").get_json()) == 2  # panel sees the bids
    assert score(api, "evaluator", project, first, [36, 27, 18]).status_code == 200
    assert score(api, "evaluator", project, second, [32, 24, 16]).status_code == 200
    assert score(api, "evaluator2", project, first, [34, 25, 16]).status_code == 200

    other = api.as_("evaluator2").get(path).get_json()
    assert other["scores"] is None and other["ranking"] is None and not other["scoring_complete"]
    assert {r["bid_id"] for r in other["my_scores"]} == {first}
    bureau = api.as_("bureau").get(path).get_json()
    assert bureau["scores"] is None and bureau["ranking"] is None
    progress = {m["id"]: m["scored_bids"] for m in bureau["panel"]}
    assert progress == {member: sorted([first, second]), member2: [first]}
    assert api.as_("provider").get(path).get_json()["panel"] is None

    assert score(api, "evaluator2", project, second, [30, 22, 14]).status_code == 200
    bureau = api.as_("bureau").get(path).get_json()
    assert bureau["scoring_complete"] and len(bureau["scores"]) == 12
    # Technical: first (81 + 75) / 2 = 78.00, second (72 + 66) / 2 = 69.00; price 9.50 and 10.00.
    assert [(r["bid_id"], r["technical"], r["price_score"], r["total"]) for r in bureau["ranking"]] == [
        (first, "78.00", "9.50", "87.50"), (second, "69.00", "10.00", "79.00")]
    assert api.as_("evaluator2").get(path).get_json()["ranking"] is not None
    assert api.as_("provider").get(path).get_json()["ranking"] is None  # until the award


def test_a_member_related_to_a_bidder_is_recused(tendering, api, clock, world):
    project, (first, second), (member, member2) = tendering
    firm = world["evaluator2"].organisation
    firm.legal_representative = world["provider"].organisation.legal_representative  # same legal representative
    db.session.commit()
    past_deadline(clock, project)
    response = score(api, "evaluator2", project, first, [30, 20, 10])
    assert reason_codes(response) == ["evaluator_recused"]
    assert "阳光社会工作服务中心" in response.get_json()["reasons"][0]["message"]
    assert api.as_("evaluator2").get(f"/projects/{project.id}/bids").get_json() == []
    panel = {m["id"]: m for m in api.as_("bureau").get(f"/projects/{project.id}/tender").get_json()["panel"]}
    assert not panel[member2]["active"] and not panel[member2]["declared_recusal"]
    assert db.session.get(PanelMember, member2).recused_at is None  # worked out, not stored
    for bid_id in (first, second):
        assert score(api, "evaluator", project, bid_id, [30, 20, 10]).status_code == 200
    response = api.as_("bureau").fire(project, "award", bid_id=second)
    assert reason_codes(response) == ["panel_too_small"]


def test_a_member_declares_a_conflict(tendering, api, clock, world, db_snapshot):
    project, (first, _), (member, member2) = tendering
    path = f"/projects/{project.id}/panel/{member2}/recusal"
    assert api.as_("evaluator").post(path, json={"reason": "x"}).status_code == 403  # not their membership
    assert api.as_("evaluator2").post(path, json={}).status_code == 400
    response = api.as_("evaluator2").post(path, json={"reason": "本人曾在同心社工事务所任职"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["active"] is False and response.get_json()["declared_recusal"] is True
    row = db.session.get(PanelMember, member2)
    assert row.recused_at == app_clock.now() and row.recusal_reason == "本人曾在同心社工事务所任职"
    history = api.as_("bureau").get(f"/projects/{project.id}/history").get_json()
    assert history[-1]["action"] == "declare_panel_conflict"
    before = db_snapshot()
    again = api.as_("evaluator2").post(path, json={"reason": "再次"})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    past_deadline(clock, project)
    response = score(api, "evaluator2", project, first, [30, 20, 10])
    assert reason_codes(response) == ["evaluator_recused"]
    assert "本人曾在同心社工事务所任职" in response.get_json()["reasons"][0]["message"]
    assert db_snapshot() == before


# ---- the award ----------------------------------------------------------------------------------

def score_all(api, project, points_by_bid, members=("evaluator", "evaluator2")):
    for username in members:
        for bid_id, points in points_by_bid.items():
            assert score(api, username, project, bid_id, points).status_code == 200


def test_panel_size_and_complete_scoring_before_the_award(journey, api, clock, world, db_snapshot):
    project = journey.drive(journey.create(), "tendering")
    first, second = bid(api, "provider", project, "40000.00"), bid(api, "provider2", project, "38000.00")
    appoint(api, project, "evaluator", world=world)
    past_deadline(clock, project)
    before = db_snapshot()
    response = api.as_("bureau").fire(project, "award", bid_id=second)
    assert reason_codes(response) == ["panel_too_small"] and "1 人" in response.get_json()["reasons"][0]["message"]
    appoint(api, project, "evaluator2", world=world)
    assert score(api, "evaluator", project, first, [30, 20, 10]).status_code == 200
    before = db_snapshot()
    assert reason_codes(api.as_("bureau").fire(project, "award", bid_id=second)) == ["scoring_incomplete"]
    assert db_snapshot() == before


def test_only_the_top_ranked_bid_is_awarded(tendering, api, clock, db_snapshot):
    project, (first, second), _ = tendering
    past_deadline(clock, project)
    score_all(api, project, {first: [38, 28, 18], second: [30, 20, 10]})
    before = db_snapshot()
    response = api.as_("bureau").fire(project, "award", bid_id=second)
    assert reason_codes(response) == ["not_top_ranked"]
    assert "阳光社会工作服务中心" in response.get_json()["reasons"][0]["message"]
    assert db_snapshot() == before
    response = api.as_("bureau").fire(project, "award", bid_id=first)
    assert response.status_code == 200, response.get_json()
    ranking = api.as_("provider2").get(f"/projects/{project.id}/tender").get_json()["ranking"]
    assert [r["bid_id"] for r in ranking] == [first, second]  # everyone who can see the project, after the award


def test_lowest_price_methods_award_the_lowest_price(cataloged, api, clock):
    assert open_tender(api, cataloged, "inquiry", criteria=[]).status_code == 200
    bids = [bid(api, u, cataloged, p) for u, p in (("provider", "39000.00"), ("provider2", "37000.00"),
                                                    ("provider3", "38000.00"))]
    past_deadline(clock, cataloged)
    response = api.as_("bureau").fire(cataloged, "award", bid_id=bids[2])
    assert reason_codes(response) == ["not_top_ranked"] and "同心社工事务所" in response.get_json()["reasons"][0]["message"]
    assert api.as_("bureau").fire(cataloged, "award", bid_id=bids[1]).status_code == 200


def test_a_legacy_tender_without_criteria_still_reads(journey, api):
    project = journey.drive(journey.create(), "tendering")
    db.session.execute(db.delete(Tender).where(Tender.project_id == project.id))
    db.session.commit()
    body = api.as_("bureau").get(f"/projects/{project.id}/tender").get_json()
    assert body["criteria"] == [] and body["requirements"] == "" and body["scored"] is False
    assert evaluation_of(project).ranked is None
    assert api.as_("bureau").get(f"/projects/{project.id}").status_code == 200


# ---- the award notice and the challenge window ------------------------------------------------------------

@pytest.fixture
def awarded_unannounced(tendering, api, clock):
    project, (first, second), _ = tendering
    past_deadline(clock, project)
    score_all(api, project, {first: [30, 20, 10], second: [38, 28, 18]})
    assert api.as_("bureau").fire(project, "award", bid_id=second).status_code == 200
    return project


def test_no_challenge_or_contract_before_the_award_notice(awarded_unannounced, api, world, clock):
    from support import valid_input

    project = awarded_unannounced
    response = api.as_("provider").post(f"/projects/{project.id}/challenges", json={"content": "评分有误"})
    assert reason_codes(response) == ["award_notice_not_published"]
    clock.advance(days=30)
    response = api.as_("bureau").fire(project, "sign_contract", **valid_input("sign_contract", project, world))
    assert "award_notice_not_published" in reason_codes(response)


def test_the_award_notice_is_published_once_and_late_is_flagged(awarded_unannounced, api, clock, client, world):
    project = awarded_unannounced
    path = f"/projects/{project.id}/tender"
    body = api.as_("bureau").get(path).get_json()
    assert body["award_notice_at"] is None and not body["award_notice_late"]
    due = Calendar().add(app_clock.today(), 2)
    assert body["award_notice_due"] == due.isoformat()
    clock.moment = clock.moment + timedelta(days=(due - app_clock.today()).days + 1)
    assert api.as_("bureau").get(path).get_json()["award_notice_late"] is True
    html = login(client, "bureau").get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="award-notice-late"' in html and 'data-testid="award-notice-form"' in html
    assert api.as_("provider").post(f"/projects/{project.id}/award-notice").status_code == 403
    response = api.as_("bureau").post(f"/projects/{project.id}/award-notice")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["award_notice_at"] and response.get_json()["award_notice_late"] is True
    again = api.as_("bureau").post(f"/projects/{project.id}/award-notice")
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"


def test_the_challenge_window_runs_from_the_notice(awarded_unannounced, api, clock, world):
    from support import valid_input

    project = awarded_unannounced
    clock.advance(days=3)  # the notice a few days after the award
    assert api.as_("bureau").post(f"/projects/{project.id}/award-notice").status_code == 200
    ends = Calendar().add(app_clock.today(), 7)
    response = api.as_("provider").post(f"/projects/{project.id}/challenges", json={"content": "评分有误"})
    assert response.status_code == 201, response.get_json()
    challenge = response.get_json()
    assert challenge["answer_due"] == Calendar().add(app_clock.today(), 7).isoformat() and not challenge["overdue"]
    clock.moment = datetime.combine(ends, clock.moment.timetz()) + timedelta(hours=1)
    listed = api.as_("bureau").get(f"/projects/{project.id}/challenges").get_json()
    assert listed[0]["overdue"] is False
    response = api.as_("bureau").fire(project, "sign_contract", **valid_input("sign_contract", project, world))
    assert "challenge_period_running" in reason_codes(response)
    clock.advance(days=1)
    assert api.as_("bureau").get(f"/projects/{project.id}/challenges").get_json()[0]["overdue"] is True
    response = api.as_("provider").post(f"/projects/{project.id}/challenges", json={"content": "迟了"})
    assert reason_codes(response) == ["challenge_period_over"]


# ---- API status codes ------------------------------------------------------------------------------

def test_panel_api_refusals(tendering, api, world, journey, clock):
    project, (first, _), _ = tendering
    path = f"/projects/{project.id}/panel"
    again = api.as_("bureau").post(path, json={"user_id": world["evaluator"].id})
    assert reason_codes(again) == ["already_on_panel"]
    assert reason_codes(api.as_("bureau").post(path, json={"user_id": world["provider"].id})) == ["not_an_evaluator"]
    assert api.as_("bureau").post(path, json={}).status_code == 400
    assert api.as_("provider").post(path, json={"user_id": world["evaluator"].id}).status_code == 403
    assert api.as_("evaluator").post(path, json={"user_id": world["evaluator"].id}).status_code == 403
    past_deadline(clock, project)
    assert score(api, "bureau", project, first, [1, 1, 1]).status_code == 403
    response = api.as_("evaluator").post(f"/projects/{project.id}/bids/999999/scores", json={"scores": []})
    assert response.status_code == 404
    other = journey.in_force(journey.drive(journey.create(title="未采购项目"), "cataloged"))
    assert api.as_("bureau").get(f"/projects/{other.id}/tender").status_code == 404
    assert api.as_("bureau").post(f"/projects/{other.id}/panel",
                                  json={"user_id": world["evaluator"].id}).status_code == 404
    assert api.as_("bureau").post(f"/projects/{project.id}/award-notice").status_code == 409  # not awarded


def test_panel_members_see_the_project_only_while_evaluating(journey, api, world):
    project = journey.drive(journey.create(), "tendering")
    assert api.as_("evaluator2").get(f"/projects/{project.id}").status_code == 404
    appoint(api, project, "evaluator2", world=world)
    assert api.as_("evaluator2").get(f"/projects/{project.id}").status_code == 200
    assert api.as_("evaluator2").get(f"/projects/{project.id}/bids").get_json() == []  # sealed until the deadline
    journey.drive(project, "contracted")
    assert api.as_("evaluator2").get(f"/projects/{project.id}").status_code == 404


# ---- pages --------------------------------------------------------------------------------------------

def login(client, username):
    """One client for all users (the login is kept on the app context the test runs in): log out, log in."""
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": "pw-for-tests"})
    assert response.status_code == 302
    return client


def test_pages_for_the_panel_and_the_bureau(tendering, client, world, clock):
    project, (first, second), (member, _) = tendering
    evaluator = login(client, "evaluator")
    html = evaluator.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="score-' not in html and "服务方案" in html  # sealed: no scoring before the deadline
    past_deadline(clock, project)
    html = evaluator.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'data-testid="score-{first}-form"' in html and "项目负责人：中级社工师" in html
    criteria = criteria_of(project)
    form = {f"scores-{i}-criterion_id": str(c.id) for i, c in enumerate(criteria)}
    refused = evaluator.post(f"/projects/{project.id}/bids/{first}/scores",
                             data={**form, "scores-0-points": "41", "scores-1-points": "1", "scores-2-points": "1"})
    assert refused.status_code == 422 and "最高 40 分" in refused.get_data(as_text=True)
    for bid_id, points in ((first, ("36", "27", "18")), (second, ("30", "20", "10"))):
        data = {**form, **{f"scores-{i}-points": p for i, p in enumerate(points)}}
        assert evaluator.post(f"/projects/{project.id}/bids/{bid_id}/scores", data=data).status_code == 302
    bureau = login(client, "bureau")
    html = bureau.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="ranking"' not in html and 'data-testid="scoring-progress"' in html
    evaluator2 = login(client, "evaluator2")
    for bid_id, points in ((first, ("34", "25", "16")), (second, ("32", "24", "16"))):
        data = {**form, **{f"scores-{i}-points": p for i, p in enumerate(points)}}
        assert evaluator2.post(f"/projects/{project.id}/bids/{bid_id}/scores", data=data).status_code == 302
    html = login(client, "bureau").get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="ranking"' in html and "得分相同的，按报价由低到高排序" in html
    award = html.split('data-testid="action-award"')[1].split("</details>")[0]
    assert f'<option value="{first}" selected>' in award  # the top-ranked bid preselected


def test_the_open_tender_form_adds_criteria_rows(journey, client):
    project = journey.in_force(journey.drive(journey.create(), "cataloged"))
    bureau = login(client, "bureau")
    html = bureau.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-add-row="criteria"' in html and 'name="criteria-0-name"' in html
    deadline = app_clock.local(app_clock.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = bureau.post(f"/projects/{project.id}/fire/open_tender", data={
        "version": project.version, "method": "competitive_consultation", "bid_deadline": deadline,
        "requirements": "需求", "price_weight": "10", "criteria-0-name": "方案", "criteria-0-max_points": "50",
        "criteria-1-name": "", "criteria-1-max_points": "", "criteria-1-description": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "应为 90 分" in body
    response = bureau.post(f"/projects/{project.id}/fire/open_tender", data={
        "version": project.version, "method": "competitive_consultation", "bid_deadline": deadline,
        "requirements": "需求", "price_weight": "10", "criteria-0-name": "方案", "criteria-0-max_points": "50",
        "criteria-5-name": "团队", "criteria-5-max_points": "40"})
    assert response.status_code == 302
    assert [c.max_points for c in criteria_of(project)] == [50, 40]


def test_tender_responses_fit_the_openapi_document(tendering, api, clock, client, journey):
    from openapi_check import check

    doc = client.get("/api/v1/openapi.json").get_json()
    project, (first, second), (member, member2) = tendering
    base, p = f"/projects/{project.id}", "/projects/{project_id}"
    check(doc, p + "/tender", "get", api.as_("bureau").get(base + "/tender"), 200)
    check(doc, p + "/tender", "get", api.as_("provider").get(base + "/tender"), 200)
    check(doc, p + "/panel", "post", api.as_("bureau").post(base + "/panel", json={"user_id": 999999}), 422)
    check(doc, p + "/panel/{member_id}/recusal", "post",
          api.as_("evaluator2").post(f"{base}/panel/{member2}/recusal", json={"reason": "回避"}), 200)
    past_deadline(clock, project)
    rows = [{"criterion_id": c.id, "points": "10"} for c in criteria_of(project)]
    check(doc, p + "/bids/{bid_id}/scores", "post",
          api.as_("evaluator").post(f"{base}/bids/{first}/scores", json={"scores": rows}), 200)
    check(doc, p + "/bids/{bid_id}/scores", "post",
          api.as_("evaluator2").post(f"{base}/bids/{first}/scores", json={"scores": rows}), 422)
    check(doc, p + "/tender", "get", api.as_("evaluator").get(base + "/tender"), 200)
    check(doc, p + "/award-notice", "post", api.as_("bureau").post(base + "/award-notice"), 409)
    check(doc, p + "/bids", "get", api.as_("evaluator").get(base + "/bids"), 200)
    awarded = journey.drive(journey.create(title="已定承接方"), "awarded")
    body = check(doc, p + "/tender", "get", api.as_("bureau").get(f"/projects/{awarded.id}/tender"), 200)
    assert body["ranking"] and body["scores"] and body["award_notice_at"] and body["panel"]
    check(doc, p + "/tender", "get", api.as_("provider").get(f"/projects/{awarded.id}/tender"), 200)
    check(doc, p + "/challenges", "post", api.as_("provider").post(f"/projects/{awarded.id}/challenges",
                                                                    json={"content": "质疑"}), 201)
    check(doc, p + "/challenges", "get", api.as_("bureau").get(f"/projects/{awarded.id}/challenges"), 200)


def test_waiting_for_a_panel_member(tendering, client, clock, api):
    project, (first, second), _ = tendering
    home = login(client, "evaluator").get("/desk").get_data(as_text=True)
    assert "待评审打分" not in home  # the bids are sealed until the deadline
    past_deadline(clock, project)
    assert "待评审打分" in login(client, "evaluator").get("/desk").get_data(as_text=True)
    for bid_id in (first, second):
        assert score(api, "evaluator", project, bid_id, [30, 20, 10]).status_code == 200
    assert "待评审打分" not in login(client, "evaluator").get("/desk").get_data(as_text=True)
    # One member having scored everything leaves the other still asked to score.
    assert "待评审打分" in login(client, "evaluator2").get("/desk").get_data(as_text=True)
