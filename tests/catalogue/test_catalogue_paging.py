"""A catalogue of any size: its pages show a slice of its items, numbered on in the catalogue's order, each category's
subtotal under its last item and the total on the last page; the counts and subtotals are kept with the items
(catalogue_groups) as projects are listed and removed; a page runs the same statements for 3 or 30 items; the
printable page and the exports still carry every item."""
import csv
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from procure.catalogue import operations
from procure.catalogue.models import Catalogue, CatalogueGroup, CatalogueItem
from procure.extensions import db
from procure.projects.models import Project

from html_pages import ok_html
from statements import of_page
from support import login


@pytest.fixture
def listed(journey):
    """Four projects in the 2026 catalogue: three under 公共服务 (A), one under the auxiliary services (B)."""
    projects = [journey.create(title="长者助餐", amount="40000.00", category="A0101"),
                journey.create(title="邻里互助", amount="12500.50", category="A0203"),
                journey.create(title="儿童托管", amount="9000.00", category="A0101"),
                journey.create(title="社工培训", amount="20000.00", category="B0201")]
    for project in projects:
        journey.drive(project, "cataloged")
    return projects


def rows(html) -> list[str]:
    """The numbers of the item rows, in order."""
    body = html.split('data-testid="catalogue-items"')[1].split("</table>")[0]
    return re.findall(r"<tr>\s*<td>(\d+)</td>", body)


def kept_groups(catalogue_id) -> dict:
    return {(g.category_code): (g.items, g.budget) for g in db.session.scalars(
        select(CatalogueGroup).where(CatalogueGroup.catalogue_id == catalogue_id)) if g.items}


def counted_groups(catalogue_id) -> dict:
    top = func.substr(CatalogueItem.category_code, 1, 1)
    return {code: (count, total) for code, count, total in db.session.execute(
        select(top, func.count(), func.sum(CatalogueItem.budget))
        .where(CatalogueItem.catalogue_id == catalogue_id, CatalogueItem.removed_in_version.is_(None))
        .group_by(top))}


@pytest.mark.parametrize("path", ["/catalogues/2026", "/public/catalogues/2026"])
def test_pages_number_on_with_subtotals_under_each_category_and_the_total_last(app, listed, journey, client,
                                                                               monkeypatch, path):
    if path.startswith("/public"):
        journey.bring_catalogue_into_force(listed[0])
    else:
        login(client, "bureau")
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    first, second = ok_html(client.get(path)), ok_html(client.get(path + "?page=2"))
    assert rows(first) == ["1", "2"] and rows(second) == ["3", "4"]
    assert "长者助餐" in first and "儿童托管" in first and "社工培训" in second  # A0101 items first, by code
    assert 'data-testid="subtotal-A"' not in first and 'data-testid="total"' not in first
    assert 'data-testid="subtotal-A"' in second and 'data-testid="subtotal-B"' in second
    assert "61,500.50" in second.split('data-testid="subtotal-A"')[1].split("</tr>")[0]
    assert "81,500.50" in second.split('data-testid="total"')[1].split("</td>")[0]
    assert 'data-testid="catalogue-groups"' in first  # every category's count and subtotal above the items
    assert rows(ok_html(client.get(path + "?page=99"))) == ["3", "4"]  # past the end: the last page


def test_the_kept_groups_follow_listing_and_removal(listed, journey, world):
    catalogue = db.session.scalar(select(Catalogue).filter_by(year=2026))
    assert kept_groups(catalogue.id) == counted_groups(catalogue.id) == {
        "A": (3, Decimal("61500.50")), "B": (1, Decimal("20000.00"))}
    journey.fire(listed[1], "cancel", world["bureau"], reason="社区已另行解决")  # removed from the draft
    db.session.commit()
    assert kept_groups(catalogue.id) == counted_groups(catalogue.id) == {
        "A": (2, Decimal("49000.00")), "B": (1, Decimal("20000.00"))}
    journey.in_force(listed[0])
    journey.fire(listed[3], "cancel", world["bureau"], reason="项目取消")  # an amendment: kept as removed
    db.session.commit()
    assert kept_groups(catalogue.id) == counted_groups(catalogue.id) == {"A": (2, Decimal("49000.00"))}
    assert db.session.get(Catalogue, catalogue.id).item_count == 2


def test_the_printable_page_and_the_csv_carry_every_item(app, listed, journey, client, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    journey.bring_catalogue_into_force(listed[0])
    login(client, "bureau")
    printed = ok_html(client.get("/catalogues/2026/print"))
    assert rows(printed) == ["1", "2", "3", "4"] and 'data-testid="total"' in printed
    lines = list(csv.reader(io.StringIO(ok_html(client.get("/public/exports/catalogue.csv?year=2026")).lstrip("\ufeff"))))
    assert [line[0] for line in lines[1:] if line[0]] == ["1", "2", "3", "4"]
    assert lines[-1][2] == "合计" and lines[-1][-1] == "81500.50"


def test_a_catalogue_page_runs_the_same_statements_for_3_or_30_items(listed, journey, client, world):
    login(client, "bureau")

    few = of_page(client, "/catalogues/2026")
    template = listed[0]
    columns = [c.key for c in Project.__table__.columns if c.key not in ("id", "code", "version")]
    for i in range(26):
        project = Project(code=f"WXM2026-9{i:03d}", **{key: getattr(template, key) for key in columns})
        db.session.add(project)
        db.session.flush()
        operations.add_to_catalogue(project, world["bureau"], 2026)
    db.session.commit()
    assert db.session.scalar(select(Catalogue).filter_by(year=2026)).item_count == 30
    assert of_page(client, "/catalogues/2026") == few
