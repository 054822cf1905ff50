"""A filter among many organisations: a <select> while they are few, past SELECT_OPTIONS_LIMIT a search box whose
suggestions come from a JSON address, and which takes a name, part of one or an id; a name that fits none or
several says so under the box and filters nothing."""
import dataclasses
import re

import pytest

from procure.demo.journey import Journey
from procure.pickers import Picked, labels, resolve

from html_pages import ok_html


def codes(page) -> list[str]:
    """The project codes the list's table shows."""
    return sorted(re.findall(r'class="code">(WXM[0-9-]+)</', page))


def test_labels_tell_apart_two_choices_of_one_name():
    assert labels([(1, "和平社区"), (2, "幸福社区"), (3, "和平社区")]) == [
        (1, "和平社区（1）"), (2, "幸福社区"), (3, "和平社区（3）")]


@pytest.mark.parametrize(("value", "expected"), [
    ("", None), ("  ", None),
    ("7", Picked(id=7)),
    ("幸福社区", Picked(id=2, text="幸福社区")),
    ("幸福", Picked(id=2, text="幸福")),  # a unique part of a name
    ("和平社区（3）", Picked(id=3, text="和平社区（3）")),
    ("社区", Picked(text="社区", candidates=[(1, "和平社区（1）"), (2, "幸福社区"), (3, "和平社区（3）")])),
    ("远山", Picked(text="远山")),
    ("99999999999999999999", Picked(text="99999999999999999999")),
])
def test_a_value_names_an_id_a_label_or_a_part_of_one(value, expected):
    assert resolve(value, [(1, "和平社区"), (2, "幸福社区"), (3, "和平社区")]) == expected


@pytest.fixture
def projects_of_two_communities(journey, world, clock):
    neighbour = Journey(dataclasses.replace(world.cast(), community=world["community_b"]), clock)
    mine = [journey.create(title=f"幸福社区助餐{i}") for i in range(2)]
    theirs = [neighbour.create(title="和平社区助餐")]
    for project in mine:
        journey.drive(project, "notice")
    neighbour.drive(theirs[0], "notice")
    return {"幸福社区": sorted(p.code for p in mine), "和平社区": sorted(p.code for p in theirs)}


def test_the_staff_list_keeps_a_select_while_the_communities_are_few(as_user, projects_of_two_communities):
    page = ok_html(as_user("bureau").get("/projects"))
    assert '<select id="community" name="community">' in page and "data-options" not in page


def test_past_the_limit_the_staff_list_takes_a_community_by_name(app, as_user, monkeypatch,
                                                               projects_of_two_communities):
    monkeypatch.setitem(app.config, "SELECT_OPTIONS_LIMIT", 1)
    client = as_user("bureau")
    page = ok_html(client.get("/projects"))
    assert 'name="community" type="search" list="community-options"' in page
    assert "<option value" not in page.split('id="community"')[1].split("</div>")[0]  # no names in the page
    choices = client.get("/projects/choices/community")
    assert choices.get_json() == {"options": ["幸福社区", "和平社区"]}
    assert "private" in choices.headers["Cache-Control"]

    by_name = ok_html(client.get("/projects?community=幸福"))
    assert codes(by_name) == projects_of_two_communities["幸福社区"]
    assert 'value="幸福社区"' in by_name  # the box shows the community it found
    assert "community=" in re.search(r'href="([^"]*)" data-testid="export-csv"', by_name)[1]

    several = ok_html(client.get("/projects?community=社区"))
    message = re.search(r'data-testid="community-unmatched">(.*?)</p>', several, re.S)[1]
    assert "符合多个名称" in message and "幸福社区" in message and "和平社区" in message
    assert len(codes(several)) == 3  # nothing filtered
    link = re.search(r'href="(/projects\?community=\d+)">和平社区', message)[1]
    assert codes(ok_html(client.get(link))) == projects_of_two_communities["和平社区"]

    unknown = ok_html(client.get("/projects?community=远山"))  # outside the bureau's area: not among its choices
    assert "没有名称含“远山”的选项" in unknown and 'aria-invalid="true"' in unknown
    assert len(codes(unknown)) == 3


def test_the_community_box_and_its_names_are_for_staff_only(app, as_user, monkeypatch, projects_of_two_communities):
    monkeypatch.setitem(app.config, "SELECT_OPTIONS_LIMIT", 1)
    client = as_user("community")
    assert 'name="community"' not in ok_html(client.get("/projects"))
    assert client.get("/projects/choices/community").get_json() == {"options": []}
    client.post("/logout")
    assert client.get("/projects/choices/community").status_code == 302  # to the login page


def test_past_the_limit_the_public_list_takes_organisations_by_name(app, client, monkeypatch,
                                                                    projects_of_two_communities):
    monkeypatch.setitem(app.config, "SELECT_OPTIONS_LIMIT", 1)
    page = ok_html(client.get("/public/projects"))
    assert 'id="f-community" name="community" type="search"' in page
    choices = client.get("/public/projects/choices/community")
    assert sorted(choices.get_json()["options"]) == ["和平社区", "幸福社区"]
    assert "public" in choices.headers["Cache-Control"]
    assert client.get("/public/projects/choices/users").status_code == 404

    by_name = ok_html(client.get("/public/projects?community=和平社区"))
    assert codes(by_name) == projects_of_two_communities["和平社区"]
    export = re.search(r'href="([^"]*)" data-testid="export-csv"', by_name)[1].replace("&amp;", "&")
    exported = client.get(export).get_data(as_text=True)
    assert projects_of_two_communities["和平社区"][0] in exported
    assert projects_of_two_communities["幸福社区"][0] not in exported

    unknown = ok_html(client.get("/public/projects?community=不存在"))
    assert "没有名称含“不存在”的选项" in unknown and len(codes(unknown)) == 3


def test_the_public_list_keeps_its_selects_while_the_choices_are_few(client, projects_of_two_communities):
    page = ok_html(client.get("/public/projects"))
    assert '<select id="f-community" name="community">' in page
