"""The hot queries of the home page and of both project lists read an index, never a whole table: each statement
a page runs on projects or project_counts is planned by the database itself (SQLite's EXPLAIN QUERY PLAN, or
PostgreSQL's EXPLAIN with sequential scans off) and no plan line is a full scan."""
import pytest

from statements import captured, full_scans, plan

PUBLIC = ("/", "/public/projects", "/public/projects?stage=delivery", "/public/projects?stage=notice&page=2",
          "/public/projects?community_class=mature", "/public/projects?q=助餐服务")
STAFF = ("/projects", "/projects?state=draft", "/projects?page=2", "/projects?funding_form=subsidy",
         "/projects?q=助餐服务")


@pytest.fixture
def some(app, journey, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    journey.drive(journey.create(title="已入目录的助餐服务"), "cataloged")
    for i in range(3):
        journey.drive(journey.create(title=f"社区助餐服务{i}", funding_form="subsidy"), "notice")
        journey.create(title=f"草稿{i}")


def scans_of(call) -> dict:
    found = {}
    for statement, parameters in captured(call):
        if "projects" in statement or "project_counts" in statement:
            scans = full_scans(plan(statement, parameters))
            if scans:
                found[statement] = scans
    return found


@pytest.mark.parametrize("path", PUBLIC)
def test_the_public_pages_read_indexes(client, some, path):
    assert scans_of(lambda: client.get(path)) == {}


@pytest.mark.parametrize("username", ["admin", "bureau", "reviewer", "community"])
@pytest.mark.parametrize("path", STAFF)
def test_the_staff_list_reads_indexes(as_user, some, username, path):
    client = as_user(username)
    assert scans_of(lambda: client.get(path)) == {}


def test_the_check_would_notice_a_full_scan(some):
    from procure.extensions import db

    statement = "SELECT count(*) FROM projects WHERE title <> ''"
    dialect = db.engine.dialect.name
    assert full_scans(plan(statement, () if dialect == "sqlite" else {}))
