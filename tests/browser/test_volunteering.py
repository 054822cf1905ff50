"""The volunteering acceptance test (issue 6, item 4): a community publishes an activity and a reward, a resident
registers from the public menu and signs up, the organiser checks them in (the QR code is on the page) and out
2.5 hours later, the capped hours and the points by the category's multiplier appear on the resident's page, the
resident redeems the item (balance and stock go down, the redemption is listed) and downloads 志愿服务证明, whose
verification code opens the public page showing the masked name only.

Every change is a click or a keystroke in headless Chromium; the manual clock moves between the steps. Reading
the database to assert is allowed."""
import re
import subprocess
from datetime import timedelta
from decimal import Decimal

from procure.extensions import db
from procure.redemption.models import Redemption, RewardItem
from procure.volunteers import ledger
from procure.volunteers.models import PointEntry, Volunteer

from .pages import Walk, expect, needs_browser, read, screenshot_on_failure

pytestmark = needs_browser

TITLE = "重阳节敬老探访"
CATEGORY, CATEGORY_LABEL = "elderly", "助老服务"
PLACE = "幸福社区党群服务中心"
ITEM, STOCK = "环保购物袋", 3
NAME, ID_NUMBER, PHONE, USERNAME = "林晓雨", "330102199001011234", "13911112222", "linxiaoyu"
SERVED = Decimal("2.5")  # hours between the check-in and the check-out


def volunteer_state() -> tuple:
    """(balance, hours, the item's stock, redemptions, ledger entries) as the database has them."""
    def get():
        volunteer = db.session.scalar(db.select(Volunteer).where(Volunteer.real_name == NAME))
        item = db.session.scalar(db.select(RewardItem).where(RewardItem.name == ITEM))
        redemptions = db.session.scalars(db.select(Redemption.points).where(Redemption.volunteer_id == volunteer.id))
        entries = db.session.execute(db.select(PointEntry.kind, PointEntry.hours, PointEntry.points)
                                     .where(PointEntry.volunteer_id == volunteer.id).order_by(PointEntry.id))
        return volunteer.balance, volunteer.hours_total, item.stock, list(redemptions), [tuple(e) for e in entries]
    return read(get)


def test_publish_sign_up_attend_earn_redeem_and_certify(live_server, browser_page, clock, world, app, tmp_path):
    page = browser_page
    cap = Decimal(app.config["VOLUNTEER_HOURS_CAP"])
    hours = min(SERVED, cap).quantize(Decimal("0.01"))
    points = (hours * Decimal(app.config["VOLUNTEER_CATEGORIES"][CATEGORY])).quantize(Decimal("0.01"))
    assert (hours, points) == (Decimal("2.00"), Decimal("3.00")), "the settings changed: rework the figures"
    price = int(points) - 1  # affordable, and something is left over
    masked = ledger.mask_name(NAME)
    community = read(lambda: world.community.name)
    walk = Walk(page, live_server, clock)
    with screenshot_on_failure(page, "volunteering-failure"):
        # -- the community publishes an activity starting in two hours and adds a reward item
        walk.login("community")
        starts = clock() + timedelta(hours=2)
        activity_url = walk.publish_activity(TITLE, CATEGORY_LABEL, PLACE, starts, starts + timedelta(hours=3))
        facts = page.get_by_test_id("activity-facts")
        expect(facts).to_contain_text(PLACE)
        expect(facts.get_by_test_id("places")).to_contain_text("0 / 10")
        walk.add_reward(ITEM, price, STOCK)
        item = page.get_by_test_id("reward-items").locator("li.item", has_text=ITEM)
        expect(item.get_by_test_id("price")).to_have_text(str(price))
        expect(item.get_by_test_id("stock")).to_have_text(str(STOCK))
        with page.expect_navigation():
            page.get_by_role("button", name="退出").click()

        # -- a resident registers from the public menu, signs in (landing on their page) and signs up
        walk.register_volunteer(community, NAME, ID_NUMBER, PHONE, USERNAME, skills=["电工"])
        expect(page.get_by_role("heading", name="我的志愿服务")).to_be_visible()
        expect(page.get_by_test_id("hours")).to_have_text("0.00 小时")
        walk.sign_up_for(TITLE)
        assert page.url == activity_url
        expect(page.get_by_test_id("places")).to_contain_text("1 / 10")

        # -- at the start the organiser opens the attendance page: the QR code is shown; they tick the resident in
        clock.advance(hours=2)
        walk.login("community")
        walk.open_attendance(TITLE)
        qr = page.get_by_test_id("checkin-qr").get_by_role("img", name="签到二维码")
        expect(qr).to_be_visible()
        assert qr.get_attribute("src").startswith("data:image/"), qr.get_attribute("src")[:40]
        row = walk.attendance_row(NAME)
        expect(row.get_by_test_id("status")).to_have_text("已报名")
        walk.tick(NAME, "签到", "已签到")
        expect(row.get_by_test_id("status")).to_have_text("已签到")

        # -- two and a half hours later they tick the resident out: the capped hours are recorded
        clock.advance(hours=float(SERVED))
        page.reload()
        walk.tick(NAME, "签退", "已签退，时长和积分已记录")
        expect(row.get_by_test_id("status")).to_have_text("已完成")
        expect(row).to_contain_text(f"{hours} 小时")
        assert volunteer_state()[:2] == (points, hours)

        # -- the resident sees the hours and the points on their page
        walk.login(USERNAME, NAME)
        expect(page.get_by_role("heading", name="我的志愿服务")).to_be_visible()  # where a resident lands
        expect(page.get_by_test_id("hours")).to_have_text(f"{hours} 小时")
        expect(page.get_by_test_id("balance")).to_have_text(str(points))
        expect(page.get_by_test_id("my-signups")).to_contain_text("已完成")
        expect(page.get_by_test_id("ledger").locator("tbody tr")).to_have_count(1)
        expect(page.get_by_test_id("ledger")).to_contain_text(TITLE)

        # -- they redeem the item: the balance and the stock go down, the redemption is listed
        walk.menu("积分兑换")
        expect(page.get_by_test_id("my-points").get_by_test_id("balance")).to_have_text(str(points))
        walk.redeem(ITEM)
        left = points - price
        expect(page.get_by_test_id("my-points").get_by_test_id("balance")).to_have_text(str(left))
        expect(page.get_by_test_id("my-points").get_by_test_id("hours")).to_have_text(str(hours))
        expect(item.get_by_test_id("stock")).to_have_text(str(STOCK - 1))
        expect(page.get_by_test_id("my-redemptions")).to_contain_text(ITEM)
        walk.menu("我的积分")
        expect(page.get_by_test_id("balance")).to_have_text(str(left))
        expect(page.get_by_test_id("hours")).to_have_text(f"{hours} 小时")  # spending never lowers the hours
        expect(page.get_by_test_id("my-redemptions")).to_contain_text(ITEM)
        expect(page.get_by_test_id("my-redemptions")).to_contain_text(f"{price} 积分")
        assert volunteer_state() == (left, hours, STOCK - 1, [price],
                                     [("service", hours, points), ("redemption", Decimal("0.00"), -price)])

        # -- they download 志愿服务证明: their name, the title and the hours, with a verification code
        with page.expect_navigation():
            page.get_by_role("link", name="证明文书").click()
        with page.expect_download() as info:
            page.get_by_test_id("download-volunteer_certificate").click()
        download = info.value
        assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
        pdf = tmp_path / "certificate.pdf"
        download.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True,
                              timeout=60).stdout
        assert "志愿服务证明" in text and NAME in text, text[:1500]
        assert re.search(rf"累计志愿服务时长\s*{hours}\s*小时", text), text[:1500]
        assert TITLE in text
        code = re.search(r"核验码[:：]\s*([0-9A-Z]{12})", text).group(1)

        # -- anyone opening the verification page sees the certificate and the masked name, nothing private
        with walk.resident() as visitor:
            visitor.goto(f"{live_server}/verify/{code}")
            record = visitor.get_by_test_id("verify-record")
            expect(record).to_contain_text("志愿服务证明")
            expect(record.get_by_test_id("holder")).to_have_text(masked)
            expect(record).to_contain_text(community)
            html = visitor.content()
            assert NAME not in html and ID_NUMBER not in html and PHONE not in html and USERNAME not in html
