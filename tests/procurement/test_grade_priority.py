"""优/良 get priority the year after (issue 14, part 5), where the bureau decides: in the ranking it must award
from. Among equal bids (the same score and price, or for the lowest-price methods the same price) a provider
graded 优 or 良 (PRIORITY_GRADES) in an evaluation finalised the year before the tender ranks first; awarding the
other is refused (not_top_ranked). A grade from the tender's own year gives no priority."""
from datetime import timedelta
from decimal import Decimal

from procure import clock as app_clock
from procure.extensions import db
from procure.performance_evaluation.models import PerformanceEvaluation
from procure.procurement import ranking
from procure.procurement.models import Bid

from openapi_check import check


class B:
    def __init__(self, id, provider_id, price, submitted):
        self.id, self.provider_id, self.price, self.submitted_at = id, provider_id, Decimal(price), submitted


def test_priority_breaks_only_a_tie():
    now = app_clock.now()
    early, late, cheap = B(1, 10, "100", now), B(2, 20, "100", now + timedelta(hours=1)), B(3, 30, "99", now)
    assert [r.bid.id for r in ranking.rank_by_price([early, late, cheap])] == [3, 1, 2]
    ranked = ranking.rank_by_price([early, late, cheap], priority=frozenset({20}))
    assert [(r.bid.id, r.priority) for r in ranked] == [(3, False), (2, True), (1, False)]
    sums = {1: [Decimal(80)], 2: [Decimal(80)], 3: [Decimal(60)]}
    scored = ranking.rank_by_score([early, late], sums, 10, priority=frozenset({20}))
    assert [r.bid.id for r in scored] == [2, 1]
    # A higher score still wins over priority.
    sums[1] = [Decimal("80.01")]
    assert [r.bid.id for r in ranking.rank_by_score([early, late], sums, 10, priority=frozenset({20}))] == [1, 2]


def graded_implementer(journey, world):
    """A purchase carried out and graded 优 by the journey: the user of its implementer."""
    project = journey.drive(journey.create(title="上一年度的助餐服务"), "evaluated")
    evaluation = db.session.scalar(db.select(PerformanceEvaluation).filter_by(project_id=project.id))
    assert evaluation.grade in ("excellent", "good")
    return next(u for u in ("provider", "provider2", "provider3")
                if world[u].organisation_id == project.implementer_id), evaluation


def tender_with_tied_bids(journey, api, world, graded, clock):
    """An inquiry (lowest price) where the graded provider bids last at the same lowest price as another."""
    project = journey.drive(journey.create(title="社区助浴服务"), "cataloged")
    journey.bring_catalogue_into_force(project)
    db.session.refresh(project)
    deadline = app_clock.now() + timedelta(days=10)
    response = api.as_("bureau").fire(project, "open_tender", method="inquiry", bid_deadline=deadline.isoformat(),
                                      requirements="为行动不便老人提供上门助浴服务。")
    assert response.status_code == 200, response.get_json()
    others = [u for u in ("provider", "provider2", "provider3") if u != graded]
    for username, price in ((others[0], "30000.00"), (others[1], "32000.00"), (graded, "30000.00")):
        clock.advance(hours=1)
        assert api.as_(username).post(f"/projects/{project.id}/bids", json={
            "price": price, "plan": "上门助浴，每月两次。"}).status_code == 201
    clock.advance(days=11)
    return project, others[0]


def test_the_year_after_an_excellent_grade_wins_the_tie(journey, api, world, clock, refused, as_user, doc):
    graded, evaluation = graded_implementer(journey, world)
    year = app_clock.local(evaluation.finalised_at).year
    clock.advance(days=(app_clock.local(evaluation.finalised_at).date().replace(year=year + 1, month=1, day=5)
                        - app_clock.today()).days)
    project, rival = tender_with_tied_bids(journey, api, world, graded, clock)
    body = check(doc, "/projects/{project_id}/tender", "get", api.as_("bureau").get(f"/projects/{project.id}/tender"),
                 200)
    first, second = body["ranking"][:2]
    assert first["provider"]["id"] == world[graded].organisation_id and first["priority"] is True
    assert second["provider"]["id"] == world[rival].organisation_id and second["priority"] is False

    rival_bid = db.session.scalar(db.select(Bid).filter_by(project_id=project.id,
                                                           provider_id=world[rival].organisation_id))
    [reason] = refused(lambda: api.as_("bureau").fire(project, "award", bid_id=rival_bid.id), "not_top_ranked")
    assert world[graded].organisation.name in reason["message"]

    html = as_user("bureau").get(f"/projects/{project.id}").get_data(as_text=True)
    row = html.split('data-testid="rank-1"')[1].split("</tr>")[0]
    assert world[graded].organisation.name in row and 'data-testid="rank-1-priority"' in row
    assert "上一年度绩效评价为优、良的承接主体优先" in html


def test_a_grade_of_the_same_year_gives_no_priority(journey, api, world, clock):
    graded, evaluation = graded_implementer(journey, world)
    assert app_clock.local(evaluation.finalised_at).year == app_clock.today().year
    project, rival = tender_with_tied_bids(journey, api, world, graded, clock)
    from procure.procurement.panel import tender_of
    assert app_clock.local(tender_of(project).published_at).year == app_clock.local(evaluation.finalised_at).year
    ranked = api.as_("bureau").get(f"/projects/{project.id}/tender").get_json()["ranking"]
    assert ranked[0]["provider"]["id"] == world[rival].organisation_id and ranked[0]["priority"] is False
