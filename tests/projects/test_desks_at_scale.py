"""Desks and project pages whatever the number of projects: each desk lists the projects that waited longest (a few)
and counts the rest by stage, linked to the project list; a project page shows its latest entries and a history
page the earlier ones; and neither runs more SQL statements when the projects or the entries are ten times as
many."""
import pytest

from procure import clock as app_clock
from procure.audit.log import record
from procure.extensions import db
from procure.projects.models import Project

from html_pages import ok_html
from statements import of_page

PROJECT_COLUMNS = [column.key for column in Project.__table__.columns if column.key not in ("id", "code", "version")]


def copies(project, n):
    """`n` more projects like `project` in every column (its code aside): as many more waiting in its state."""
    first = db.session.scalar(db.select(db.func.count(Project.id)))
    for i in range(first, first + n):
        db.session.add(Project(code=f"{project.code}-{i:03d}", **{key: getattr(project, key) for key in PROJECT_COLUMNS}))
    db.session.commit()


def acting_user(world, username, project) -> str:
    """The user of `username`'s role who acts on the project: the implementing provider, the assigned firm."""
    if username == "provider":
        return next(name for name in ("provider", "provider2", "provider3")
                    if world[name].organisation_id == project.implementer_id)
    if username == "evaluator":
        return next(name for name in ("evaluator", "evaluator2")
                    if world[name].organisation_id == project.evaluator_org_id)
    return username


@pytest.mark.parametrize("username, state", [
    ("community", "draft"), ("reviewer", "submitted"), ("bureau", "approved"), ("provider", "in_delivery"),
    ("evaluator", "under_acceptance"), ("admin", "approved")])
def test_a_desk_runs_the_same_statements_for_3_or_30_projects_waiting(app, as_user, journey, world, monkeypatch,
                                                                      username, state):
    monkeypatch.setitem(app.config, "DESK_WAITING_LIMIT", 2)
    project = journey.drive(journey.create(), state)
    client = as_user(acting_user(world, username, project))
    copies(project, 2)
    few = of_page(client, "/desk")
    copies(project, 27)
    assert of_page(client, "/desk") == few


def test_the_desk_lists_the_longest_waiting_and_counts_every_stage(app, as_user, journey, clock, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_WAITING_LIMIT", 2)
    for title in ("最早提交的项目", "其次提交的项目", "最近提交的项目"):
        journey.drive(journey.create(title=title), "submitted")
        clock.advance(days=1)
    reviewer = as_user("reviewer")
    waiting = ok_html(reviewer.get("/desk")).split("最近动态")[0]
    assert "最早提交的项目" in waiting and "其次提交的项目" in waiting and "最近提交的项目" not in waiting
    assert waiting.index("最早提交的项目") < waiting.index("其次提交的项目")
    assert 'data-testid="waiting-truncated"' in waiting
    stage = waiting.split('data-testid="stage-submitted"')[1].split("</a>")[0]
    assert "3" in stage
    listing = ok_html(reviewer.get("/projects?state=submitted"))
    assert "共 3 个项目" in listing and "最近提交的项目" in listing


def test_a_project_page_shows_its_latest_entries_and_its_history_the_earlier_ones(as_user, journey, world):
    project = journey.drive(journey.create(), "notice")
    community = world["community"]
    for i in range(60):
        record(project, community, "add_objection", comment=f"第{i:02d}条登记")
    db.session.commit()
    client = as_user("community")
    html = ok_html(client.get(f"/projects/{project.id}"))
    timeline = html.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert timeline.count("<li") == 50
    assert "第59条登记" in timeline and "第10条登记" in timeline and "第09条登记" not in timeline
    assert "创建项目" not in timeline
    link = html.split('data-testid="earlier-entries"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    history = ok_html(client.get(link))
    earlier = history.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert "创建项目" in earlier and "第09条登记" in earlier and "第10条登记" not in earlier
    assert 'data-testid="earlier-entries"' not in history  # nothing before
    assert client.get(f"/projects/{project.id}/history?before=1").status_code == 200
    latest = ok_html(client.get(f"/projects/{project.id}/history"))  # no `before`: from the latest, as the page
    assert "第59条登记" in latest and 'data-testid="earlier-entries"' in latest
    assert as_user("community_b").get(link).status_code == 404  # not theirs to see


def test_the_history_keeps_sealed_bids_sealed(as_user, journey, world):
    project = journey.drive(journey.create(), "tendering")
    as_user("provider").post(f"/projects/{project.id}/bids", data={"price": "39000", "plan": "方案"})
    for i in range(55):
        record(project, world["bureau"], "add_objection", comment=f"记录{i}")
    db.session.commit()
    for username, shown in (("provider", True), ("provider2", False)):
        client = as_user(username)
        html = ok_html(client.get(f"/projects/{project.id}"))
        link = html.split('data-testid="earlier-entries"')[0].rsplit('href="', 1)[1].split('"')[0]
        history = ok_html(client.get(link.replace("&amp;", "&")))
        assert ("提交响应文件" in history) is shown, username


def test_a_project_page_runs_the_same_statements_for_3_or_30_entries(as_user, journey, world):
    project = journey.drive(journey.create(), "notice")
    client = as_user("community")
    few = of_page(client, f"/projects/{project.id}")
    for i in range(60):
        record(project, world["community"], "add_objection", comment=f"登记{i}")
    db.session.commit()
    assert of_page(client, f"/projects/{project.id}") == few
    assert app_clock.now()  # the page ran under the test clock
