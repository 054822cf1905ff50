"""The admin pages in a browser (issue 15, item 3): the admin disables a user who is signed in elsewhere, and that
user's next click lands on the login page."""
import re

from .pages import Walk, expect, needs_browser, read, screenshot_on_failure

pytestmark = needs_browser


def test_a_disabled_user_is_signed_out_at_their_next_click(live_server, browser_page, world, clock):
    from procure.accounts.models import User
    from procure.extensions import db

    user_page = browser_page
    admin_context = user_page.context.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    admin_context.set_default_timeout(15_000)
    admin_page = admin_context.new_page()
    user, admin = Walk(user_page, live_server, clock), Walk(admin_page, live_server, clock)
    try:
        with screenshot_on_failure(user_page, "admin-disable-user"), \
                screenshot_on_failure(admin_page, "admin-disable-admin"):
            user.login("bureau")
            expect(user_page.get_by_test_id("current-user")).to_contain_text("bureau")

            admin.login("admin")
            admin_page.get_by_test_id("nav-users").click()
            admin_page.get_by_label("用户名或显示名称").fill("bureau")
            admin_page.get_by_role("button", name="筛选").click()
            admin_page.get_by_test_id("user-bureau").get_by_role("link", name="bureau").click()
            with admin_page.expect_navigation():
                admin_page.get_by_test_id("disable-user").click()
            expect(admin_page.locator(".flash-success")).to_contain_text("已停用")
            expect(admin_page.get_by_test_id("enable-user")).to_be_visible()
            assert read(lambda: not db.session.scalar(db.select(User.active).filter_by(username="bureau")))

            # the user, still on their page, clicks a menu entry: the login page answers
            with user_page.expect_navigation():
                user_page.get_by_role("link", name="项目", exact=True).first.click()
            expect(user_page).to_have_url(re.compile(r"/login(\?|$)"))
            expect(user_page.get_by_role("button", name="登录")).to_be_visible()

            # and signing in again is refused
            user_page.get_by_label("用户名").fill("bureau")
            user_page.get_by_label("密码").fill("whatever-it-is")
            user_page.get_by_role("button", name="登录").click()
            expect(user_page.locator(".field-error")).to_be_visible()
    finally:
        admin_context.close()
