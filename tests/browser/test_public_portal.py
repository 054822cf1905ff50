"""The public portal acceptance test (issue 5, item 3): a resident, never logged in, finds an evaluated project
from the home page, reads its public timeline, downloads its evaluation report, then finds a proposal under the
community notice, reads it and files an objection — whose name and contact stay off the public page but reach
the community. A robot that fills the hidden honeypot field is told all went well and nothing is kept.

The projects are driven beforehand in the database (procure.demo.journey); every step after that is a
click or a keystroke in headless Chromium. Reading the database to assert is allowed."""
import re
import subprocess

from procure.extensions import db
from procure.performance_evaluation.scoring import GRADE_NAMES
from procure.projects.models import Objection, Project

from .pages import Walk, expect, needs_browser, read, screenshot_on_failure

pytestmark = needs_browser

EVALUATED = "幸福社区长者助餐服务"
NOTICED = "楼道照明微改造"
OBJECTION = "灯具安装位置正对卧室窗户，希望调整到楼梯转角处。"
RESIDENT, CONTACT = "王居民甲", "13900005678"
SPAM = "便宜发票代开，联系微信"
# The public timeline's milestones a resident looks for, in the order the project went through them.
MILESTONES = ["发布社区公示", "审核通过（批准立项）", "列入购买服务目录", "发布采购公告", "签订合同", "验收通过",
              "绩效评价完成", "结项"]
STAFF = ("community", "reviewer", "bureau", "provider", "provider2", "provider3", "evaluator", "evaluator2")


def staff_name(username) -> str:
    return f"职员{username}某某"


def set_up(journey, world) -> dict:
    """An evaluated, closed purchase project and, later, a proposal under notice; staff with telling names."""
    for username in STAFF:
        world[username].display_name = staff_name(username)
    db.session.commit()
    closed = journey.drive(journey.create(title=EVALUATED), "closed")
    noticed = journey.drive(journey.create(title=NOTICED, amount="15000.00"), "notice")
    db.session.commit()
    return read(lambda: {"closed_code": closed.code, "grade": GRADE_NAMES[closed.grade], "score": closed.score,
                         "noticed_code": noticed.code, "noticed_id": noticed.id,
                         "needs": noticed.needs_analysis.split("\n")[0][:12]})


def objections(project_id) -> list[tuple]:
    return read(lambda: db.session.execute(
        db.select(Objection.content, Objection.resident_name, Objection.resident_contact, Objection.recorded_by_id)
        .where(Objection.project_id == project_id).order_by(Objection.id)).all())


def test_a_resident_finds_reads_downloads_and_objects(live_server, browser_page, clock, journey, world, tmp_path):
    page = browser_page
    data = set_up(journey, world)
    walk = Walk(page, live_server, clock)
    clicks = 0
    with screenshot_on_failure(page, "public-portal-failure"):
        # -- from the home page, the evaluated project is one click away (the latest evaluation results)
        page.goto(live_server + "/")
        expect(page.get_by_role("heading", name="社区微项目信息公开")).to_be_visible()
        expect(page.get_by_test_id("current-user")).to_have_count(0)  # nobody is logged in
        results = page.get_by_test_id("home-evaluations")
        expect(results).to_contain_text(data["grade"])
        with page.expect_navigation():
            results.get_by_role("link", name=EVALUATED).click()
        clicks += 1
        assert clicks <= 2
        assert page.url == f"{live_server}/public/projects/{data['closed_code']}"
        expect(page.get_by_role("heading", name=EVALUATED, level=1)).to_be_visible()
        expect(page.get_by_test_id("stage")).to_have_text("已结项")
        expect(page.get_by_test_id("grade")).to_have_text(data["grade"])
        expect(page.get_by_test_id("score")).to_have_text(str(data["score"]))

        # -- the timeline: the milestones in order, each with its date, the acting organisations but no person
        timeline = page.get_by_test_id("timeline")
        expect(timeline).to_be_visible()
        entries = timeline.locator("li").evaluate_all(
            "items => items.map(li => [li.querySelector('time').getAttribute('datetime'),"
            " li.querySelector('time').innerText.trim(), li.querySelector('.tl-action').innerText.trim()])")
        labels = [label for _iso, _shown, label in entries]
        positions = [labels.index(milestone) for milestone in MILESTONES]  # each is there …
        assert positions == sorted(positions), labels  # … in the order it happened
        days = [iso for iso, _shown, _label in entries]
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso) and shown == iso for iso, shown, _ in entries), entries
        assert days == sorted(days), days
        assert days[labels.index("发布社区公示")] < days[labels.index("结项")]
        expect(timeline).to_contain_text("幸福社区")
        html = page.content()
        for username in STAFF:
            assert staff_name(username) not in html, username

        # -- the evaluation report: a PDF download with the project's title and its grade
        link = page.get_by_test_id("documents").get_by_role("link", name=re.compile("绩效评价报告"))
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
        report = tmp_path / "report.pdf"
        download.save_as(report)
        assert report.read_bytes().startswith(b"%PDF")
        text = subprocess.run(["pdftotext", "-layout", str(report), "-"], check=True, capture_output=True,
                              text=True, timeout=60).stdout
        assert EVALUATED in text
        assert re.search(rf"评价等级\s*{data['grade']}", text), text[:2000]

        # -- back home: the proposal under notice, its text, and the objection form
        with page.expect_navigation():
            page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()
        notices = page.get_by_test_id("home-notices")
        expect(notices).to_contain_text(NOTICED)
        with page.expect_navigation():
            notices.get_by_role("link", name="查看申报内容并提出意见").click()
        assert page.url.startswith(f"{live_server}/public/projects/{data['noticed_code']}")
        expect(page.get_by_test_id("stage")).to_have_text("社区公示")
        proposal = page.get_by_test_id("proposal")
        expect(proposal).to_contain_text(data["needs"])
        expect(proposal.get_by_test_id("budget")).to_contain_text("15,000.00")
        expect(page.get_by_test_id("notice")).to_contain_text("公示中")
        form = page.get_by_test_id("objection-form")
        expect(form).to_be_in_viewport()  # the link lands on the form
        expect(form).to_contain_text("姓名和联系方式仅社区和审核人员可见，不会公开")
        honeypot = form.locator("input[name=website]")
        box = honeypot.bounding_box()
        assert box is None or box["x"] + box["width"] <= 0, box  # out of a person's sight
        assert honeypot.get_attribute("tabindex") == "-1"

        form.get_by_label("异议内容").fill(OBJECTION)
        form.get_by_label(re.compile("^姓名")).fill(RESIDENT)
        form.get_by_label("联系方式（选填）").fill(CONTACT)
        with page.expect_navigation():
            form.get_by_role("button", name="提交").click()
        expect(page.locator(".flash-success")).to_contain_text("异议已提交，社区将在公示期内答复")
        expect(page.get_by_test_id("objections")).to_contain_text(OBJECTION)
        html = page.content()
        assert RESIDENT not in html and CONTACT not in html
        assert objections(data["noticed_id"]) == [(OBJECTION, RESIDENT, CONTACT, None)]

        # -- a robot fills the hidden field too: it is thanked, and nothing is kept
        form = page.get_by_test_id("objection-form")
        form.get_by_label("异议内容").fill(SPAM)
        form.get_by_label(re.compile("^姓名")).fill("机器人")
        page.evaluate("() => { document.querySelector('input[name=website]').value = 'http://spam.example'; }")
        with page.expect_navigation():
            form.get_by_role("button", name="提交").click()
        expect(page.locator(".flash-success")).to_contain_text("异议已提交")
        expect(page.get_by_test_id("objections").locator("li")).to_have_count(1)
        assert SPAM not in page.content()
        assert objections(data["noticed_id"]) == [(OBJECTION, RESIDENT, CONTACT, None)]

        # -- the community, logged in, sees the objection with the resident's name and contact
        walk.login("community")
        page.goto(f"{live_server}/projects/{data['noticed_id']}")
        objection = page.locator("#objections li.item", has_text=OBJECTION)
        expect(objection).to_contain_text(RESIDENT)
        expect(objection).to_contain_text(CONTACT)
    state = read(lambda: db.session.scalar(db.select(Project.state).where(Project.code == data["noticed_code"])))
    assert state == "notice"
