"""One purchase project from draft to closed, through the pages only, in headless Chromium, each role
logging in in turn; time moves on the app's ManualClock between steps (notice, bid deadline, challenges).

Runs against the session app served on a free local port, with CSRF protection switched on. Reading the
database to assert is allowed; every change goes through a click or a keystroke.
"""
import re
from datetime import timedelta
from decimal import Decimal

from procure import clock as app_clock
from procure.extensions import db
from procure.payments.models import Payment
from procure.projects.models import Project

from .pages import Walk, expect, local_input, needs_browser, read, screenshot_on_failure, select_by_text

pytestmark = needs_browser

TITLE = "幸福社区长者助餐服务"
FIRMS = {"evaluator": "明镜评估事务所", "evaluator2": "公信第三方评估中心"}
AMOUNT = Decimal("37600.00")  # the winning bid; milestones 40 % and 60 %
FIRST_INSTALMENT = Decimal("15040.00")
RESIDENTS = ["very_satisfied", "satisfied"]  # SURVEY_MIN_RESPONSES is lowered to 2: satisfaction 100 %
# The one sheet all three parties submit (default template, procure/performance_evaluation/templates.py): every
# indicator at its best but effect.social, 4 of 5 = 80. Total = 100 − 20 (效益) × 30 (its weight) × (100 − 80) ÷ 10,000
# = 98.80: 优, so the final instalment is paid in full.
SHEET = {"decision.basis": "5", "decision.goals": "5", "implementation.funds": "1", "implementation.rules": "5",
         "implementation.schedule": ("2", "2"), "output.quantity": ("120", "120"), "output.quality": ("50", "50"),
         "output.beneficiaries": ("120", "126"), "effect.social": "4", "effect.sustainability": "5"}
TOTAL = Decimal("98.80")

# The audit actions the timeline must show, oldest first, for the road this test walks.
EXPECTED_TIMELINE = [
    "create", "publish_notice", "submit", "start_review", "approve", "list_in_catalogue", "open_tender",
    "submit_bid", "submit_bid", "appoint_panel_member", "appoint_panel_member", "score_bid", "score_bid",
    "score_bid", "score_bid", "award", "publish_award_notice", "sign_contract", "publish_contract",
    "start_delivery", "report_milestone", "report_milestone", "report_completion", "confirm_milestone",
    "record_payment",
    "draw_evaluator", "declare_conflict", "declare_personal", "start_acceptance", "record_site_visit",
    *["judge_item"] * 5,  # one per checklist item: the contract's content and targets, and its two milestones
    "confirm_acceptance", "accept", "open_survey", "issue_survey_tokens",  # residents' answers are not audited
    "submit_scores", "submit_scores", "submit_scores", "evaluate", "record_payment", "close",
]


def test_purchase_project_from_draft_to_closed(live_server, browser_page, clock, app):
    min_responses = app.config["SURVEY_MIN_RESPONSES"]
    app.config["SURVEY_MIN_RESPONSES"] = len(RESIDENTS)
    try:
        project_id = walk_from_draft_to_closed(live_server, browser_page, clock)
    finally:
        app.config["SURVEY_MIN_RESPONSES"] = min_responses
    state, score, grade = read(lambda: db.session.execute(
        db.select(Project.state, Project.score, Project.grade).where(Project.id == project_id)).one())
    assert (state, score, grade) == ("closed", TOTAL, "excellent")
    paid = read(lambda: db.session.scalars(db.select(Payment.amount).filter_by(project_id=project_id)
                                           .order_by(Payment.id)).all())
    assert paid == [FIRST_INSTALMENT, AMOUNT - FIRST_INSTALMENT]


def walk_from_draft_to_closed(live_server, page, clock) -> int:
    """Every step through the pages; the project's id."""
    walk = Walk(page, live_server, clock)
    with screenshot_on_failure(page, "walkthrough-failure"):
        # -- the community proposes, with budget lines and the residents' council, and publishes the notice
        walk.login("community")
        page.get_by_test_id("new-project").click()
        form = page.get_by_test_id("proposal-form")
        today = app_clock.local(clock()).date()
        form.get_by_label("项目名称").fill(TITLE)
        form.get_by_label("资金支持形式").select_option("purchase")
        form.get_by_label("服务类别").select_option("A0101")
        form.get_by_label("申请金额（元）").fill("40000.00")
        form.get_by_label("实施地点").fill("社区党群服务中心")
        form.get_by_label("开始日期").fill((today + timedelta(days=90)).isoformat())
        form.get_by_label("结束日期").fill((today + timedelta(days=330)).isoformat())
        form.get_by_label("需求分析").fill("辖区独居和高龄老人约120人，午餐难以保障。")
        form.get_by_label("直接受益对象", exact=True).fill("独居及高龄老人")
        form.get_by_label("直接受益人数", exact=True).fill("120")
        form.get_by_label("间接受益对象", exact=True).fill("老人的家属")
        form.get_by_label("间接受益人数", exact=True).fill("300")
        form.get_by_label("项目负责人", exact=True).fill("王建华")
        form.get_by_label("联系人（不公开）", exact=True).fill("李晓燕")
        form.get_by_label("联系电话（不公开）", exact=True).fill("0571-86001234")
        form.get_by_label("项目团队（成员及分工）", exact=True).fill("社工2名负责协调，志愿者12名送餐。")
        form.get_by_label("项目目标").fill("每周五天午餐配送，满意度90%以上。")
        form.get_by_test_id("budget-item-0").fill("餐食及配送")
        form.get_by_test_id("budget-amount-0").fill("24000.00")
        form.get_by_test_id("add-budget-line").click()
        form.get_by_test_id("budget-item-1").fill("人员及管理")
        form.get_by_test_id("budget-amount-1").fill("16000.00")
        expect(form.locator("[data-budget-total]")).to_have_text("40,000.00")
        expect(form.locator("[data-budget-summary]")).to_have_class(re.compile(r"\bis-ok\b"))
        form.get_by_label("议事会日期").fill((today - timedelta(days=3)).isoformat())
        form.get_by_label("应到成员数").fill("15")
        form.get_by_label("实到成员数").fill("12")
        form.get_by_label("赞成票").fill("11")
        form.get_by_label("反对票").fill("1")
        form.get_by_label("会议纪要").fill("议事会讨论了助餐需求，表决通过申报。")
        with page.expect_navigation():
            form.get_by_test_id("save-proposal").click()
        expect(page.locator(".flash-success")).to_contain_text("项目已保存为草稿")
        walk.project_url = page.url
        project_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        walk.expect_state("draft")
        walk.fire("publish_notice", "发布社区公示", state="notice")

        # -- the notice runs five working days; then the community submits
        clock.advance(days=12)
        walk.open_project()
        walk.fire("submit", "提交审核", state="submitted")

        # -- the reviewer reviews and approves, with the negative list checked
        walk.login("reviewer")
        walk.open_project()
        walk.fire("start_review", "开始审核", state="under_review")

        def approve(form):
            expect(form.get_by_label("批准金额（元）")).to_have_value("40000.00")
            form.get_by_label("已核对负面清单").check()
            form.get_by_label("审核意见").fill("需求真实，预算合理，同意立项。")
        walk.fire("approve", "批准", approve, state="approved")

        # -- the bureau lists it in the catalogue and opens a tender by competitive consultation
        walk.login("bureau")
        walk.open_project()
        walk.fire("list_in_catalogue", "列入购买服务目录", state="cataloged")
        # The tender waits for the catalogue in force: the action says why; the bureau publishes the catalogue
        # on its page, and brings it into force once its notice (five working days) has run.
        expect(page.get_by_test_id("action-open_tender")).to_contain_text("年度购买服务目录尚未生效")
        catalogue_url = f"{live_server}/catalogues/{app_clock.local(clock()).year}"
        page.goto(catalogue_url)
        walk.submit(page.get_by_test_id("publish-form"), "publish-submit", "目录已发布")
        clock.advance(days=10)
        page.goto(catalogue_url)
        walk.submit(page.get_by_test_id("in-force-form"), "in-force-submit", "目录已生效")
        walk.open_project()
        deadline = clock() + timedelta(days=10)

        def tender(form):
            select_by_text(form.get_by_label("采购方式"), "竞争性磋商")
            form.get_by_label("投标截止时间").fill(local_input(deadline, with_time=True))
            form.get_by_label("采购需求").fill("为辖区独居、高龄老人提供助餐配送服务，建立服务台账。")
            expect(form.get_by_label("价格分（满分）")).to_have_value("10")
            expect(form.get_by_test_id("fire-open_tender-criteria-0-name")).to_have_value("服务方案")
        walk.fire("open_tender", "发布采购公告", tender, state="tendering")

        # -- two providers bid before the deadline
        for username, price in (("provider", "38800.00"), ("provider2", "37600.00")):
            walk.as_(username)
            bid = page.get_by_test_id("bid-form")
            bid.get_by_label("报价（元）").fill(price)
            bid.get_by_label("服务方案").fill("组建专业团队，按月开展助餐服务并建立台账。")
            walk.submit(bid, "bid-submit", "响应文件已提交")

        # -- after the deadline the bureau appoints a panel of two, who score both bids
        clock.advance(days=11)
        walk.as_("bureau")
        expect(page.get_by_test_id("bids")).to_contain_text("37,600.00")
        for member in ("evaluator · ", "evaluator2 · "):
            form = walk.open_details("appoint-panel")
            select_by_text(form.get_by_label("评审专家"), member)
            walk.submit(form, "appoint-panel-submit", "评审小组成员已指定")
        for member in ("evaluator", "evaluator2"):
            walk.as_(member)
            for name, points in (("阳光社会工作服务中心", ("30", "25", "15")), ("同心社工事务所", ("36", "27", "18"))):
                block = page.get_by_test_id("tender").locator(".subaction-block", has_text=name)
                for criterion, value in zip(("服务方案", "团队与资质", "类似项目经验"), points):
                    block.get_by_label(criterion).fill(value)
                walk.submit(block.locator("form"), re.compile(r"^score-\d+-submit$"), "评分已保存")

        # -- the bureau awards the top-ranked bid and publishes the award notice
        walk.as_("bureau")
        expect(page.get_by_test_id("rank-1")).to_contain_text("同心社工事务所")

        def award(form):
            expect(form.get_by_label("中标（成交）响应").locator("option:checked")).to_contain_text("同心社工事务所")
        walk.fire("award", "确定承接方", award, state="awarded")
        walk.submit(page.get_by_test_id("award-notice-form"), "award-notice-submit", "中标（成交）公告已发布")

        # -- once the challenge period is over, the contract with two milestones, then its publication
        clock.advance(days=20)
        walk.open_project()
        start = app_clock.local(clock()).date() + timedelta(days=3)

        def contract(form):
            expect(form.get_by_label("金额（元）")).to_have_value("37600.00")
            form.get_by_label("开始日期").fill(start.isoformat())
            form.get_by_label("结束日期").fill((start + timedelta(days=300)).isoformat())
            form.get_by_test_id("fire-sign_contract-milestones-0-name").fill("项目启动及中期评估")
            form.get_by_test_id("fire-sign_contract-milestones-0-percent").fill("40")
            form.get_by_test_id("fire-sign_contract-milestones-0-due").fill((start + timedelta(days=120)).isoformat())
            form.get_by_test_id("fire-sign_contract-add-milestones").click()
            form.get_by_test_id("fire-sign_contract-milestones-1-name").fill("项目完成")
            form.get_by_test_id("fire-sign_contract-milestones-1-percent").fill("60")
            form.get_by_test_id("fire-sign_contract-milestones-1-due").fill((start + timedelta(days=300)).isoformat())
            expect(form.locator("[data-percent-total]")).to_contain_text("100%")
            form.get_by_label("服务内容").fill("为辖区高龄、独居老人提供助餐配送和上门探访服务。")
            form.get_by_label("数量指标").fill("每周配送午餐5天，服务老人不少于120人。")
            form.get_by_label("质量指标").fill("按时送达率不低于95%，满意度不低于90%。")
            form.get_by_label("履约保证金（元）").fill("1880.00")
            form.get_by_label("承接方已声明不转包、不分包").check()
            expect(form.get_by_label("合同签订日期")).to_have_value(app_clock.local(clock()).date().isoformat())
        walk.fire("sign_contract", "签订合同", contract, state="contracted")
        expect(page.get_by_test_id("implementer")).to_have_text("同心社工事务所")
        walk.submit(page.get_by_test_id("publish-contract-form"), "publish-contract-submit", "合同已公开")
        expect(page.get_by_test_id("contract-publication")).to_contain_text("已于")

        # -- the winning provider delivers, reports both milestones and completion
        walk.login("provider2")
        walk.open_project()
        walk.fire("start_delivery", "开始实施", state="in_delivery")
        for name in ("项目启动及中期评估", "项目完成"):
            clock.advance(days=60)
            walk.open_project()
            report = page.get_by_test_id("milestone-report-form")
            select_by_text(report.locator("select[name=milestone_id]"), name)
            report.get_by_label("节点完成情况").fill(f"{name}：按计划完成，附服务台账。")
            walk.submit(report, "milestone-report-submit", "节点完成情况已报告")
        walk.fire("report_completion", "报告完成",
                  lambda form: form.get_by_label("完成情况总结").fill("全部服务按合同完成，共服务1,260人次。"),
                  state="delivered")

        # -- the community confirms the first milestone as met; until then the bureau's page holds its payment
        walk.as_("bureau")
        schedule = page.get_by_test_id("payment-schedule")
        expect(schedule.locator("tr[data-status=held]")).to_have_count(2)
        expect(schedule).to_contain_text("节点“项目启动及中期评估”待社区确认完成情况后支付")
        walk.as_("community")
        item = page.get_by_test_id("confirmations").locator("li.item", has_text="项目启动及中期评估")
        item.locator("summary").click()
        confirm = item.locator("form")
        confirm.get_by_label("确认结果").select_option("met")
        confirm.get_by_label("确认意见").fill("经核查服务台账和签到表，本节点已按合同完成。")
        with page.expect_navigation():
            confirm.locator("button[type=submit]").click()
        expect(page.locator(".flash-success")).to_contain_text("节点完成情况已确认")

        # -- the bureau pays the first milestone's instalment the page offers, then draws an evaluation firm
        clock.advance(days=2)
        walk.as_("bureau")
        expect(page.get_by_test_id("payable-now")).to_contain_text(f"现可支付 {FIRST_INSTALMENT:,.2f} 元")
        payment = walk.open_details("payment")
        expect(payment.get_by_label("付款类型")).to_have_value("milestone")
        expect(payment.get_by_label("金额（元）")).to_have_value(f"{FIRST_INSTALMENT:.2f}")
        expect(payment.get_by_label("对应节点").locator("option:checked")).to_have_text("项目启动及中期评估（40%）")
        walk.submit(payment, "payment-submit", "付款已登记")
        expect(schedule.locator("tr[data-status=settled]")).to_have_count(1)
        firm_user = walk.draw_evaluator(FIRMS)

        # -- the firm declares none, then its evaluator for themself; the bureau starts acceptance
        walk.as_(firm_user)
        walk.declare_no_conflict()
        walk.as_("bureau")
        walk.fire("start_acceptance", "启动第三方验收", lambda form: None, state="under_acceptance")

        # -- the evaluator visits and finds every checklist item met; the community confirms; the evaluator
        #    accepts
        clock.advance(days=5)
        walk.as_(firm_user)
        walk.record_site_visit("社区党群服务中心及助餐点", "评估机构2人、社区工作人员1人、居民代表3人",
                               "查阅服务台账，走访服务对象6户，服务记录完整。")
        walk.judge_checklist()
        walk.as_("community")
        walk.confirm_acceptance("经居民代表现场核实，同意验收。", residents="3")
        walk.as_(firm_user)
        walk.accept("服务数量、质量均达到合同要求，验收合格。")

        # -- the community opens the satisfaction survey and hands out codes; two residents answer
        walk.as_("community")
        survey_path = walk.open_survey()
        codes = walk.issue_survey_codes(len(RESIDENTS))
        walk.residents_answer(survey_path, codes, RESIDENTS, title=TITLE)

        # -- the three parties submit the same sheet, so nothing diverges; the evaluator evaluates
        clock.advance(days=7)
        for party in (firm_user, "bureau", "community"):
            walk.as_(party)
            walk.submit_sheet(SHEET)
        walk.as_(firm_user)
        expect(page.get_by_test_id("evaluation").locator("tr.divergence-row")).to_have_count(0)
        walk.evaluate("项目管理规范，服务台账完整，居民满意度高。")
        expect(page.get_by_test_id("total-score")).to_have_text(f"{TOTAL}")
        expect(page.get_by_test_id("grade")).to_have_text("优")

        # -- the bureau pays the final instalment the grade allows (优: all of it) and closes
        clock.advance(days=10)
        walk.as_("bureau")
        final = AMOUNT - FIRST_INSTALMENT
        assert walk.pay_final("按绩效评价等级“优”足额支付尾款。", due=final) == final
        expect(page.get_by_test_id("paid-total")).to_contain_text("已支付 37,600.00 元 / 应付 37,600.00 元")
        walk.fire("close", "结项", state="closed")
        expect(page.locator(".project-head .badge")).to_have_text("已结项")

        # -- the timeline shows every step, oldest first, ending in 已结项
        items = page.get_by_test_id("timeline").locator("li")
        assert items.evaluate_all("nodes => nodes.map(n => n.dataset.action)") == EXPECTED_TIMELINE
        expect(items.last).to_contain_text("已评价 → 已结项")
        expect(items.nth(1)).to_contain_text("草稿 → 社区公示")
    return project_id
