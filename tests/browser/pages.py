"""What the browser tests share: the skip rule, reading the database between steps, and the Walk (one
method per gesture a person makes on the pages)."""
import importlib.util
import os
import re
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import PASSWORD
from procure import clock as app_clock
from procure.extensions import db

try:
    from playwright.sync_api import expect
except ImportError:  # the tests skip (see needs_browser) unless PROCURE_REQUIRE_BROWSER=1
    expect = None

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

_have_browser = os.path.exists(CHROMIUM) and importlib.util.find_spec("playwright") is not None
needs_browser = pytest.mark.skipif(not _have_browser and os.environ.get("PROCURE_REQUIRE_BROWSER") != "1",
                                   reason=f"Playwright or Chromium at {CHROMIUM} not found (set CHROMIUM_PATH)")


def read(fn):
    """Read the database from the test thread, then end the transaction at once so the server can write."""
    try:
        return fn()
    finally:
        db.session.rollback()


def local_input(moment, with_time=False) -> str:
    return app_clock.local(moment).strftime("%Y-%m-%dT%H:%M" if with_time else "%Y-%m-%d")


def select_by_text(select, text):
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


@contextmanager
def screenshot_on_failure(page, name):
    """On failure, keep a full-page screenshot and the HTML of the page the test was on in test-artifacts/."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        raise


class Walk:
    """The steps a person takes on the pages, one method per gesture."""

    def __init__(self, page, base, clock):
        self.page, self.base, self.clock = page, base, clock
        self.project_url = None
        page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" of irreversible actions

    def login(self, username, shown=None):
        """Log in as `username`; the header then shows `shown` (the username, or a resident's real name)."""
        page = self.page
        if page.get_by_role("button", name="退出").count():
            with page.expect_navigation():
                page.get_by_role("button", name="退出").click()
            expect(page.locator(".flash-info")).to_contain_text("您已退出登录")
        else:
            page.goto(self.base + "/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        expect(page.get_by_test_id("current-user")).to_contain_text(shown or username)

    def as_(self, username):
        """Log in as `username` and open the project page."""
        self.login(username)
        self.open_project()

    def open_project(self):
        self.page.goto(self.project_url)
        expect(self.page.get_by_test_id("timeline")).to_be_visible()

    def expect_state(self, state):
        expect(self.page.locator(".project-head .badge")).to_have_attribute("data-state", state)

    def submit(self, form, testid, flash):
        with self.page.expect_navigation():
            form.get_by_test_id(testid).click()
        expect(self.page.locator(".flash-success")).to_contain_text(flash)

    def refused(self, form, testid, reason):
        """Send a form the app refuses: the page comes back with the reason shown in that form."""
        with self.page.expect_navigation():
            form.get_by_test_id(testid).click()
        expect(self.page.locator(".flash-success")).to_have_count(0)
        expect(self.page.get_by_test_id("refusal")).to_contain_text(reason)

    def open_details(self, testid):
        """Open a folded sub-action (a <details>) unless it is open already; answer its form."""
        details = self.page.get_by_test_id(testid)
        if details.get_attribute("open") is None:
            details.locator("summary").first.click()
        form = details.get_by_test_id(f"{testid}-form")
        expect(form).to_be_visible()
        return form

    def fire(self, trigger, label, fill=None, state=None):
        """Open the action, fill its form, send it, and land back on the project page."""
        page = self.page
        action = page.get_by_test_id(f"action-{trigger}")
        action.locator("summary").click()
        form = page.get_by_test_id(f"action-{trigger}-form")
        expect(form).to_be_visible()
        if fill:
            fill(form)
        self.submit(form, f"action-{trigger}-submit", f"已完成：{label}")
        if state:
            self.expect_state(state)

    # ---- evaluation firm, acceptance, survey, scoring and the final payment (issue 4) ----

    def draw_evaluator(self, firms) -> str:
        """The bureau draws an evaluation firm at random; the username (a key of `firms`, username → firm name)
        whose firm was drawn."""
        self.submit(self.page.get_by_test_id("draw-evaluator-form"), "draw-evaluator-submit", "已随机抽取第三方评估机构")
        expect(self.page.get_by_test_id("evaluator-draws")).to_be_visible()
        drawn = self.page.get_by_test_id("assigned-evaluator").inner_text()
        return next(user for user, name in firms.items() if name in drawn)

    def declare_no_conflict(self):
        """The drawn firm's evaluator declares no conflict, first for the firm, then for themself."""
        page = self.page
        expect(page.get_by_test_id("declare-first")).to_be_visible()
        declaration = page.get_by_test_id("declare-form")
        expect(declaration.get_by_label("存在利益冲突")).not_to_be_checked()
        declaration.get_by_label("声明内容").fill("本机构与承接方及社区无任何隶属、控制或合作关系。")
        self.submit(declaration, "declare-submit", "利益冲突声明已提交")
        personal = page.get_by_test_id("declare-personal-form")
        personal.get_by_label("声明内容").fill("本人与承接方及社区无亲属、经济或其他利益关系。")
        self.submit(personal, "declare-personal-submit", "本人利益冲突声明已提交")
        expect(page.get_by_test_id("declarations")).to_contain_text("无利益冲突")

    def record_site_visit(self, place, people, findings):
        form = self.open_details("site-visit")
        form.get_by_label("走访地点").fill(place)
        form.get_by_label("参加人员").fill(people)
        form.get_by_label("现场情况").fill(findings)
        self.submit(form, "site-visit-submit", "现场走访已登记")
        expect(self.page.get_by_test_id("site-visits")).to_contain_text(findings)

    def checklist_items(self) -> list[str]:
        """The ids of the acceptance checklist's items, in order."""
        return self.page.get_by_test_id("checklist").locator("tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.testid.replace('item-', ''))")

    def judge(self, item, finding=None):
        """Judge one checklist item: met, or not met with the finding."""
        form = self.open_details(f"judge-{item}")
        form.get_by_label("验收结论").select_option("not_met" if finding else "met")
        if finding:
            form.get_by_label("发现的问题").fill(finding)
        self.submit(form, f"judge-{item}-submit", "验收结论已保存")

    def judge_checklist(self, items=None, findings=None) -> list[str]:
        """Judge every item (all of the checklist unless `items`): met, unless `findings` (item → finding) has it."""
        items = self.checklist_items() if items is None else items
        for item in items:
            self.judge(item, (findings or {}).get(item))
        return items

    def confirm_acceptance(self, opinion, residents="5"):
        """The community (and its residents' representatives) agree that the service passes acceptance."""
        form = self.open_details("acceptance-confirmation")
        form.get_by_label("社区及居民代表同意验收通过").check()
        form.get_by_label("社区意见").fill(opinion)
        form.get_by_label("到场居民代表人数").fill(residents)
        self.submit(form, "acceptance-confirmation-submit", "验收确认已提交")

    def accept(self, report):
        self.fire("accept", "验收通过", lambda form: form.get_by_label("验收报告").fill(report), state="accepted")
        expect(self.page.get_by_test_id("document-acceptance_certificate")).to_be_visible()

    def open_survey(self) -> str:
        """The community opens the satisfaction survey; the public page's path."""
        self.submit(self.page.get_by_test_id("open-survey-form"), "open-survey-submit", "满意度调查已开启")
        path = re.sub(r"^https?://[^/]+", "", self.page.get_by_test_id("survey-url").inner_text().strip())
        assert path.startswith("/survey/"), path
        return path

    def issue_survey_codes(self, count) -> list[str]:
        """The community issues `count` codes; the slips page shows them (once)."""
        page = self.page
        form = self.open_details("issue-survey-tokens")
        form.get_by_label("发放数量（份）").fill(str(count))
        with page.expect_navigation():
            form.get_by_test_id("issue-survey-tokens-submit").click()
        expect(page.get_by_test_id("slip")).to_have_count(count)
        codes = [c.strip() for c in page.get_by_test_id("slips").locator(".code").all_inner_texts()]
        assert all(re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", c) for c in codes), codes
        return codes

    @contextmanager
    def resident(self):
        """A page in a browser context of its own, logged in as nobody: a resident's phone."""
        context = self.page.context.browser.new_context(locale="zh-CN")
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()

    def answer_survey(self, visitor, survey_path, code, answer, title=None, wants_continue="yes"):
        """A resident types the code and answers on the public survey page (no check of the outcome)."""
        visitor.goto(self.base + survey_path)
        if title:
            expect(visitor.get_by_role("heading", name=title)).to_be_visible()
        visitor.get_by_test_id("survey-token").fill(code)
        visitor.get_by_test_id(f"q-overall-{answer}").check()
        if wants_continue:
            visitor.get_by_test_id(f"q-wants_continue-{wants_continue}").check()
        with visitor.expect_navigation():
            visitor.get_by_test_id("survey-submit").click()

    def residents_answer(self, survey_path, codes, answers, title=None):
        """Each code's resident answers `overall` with its answer, and is thanked."""
        with self.resident() as visitor:
            for code, answer in zip(codes, answers, strict=True):
                self.answer_survey(visitor, survey_path, code, answer, title)
                expect(visitor.get_by_test_id("survey-thanks")).to_be_visible()

    def submit_sheet(self, sheet):
        """Fill the party's score sheet and submit it. `sheet`: indicator code → a value (a scale value, or "1"/"0"
        for a yes/no select) or (planned, actual) for a ratio."""
        form = self.page.get_by_test_id("score-sheet-form")
        for code, given in sheet.items():
            if isinstance(given, tuple):
                form.get_by_test_id(f"sheet-{code}-planned").fill(given[0])
                form.get_by_test_id(f"sheet-{code}-actual").fill(given[1])
                continue
            field = form.get_by_test_id(f"sheet-{code}-value")
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(given)
            else:
                field.fill(given)
        self.submit(form, "score-sheet-submit", "本方评分已提交")
        expect(self.page.get_by_test_id("own-sheet-submitted")).to_be_visible()

    def explain_divergence(self, code, explanation):
        form = self.page.get_by_test_id(f"divergence-{code}-form")
        form.get_by_test_id(f"divergence-{code}-explanation").fill(explanation)
        self.submit(form, f"divergence-{code}-submit", "差异说明已保存")

    def evaluate(self, findings, plan=None):
        """The evaluator finalises the evaluation (a 中 needs a rectification plan)."""
        def fill(form):
            form.get_by_label("评价发现与结论").fill(findings)
            if plan:
                form.get_by_label(re.compile("^整改计划")).fill(plan)
        self.fire("evaluate", "绩效评价", fill, state="evaluated")

    def pay_final(self, note, due=None) -> Decimal:
        """The bureau pays the final instalment the page offers as due (checked against `due` if given)."""
        form = self.page.get_by_test_id("payment-form")
        expect(form.get_by_label("付款类型")).to_have_value("final")
        amount = form.get_by_label("金额（元）")
        if due is not None:
            expect(amount).to_have_value(f"{due:.2f}")
        offered = Decimal(amount.input_value())
        form.get_by_label("备注").fill(note)
        self.submit(form, "payment-submit", "付款已登记")
        return offered

    # ---- volunteering: registration, activities, attendance, redemption (issue 6) ----

    def menu(self, name):
        """Follow a link of the main navigation."""
        with self.page.expect_navigation():
            self.page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()

    def register_volunteer(self, community, name, id_number, phone, username, skills=()):
        """A resident, not logged in, registers from the public menu (consenting to a masked name on the board),
        is told the application was received (the same answer whether or not the number or username was already
        registered) and signs in from there with the new username and password, landing on their own page."""
        page = self.page
        page.goto(self.base + "/")
        self.menu("志愿者注册")
        form = page.get_by_test_id("register-form")
        select_by_text(form.get_by_label("所在社区"), community)
        form.get_by_label("真实姓名").fill(name)
        form.get_by_label("居民身份证号码").fill(id_number)
        form.get_by_label("手机号码").fill(phone)
        for skill in skills:
            form.get_by_label(skill, exact=True).check()
        form.get_by_label("同意在积分明星榜上显示我的姓氏").check()
        form.get_by_label("用户名").fill(username)
        form.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation():
            form.get_by_role("button", name="注册").click()
        received = page.get_by_test_id("registration-received")
        expect(received).to_contain_text("注册申请已收到")
        with page.expect_navigation():
            received.get_by_role("link", name="登录").click()
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        expect(page.get_by_test_id("current-user")).to_contain_text(name)

    def publish_activity(self, title, category, place, starts, ends, places=10) -> str:
        """Community staff publish a volunteer activity from the activities page; the activity page's URL."""
        page = self.page
        self.menu("志愿活动")
        with page.expect_navigation():
            page.get_by_role("link", name="发布活动").click()
        form = page.get_by_test_id("activity-form")
        form.get_by_label("活动名称").fill(title)
        select_by_text(form.get_by_label("服务类别"), category)
        form.get_by_label("招募人数").fill(str(places))
        form.get_by_label("活动地点").fill(place)
        form.get_by_label("开始时间").fill(local_input(starts, with_time=True))
        form.get_by_label("结束时间").fill(local_input(ends, with_time=True))
        with page.expect_navigation():
            form.get_by_role("button", name="发布").click()
        expect(page.locator(".flash-success")).to_contain_text("活动已发布")
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        return page.url

    def add_reward(self, name, price, stock):
        """Community staff add an item to their community's redemption catalogue."""
        self.menu("积分兑换")
        form = self.page.get_by_test_id("add-item-form")
        form.get_by_label("名称").fill(name)
        form.get_by_label("所需积分（整数）").fill(str(price))
        form.get_by_label("库存数量").fill(str(stock))
        self.submit(form, "add-item-submit", "兑换物品已添加")

    def sign_up_for(self, title):
        """A resident finds the activity under 志愿活动 and signs up."""
        page = self.page
        self.menu("志愿活动")
        with page.expect_navigation():
            page.get_by_test_id("activity-table").get_by_role("link", name=title).click()
        with page.expect_navigation():
            page.get_by_role("button", name="报名参加").click()
        expect(page.locator(".flash-success")).to_contain_text("报名成功")
        expect(page.get_by_test_id("my-status")).to_have_text("已报名")

    def open_attendance(self, title):
        """The organiser opens the activity's 签到签退 page from the activities list."""
        page = self.page
        self.menu("志愿活动")
        with page.expect_navigation():
            page.get_by_test_id("activity-table").get_by_role("link", name=title).click()
        with page.expect_navigation():
            page.get_by_role("link", name="签到签退").click()
        expect(page.get_by_role("heading", name="签到签退", level=1)).to_be_visible()

    def attendance_row(self, name):
        return self.page.get_by_test_id("attendance-list").locator("li", has_text=name)

    def tick(self, name, button, flash):
        """The organiser presses 签到 / 签退 / 缺席 on the volunteer's row."""
        with self.page.expect_navigation():
            self.attendance_row(name).get_by_role("button", name=button, exact=True).click()
        expect(self.page.locator(".flash-success")).to_contain_text(flash)

    def redeem(self, item):
        """A resident redeems an item of their community's catalogue (and confirms the dialog)."""
        row = self.page.get_by_test_id("reward-items").locator("li.item", has_text=item)
        with self.page.expect_navigation():
            row.get_by_role("button", name="兑换").click()
        expect(self.page.locator(".flash-success")).to_contain_text("兑换成功")
