"""A list's filter among many communities (procure.pickers) in the browser: a search box whose suggestions are
fetched when it is first used, then a typed name that filters the list."""
import dataclasses

from procure.demo.journey import Journey
from procure.extensions import db

from .pages import Walk, expect, needs_browser, screenshot_on_failure

pytestmark = needs_browser


def test_the_bureau_picks_a_community_by_name(app, live_server, browser_page, clock, journey, world, monkeypatch):
    monkeypatch.setitem(app.config, "SELECT_OPTIONS_LIMIT", 1)  # two communities are "many" here
    neighbour = Journey(dataclasses.replace(world.cast(), community=world["community_b"]), clock)
    ours, theirs = journey.create(title="幸福社区助餐服务"), neighbour.create(title="和平社区助浴服务")
    journey.drive(ours, "notice")
    neighbour.drive(theirs, "notice")
    db.session.commit()  # the server writes (the login): the test holds no transaction meanwhile
    page = browser_page
    with screenshot_on_failure(page, "filter-box"):
        walk = Walk(page, live_server, clock)
        walk.login("bureau")
        page.goto(live_server + "/projects")
        box = page.get_by_label("社区")
        expect(page.locator("#community-options option")).to_have_count(0)  # nothing sent with the page
        box.focus()
        expect(page.locator("#community-options option")).to_have_count(2)  # fetched on first use
        assert page.locator("#community-options option").evaluate_all("o => o.map(x => x.value)") == [
            "幸福社区", "和平社区"]
        box.fill("和平")
        with page.expect_navigation():
            page.get_by_role("button", name="筛选").click()
        expect(page.get_by_test_id("project-table")).to_contain_text("和平社区助浴服务")
        expect(page.get_by_test_id("project-table")).not_to_contain_text("幸福社区助餐服务")
        expect(box).to_have_value("和平社区")  # the box names the community it found
