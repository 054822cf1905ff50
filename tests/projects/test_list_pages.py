"""The staff project list at any size: the same number of SQL statements for 3 projects or 30, a total that
matches the rows each role may see, keyset pages (next, previous, page numbers, old ?page= links) and the
search by title, code or community name."""
import re

import pytest

from procure import paging
from procure.extensions import db
from procure.projects.models import Project
from procure.projects.permissions import visible_projects

from html_pages import ok_html, rel_link
from statements import count

ROLES = ("admin", "bureau", "reviewer", "community", "community_b", "provider", "evaluator")
PATHS = ("/projects", "/projects?state=draft", "/projects?funding_form=purchase", "/projects?year=2026",
         "/projects?q=助餐服务", "/projects?q=助", "/projects?page=2")


def codes(page) -> list[str]:
    return re.findall(r'<td class="code">(WXM[0-9-]+)</td>', page)


def some_projects(journey, n):
    for i in range(n):
        project = journey.create(title=f"社区助餐服务{i:02d}", funding_form=("purchase", "subsidy")[i % 2])
        if i % 3 == 0:
            journey.drive(project, "notice")


def test_each_role_runs_as_many_statements_for_30_projects_as_for_3(app, as_user, journey, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    some_projects(journey, 3)

    def statements():
        found = {}
        for username in ROLES:
            client = as_user(username)
            for path in PATHS:
                found[username, path] = count(lambda: ok_html(client.get(path)))
        return found
    few = statements()
    some_projects(journey, 27)
    assert statements() == few
    assert max(few.values()) <= 10


@pytest.mark.parametrize("username", ["admin", "bureau", "reviewer", "community", "provider", "reviewer_far"])
def test_the_total_is_what_the_user_may_see(as_user, journey, world, username):
    some_projects(journey, 4)
    journey.drive(journey.create(title="采购中的项目"), "tendering")  # a provider sees open tenders
    seen = len(db.session.scalars(visible_projects(world[username])).all())
    page = ok_html(as_user(username).get("/projects"))
    assert f"共 {seen} 个项目" in page and len(codes(page)) == seen
    drafts = len(db.session.scalars(visible_projects(world[username]).filter_by(state="draft")).all())
    assert f"共 {drafts} 个项目" in ok_html(as_user(username).get("/projects?state=draft"))


def test_next_and_previous_walk_the_list_once_in_order(app, as_user, journey, clock, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    for i in range(5):
        journey.create(title=f"项目{i}")
        clock.advance(hours=1)
    client = as_user("community")
    first = ok_html(client.get("/projects"))
    assert "共 5 个项目" in first and "第 1 / 3 页" in first and rel_link(first, "prev") is None
    pages, page = [codes(first)], first
    while rel_link(page, "next"):
        page = ok_html(client.get(rel_link(page, "next")))
        pages.append(codes(page))
    assert [len(p) for p in pages] == [2, 2, 1] and "第 3 / 3 页" in page
    walked = [code for p in pages for code in p]
    assert walked == sorted(walked, reverse=True) and len(set(walked)) == 5  # newest first, each once
    back = ok_html(client.get(rel_link(page, "prev")))
    assert codes(back) == pages[1] and "第 2 / 3 页" in back
    back = ok_html(client.get(rel_link(back, "prev")))
    assert codes(back) == pages[0] and rel_link(back, "prev") is None
    assert codes(ok_html(client.get("/projects?page=3"))) == pages[2]  # a page number still jumps
    assert codes(ok_html(client.get("/projects?page=99"))) == pages[2]  # beyond the last: the last


def test_a_page_number_no_jump_reaches_shows_the_nearest_and_says_so(app, as_user, journey, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 1)
    monkeypatch.setattr(paging, "MAX_JUMP", 2)
    for i in range(7):
        journey.create(title=f"项目{i}")
    client = as_user("community")
    page, walked = ok_html(client.get("/projects")), []
    while True:
        walked += codes(page)
        if not rel_link(page, "next"):
            break
        page = ok_html(client.get(rel_link(page, "next")))
    assert len(walked) == 7
    deep = ok_html(client.get("/projects?page=4"))  # neither within 2 pages of the first nor of the last
    assert 'data-testid="page-too-deep"' in deep and codes(deep) == walked[1:2] and "第 2 / 7 页" in deep
    assert codes(ok_html(client.get(rel_link(deep, "next")))) == walked[2:3]
    near_end = ok_html(client.get("/projects?page=6"))  # counted back from the last page
    assert "page-too-deep" not in near_end and "第 6 / 7 页" in near_end and codes(near_end) == walked[5:6]
    last = ok_html(client.get(rel_link(near_end, "next")))
    assert codes(last) == walked[6:] and rel_link(last, "next") is None and "第 7 / 7 页" in last


@pytest.mark.parametrize("query", ["after=abc", "before=1.2.3", "after=99999999999999999999.1", "after=-1.1",
                                   "before=", "page=0", "page=%C2%B2", "after=1.99999999999999"])
def test_a_cursor_that_is_not_one_shows_the_first_page(as_user, journey, query):
    journey.create(title="长者助餐")
    page = ok_html(as_user("community").get(f"/projects?{query}"))
    assert "长者助餐" in page and "共 1 个项目" in page


def test_the_search_finds_a_title_a_code_or_a_community_at_any_length(as_user, journey, world):
    meal = journey.create(title="长者助餐服务")
    journey.create(title="儿童课堂")
    client = as_user("reviewer")
    for query in ("助餐服", "助餐", "餐", meal.code, meal.code[-4:], "幸福社区", "幸福"):
        found = ok_html(client.get("/projects", query_string={"q": query}))
        assert meal.code in codes(found), query
    assert codes(ok_html(client.get("/projects?q=课堂"))) != [meal.code]
    assert codes(ok_html(client.get("/projects", query_string={"q": "和平社区"}))) == []
    world.community.name = "新幸福里社区"  # a renamed community is found by its new name
    db.session.commit()
    assert len(codes(ok_html(client.get("/projects", query_string={"q": "新幸福里"})))) == 2


def test_a_short_search_says_it_looked_among_the_latest_projects_only(as_user, journey, monkeypatch):
    from procure.projects import search

    monkeypatch.setattr(search, "RECENT", 2)
    old = journey.create(title="长者助餐")
    for i in range(2):
        journey.create(title=f"儿童课堂{i}")
    client = as_user("community")
    short = ok_html(client.get("/projects?q=助餐"))
    assert old.code not in codes(short) and 'data-testid="recent-only"' in short  # past the two latest, and said
    found = ok_html(client.get("/projects?q=长者助餐"))
    assert old.code in codes(found) and "recent-only" not in found  # three characters: the index, all of them


def test_a_search_matching_more_than_the_list_counts_lists_the_newest_matches(as_user, journey, monkeypatch):
    from procure.projects import list_pages, search

    monkeypatch.setattr(list_pages, "TOTAL_CAP", 2)
    monkeypatch.setattr(search, "MATCHES_SHOWN", 2)
    made = [journey.create(title=f"长者助餐{i}") for i in range(4)]
    page = ok_html(as_user("community").get("/projects?q=长者助餐"))
    assert "超过 2 个项目" in page and 'data-testid="newest-matches"' in page
    assert sorted(codes(page)) == sorted(p.code for p in made[2:])


def test_a_filtered_total_is_what_the_user_may_see_whether_the_area_holds_every_community_or_not(
        client, journey, world, clock):
    """The city's bureau sees two of three communities (a total counted); a province's bureau sees them all (the
    funding form's or the year's own kept count): both totals are the projects each may see."""
    from dataclasses import replace

    from conftest import PASSWORD
    from procure.accounts.models import Organisation, User
    from procure.accounts.passwords import hash_password
    from procure.demo.journey import Journey
    from support import login

    province = Organisation(kind="government", name="××省民政厅", division_code="330000")
    db.session.add(province)
    db.session.flush()
    db.session.add(User(username="province", role="bureau", organisation_id=province.id, display_name="省厅",
                        password_hash=hash_password(PASSWORD)))
    db.session.commit()
    some_projects(journey, 3)
    far = Journey(replace(world.cast(), community=world["community_far"], reviewer=world["reviewer_far"],
                          bureau=world["bureau_far"]), clock)
    far.create(title="远山社区助浴服务", funding_form="purchase")
    for username in ("bureau", "province"):
        user = db.session.scalar(db.select(User).filter_by(username=username))
        client.post("/logout")
        assert login(client, username).status_code == 302
        for key, value in (("funding_form", "purchase"), ("year", "2026")):
            condition = Project.funding_form == value if key == "funding_form" else Project.code.like("WXM2026-%")
            seen = len(db.session.scalars(visible_projects(user).where(condition)).all())
            page = ok_html(client.get(f"/projects?{key}={value}"))
            assert f"共 {seen} 个项目" in page, (username, key)
        if username == "province":
            assert "远山社区助浴服务" in ok_html(client.get("/projects?funding_form=purchase"))
