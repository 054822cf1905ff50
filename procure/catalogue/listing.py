"""A catalogue as its pages show it: one slice of its items, numbered in the catalogue's order and split by
top-level category, with each category's subtotal under its last item and the total on the last page. The groups'
counts and subtotals are kept (CatalogueGroup), so a page reads its own items and nothing more; the printable page,
the PDF and the exports carry the whole catalogue."""
from decimal import Decimal
from itertools import groupby

from flask import current_app

from procure.catalogue.models import Catalogue, CatalogueAmendment, Category
from procure.catalogue.operations import listed
from procure.extensions import db

AMENDMENTS_SHOWN = 20  # the latest amendments a page lists (each listing or removal after publication is one)


def categories() -> dict[str, Category]:
    return {c.code: c for c in db.session.scalars(db.select(Category))}


def catalogue_page(catalogue, page: int | None) -> dict:
    """{"sections": [{"category", "subtotal", "items": [(number, item)], "ends"}], "groups", "count", "total", "page",
    "pages", "categories", "last"} for page `page` (1…, past the end: the last)."""
    per_page = current_app.config["PER_PAGE"]
    every_category = categories()  # first: the groups find their categories among them, no query each
    groups = list(catalogue.groups)
    count = sum(group.items for group in groups)
    pages = max(1, -(-count // per_page))
    page = min(page or 1, pages)
    first = (page - 1) * per_page
    ends, seen = {}, 0
    for group in groups:
        seen += group.items
        ends[group.category_code] = seen  # the number of the group's last item
    by_code = {group.category_code: group for group in groups}
    sections, number = [], first
    for item in listed(catalogue, first, per_page):
        number += 1
        code = item.category_code[:1]
        if not sections or sections[-1]["code"] != code:
            group = by_code.get(code)
            sections.append({"code": code, "category": group.category if group else None,
                             "subtotal": group.budget if group else Decimal("0.00"), "items": [], "ends": False})
        sections[-1]["items"].append((number, item))
        sections[-1]["ends"] = number == ends.get(code)
    return {"sections": sections, "groups": groups, "count": count, "total": catalogue.budget_total, "page": page,
            "pages": pages, "categories": every_category, "last": page == pages}


def whole_catalogue(catalogue) -> dict:
    """Every item, in the same shape as a page (the printable page), read as the page is written: the sections
    and their items are generators that a streamed template walks once, after the view has returned (they read
    the catalogue again then, in the session of that moment)."""
    catalogue_id = catalogue.id

    def sections():
        current = db.session.get(Catalogue, catalogue_id)
        groups = {group.category_code: (group.category, group.budget) for group in current.groups}
        for code, items in groupby(enumerate(listed(current), 1), key=lambda pair: pair[1].category_code[:1]):
            category, subtotal = groups.get(code, (None, Decimal("0.00")))
            yield {"code": code, "category": category, "subtotal": subtotal, "items": items, "ends": True}

    return {"sections": sections(), "count": catalogue.item_count, "total": catalogue.budget_total, "page": 1,
            "pages": 1, "categories": categories(), "last": True}


def latest_amendments(catalogue) -> list[CatalogueAmendment]:
    """The AMENDMENTS_SHOWN latest amendments, oldest first; there are catalogue.version - 1 in all."""
    rows = db.session.scalars(db.select(CatalogueAmendment).where(CatalogueAmendment.catalogue_id == catalogue.id)
                              .order_by(CatalogueAmendment.version.desc()).limit(AMENDMENTS_SHOWN)).all()
    return list(reversed(rows))
