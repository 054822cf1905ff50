"""Every page a user meets costs the same on the demo city and on the same city grown about ten times by
`flask demo scale` (the scaled_city fixture): the same SQL statements at most (an upper bound per page that the
growth does not move), and none of them reads a big table whole (the database's own plan, after the generator's
ANALYZE). The pages are bench/pages.py's; there they are timed at 100,000 projects."""
import contextvars

import pytest
from flask.testing import FlaskClient

from conftest import DEMO_PASSWORD, SCALED
from procure.demo.projects import PROJECTS
from procure.extensions import db
from procure.opendata.models import OcdsRelease
from procure.catalogue.models import Catalogue
from procure.accounts.models import User
from procure.projects.models import Project
from statements import captured, whole_reads

SEARCH = "q=%E8%80%81%E5%B9%B4"  # 老年
DEEP = 2000  # a deep page: the demo's lists show their last, the grown city's a page far down

# (who, path, bound on its statements); streamed exports are counted to their first piece. The bounds are what
# the pages run now, on both cities and both databases (the most of them): a change that adds statements must say
# so here. A desk checks the guards of
# at most DESK_WAITING_LIMIT (10) projects per stage it lists, a few statements each: its lists are full at 400
# projects, so that no larger city adds any (bureau1's, provider1's and evaluator1's run fewer on the demo, whose
# lists are shorter).
PAGES = [
    (None, "/", 14),
    (None, "/public/projects", 7),
    (None, f"/public/projects?page={DEEP}", 7),
    (None, "/public/projects?stage=delivery&funding_form=purchase", 7),
    (None, f"/public/projects?{SEARCH}", 9),
    (None, f"/public/projects?{SEARCH}&page={DEEP}", 9),
    (None, "/public/projects/{code}", 29),
    (None, "/public/catalogues/{year}", 5),
    (None, "/public/catalogues", 2),
    (None, "/public/contracts", 12),
    (None, "/public/evaluations", 5),
    (None, "/public/providers", 6),
    (None, "/public/evaluators", 5),
    (None, "/public/communities", 4),
    (None, "/public/volunteers/board", 4),
    (None, "/public/volunteers/board?period=all", 4),
    (None, "/api/v1/ocds/releases", 1),
    (None, "/open-data", 4),
    (None, "/api/v1/ocds/bulk/{ocds_year}.json", 1),
    (None, "/public/exports/projects.csv", 0),
    ("admin", "/desk", 10),
    ("bureau1", "/desk", 71),
    ("community1", "/desk", 39),
    ("reviewer1", "/desk", 11),
    ("provider1", "/desk", 68),
    ("evaluator1", "/desk", 89),
    ("resident1", "/me/volunteer", 9),
    ("bureau1", "/projects", 5),
    ("bureau1", f"/projects?page={DEEP}", 5),
    ("bureau1", "/projects?state=in_delivery&funding_form=purchase", 6),  # and whether the area holds every community
    ("bureau1", f"/projects?{SEARCH}", 6),
    ("bureau1", "/projects?community={community}", 5),
    ("community1", "/projects", 4),
    ("provider1", "/projects", 5),
    ("bureau1", "/projects/{project_id}", 97),
    ("bureau1", "/catalogues/{year}", 8),
    ("community1", "/volunteers", 4),
    ("community1", "/volunteers?year={ocds_year}", 4),
    ("bureau1", "/projects/export.csv", 1),
    ("community1", "/volunteers/export.csv", 7),
]
STREAMED = (".csv", ".json")  # exports and bulk files
# The tables that grow with the city: a page that reads one whole costs what the city holds.
BIG = ("projects", "audit_entries", "point_entries", "volunteer_periods", "volunteers", "catalogue_items",
       "ocds_releases", "contracts", "payments", "payment_requests", "milestones", "challenges", "bids",
       "performance_evaluations", "signups", "project_figures", "issued_documents", "notifications")


def subjects() -> dict:
    """What the addresses name, from the demo's own rows (the grown city keeps them unchanged)."""
    demo = db.select(Project.id).order_by(Project.id).limit(len(PROJECTS)).scalar_subquery()
    project = db.session.scalar(db.select(Project).where(Project.id.in_(demo), Project.state == "closed",
                                                         Project.funding_form == "purchase").order_by(Project.id))
    return {"project_id": project.id, "code": project.code,
            "year": db.session.scalar(db.select(db.func.max(Catalogue.year)).filter_by(state="in_force")),
            "community": db.session.scalar(db.select(User.organisation_id).filter_by(username="community1")),
            "ocds_year": db.session.scalar(db.select(db.func.max(OcdsRelease.date))).year}


def visit(app, who, path):
    """The statements one request for `path` runs, signed in as `who` (the sign-in itself not counted); a
    streamed export only to its first piece."""
    client = app.test_client()
    if who:
        response = client.post("/login", data={"username": who, "password": DEMO_PASSWORD})
        assert response.status_code == 302, who

    def get():
        if not path.split("?")[0].endswith(STREAMED):
            response = client.get(path)
            assert response.status_code == 200, (who, path, response.status_code)
            return
        # As tests/serverlike.py serves a request, in a context of its own, but only the first piece is read.
        context = contextvars.Context()
        db.session.commit()
        response = context.run(FlaskClient.open, client, path, buffered=False)
        assert response.status_code == 200, (who, path, response.status_code)
        assert context.run(next, iter(response.response))
        context.run(response.close)
    return captured(get)


def cost_of_every_page(app) -> dict:
    s = subjects()
    return {(who, path): visit(app, who, path.format(**s)) for who, path, _bound in PAGES}


@pytest.fixture(scope="class")
def on_the_demo(app, demo_city):
    with app.app_context():
        return cost_of_every_page(app)


@pytest.fixture(scope="class")
def on_the_grown_city(app, on_the_demo, scaled_city):
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Project.id))) == SCALED["projects"]
        return cost_of_every_page(app)


class TestEveryPageAtTenTimesTheData:
    @pytest.fixture(autouse=True)
    def ctx(self, app, on_the_grown_city):
        """Overrides the conftest fixture: the grown city stays for the class."""
        with app.app_context():
            yield
            db.session.rollback()

    @pytest.mark.parametrize("who, path, bound", PAGES, ids=[f"{who or 'public'} {path}" for who, path, _ in PAGES])
    def test_the_same_statements_at_most(self, on_the_demo, on_the_grown_city, who, path, bound):
        demo, grown = len(on_the_demo[(who, path)]), len(on_the_grown_city[(who, path)])
        assert demo <= bound and grown <= bound, f"{path}: {demo} statements on the demo, {grown} grown ({bound})"

    @pytest.mark.parametrize("who, path, bound", PAGES, ids=[f"{who or 'public'} {path}" for who, path, _ in PAGES])
    def test_no_big_table_read_whole(self, on_the_grown_city, who, path, bound):
        scans = [(statement, line) for statement, parameters in on_the_grown_city[(who, path)]
                 for line in whole_reads(statement, parameters, BIG)]
        assert scans == []
