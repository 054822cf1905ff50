"""The procurement acceptance test: a catalogued project is tendered, bid for, scored by a panel, ranked,
awarded, challenged, contracted, delivered, confirmed and paid but for the final instalment (which waits for
the performance evaluation: test_walkthrough.py and test_evaluation.py pay it), through the pages only, in
headless Chromium, each role logging in in turn; time moves on the app's ManualClock between steps.

The project is driven to `cataloged`, its catalogue in force, in the database beforehand
(procure.demo.journey), and the third provider is made related to the first (the same legal representative).
Reading the database to assert is allowed; every change after the set-up goes through a click or a keystroke.
"""
import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from procure import clock as app_clock
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.projects.models import Project

from .pages import Walk, expect, local_input, needs_browser, read, screenshot_on_failure, select_by_text

pytestmark = needs_browser

CENT = Decimal("0.01")
PRICE_WEIGHT = 10
CRITERIA = [("服务方案与实施计划", "需求分析、服务内容与进度安排", 45),
            ("团队专业能力", "社工持证人数及督导安排", 30),
            ("社区服务经验", "近三年类似项目的数量与成效", 15)]
PRICES = {"provider": Decimal("38800.00"), "provider2": Decimal("37600.00")}
NAMES = {"provider": "阳光社会工作服务中心", "provider2": "同心社工事务所", "provider3": "乐龄养老服务中心"}
# Each panel member's points per bidder, criterion by criterion (as typed on the page).
POINTS = {"evaluator": {"provider": ("40", "27", "13.5"), "provider2": ("35", "24", "12")},
          "evaluator2": {"provider": ("42", "26.5", "14"), "provider2": ("36", "25", "11.25")}}
MILESTONES = [("项目启动及中期评估", 40), ("项目完成", 60)]


def expected_ranking() -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(bidder, technical, price score, total), best first: lowest ÷ price × 10 plus the mean technical points."""
    lowest = min(PRICES.values())
    rows = []
    for bidder, price in PRICES.items():
        sums = [sum(Decimal(p) for p in POINTS[member][bidder]) for member in POINTS]
        technical = (sum(sums) / len(sums)).quantize(CENT, ROUND_HALF_UP)
        on_price = (lowest / price * PRICE_WEIGHT).quantize(CENT, ROUND_HALF_UP)
        rows.append((bidder, technical, on_price, technical + on_price))
    return sorted(rows, key=lambda row: -row[3])


def catalogued_project(journey, world) -> int:
    """A purchase project on the catalogue, and provider3 sharing provider's legal representative."""
    project = journey.create(title="幸福社区长者助餐服务")
    journey.in_force(journey.drive(project, "cataloged"))  # its catalogue published and in force
    related = db.session.get(Organisation, world["provider3"].organisation_id)
    related.legal_representative = db.session.get(Organisation, world["provider"].organisation_id).legal_representative
    db.session.commit()
    return read(lambda: project.id)


def test_tender_award_contract_delivery_and_payment(live_server, browser_page, clock, journey, world):
    page = browser_page
    project_id = catalogued_project(journey, world)
    walk = Walk(page, live_server, clock)
    walk.project_url = f"{live_server}/projects/{project_id}"
    ranking = expected_ranking()
    winner, loser = ranking[0][0], ranking[1][0]
    amount = PRICES[winner]
    with screenshot_on_failure(page, "procurement-failure"):
        # -- the bureau publishes the tender notice: 竞争性磋商, three criteria typed in, price weight 10
        walk.as_("bureau")
        walk.expect_state("cataloged")
        deadline = clock() + timedelta(days=10)

        def tender(form):
            select_by_text(form.get_by_label("采购方式"), "竞争性磋商")
            form.get_by_label("投标截止时间").fill(local_input(deadline, with_time=True))
            form.get_by_label("采购需求").fill("为辖区独居、高龄老人提供每周五天午餐配送和每月两次上门探访。")
            form.get_by_label("价格分（满分）").fill(str(PRICE_WEIGHT))
            table = form.get_by_test_id("fire-open_tender-criteria-table")
            while table.locator("tbody tr").count():  # the suggested rows go; ours are added one by one
                table.locator("tbody tr").first.get_by_role("button", name="删除").click()
            for index, (name, description, points) in enumerate(CRITERIA):
                form.get_by_test_id("fire-open_tender-add-criteria").click()
                form.get_by_test_id(f"fire-open_tender-criteria-{index}-name").fill(name)
                form.get_by_test_id(f"fire-open_tender-criteria-{index}-description").fill(description)
                form.get_by_test_id(f"fire-open_tender-criteria-{index}-max_points").fill(str(points))
        walk.fire("open_tender", "发布采购公告", tender, state="tendering")
        expect(page.get_by_test_id("criteria")).to_contain_text(CRITERIA[0][0])
        expect(page.get_by_test_id("price-weight")).to_have_text(str(PRICE_WEIGHT))

        # -- three providers bid; the third, related to the first, is refused with the reason on the page
        for username in ("provider", "provider2", "provider3"):
            clock.advance(hours=2)
            walk.as_(username)
            bid = page.get_by_test_id("bid-form")
            bid.get_by_label("报价（元）").fill(str(PRICES.get(username, Decimal("36000.00"))))
            bid.get_by_label("服务方案").fill("组建专业团队，按月开展助餐和探访服务并建立台账。")
            bid.get_by_label("项目团队及资质").fill("项目负责人为中级社会工作师，团队4人均持证。")
            if username == "provider3":
                walk.refused(bid, "bid-submit", f"{NAMES['provider']} 与本机构存在关联关系")
            else:
                walk.submit(bid, "bid-submit", "响应文件已提交")

        # -- the deadline passes; the bureau appoints two evaluators to the panel
        clock.advance(days=11)
        walk.as_("bureau")
        expect(page.get_by_test_id("bids").locator("tbody tr")).to_have_count(2)
        for member in ("evaluator", "evaluator2"):
            form = walk.open_details("appoint-panel")
            select_by_text(form.get_by_label("评审专家"), f"{member} · ")
            walk.submit(form, "appoint-panel-submit", "评审小组成员已指定")
        expect(page.get_by_test_id("panel").locator("tbody tr")).to_have_count(2)

        # -- each evaluator scores both bids
        for member, given in POINTS.items():
            clock.advance(hours=3)
            walk.as_(member)
            for bidder, points in given.items():
                block = page.get_by_test_id("tender").locator(".subaction-block", has_text=NAMES[bidder])
                for (criterion, _, _), value in zip(CRITERIA, points):
                    block.get_by_label(criterion).fill(value)
                walk.submit(block.locator("form"), re.compile(r"^score-\d+-submit$"), "评分已保存")

        # -- the bureau sees the ranking, awards the top-ranked bid and publishes the award notice
        clock.advance(days=1)
        walk.as_("bureau")
        for rank, (bidder, technical, on_price, total) in enumerate(ranking, 1):
            expect(page.get_by_test_id(f"rank-{rank}")).to_contain_text(NAMES[bidder])
            expect(page.get_by_test_id(f"rank-{rank}-technical")).to_have_text(f"{technical:.2f}")
            expect(page.get_by_test_id(f"rank-{rank}-price-score")).to_have_text(f"{on_price:.2f}")
            expect(page.get_by_test_id(f"rank-{rank}-total")).to_have_text(f"{total:.2f}")

        def award(form):
            expect(form.get_by_label("中标（成交）响应").locator("option:checked")).to_contain_text(NAMES[winner])
            form.get_by_label("说明").fill("综合评分第一名。")
        walk.fire("award", "确定承接方", award, state="awarded")
        walk.submit(page.get_by_test_id("award-notice-form"), "award-notice-submit", "中标（成交）公告已发布")
        expect(page.get_by_test_id("award-notice")).to_contain_text("质疑期至")

        # -- the losing bidder files a challenge; the bureau answers it
        clock.advance(days=2)
        walk.as_(loser)
        form = walk.open_details("challenge")
        form.get_by_label("质疑事项").fill("我方报价最低，请说明技术得分的评审依据。")
        walk.submit(form, "challenge-submit", "质疑已提交")
        clock.advance(days=1)
        walk.as_("bureau")
        challenge = page.locator("li[data-testid^='challenge-']")
        expect(challenge).to_contain_text("我方报价最低")
        challenge.get_by_label("答复").fill("评审小组按公告的评审因素独立评分，评分汇总已随公告公开。")
        walk.submit(challenge.locator("form"), re.compile(r"^answer-challenge-\d+-submit$"), "质疑答复已记录")
        expect(challenge).to_contain_text("评审小组按公告的评审因素独立评分")

        # -- after the challenge window the bureau signs the contract (milestones 40/60) and publishes it
        clock.advance(days=10)
        walk.open_project()
        start = app_clock.local(clock()).date() + timedelta(days=3)
        end = start + timedelta(days=300)

        def contract(form):
            expect(form.get_by_label("金额（元）")).to_have_value(f"{amount:.2f}")
            form.get_by_label("开始日期").fill(start.isoformat())
            form.get_by_label("结束日期").fill(end.isoformat())
            form.get_by_label("服务内容").fill("为辖区高龄、独居老人提供助餐配送、上门探访服务，建立服务台账。")
            form.get_by_label("数量指标").fill("每周配送午餐5天，服务老人不少于120人；每月上门探访不少于2次。")
            form.get_by_label("质量指标").fill("按时送达率不低于95%，服务对象满意度不低于90%。")
            form.get_by_label("履约保证金（元）").fill(f"{amount * Decimal('0.05'):.2f}")
            form.get_by_label("承接方已声明不转包、不分包").check()
            for index, ((name, percent), due) in enumerate(zip(MILESTONES, (start + timedelta(days=120), end))):
                if index:
                    form.get_by_test_id("fire-sign_contract-add-milestones").click()
                form.get_by_test_id(f"fire-sign_contract-milestones-{index}-name").fill(name)
                form.get_by_test_id(f"fire-sign_contract-milestones-{index}-percent").fill(str(percent))
                form.get_by_test_id(f"fire-sign_contract-milestones-{index}-due").fill(due.isoformat())
            expect(form.locator("[data-percent-total]")).to_contain_text("100%")
        walk.fire("sign_contract", "签订合同", contract, state="contracted")
        expect(page.get_by_test_id("implementer")).to_have_text(NAMES[winner])
        expect(page.get_by_test_id("contract-amount")).to_contain_text(f"{amount:,.2f}")
        walk.submit(page.get_by_test_id("publish-contract-form"), "publish-contract-submit", "合同已公开")
        expect(page.get_by_test_id("contract-publication")).to_contain_text("已于")

        # -- the provider starts delivery, logs a service record and reports both milestones
        clock.advance(days=3)
        walk.as_(winner)
        walk.fire("start_delivery", "开始实施", state="in_delivery")
        form = walk.open_details("service-record")
        form.get_by_label("服务地点").fill("社区党群服务中心")
        form.get_by_label("服务内容").fill("午餐配送及健康讲座")
        form.get_by_label("参与人数").fill("35")
        form.get_by_label("服务时长（小时）").fill("3.5")
        walk.submit(form, "service-record-submit", "服务记录已登记")
        expect(page.get_by_test_id("service-records")).to_contain_text("午餐配送及健康讲座")
        for name, _ in MILESTONES:
            clock.advance(days=60)
            walk.open_project()
            report = walk.open_details("milestone-report")
            select_by_text(report.locator("select[name=milestone_id]"), name)
            report.get_by_label("节点完成情况").fill(f"{name}：按计划完成，附服务台账。")
            walk.submit(report, "milestone-report-submit", "节点完成情况已报告")

        # -- the community confirms both milestones as met
        clock.advance(days=2)
        walk.as_("community")
        for name, _ in MILESTONES:
            item = page.get_by_test_id("confirmations").locator("li", has_text=name)
            item.locator("summary").click()
            form = item.locator("form")
            form.get_by_label("确认结果").select_option("met")
            form.get_by_label("确认意见").fill(f"{name}：经走访核实，已按合同完成。")
            walk.submit(form, re.compile(r"^confirm-\d+-submit$"), "节点完成情况已确认")
        expect(page.get_by_test_id("progress")).to_contain_text("100")

        # -- the provider requests payment for the first milestone; the bureau approves it
        (name, percent), last = MILESTONES
        clock.advance(days=1)
        walk.as_(winner)
        form = walk.open_details("payment-request")
        select_by_text(form.get_by_label("对应节点"), name)
        form.get_by_label("申请金额（元）").fill(f"{amount * percent / 100:.2f}")
        form.get_by_label("说明").fill(f"{name}已经社区确认达成，申请支付该节点款项。")
        walk.submit(form, "payment-request-submit", "付款申请已提交")
        clock.advance(days=1)
        walk.as_("bureau")
        request = page.get_by_test_id("payment-requests").locator("li", has_text="待审批")
        expect(request).to_contain_text(name)
        request.locator("details[data-testid^='approve-request-'] summary").click()
        walk.submit(request.locator("form[data-testid^='approve-request-']"),
                    re.compile(r"^approve-request-\d+-submit$"), "付款申请已批准")

        # -- the last milestone's payment (the final instalment) is refused before the performance evaluation
        clock.advance(days=1)
        walk.as_(winner)
        form = walk.open_details("payment-request")
        select_by_text(form.get_by_label("对应节点"), last[0])
        form.get_by_label("申请金额（元）").fill(f"{amount * last[1] / 100:.2f}")
        form.get_by_label("说明").fill(f"{last[0]}已经社区确认达成，申请支付该节点款项。")
        walk.refused(form, "payment-request-submit", "绩效评价完成后方可支付尾款（最后一期款项）")

        # -- all but the final instalment is paid and delivery is complete
        walk.as_("bureau")
        paid = (amount * percent / 100).quantize(CENT)
        expect(page.get_by_test_id("paid-total")).to_contain_text(
            f"已支付 {paid:,.2f} 元 / 应付 {amount:,.2f} 元")
        expect(page.get_by_test_id("progress")).to_contain_text("100")
        expect(page.get_by_test_id("payment-requests")).not_to_contain_text("待审批")

    state, implementer = read(lambda: db.session.execute(
        db.select(Project.state, Project.implementer_id).where(Project.id == project_id)).one())
    assert (state, implementer) == ("in_delivery", read(lambda: world[winner].organisation_id))
