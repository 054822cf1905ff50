"""The scale generator (`flask demo scale`): the demo city grown in bulk is still a city the app serves, whose
codes are unique, whose rows hold together and whose audit trail is one intact chain."""
import re
from collections import Counter

import pytest
from sqlalchemy import text

from conftest import DEMO_PASSWORD, SCALED
from procure.accounts.models import Organisation, User
from procure.demo.projects import PROJECTS
from procure.demo.scale.rewrites import copied_tables
from procure.documents.models import IssuedDocument
from procure.extensions import db
from procure.opendata.models import OcdsRelease
from procure.projects.models import Project
from procure.volunteers.models import PointEntry, Volunteer


def count(table: str) -> int:
    return db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()


@pytest.fixture(scope="class")
def before(app, demo_city):
    """Every table's row count in the demo city, before it grows."""
    with app.app_context():
        return {table.name: count(table.name) for table in db.metadata.sorted_tables}


@pytest.fixture(scope="class")
def grown(before, scaled_city):
    return scaled_city


class TestScaledCity:
    @pytest.fixture(autouse=True)
    def ctx(self, app, grown):
        """Overrides the conftest fixture: the scaled city stays for the class."""
        with app.app_context():
            yield grown
            db.session.rollback()

    def test_the_city_holds_what_was_asked(self, before):
        assert count("projects") == SCALED["projects"]
        communities = db.session.scalar(db.select(db.func.count()).select_from(Organisation).filter_by(kind="community"))
        assert communities == count("organisations") - before["organisations"] + 14 >= SCALED["communities"] - 2
        assert count("volunteers") == before["volunteers"] + SCALED["more_volunteers"]
        assert count("point_entries") == before["point_entries"] + SCALED["more_entries"]

    def test_every_table_a_project_fills_grows(self, before, grown):
        filled = [t.name for t in copied_tables(db.metadata) if before[t.name]]
        assert len(filled) > 30
        for name in filled + ["users", "volunteers", "activities", "signups", "point_entries", "issued_documents"]:
            assert count(name) > before[name], name
            assert grown[name] == count(name) - before[name], name

    def test_every_state_and_funding_form_of_the_demo_is_copied(self):
        pairs = Counter(db.session.execute(db.select(Project.state, Project.funding_form)).all())
        assert len(pairs) >= 25
        assert min(pairs.values()) >= 2  # the demo's one and at least one copy

    def test_copies_are_moved_back_in_time_never_ahead(self):
        demo = db.select(Project.id).order_by(Project.id).limit(len(PROJECTS))
        demo_last = db.session.scalar(db.select(db.func.max(Project.created_at)).where(Project.id.in_(demo)))
        assert db.session.scalar(db.select(db.func.max(Project.created_at))) <= demo_last
        assert db.session.scalar(db.select(db.func.min(Project.created_at))) < demo_last.replace(year=demo_last.year - 1)

    def test_codes_are_unique_and_numbered_by_year(self):
        codes = db.session.scalars(db.select(Project.code)).all()
        assert len(set(codes)) == len(codes)
        by_year = {}
        for code in codes:
            year, number = re.fullmatch(r"WXM(\d{4})-(\d{4})", code).groups()
            by_year.setdefault(year, []).append(int(number))
        assert len(by_year) >= 2
        for numbers in by_year.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))

    def test_each_copy_publishes_under_its_own_code(self, app):
        prefix = app.config["OCDS_PREFIX"]
        rows = db.session.execute(db.select(OcdsRelease.ocid, OcdsRelease.release_id, OcdsRelease.release,
                                            OcdsRelease.date, Project.code).join(Project)).all()
        assert len(rows) > 500
        for ocid, release_id, release, date, code in rows:
            assert ocid == f"{prefix}-{code}" == release["ocid"]
            assert release_id.startswith(ocid + "-") and release["id"] == release_id
            assert release["date"] == f"{date:%Y-%m-%dT%H:%M:%SZ}"

    def test_issued_documents_have_unique_numbers_and_codes_of_their_projects(self):
        documents = db.session.execute(db.select(IssuedDocument.number, IssuedDocument.verification_code,
                                                 Project.code).join(Project)).all()
        assert len(documents) > 300
        assert len({d.number for d in documents}) == len({d.verification_code for d in documents}) == len(documents)
        assert all(d.number.startswith(d.code + "-") for d in documents)

    def test_foreign_keys_hold(self):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL checks every foreign key as each row goes in")
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []

    def test_the_audit_trail_is_one_intact_chain(self, app):
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert "chain intact" in result.output
        assert count("audit_entries") > 20 * SCALED["projects"]

    def test_each_volunteer_holds_the_sums_of_their_ledger(self):
        sums = dict(db.session.execute(db.select(PointEntry.volunteer_id, db.func.sum(PointEntry.points))
                                       .group_by(PointEntry.volunteer_id)).all())
        for volunteer_id, balance in db.session.execute(db.select(Volunteer.id, Volunteer.balance)):
            assert balance == sums.get(volunteer_id, 0), volunteer_id

    def test_the_kept_figures_count_the_copies(self, app):
        """The generator counts every kept figure again after the bulk load: a second count changes nothing."""
        kept = ("project_counts", "project_figures", "filter_totals", "catalogue_groups", "volunteer_periods",
                "ocds_totals")

        def rows():
            return {name: sorted(map(tuple, db.session.execute(text(f"SELECT * FROM {name}")).all()))
                    for name in kept}
        before = rows()
        assert before["project_figures"] and before["ocds_totals"][0][1] == count("ocds_releases")
        assert sum(r[4] for r in before["project_counts"] if r[0] == "all") == SCALED["projects"]
        db.session.commit()
        assert app.test_cli_runner().invoke(args=["recount"]).exit_code == 0
        assert rows() == before

    def test_copies_live_in_new_communities_whose_worker_signs_in(self, client):
        newest = db.session.scalar(db.select(Organisation).filter_by(kind="community").order_by(Organisation.id.desc()))
        worker = db.session.scalar(db.select(User).filter_by(organisation_id=newest.id, role="community"))
        theirs = db.session.scalars(db.select(Project).filter_by(community_id=newest.id)).all()
        assert theirs
        assert client.post("/login", data={"username": worker.username, "password": DEMO_PASSWORD}).status_code == 302
        page = client.get("/desk")
        assert page.status_code == 200
        project = theirs[0]
        shown = client.get(f"/projects/{project.id}")
        assert shown.status_code == 200 and project.code in shown.get_data(as_text=True)

    @pytest.mark.parametrize("who, url", [(None, "/public/projects"), (None, "/public/projects?page=10"),
                                          ("bureau1", "/projects"), ("bureau1", "/desk"),
                                          ("community1", "/desk"), ("provider1", "/desk")])
    def test_the_lists_and_desks_answer(self, client, who, url):
        if who:
            assert client.post("/login", data={"username": who, "password": DEMO_PASSWORD}).status_code == 302
        assert client.get(url).status_code == 200

    def test_a_copied_project_shows_to_the_public_under_its_code(self, client):
        copy = db.session.scalar(db.select(Project).where(Project.state == "closed").order_by(Project.id.desc()))
        page = client.get(f"/public/projects/{copy.code}")
        assert page.status_code == 200
        assert copy.code in page.get_data(as_text=True)


def test_scaling_needs_the_demo_city(app):
    result = app.test_cli_runner().invoke(args=["demo", "scale", "--projects", "50"])
    assert result.exit_code != 0
    assert "flask demo load" in result.output
    assert count("projects") == 0
