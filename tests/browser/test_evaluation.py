"""The evaluation acceptance test: a delivered purchase project gets its evaluation firm by a recorded random
draw, the firm and its evaluator declare no conflict, the acceptance goes through one rectification round,
residents answer the satisfaction survey with their codes, three parties score blind, a divergence is
explained, the grade and the final payment come out as worked by hand below, and the evaluation report
downloads — through the pages only, in headless Chromium, each role logging in in turn.

The project is driven to `delivered` in the database beforehand (procure.demo.journey), and one
evaluation firm gets a recorded engagement with the implementer (so the draw must exclude it, with the
reason). Reading the database to assert is allowed; every change after the set-up is a click or a keystroke.
"""
import re
import subprocess
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from procure import clock as app_clock
from procure.accounts.models import Organisation
from procure.evaluators.conflicts import pick
from procure.evaluators.models import EvaluatorDraw, FirmEngagement
from procure.extensions import db
from procure.payments.models import Payment
from procure.performance_evaluation.models import PerformanceEvaluation
from procure.performance_evaluation.templates import DEFAULT_LEAVES
from procure.procurement.models import Contract
from procure.projects.models import Project

from .pages import Walk, expect, needs_browser, read, screenshot_on_failure

pytestmark = needs_browser

CENT = Decimal("0.01")
TITLE = "幸福社区长者助餐服务"
FIRMS = {"evaluator": "明镜评估事务所", "evaluator2": "公信第三方评估中心"}
PROVIDERS = {"provider": "阳光社会工作服务中心", "provider2": "同心社工事务所", "provider3": "乐龄养老服务中心"}

# The default template (procure/performance_evaluation/templates.py, config INDICATOR_WEIGHTS): group weight, and each
# leaf's weight within its group. A leaf's share of the total is group weight × leaf weight ÷ 10,000.
WEIGHTS = {
    "decision": (20, {"decision.basis": 50, "decision.goals": 50}),
    "implementation": (20, {"implementation.funds": 40, "implementation.rules": 30, "implementation.schedule": 30}),
    "output": (40, {"output.quantity": 40, "output.quality": 30, "output.beneficiaries": 30}),
    "effect": (20, {"effect.social": 30, "effect.sustainability": 20, "effect.satisfaction": 50}),
}
# What each party types on its sheet: a 0–5 scale value, 1/0 for yes/no, or (planned, actual) for a ratio.
# decision.basis differs by 60 points between the third party and the community (threshold 20): flagged.
SHEETS = {
    "third_party": {"decision.basis": "5", "decision.goals": "3", "implementation.funds": "1",
                    "implementation.rules": "3", "implementation.schedule": ("2", "2"),
                    "output.quantity": ("120", "100"), "output.quality": ("50", "42"),
                    "output.beneficiaries": ("120", "130"), "effect.social": "3", "effect.sustainability": "3"},
    "bureau": {"decision.basis": "3", "decision.goals": "3", "implementation.funds": "1",
               "implementation.rules": "3", "implementation.schedule": ("2", "2"),
               "output.quantity": ("120", "100"), "output.quality": ("50", "42"),
               "output.beneficiaries": ("120", "130"), "effect.social": "4", "effect.sustainability": "3"},
    "community": {"decision.basis": "2", "decision.goals": "3", "implementation.funds": "1",
                  "implementation.rules": "4", "implementation.schedule": ("2", "2"),
                  "output.quantity": ("120", "100"), "output.quality": ("50", "42"),
                  "output.beneficiaries": ("120", "130"), "effect.social": "3", "effect.sustainability": "3"},
}
SCALE_MAX = 5
YES_NO = {"implementation.funds"}
# Three residents answer; two say 满意 or better: satisfaction rate 2 ÷ 3 = 66.67 %.
RESIDENTS = ["very_satisfied", "satisfied", "neutral"]


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def leaf_score(code, given) -> Decimal:
    """Scale: value ÷ 5 × 100. Yes/no: 100 or 0. Ratio (DOMAIN.md bands): actual ÷ planned ≥ 100 % → 100,
    ≥ 80 % → two thirds (66.67), ≥ 60 % → one third (33.33), else 0."""
    if isinstance(given, tuple):
        percent = Decimal(given[1]) / Decimal(given[0]) * 100
        share = next(share for lower, share in ((100, Decimal(1)), (80, Decimal(2) / 3), (60, Decimal(1) / 3),
                                                (0, Decimal(0))) if percent >= lower)
        return cents(share * 100)
    if code in YES_NO:
        return Decimal("100.00") if given == "1" else Decimal("0.00")
    return cents(Decimal(given) / SCALE_MAX * 100)


def expected_result() -> tuple[dict, Decimal, Decimal, str]:
    """(combined score per leaf, satisfaction rate, total, grade), worked by hand:

    combined = the parties' mean, 2 dp:      decision.basis (100 + 60 + 40) ÷ 3 = 66.67   decision.goals 60
      implementation.funds 100   .rules (60 + 60 + 80) ÷ 3 = 66.67   .schedule 2 ÷ 2 = 100 % → 100
      output.quantity 100 ÷ 120 = 83 % → 66.67   .quality 42 ÷ 50 = 84 % → 66.67   .beneficiaries 108 % → 100
      effect.social (60 + 80 + 60) ÷ 3 = 66.67   .sustainability 60   .satisfaction 2 of 3 residents = 66.67
    total = Σ combined × group weight × leaf weight ÷ 10,000:
      决策 20 × (66.67 × 50 + 60 × 50) ÷ 10,000               = 12.6670
      过程 20 × (100 × 40 + 66.67 × 30 + 100 × 30) ÷ 10,000   = 18.0002
      产出 40 × (66.67 × 40 + 66.67 × 30 + 100 × 30) ÷ 10,000 = 30.6676
      效益 20 × (66.67 × 30 + 60 × 20 + 66.67 × 50) ÷ 10,000  = 13.0672
      = 74.4020 → 74.40, in 60–79: 中
    """
    satisfied = sum(1 for answer in RESIDENTS if answer in ("very_satisfied", "satisfied"))
    rate = cents(Decimal(satisfied) * 100 / len(RESIDENTS))
    combined = {}
    for code in SHEETS["third_party"]:
        scores = [leaf_score(code, SHEETS[party][code]) for party in SHEETS]
        combined[code] = cents(sum(scores) / len(scores))
    combined["effect.satisfaction"] = rate
    total = cents(sum(combined[leaf] * group_weight * weight / 10_000
                      for group_weight, leaves in WEIGHTS.values() for leaf, weight in leaves.items()))
    grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    return combined, rate, total, grade


def delivered_project(journey, world) -> tuple[int, str, str]:
    """A purchase project delivered by the tender's winner; the firm `excluded` once worked for that winner.
    (project id, the implementer's username, the excluded firm's username)."""
    project = journey.create(title=TITLE)
    journey.drive(project, "delivered")
    implementer = next(name for name in PROVIDERS if world[name].organisation_id == project.implementer_id)
    excluded = "evaluator"
    today = app_clock.today()
    db.session.add(FirmEngagement(firm_id=world[excluded].organisation_id, counterpart_id=project.implementer_id,
                                  description="承接方年度项目评估（咨询合同）", started_on=today - timedelta(days=400),
                                  ended_on=today - timedelta(days=40)))
    db.session.commit()
    return read(lambda: (project.id, implementer, excluded))


def test_draw_acceptance_survey_scoring_grade_payment_and_report(live_server, browser_page, clock, journey, world,
                                                                  app, tmp_path):
    page = browser_page
    assert {g: {c: w for c, _n, w, *_ in leaves} for g, leaves in DEFAULT_LEAVES.items()} == \
        {g: leaves for g, (_w, leaves) in WEIGHTS.items()}, "the default template changed: rework the figures"
    assert {g: w for g, (w, _leaves) in WEIGHTS.items()} == app.config["INDICATOR_WEIGHTS"]
    combined, rate, total, grade = expected_result()
    assert (total, grade) == (Decimal("74.40"), "中")
    project_id, implementer, excluded = delivered_project(journey, world)
    walk = Walk(page, live_server, clock)
    walk.project_url = f"{live_server}/projects/{project_id}"
    min_responses = app.config["SURVEY_MIN_RESPONSES"]
    app.config["SURVEY_MIN_RESPONSES"] = len(RESIDENTS)
    try:
        with screenshot_on_failure(page, "evaluation-failure"):
            # -- the bureau draws a firm: the record shows the seed, the candidates and the exclusion with why
            walk.as_("bureau")
            walk.expect_state("delivered")
            firm_user = walk.draw_evaluator(FIRMS)
            draw = page.get_by_test_id("evaluator-draws").get_by_test_id("draw-1")
            reason = f"近{app.config['CONFLICT_LOOKBACK_YEARS']}年内曾为承接方或社区提供服务（或有合同）"
            expect(draw.get_by_test_id("draw-excluded")).to_contain_text(f"{FIRMS[excluded]}：{reason}")
            expect(draw.get_by_test_id("draw-candidates")).not_to_contain_text(FIRMS[excluded])
            seed = draw.get_by_test_id("draw-seed").inner_text().strip()
            assert re.fullmatch(r"[0-9a-f]{16,64}", seed), seed
            assert firm_user != excluded
            expect(draw.get_by_test_id("draw-candidates")).to_contain_text(FIRMS[firm_user])
            expect(draw.get_by_test_id("draw-result")).to_contain_text(FIRMS[firm_user])
            # The draw is reproducible from its record: the seed and the candidates give the same firm.
            recorded = read(lambda: db.session.execute(db.select(
                EvaluatorDraw.seed, EvaluatorDraw.candidates, EvaluatorDraw.result_org_id)
                .filter_by(project_id=project_id)).one())
            assert recorded[0] == seed and pick(seed, recorded[1]) == recorded[2] \
                == read(lambda: world[firm_user].organisation_id)

            # -- the drawn firm's evaluator declares no conflict for the firm and for themself
            walk.as_(firm_user)
            walk.declare_no_conflict()

            # -- the bureau starts acceptance
            walk.as_("bureau")
            walk.fire("start_acceptance", "启动第三方验收", lambda form: None, state="under_acceptance")

            # -- the evaluator visits, judges the checklist (one item not met) and asks for rectification
            clock.advance(days=3)
            walk.as_(firm_user)
            walk.record_site_visit("社区党群服务中心及助餐点", "评估机构2人、社区工作人员1人、居民代表5人",
                                   "查阅服务台账，走访服务对象8户；部分活动缺少签到表。")
            expect(page.get_by_test_id("site-visits")).to_contain_text("部分活动缺少签到表")
            items = walk.checklist_items()
            assert len(items) >= 3, items
            unmet = items[1]
            walk.judge_checklist(items, {unmet: "5月、6月上门探访缺少签到表，探访次数无法核实。"})
            expect(page.get_by_test_id(f"item-{unmet}")).to_contain_text("未达到")
            deadline = app_clock.local(clock()).date() + timedelta(days=10)

            def rectify(form):
                form.get_by_label("验收发现的问题").fill("上门探访缺少签到表，请补齐5月、6月服务台账。")
                form.get_by_label("整改期限").fill(deadline.isoformat())
            walk.fire("request_rectification", "要求整改", rectify, state="rectification")
            expect(page.get_by_test_id("round-1")).to_contain_text(f"整改期限 {deadline.isoformat()}")

            # -- the provider responds within the deadline
            clock.advance(days=4)
            walk.as_(implementer)
            walk.fire("resubmit_for_acceptance", "整改完成，重新验收",
                      lambda form: form.get_by_label("整改情况说明").fill("已补齐签到表及入户照片，并由社区盖章确认。"),
                      state="under_acceptance")
            expect(page.get_by_test_id("round-1")).to_contain_text("已补齐签到表")

            # -- the evaluator judges the item again, now met; the community confirms; the evaluator accepts
            clock.advance(days=1)
            walk.as_(firm_user)
            expect(page.get_by_test_id("items-unjudged")).to_contain_text("1")
            walk.judge(unmet)
            walk.as_("community")
            walk.confirm_acceptance("经居民代表现场核实，整改到位，同意验收。", residents="5")
            walk.as_(firm_user)
            walk.accept("经整改，服务数量、质量均达到合同要求，验收合格。")
            expect(page.get_by_test_id("round-1")).to_contain_text("整改通过")
            expect(page.get_by_test_id("document-acceptance_certificate")).to_be_visible()

            # -- the community opens the survey and issues codes; the slips page shows them once
            walk.as_("community")
            survey_path = walk.open_survey()
            codes = walk.issue_survey_codes(len(RESIDENTS))

            # -- residents answer on the public page, without logging in; a code used twice is refused
            walk.residents_answer(survey_path, [c.lower().replace("-", " ") for c in codes], RESIDENTS, title=TITLE)
            with walk.resident() as visitor:
                walk.answer_survey(visitor, survey_path, codes[0], "very_satisfied", wants_continue=None)
                expect(visitor.get_by_test_id("refusal")).to_contain_text("该调查码已经使用过")
                expect(visitor.get_by_test_id("survey-thanks")).to_have_count(0)
            walk.open_project()
            expect(page.get_by_test_id("survey-count")).to_contain_text(str(len(RESIDENTS)))
            expect(page.get_by_test_id("survey-rate")).to_have_text(f"{rate}%")

            # -- three parties score, each on their own sheet; nobody sees another's scores until all submit
            clock.advance(days=2)
            walk.as_(firm_user)
            walk.submit_sheet(SHEETS["third_party"])
            walk.as_("bureau")
            expect(page.get_by_test_id("party-third_party")).to_contain_text("已提交")
            expect(page.get_by_test_id("blind")).to_be_visible()
            expect(page.get_by_test_id("evaluation").locator("[data-testid^='score-third_party-']")).to_have_count(0)
            expect(page.get_by_test_id("own-sheet")).to_have_count(0)
            expect(page.get_by_test_id("sheet-decision.basis-value")).to_have_value("")
            expect(page.get_by_test_id("combined-decision.basis")).to_have_text("")
            walk.submit_sheet(SHEETS["bureau"])
            walk.as_("community")
            expect(page.get_by_test_id("evaluation").locator("[data-testid^='score-bureau-']")).to_have_count(0)
            walk.submit_sheet(SHEETS["community"])

            # -- all submitted: every sheet shows, decision.basis alone is flagged
            expect(page.get_by_test_id("blind")).to_have_count(0)
            expect(page.get_by_test_id("score-third_party-decision.basis")).to_have_text("100.00")
            expect(page.get_by_test_id("score-community-decision.basis")).to_have_text("40.00")
            expect(page.get_by_test_id("evaluation").locator("tr.divergence-row")).to_have_count(1)
            expect(page.get_by_test_id("divergence-decision.basis")).to_contain_text("差异超过 20 分")
            for code, score in combined.items():
                expect(page.get_by_test_id(f"combined-{code}")).to_have_text(f"{score}")

            # -- the evaluator may not finalise before explaining the divergence (the action is blocked with
            #    the reason); explains it; evaluates
            clock.advance(days=1)
            walk.as_(firm_user)
            blocked = page.get_by_test_id("action-evaluate")
            expect(blocked).to_have_class(re.compile(r"\baction-blocked\b"))
            expect(blocked).to_contain_text("须先说明原因：立项依据充分性")
            walk.explain_divergence("decision.basis", "社区依据的议事会记录不全；经复核需求调研材料，以第三方核查结果为主。")
            expect(page.get_by_test_id("divergence-note-decision.basis")).to_contain_text("议事会记录不全")
            expect(page.get_by_test_id("result-preview")).to_contain_text(f"总分 {total}")
            walk.evaluate("项目总体按合同实施，台账管理有待加强，居民满意度偏低。",
                          plan="三个月内完善服务台账和回访制度，社区每月跟踪整改进度。")
            expect(page.get_by_test_id("total-score")).to_have_text(f"{total}")
            expect(page.get_by_test_id("grade")).to_have_text(grade)
            expect(page.get_by_test_id("rectification-plan")).to_contain_text("完善服务台账")

            # -- the bureau pays the final instalment the grade allows: 90 % (中) of the last milestone's share
            amount, last_percent = read(lambda: db.session.execute(
                db.select(Contract.amount, Contract.id).filter_by(project_id=project_id)).one())
            last_percent = read(lambda: db.session.get(Contract, last_percent).milestones[-1].percent)
            last_instalment = cents(amount * last_percent / 100)
            due = cents(last_instalment * app.config["FINAL_PAYMENT_PERCENT"]["fair"] / 100)
            clock.advance(days=5)
            walk.as_("bureau")
            expect(page.get_by_test_id("final-payment-due")).to_contain_text(f"应付 {due:,.2f} 元")
            expect(page.get_by_test_id("final-payment-due")).to_contain_text(f"最后一期 {last_instalment:,.2f} 元")
            # the form offers the first line payable now: the first milestone, confirmed and not yet paid
            first = cents(amount) - last_instalment
            form = page.get_by_test_id("payment-form")
            expect(form.get_by_label("付款类型")).to_have_value("milestone")
            expect(form.get_by_label("金额（元）")).to_have_value(f"{first:.2f}")
            walk.submit(form, "payment-submit", "付款已登记")
            # then the final instalment: what the grade leaves due
            assert walk.pay_final("按绩效评价等级“中”支付尾款90%。", due=due) == due
            expect(page.get_by_test_id("paid-total")).to_contain_text(f"已支付 {first + due:,.2f} 元")
            expect(page.get_by_test_id("payable-now")).to_contain_text(
                f"现可支付 0.00 元 · 暂缓支付 0.00 元 · 不予支付 {last_instalment - due:,.2f} 元")
            walk.fire("close", "结项", state="closed")

            # -- the evaluation report downloads as a PDF with the grade and the project's title
            link = page.get_by_test_id("document-evaluation_report")
            expect(link).to_be_visible()
            response = page.request.get(live_server + link.get_attribute("href"))
            assert response.ok and response.headers["content-type"] == "application/pdf"
            pdf = response.body()
            assert pdf.startswith(b"%PDF")
            (tmp_path / "report.pdf").write_bytes(pdf)
            text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], check=True,
                                  capture_output=True, text=True, timeout=60).stdout
            assert TITLE in text
            assert re.search(rf"评价等级\s*{grade}", text), text[:2000]
            assert str(total) in text
    finally:
        app.config["SURVEY_MIN_RESPONSES"] = min_responses

    state, score, stored_grade = read(lambda: db.session.execute(
        db.select(Project.state, Project.score, Project.grade).where(Project.id == project_id)).one())
    assert (state, score, stored_grade) == ("closed", total, "fair")
    finalised = read(lambda: db.session.scalar(db.select(PerformanceEvaluation.grade).filter_by(project_id=project_id)))
    assert finalised == "fair"
    paid = read(lambda: db.session.scalars(db.select(Payment.amount).filter_by(project_id=project_id, kind="final"))
                .all())
    assert paid == [due]
    assert read(lambda: db.session.get(Organisation, world[firm_user].organisation_id).name) == FIRMS[firm_user]
