"""The published catalogues on the public portal: the list by year with each one's number of items and total, and
one year's catalogue a page of items at a time (procure.catalogue.listing), with its latest amendments. Figures come
from the kept groups (procure.catalogue.models.CatalogueGroup), never from reading every item."""
from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure import disclosure
from procure.catalogue.listing import catalogue_page, latest_amendments
from procure.catalogue.models import Catalogue
from procure.database import MAX_ID
from procure.extensions import db
from procure.projects.inputs import FUNDING_FORM_LABELS
from procure.projects.listing import bounded_int
from procure.public import bp
from procure.public.pages import _catalogue_state_labels, public_catalogue_or_404


@bp.get("/public/catalogues")
def catalogues():
    rows = db.session.scalars(select(Catalogue).where(Catalogue.state.in_(disclosure.PUBLIC_CATALOGUE_STATES))
                              .options(selectinload(Catalogue.groups)).order_by(Catalogue.year.desc())).all()
    labels = _catalogue_state_labels()
    items = [{"year": c.year, "state": labels[c.state], "version": c.version, "published_at": c.published_at,
              "notice_ends_on": c.notice_ends_on, "in_force_at": c.in_force_at, "count": c.item_count,
              "total": c.budget_total} for c in rows]
    return render_template("public/catalogues.html", catalogues=items)


@bp.get("/public/catalogues/<int:year>")
def catalogue(year):
    catalogue = public_catalogue_or_404(year)
    view = catalogue_page(catalogue, bounded_int(request.args.get("page"), 1, MAX_ID))
    sections = []
    for section in view["sections"]:
        rows = []
        for number, item in section["items"]:
            category = view["categories"][item.category_code]
            rows.append({"number": number, "category_code": category.code, "category_name": category.name,
                         "procurement_item_code": category.procurement_item_code, "code": item.project.code,
                         "title": item.project.title, "community": item.project.community.name,
                         "funding_form": FUNDING_FORM_LABELS[item.project.funding_form], "budget": item.budget,
                         "public": disclosure.is_public(item.project)})
        group = section["category"]
        sections.append({"code": section["code"], "name": group.name if group else section["code"], "items": rows,
                         "subtotal": section["subtotal"], "ends": section["ends"]})
    amendments = [{"version": a.version, "at": a.at, "reason": a.reason} for a in latest_amendments(catalogue)]
    groups = [{"code": g.category_code, "name": g.category.name, "items": g.items, "subtotal": g.budget}
              for g in view["groups"] if g.items]
    return render_template("public/catalogue.html", year=catalogue.year, sections=sections, groups=groups,
                           total=view["total"], count=view["count"], page=view["page"], pages=view["pages"],
                           last=view["last"], state=_catalogue_state_labels()[catalogue.state],
                           version=catalogue.version, published_at=catalogue.published_at,
                           notice_ends_on=catalogue.notice_ends_on, in_force_at=catalogue.in_force_at,
                           amendments=amendments, amendment_count=catalogue.version - 1)
