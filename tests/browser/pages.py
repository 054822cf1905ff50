"""What the browser tests share: the skip rule, reading the database between steps, and the Walk (one
method per gesture a person makes on the pages)."""
import importlib.util
import os
from contextlib import contextmanager
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

    def login(self, username):
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
        expect(page.get_by_test_id("current-user")).to_contain_text(username)

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
