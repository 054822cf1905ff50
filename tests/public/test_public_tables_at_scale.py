"""The public tables at any size: a page reads its own rows and lets the database count the totals of every matching
row, which are exactly what the rows add up to (and what the export's totals row says); a page runs the same
statements for 3 or 30 contracts and evaluations; the figures kept beside the data (catalogue groups, volunteers'
periods, the open-data totals) match the data they count."""
import csv
import importlib.util
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text

from procure.catalogue.models import CatalogueGroup, CatalogueItem
from procure.extensions import db
from procure.opendata.models import OcdsRelease, OcdsTotals
from procure.payments.models import Payment
from procure.performance_evaluation.models import PerformanceEvaluation
from procure.procurement import contracts
from procure.procurement.models import Contract
from procure.projects.models import Project
from procure.paging import position
from procure.public import tables
from procure.totals import keeping
from procure.totals.models import FIGURES, FilterTotals, ProjectFigures
from procure.volunteers.models import PointEntry, VolunteerPeriod
from procure.volunteers.periods import HOURS_KINDS, month_of, year_of

from statements import of_page

MIGRATION = Path(__file__).resolve().parents[2] / "migrations/versions/0023_desk_indexes.py"
FILTERS = [{}, {"funding_form": "purchase"}, {"stage": "closed"}, {"district": "330102"}, {"q": "社区"}]


def page_of(table, number, per_page) -> dict:
    """Page `number` as its page reads it: by cursor where the table has an order (a jump by number here), else by
    number."""
    if table.order is not None:
        return table.keyset_page(position({"page": str(number)}, table.order), per_page)
    return table.page(number, per_page)


class TestDemoTables:
    @pytest.fixture(autouse=True)
    def ctx(self, app, demo_city):
        """The demo city stays for the class."""
        with app.app_context():
            yield demo_city
            db.session.rollback()

    @pytest.mark.parametrize("name", ["projects", "contracts", "payments", "evaluations"])
    @pytest.mark.parametrize("filters", FILTERS)
    def test_the_database_counts_what_the_rows_add_up_to(self, name, filters):
        table = tables.TABLES[name](filters)
        shown = page_of(table, 1, 5)
        rows, walked, count = table.walk(keep=lambda index: index < 5)
        assert shown["count"] == count and shown["pages"] == max(1, -(-count // 5))
        assert shown["rows"] == rows
        assert shown["totals"].cells() == walked.cells()
        last = page_of(table, shown["pages"], 5)
        assert last["rows"] == table.walk(keep=lambda index: index >= (shown["pages"] - 1) * 5)[0]

    @pytest.mark.parametrize("name", ["contracts", "payments", "evaluations"])
    @pytest.mark.parametrize("filters", FILTERS)
    def test_next_and_previous_walk_every_row_once_in_order(self, name, filters):
        """Pages by cursor (after= / before=) hold the rows of the whole table, in its order, each once."""
        table = tables.TABLES[name](filters)
        every, _totals, count = table.walk(keep=lambda index: True)
        shown, seen, pages = table.keyset_page(position({}, table.order), 2), [], []
        while True:
            seen += shown["rows"]
            pages.append(shown)
            assert shown["count"] == count and shown["totals"].count == count
            if not shown["nav"].older:
                break
            shown = table.keyset_page(position({"after": shown["nav"].older}, table.order), 2)
        assert seen == every
        if len(pages) > 1:  # back from the last page: the page before it
            back = table.keyset_page(position({"before": pages[-1]["nav"].newer}, table.order), 2)
            assert back["rows"] == pages[-2]["rows"]

    def test_the_contracts_page_totals_are_the_exports(self, client):
        html = client.get("/public/contracts?funding_form=purchase").get_data(as_text=True)
        footer = html.split('data-testid="contract-table-totals"')[1].split("</tr>")[0]
        lines = list(csv.reader(io.StringIO(client.get("/public/exports/contracts.csv?funding_form=purchase")
                                            .get_data(as_text=True).lstrip("\ufeff"))))
        header, totals = lines[0], lines[-1]
        for key in ("amount", "paid", "outstanding"):
            cell = footer.split(f'data-key="{key}"')[1].split("</th>")[0].split(">", 1)[1]
            column = [c.key for c in tables.CONTRACT_COLUMNS].index(key)
            assert Decimal(cell.replace(",", "")) == Decimal(totals[column]), (key, header[column])

    def test_the_kept_figures_match_what_they_count(self):
        top = func.substr(CatalogueItem.category_code, 1, 1)
        counted = {(c, code): (n, total) for c, code, n, total in db.session.execute(
            select(CatalogueItem.catalogue_id, top, func.count(), func.sum(CatalogueItem.budget))
            .where(CatalogueItem.removed_in_version.is_(None)).group_by(CatalogueItem.catalogue_id, top))}
        kept = {(g.catalogue_id, g.category_code): (g.items, g.budget)
                for g in db.session.scalars(select(CatalogueGroup)) if g.items}
        assert kept == counted and kept
        periods = {}
        for volunteer_id, at, kind, hours, points in db.session.execute(
                select(PointEntry.volunteer_id, PointEntry.at, PointEntry.kind, PointEntry.hours, PointEntry.points)):
            if kind in HOURS_KINDS:
                for key in (month_of(at), year_of(at)):
                    sums = periods.setdefault((volunteer_id, key), [Decimal("0.00"), Decimal("0.00")])
                    sums[0] += hours
                    sums[1] += points
        kept = {(p.volunteer_id, p.period): [p.hours, p.points] for p in db.session.scalars(select(VolunteerPeriod))}
        assert kept == periods and len(kept) > 100
        totals = db.session.get(OcdsTotals, 1)
        assert (totals.releases, totals.processes) == db.session.execute(
            select(func.count(OcdsRelease.id), func.count(func.distinct(OcdsRelease.ocid)))).one()


    def test_the_kept_totals_equal_a_recount_and_the_migrations_fill(self):
        def kept():
            db.session.expire_all()
            return {row.key: tuple(getattr(row, name) for name, _money in FIGURES)
                    for row in db.session.scalars(select(FilterTotals)) if row.projects}
        before = kept()
        assert before["all"][0] > 10 and any(key.startswith("category:") for key in before)
        keeping.refill()
        assert kept() == before
        db.session.execute(delete(FilterTotals))
        db.session.execute(delete(ProjectFigures))
        spec = importlib.util.spec_from_file_location("desk_migration", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.fill_totals(lambda statement: db.session.execute(text(statement)),
                              lambda statement: db.session.execute(text(statement)).scalar())
        assert kept() == before


def copy_row(row, **changes):
    """A new row of `row`'s model with its values (its id aside) and `changes`."""
    model = type(row)
    values = {c.key: getattr(row, c.key) for c in model.__table__.columns if c.key not in ("id", "version")}
    copy = model(**{**values, **changes})
    db.session.add(copy)
    db.session.flush()
    return copy


def test_the_tables_run_the_same_statements_for_3_or_30_rows(journey, client, world):
    project = journey.drive(journey.create(), "evaluated")
    contract = db.session.scalar(select(Contract).filter_by(project_id=project.id))
    if contract.published_at is None:
        journey.do(contracts.publish, project, world["bureau"])
    evaluation = db.session.scalar(select(PerformanceEvaluation).filter_by(project_id=project.id))
    journey.pay_due(project)
    payments = db.session.scalars(select(Payment).filter_by(project_id=project.id)).all()
    assert evaluation.finalised_at is not None and payments

    def more(n):
        for _ in range(n):
            count = db.session.scalar(select(func.count(Project.id)))
            twin = copy_row(project, code=f"{project.code}-{count}")
            copy_row(contract, project_id=twin.id)
            copy_row(evaluation, project_id=twin.id)
            for payment in payments:
                copy_row(payment, project_id=twin.id)
        db.session.commit()

    cursors = {"after": tables.CONTRACT_ORDER.encode(contract), "before": tables.PAYMENT_ORDER.encode(payments[0])}
    paths = ["/public/contracts", "/public/evaluations", "/public/contracts?page=2&payments_page=2",
             "/public/contracts?after={after}&payments_before={before}".format(**cursors)]
    more(2)
    few = {path: of_page(client, path) for path in paths}
    more(27)
    assert {path: of_page(client, path) for path in paths} == few


def test_the_totals_follow_each_change_at_once(journey, client, world):
    project = journey.drive(journey.create(), "evaluated")
    contract = db.session.scalar(select(Contract).filter_by(project_id=project.id))
    if contract.published_at is None:
        journey.do(contracts.publish, project, world["bureau"])

    def footer() -> dict:
        html = client.get("/public/contracts").get_data(as_text=True)
        row = html.split('data-testid="contract-table-totals"')[1].split("</tr>")[0]
        return {key: row.split(f'data-key="{key}"')[1].split("</th>")[0].split(">", 1)[1]
                for key in ("amount", "paid", "outstanding")}

    before = footer()
    paid = journey.pay_due(project)
    assert paid
    after = footer()
    total = sum((payment.amount for payment in paid), Decimal("0.00"))
    assert Decimal(after["paid"].replace(",", "")) == Decimal(before["paid"].replace(",", "")) + total
    assert after["amount"] == before["amount"]
    assert Decimal(after["outstanding"].replace(",", "")) == Decimal(before["outstanding"].replace(",", "")) - total


def test_recount_changes_nothing_and_restores_what_was_lost(app, journey, world):
    journey.drive(journey.create(), "evaluated")
    db.session.commit()

    def kept() -> dict:
        db.session.expire_all()
        return {"totals": {row.key: [getattr(row, name) for name, _money in FIGURES]
                           for row in db.session.scalars(select(FilterTotals)) if row.projects},
                "groups": {(g.catalogue_id, g.category_code): (g.items, g.budget)
                           for g in db.session.scalars(select(CatalogueGroup)) if g.items},
                "ocds": [(t.releases, t.processes) for t in db.session.scalars(select(OcdsTotals))]}
    before = kept()
    assert before["totals"] and before["groups"] and before["ocds"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["recount"])
    assert result.exit_code == 0, result.output
    assert kept() == before
    db.session.execute(delete(FilterTotals))
    db.session.execute(delete(CatalogueGroup))
    db.session.execute(delete(OcdsTotals))
    db.session.commit()
    assert runner.invoke(args=["recount"]).exit_code == 0
    assert kept() == before
