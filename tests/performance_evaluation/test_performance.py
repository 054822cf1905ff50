"""Performance evaluation (绩效评价): the scoring maths against hand-worked figures, indicator templates and
their rules, blind scoring by three parties, divergences, the grade's consequences (rectification plan, final
payment, debarment of a provider graded 差)."""
from datetime import date
from decimal import Decimal

import pytest

from conftest import PASSWORD
from procure.audit.models import AuditEntry
from procure.demo.journey import GRADE_INPUTS
from procure.desk.waiting import recent_activity
from procure.extensions import db
from procure.performance_evaluation import operations as performance
from procure.performance_evaluation import scoring
from procure.performance_evaluation.models import IndicatorTemplate
from procure.performance_evaluation.scoring import Node
from procure.performance_evaluation.templates import default_template, rows_of, template_for, tree_problems
from procure.procurement.models import Contract
from procure.providers.models import Debarment

from support import reason_codes

D = Decimal


# ---- the maths -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("actual, score", [
    ("120", "100.00"), ("100", "100.00"), ("99.99", "66.67"), ("80", "66.67"), ("79.99", "33.33"),
    ("60", "33.33"), ("59.99", "0.00"), ("0", "0.00")])
def test_ratio_bands_at_100_80_60_percent(actual, score):
    assert scoring.ratio_score(D("100"), D(actual)) == D(score)


def test_ratio_needs_a_planned_quantity():
    with pytest.raises(ValueError):
        scoring.ratio_score(D("0"), D("5"))


def test_scale_and_yes_no():
    assert scoring.scale_score(D("4"), 5) == D("80.00")
    assert scoring.scale_score(D("2"), 3) == D("66.67")  # 2 ÷ 3 × 100 = 66.666… → 66.67
    assert scoring.scale_score(D("0"), 5) == D("0.00")
    assert scoring.yes_no_score(D("1")) == D("100.00") and scoring.yes_no_score(D("0")) == D("0.00")


def test_combined_score_is_the_mean_half_up():
    assert scoring.combined([D("100"), D("66.67"), D("66.67")]) == D("77.78")  # 233.34 ÷ 3 = 77.78
    assert scoring.combined([D("80"), D("80"), D("85")]) == D("81.67")  # 245 ÷ 3 = 81.666… → 81.67
    assert scoring.combined([D("0.01"), D("0.00")]) == D("0.01")  # 0.005 rounds half up


def test_weighted_total_by_hand_with_three_levels():
    nodes = [Node("decision", None, D(20)), Node("d.a", "decision", D(50)), Node("d.b", "decision", D(50)),
             Node("implementation", None, D(20)), Node("i.a", "implementation", D(100)),
             Node("output", None, D(40)), Node("o.a", "output", D(60)), Node("o.a.x", "o.a", D(50)),
             Node("o.a.y", "o.a", D(50)), Node("o.b", "output", D(40)),
             Node("effect", None, D(20)), Node("e.a", "effect", D(100))]
    leaves = {"d.a": D("80"), "d.b": D("100"), "i.a": D("66.67"), "o.a.x": D("100"), "o.a.y": D("33.33"),
              "o.b": D("100"), "e.a": D("90")}
    result = scoring.total_of(nodes, leaves)
    # decision: 80 × 20% × 50% + 100 × 20% × 50%            = 8 + 10                     = 18.00
    # implementation: 66.67 × 20% × 100%                     = 13.334                     → 13.33
    # output: 100 × 40% × 60% × 50% + 33.33 × 40% × 60% × 50% + 100 × 40% × 40%
    #                                                       = 12 + 3.9996 + 16           = 31.9996 → 32.00
    # effect: 90 × 20% × 100%                                = 18.00
    # total: 18 + 13.334 + 31.9996 + 18                      = 81.3336                    → 81.33, 良
    assert result.groups == {"decision": D("18.00"), "implementation": D("13.33"), "output": D("32.00"),
                             "effect": D("18.00")}
    assert result.total == D("81.33") and result.grade == "good"


@pytest.mark.parametrize("total, grade", [
    ("100", "excellent"), ("90", "excellent"), ("89.99", "good"), ("80", "good"), ("79.99", "fair"),
    ("60", "fair"), ("59.99", "poor"), ("0", "poor")])
def test_grades_at_90_80_60(total, grade):
    assert scoring.grade_for(D(total)) == grade


def test_final_instalment_by_grade_by_hand():
    # The last milestone: 60 % of a 38,000.00 contract = 22,800.00.
    assert scoring.final_instalment(D("22800.00"), "excellent") == D("22800.00")  # 100 %
    assert scoring.final_instalment(D("22800.00"), "good") == D("22800.00")  # 100 %
    assert scoring.final_instalment(D("22800.00"), "fair") == D("20520.00")  # 22,800 × 90 %
    assert scoring.final_instalment(D("22800.00"), "poor") == D("15960.00")  # 22,800 × 70 %


def test_divergence_is_max_minus_min_over_the_threshold():
    assert not scoring.diverges([D("100"), D("80"), D("90")])  # 20 is not more than 20
    assert scoring.diverges([D("100"), D("79.99"), D("90")])


# ---- templates -------------------------------------------------------------------------------------------

def test_the_default_template_is_made_once_and_is_valid(app):
    template = default_template()
    assert default_template().id == template.id
    assert tree_problems(rows_of(template)) == []
    groups = [i for i in template.indicators if i.level == 1]
    assert [(g.code, g.name, g.weight) for g in groups] == [
        ("decision", "决策", D(20)), ("implementation", "过程", D(20)), ("output", "产出", D(40)),
        ("effect", "效益", D(20))]
    kinds = {i.kind for i in template.indicators if i.kind}
    assert kinds == {"ratio", "scale", "yes_no", "satisfaction"}


def _problems(app, rows) -> list[str]:
    with app.test_request_context():
        return [str(p) for p in tree_problems(rows)]


def test_tree_problems_name_what_is_wrong(app):
    rows = rows_of(default_template())
    by_code = {r["code"]: r for r in rows}
    by_code["decision.goals"]["weight"] = D(40)  # 决策's children now sum to 90
    by_code["output"]["weight"] = D(50)  # the groups now sum to 110
    by_code["effect.social"]["kind"] = None  # a leaf without a kind
    by_code["implementation"]["kind"] = "ratio"  # a group with a kind
    problems = _problems(app, rows)
    assert "一级指标权重合计 110，应为 100" in problems
    assert "“决策”下的第 2 级指标权重合计 90，应为 100" in problems
    assert "末级指标“社会效益”须选择指标类型" in problems
    assert "指标“过程”有下级指标，不应设指标类型" in problems
    assert len(problems) == 4


def test_tree_problems_levels_groups_and_scales(app):
    rows = rows_of(default_template())
    deep = [{"code": "output.quality.a", "parent": "output.quality", "name": "甲", "weight": 100, "kind": None},
            {"code": "output.quality.a.x", "parent": "output.quality.a", "name": "乙", "weight": 100,
             "kind": "scale", "scale_max": 0}]
    for row in rows:
        if row["code"] == "output.quality":
            row["kind"] = None
    rows.append({"code": "extra", "parent": None, "name": "额外", "weight": 0, "kind": "yes_no"})
    problems = _problems(app, rows + deep)
    assert "指标“乙”位于第 4 级，最多三级" in problems
    assert any(p.startswith("一级指标须恰好为") for p in problems)
    assert "分级评分指标“乙”的最高分须不小于 1" in problems
    assert "指标“额外”的权重须大于 0 且不超过 100" in problems


def _template_body(**changes):
    rows = rows_of(default_template())
    for row in rows:
        row.update(changes.get(row["code"], {}))
        row["weight"] = str(row["weight"])
    return {"name": "助老服务评价指标", "category_code": "A01", "indicators": rows}


def test_api_creates_a_template_or_names_the_level_that_does_not_add_up(api, world, db_snapshot):
    bad = _template_body(**{"output.quantity": {"weight": "50"}})
    before = db_snapshot()
    response = api.as_("bureau").post("/indicator-templates", json=bad)
    assert reason_codes(response) == ["template_invalid"]
    assert response.get_json()["reasons"][0]["message"] == "“产出”下的第 2 级指标权重合计 110，应为 100"
    assert db_snapshot() == before
    assert api.as_("community").post("/indicator-templates", json=_template_body()).status_code == 403
    # A third level under 服务质量达标率 (which then has no kind of its own).
    good = _template_body(**{"output.quality": {"kind": None}})
    good["indicators"] += [
        {"code": "output.quality.meals", "parent": "output.quality", "name": "餐食达标率", "weight": "60",
         "kind": "ratio"},
        {"code": "output.quality.visits", "parent": "output.quality", "name": "探访达标率", "weight": "40",
         "kind": "ratio"}]
    created = api.as_("bureau").post("/indicator-templates", json=good)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    output = next(n for n in body["indicators"] if n["code"] == "output")
    quality = next(n for n in output["children"] if n["code"] == "output.quality")
    assert [c["name"] for c in quality["children"]] == ["餐食达标率", "探访达标率"] and quality["kind"] is None
    listed = api.as_("evaluator").get("/indicator-templates").get_json()
    assert [t["name"] for t in listed][-1] == "助老服务评价指标"
    assert api.as_("evaluator").get(f"/indicator-templates/{body['id']}").get_json()["category_code"] == "A01"
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="create_indicator_template")) is not None


def test_the_most_specific_template_applies(journey, world):
    project = journey.create(category="A0101")
    default = default_template()
    rows = rows_of(default)
    klass = project.community.community_class
    from procure.performance_evaluation.templates import build

    by_class = build(rows, name="按社区类别", community_class=klass)
    assert template_for(project).id == by_class.id
    by_category = build(rows, name="按类别", category_code="A01")
    assert template_for(project).id == by_category.id
    build(rows, name="其他类别", category_code="B01")
    both = build(rows, name="类别与社区类别", category_code="A0101", community_class=klass)
    assert template_for(project).id == both.id
    both.active = False
    assert template_for(project).id == by_category.id


def test_template_pages_for_the_bureau(client, world, journey):
    login(client, "bureau")
    listed = client.get("/indicator-templates")
    assert listed.status_code == 200 and "通用绩效评价指标（默认）" in listed.get_data(as_text=True)
    template = db.session.scalar(db.select(IndicatorTemplate).filter_by(is_default=True))
    detail = client.get(f"/indicator-templates/{template.id}").get_data(as_text=True)
    assert "立项依据充分性" in detail and "服务对象满意度" in detail
    copy = client.get(f"/indicator-templates/new?from={template.id}").get_data(as_text=True)
    assert "（副本）" in copy
    form = {"name": "社区服务类", "category_code": "A02", "community_class": ""}
    for index, row in enumerate(rows_of(template)):
        for key, value in row.items():
            form[f"indicators-{index}-{key}"] = "" if value is None else str(value)
    form["indicators-0-weight"] = "25"  # 决策 25: the groups add up to 105
    refused = client.post("/indicator-templates/new", data=form)
    assert refused.status_code == 422 and "一级指标权重合计 105，应为 100" in refused.get_data(as_text=True)
    form["indicators-0-weight"] = "20"
    assert client.post("/indicator-templates/new", data=form).status_code == 302
    assert db.session.scalar(db.select(IndicatorTemplate).filter_by(category_code="A02")) is not None
    login(client, "community")
    assert client.get("/indicator-templates").status_code == 403


# ---- scoring on a project --------------------------------------------------------------------------------

def login(client, username):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


def sheet(api, username, project, scores, submit=True):
    return api.as_(username).post(f"/projects/{project.id}/evaluation/sheets", json={"submit": submit,
                                                                                     "scores": scores})


def full_marks(project) -> list[dict]:
    state = performance.state_of(project)
    return [{"indicator_id": leaf.indicator.id, **journey_marks(leaf.indicator)}
            for leaf in state.leaves if leaf.indicator.kind != "satisfaction"]


def journey_marks(indicator) -> dict:
    from procure.demo.journey import Journey

    return Journey.full_marks(indicator)


def leaf_id(project, code) -> int:
    return next(leaf.indicator.id for leaf in performance.state_of(project).leaves if leaf.indicator.code == code)


@pytest.fixture
def accepted(journey):
    project = journey.drive(journey.create(), "accepted")
    journey.survey(project)
    return project


def test_blind_until_every_party_has_submitted(accepted, api, client, journey, world):
    project = accepted
    scores = full_marks(project)
    ratio = leaf_id(project, "output.quantity")
    marked = [dict(s, note="抽查台账 120 人") if s["indicator_id"] == ratio else s for s in scores]
    marked = [dict(s, planned="120", actual="117") if s["indicator_id"] == ratio else s for s in marked]
    assert sheet(api, "evaluator", project, marked).status_code == 200
    # The bureau sees that the third party submitted, not what it gave: in the API, the page and the history.
    seen = api.as_("bureau").get(f"/projects/{project.id}/evaluation").get_json()
    assert seen["sheets"] == [] and seen["submitted"] == ["third_party"] and not seen["revealed"]
    assert all(leaf["scores"] is None for leaf in seen["leaves"])
    history = api.as_("bureau").get(f"/projects/{project.id}/history").get_json()
    assert not any(e["action"] in ("save_scores", "submit_scores") for e in history)
    assert not any(entry.action == "submit_scores" for entry, _p in recent_activity(world["bureau"]))  # the desk
    assert performance.revealed_among({project.id}) == set()
    own = api.as_("evaluator").get(f"/projects/{project.id}/evaluation").get_json()
    assert [s["party"] for s in own["sheets"]] == ["third_party"]
    login(client, "bureau")
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "抽查台账 120 人" not in html and 'value="117' not in html and 'data-testid="blind"' in html
    assert 'data-testid="score-sheet-form"' in html
    # The bureau's own draft stays its own too.
    assert sheet(api, "bureau", project, scores, submit=False).status_code == 200
    assert api.as_("community").get(f"/projects/{project.id}/evaluation").get_json()["sheets"] == []
    assert sheet(api, "bureau", project, scores).status_code == 200
    assert sheet(api, "community", project, scores).status_code == 200
    seen = api.as_("bureau").get(f"/projects/{project.id}/evaluation").get_json()
    assert seen["revealed"] and [s["party"] for s in seen["sheets"]] == ["third_party", "bureau", "community"]
    quantity = next(leaf for leaf in seen["leaves"] if leaf["code"] == "output.quantity")
    # 117 ÷ 120 = 97.5 % → 66.67; the others 100: mean 266.67 ÷ 3 = 88.89.
    assert quantity["scores"] == {"third_party": "66.67", "bureau": "100.00", "community": "100.00"}
    assert quantity["combined"] == "88.89"
    history = api.as_("provider").get(f"/projects/{project.id}/history").get_json()
    assert sum(e["action"] == "submit_scores" for e in history) == 3
    assert performance.revealed_among({project.id}) == {project.id}
    assert sum(entry.action == "submit_scores" for entry, _p in recent_activity(world["bureau"])) == 3
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="score-third_party-output.quantity">66.67' in html


def test_a_sheet_checks_its_inputs_and_freezes_on_submit(accepted, api, refused):
    project = accepted
    scores = full_marks(project)
    scale = leaf_id(project, "decision.basis")
    bad = [dict(s, value="6") if s["indicator_id"] == scale else s for s in scores]
    response = sheet(api, "evaluator", project, bad)
    assert response.status_code == 400 and any("0 至 5" in m for m in str(response.get_json()["fields"]).split("'"))
    [reason] = refused(lambda: sheet(api, "evaluator", project, scores[1:]), "scores_incomplete")
    assert "立项依据充分性" in reason["message"]
    assert sheet(api, "evaluator", project, scores).status_code == 200
    assert sheet(api, "evaluator", project, scores).status_code == 409
    assert sheet(api, "provider", project, scores).status_code in (403, 404)


def test_divergence_is_flagged_and_must_be_explained(accepted, api, journey):
    project = accepted
    journey.score(project, {"community": {"decision.basis": {"value": "2"}}})  # 40 against 100, 100
    [reason] = reason_codes_and_reasons(api.as_("evaluator").fire(project, "evaluate", findings="规范"))
    assert reason["code"] == "divergence_unexplained" and "立项依据充分性" in reason["message"]
    seen = api.as_("evaluator").get(f"/projects/{project.id}/evaluation").get_json()
    flagged = [leaf["code"] for leaf in seen["leaves"] if leaf["divergent"]]
    assert flagged == ["decision.basis"]
    path = f"/projects/{project.id}/evaluation/divergences"
    other = leaf_id(project, "decision.goals")
    assert reason_codes(api.as_("evaluator").post(path, json={"indicator_id": other, "explanation": "x"})) \
        == ["not_divergent"]
    assert api.as_("bureau").post(path, json={"indicator_id": leaf_id(project, "decision.basis"),
                                              "explanation": "x"}).status_code == 403
    explained = api.as_("evaluator").post(path, json={"indicator_id": leaf_id(project, "decision.basis"),
                                                      "explanation": "社区以居民议事会记录不全为由评分较低，经核实记录齐全。"})
    assert explained.status_code == 201
    assert api.as_("evaluator").fire(project, "evaluate", findings="规范").status_code == 200
    body = api.as_("bureau").get(f"/projects/{project.id}").get_json()
    # decision.basis: (100 + 100 + 40) ÷ 3 = 80 → 决策 (80 × 50 % + 100 × 50 %) × 20 % = 18.00; total 98.00.
    assert body["grade"] == "excellent" and body["score"] == "98.00" and body["scores"]["decision"] == "18.00"
    html = api.as_("bureau").get(f"/projects/{project.id}/evaluation").get_json()
    assert next(leaf for leaf in html["leaves"] if leaf["code"] == "decision.basis")["explanation"].startswith("社区")


def reason_codes_and_reasons(response) -> list[dict]:
    reason_codes(response)
    return response.get_json()["reasons"]


def test_fair_grade_requires_a_plan(journey, api, client, refused):
    project = journey.drive(journey.create(), "accepted")
    scores, satisfied = GRADE_INPUTS["fair"]
    journey.survey(project, satisfied=satisfied)  # 8 of 10 satisfied: 80 %
    journey.score(project, scores)
    # 决策 (60 + 60) / 2 = 60 × 20 % = 12; 过程 100 × 40 % + 60 × 30 % + 100 × 30 % = 88 × 20 % = 17.6;
    # 产出 100 × 40 % + 66.67 × 30 % + 100 × 30 % = 90.001 × 40 % = 36.0004; 效益 60 × 30 % + 60 × 20 % + 80 × 50 %
    # = 70 × 20 % = 14; total 79.6004 → 79.60, 中.
    [reason] = refused(lambda: api.as_("evaluator").fire(project, "evaluate", findings="部分指标未达预期"),
                       "rectification_plan_missing")
    assert "79.60" in reason["message"]
    response = api.as_("evaluator").fire(project, "evaluate", findings="部分指标未达预期",
                                         rectification_plan="三个月内补齐服务台账，每月回访。")
    assert response.status_code == 200
    body = api.as_("community").get(f"/projects/{project.id}").get_json()
    assert body["grade"] == "fair" and body["score"] == "79.60"
    assert body["scores"] == {"decision": "12.00", "implementation": "17.60", "output": "36.00", "effect": "14.00"}
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    assert contract.amount == D("38000.00") and contract.milestones[-1].percent == 60
    # The last instalment 38,000 × 60 % = 22,800.00; 中 pays 90 %: 20,520.00.
    due = api.as_("bureau").get(f"/projects/{project.id}/evaluation").get_json()["final_payment"]
    assert due == {"grade": "fair", "percent": 90, "base": "22800.00", "due": "20520.00", "paid": "0.00"}
    login(client, "bureau")
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "尾款按评价等级 中 支付 90%：应付 20,520.00 元" in html
    assert "三个月内补齐服务台账" in html and 'data-testid="grade">中' in html
    over = api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "final", "amount": "20520.01", "paid_on": "2026-12-01"})
    assert reason_codes(over) == ["final_over_grade"]
    paid = api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "final", "amount": "20520.00", "paid_on": "2026-12-01"})
    assert paid.status_code == 201
    assert api.as_("bureau").fire(project, "close").get_json()["state"] == "closed"


def test_excellent_pays_the_whole_last_instalment_and_waits_for_the_evaluation(journey, api, world):
    project = journey.drive(journey.create(), "accepted")
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    last = contract.milestones[-1]
    implementer = next(u for u in ("provider", "provider2") if world[u].organisation_id == project.implementer_id)
    early = api.as_(implementer).post(f"/projects/{project.id}/payment-requests",
                                      json={"milestone_id": last.id, "amount": "100.00"})
    assert reason_codes(early) == ["final_before_evaluation"]
    journey.evaluate(project)
    assert project.grade == "excellent"
    # 38,000 × 60 % × 100 % = 22,800.00, asked for as the last milestone's instalment.
    over = api.as_(implementer).post(f"/projects/{project.id}/payment-requests",
                                     json={"milestone_id": last.id, "amount": "22800.01"})
    assert set(reason_codes(over)) <= {"final_over_grade", "over_milestone_share"} and reason_codes(over)
    made = api.as_(implementer).post(f"/projects/{project.id}/payment-requests",
                                     json={"milestone_id": last.id, "amount": "22800.00"})
    assert made.status_code == 201, made.get_json()
    approved = api.as_("bureau").post(f"/projects/{project.id}/payment-requests/{made.get_json()['id']}/approve",
                                      json={})
    assert approved.status_code == 200
    assert reason_codes(api.as_("bureau").post(f"/projects/{project.id}/payments", json={
        "kind": "final", "amount": "0.01", "paid_on": "2026-12-01"})) == ["final_over_grade"]
    assert api.as_("bureau").fire(project, "close").get_json()["state"] == "closed"


def test_poor_grade_debars_the_provider_for_next_year(journey, api):
    project = journey.drive(journey.create(), "accepted")
    scores, satisfied = GRADE_INPUTS["poor"]
    journey.evaluate(project, scores=scores, satisfied=satisfied)
    assert project.grade == "poor" and project.score < 60
    debarment = db.session.scalar(db.select(Debarment).filter_by(organisation_id=project.implementer_id))
    from procure import clock as app_clock

    year = app_clock.today().year + 1
    assert (debarment.starts_on, debarment.ends_on) == (date(year, 1, 1), date(year, 12, 31))
    assert debarment.source == "evaluation_poor"
    assert project.code in debarment.reason and "差" in debarment.reason
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="set_debarment"))
    assert entry.data["project_id"] == project.id and entry.data["grade"] == "poor"
    due = api.as_("bureau").get(f"/projects/{project.id}/evaluation").get_json()["final_payment"]
    assert due["percent"] == 70 and due["due"] == "15960.00"  # 22,800 × 70 %


def test_a_community_implementer_is_not_debarred(journey):
    project = journey.drive(journey.create(funding_form="reward", amount="15000.00"), "accepted")
    scores, satisfied = GRADE_INPUTS["poor"]
    journey.evaluate(project, scores=scores, satisfied=satisfied)
    assert project.grade == "poor"
    assert db.session.scalar(db.select(Debarment)) is None
    # A reward is the approved amount times the grade's share (REWARD_PERCENT): 差 pays nothing.
    due = performance.final_payment(project)
    assert (due.base, due.percent, due.due) == (D("15000.00"), 0, D("0.00"))


def test_evaluate_needs_the_opened_evaluation_and_enough_survey_responses(journey, api, refused):
    project = journey.drive(journey.create(), "accepted")
    journey.score(project)
    [reason] = refused(lambda: api.as_("evaluator").fire(project, "evaluate", findings="规范"), "survey_too_few")
    assert "0 份" in reason["message"] and "10 份" in reason["message"]


def test_the_page_sheet_saves_a_draft_shows_errors_and_submits(accepted, client):
    project = accepted
    login(client, "community")
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'id="evaluation"' in html and 'data-testid="score-sheet-form"' in html and 'href="#evaluation"' in html
    form = {}
    for index, row in enumerate(full_marks(project)):
        for key, value in row.items():
            form[f"scores-{index}-{key}"] = str(value)
    basis = next(k for k, v in form.items() if v == str(leaf_id(project, "decision.basis")))
    form[basis.replace("indicator_id", "value")] = "7"
    refused = client.post(f"/projects/{project.id}/evaluation/sheet", data={**form, "submit": "false"})
    assert refused.status_code == 400 and "评分须在 0 至 5 之间" in refused.get_data(as_text=True)
    form[basis.replace("indicator_id", "value")] = "4"
    assert client.post(f"/projects/{project.id}/evaluation/sheet", data={**form, "submit": "false"}).status_code == 302
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="sheet-decision.basis-value"' in html and 'value="4.00"' in html
    assert client.post(f"/projects/{project.id}/evaluation/sheet", data={**form, "submit": "true"}).status_code == 302
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="score-sheet-form"' not in html and 'data-testid="own-sheet-submitted"' in html
