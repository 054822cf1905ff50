"""The project counts (procure.projects.counts) that the lists' totals and the home page's figures read: after
every kind of change, in the same transaction, they hold what counting the projects again gives."""
from decimal import Decimal

import pytest
from sqlalchemy import text

from procure.extensions import db
from procure.projects import counts, operations
from procure.formfields import json_to_formdata
from procure.demo.journey import proposal


def same_as_a_recount():
    db.session.expire_all()
    assert counts.stored(db.session) == counts.recount(db.session)


def test_every_state_change_moves_the_counts_with_it(journey):
    purchase = journey.create(title="助餐", amount="40000.00")
    subsidy = journey.create(title="课堂", funding_form="subsidy", amount="30000.00", category="A0201")
    reward = journey.create(title="议事", funding_form="reward", amount="5000.00")
    same_as_a_recount()
    journey.drive(purchase, "closed")
    journey.drive(subsidy, "cancelled")
    journey.drive(reward, "rejected")
    same_as_a_recount()
    assert counts.total("all", "", ["closed"]) == (1, Decimal("40000.00"))
    assert counts.total("form", "subsidy", ["cancelled"])[0] == 1
    assert counts.total("catalogue_year", str(subsidy.catalogue_year))[0] == 2  # closed and cancelled, both listed
    assert counts.total("implementer", str(purchase.implementer_id))[0] == 1
    assert counts.total("evaluator", str(purchase.evaluator_org_id))[0] == 1
    assert counts.total("category", "A02")[0] == counts.total("category", "A")[0] - 2 == 1


def test_an_edited_proposal_moves_between_funding_forms_and_categories(journey, world):
    project = journey.create(category="A0101")
    data = proposal(funding_form="subsidy", category="A0201")
    operations.update_project(project, world["community"], json_to_formdata(data), project.version)
    db.session.commit()
    same_as_a_recount()
    assert counts.total("form", "purchase")[0] == 0 and counts.total("form", "subsidy")[0] == 1
    assert counts.total("category", "A01")[0] == 0 and counts.total("category", "A0201")[0] == 1


def test_a_community_that_moves_takes_its_projects_counts_along(journey, world):
    journey.drive(journey.create(), "notice")
    journey.create()
    community = world.community
    community.division_code, community.community_class = "330105002009", "village_converted"
    db.session.commit()
    same_as_a_recount()
    assert counts.total("area6", "330102")[0] == 0 and counts.total("area6", "330105")[0] == 2
    assert counts.total("class", "village_converted", ["notice"])[0] == 1


def test_a_change_rolled_back_leaves_the_counts_as_they_were(journey):
    project = journey.create()
    before = counts.stored(db.session)
    project.funding_form = "reward"
    db.session.flush()
    assert counts.stored(db.session) != before  # flushed with the change …
    db.session.rollback()
    assert counts.stored(db.session) == before  # … and gone with it
    same_as_a_recount()


def test_a_rebuild_after_a_bulk_load_gives_the_same_counts(journey):
    journey.drive(journey.create(), "approved")
    journey.create(funding_form="reward")
    kept = counts.stored(db.session)
    db.session.execute(text("DELETE FROM project_counts"))
    assert counts.rebuild(db.session) == 2
    db.session.commit()
    assert counts.stored(db.session) == kept


def test_flask_recount_counts_them_again(app, journey):
    journey.drive(journey.create(), "notice")
    kept = counts.stored(db.session)
    db.session.execute(text("UPDATE project_counts SET projects = projects + 7"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["recount"])
    assert result.exit_code == 0 and "project counts counted again" in result.output
    assert counts.stored(db.session) == kept


@pytest.mark.parametrize("code,year", [("WXM2026-0001", "2026"), ("WXM1999-12", "1999"), ("X2026-0001", None),
                                       ("WXM2026", None)])
def test_the_proposal_year_is_the_one_the_code_carries(code, year):
    assert counts.proposal_year(code) == year
