"""The only code that changes the annual purchase catalogue: check, change, audit; flush but never commit."""
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from procure import clock
from procure.accounts.models import Role
from procure.audit.log import record
from procure.errors import Forbidden, GuardFailed, NotFound, Reason
from procure.extensions import db
from procure.catalogue.models import (Catalogue, CatalogueAmendment, CatalogueGroup, CatalogueItem, Category,
                                     listing_key)
from procure.workdays.service import Calendar

GOVERNMENT_ROLES = {Role.bureau, Role.reviewer, Role.admin}  # the whole city's catalogue is theirs to read
UNCHECKED_NAMED = 20  # projects without a negative-list check named in the refusal
LISTED_BATCH = 500


def visible_catalogues(user):
    """A SELECT of the catalogues `user` may read: all for government staff, published ones for others."""
    query = db.select(Catalogue).order_by(Catalogue.year.desc())
    if user.role in GOVERNMENT_ROLES:
        return query
    return query.where(Catalogue.state != "draft")


def get_catalogue(user, year) -> Catalogue:
    """The catalogue of `year` if `user` may read it; NotFound otherwise (never a hint that a draft exists)."""
    catalogue = db.session.scalar(visible_catalogues(user).where(Catalogue.year == year)) \
        if isinstance(year, int) else None
    if catalogue is None:
        raise NotFound()
    return catalogue


def _require_bureau(user):
    if user.role != Role.bureau:
        raise Forbidden()


def add_to_catalogue(project, user, year, amendment_reason=None) -> CatalogueItem:
    """List an approved project (called by the `list_in_catalogue` effect, which audits the trigger).
    The draft catalogue is made when missing; a published or in-force one is amended: a new version."""
    catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=year))
    if catalogue is None:
        catalogue = Catalogue(year=year, state="draft", version=1)
        db.session.add(catalogue)
        db.session.flush()
    if catalogue.state != "draft":
        catalogue.version += 1
        db.session.add(CatalogueAmendment(catalogue_id=catalogue.id, version=catalogue.version,
                                          reason=amendment_reason.strip(), at=clock.now(), by_id=user.id,
                                          project_id=project.id))
        record(None, user, "amend_catalogue", comment=amendment_reason,
               data={"year": year, "version": catalogue.version, "project_id": project.id})
    category = db.session.get(Category, project.category_code)
    top = db.session.get(Category, project.category_code[:1])
    item = CatalogueItem(project_id=project.id, category_code=project.category_code, budget=project.approved_amount,
                         added_in_version=catalogue.version, listing_key=listing_key(top, category, project.code))
    catalogue.items.append(item)
    _count(catalogue, top, 1, item.budget)
    return item


def _count(catalogue, top, items, budget):
    """Keep the catalogue's group of the top-level category `top` in step with its items (CatalogueGroup)."""
    group = db.session.get(CatalogueGroup, (catalogue.id, top.code)) if catalogue.id else None
    if group is None:
        group = CatalogueGroup(category_code=top.code, listing_key=f"{top.position:04d}", items=0,
                               budget=Decimal("0.00"))
        catalogue.groups.append(group)
    group.items += items
    group.budget += budget


def remove_from_catalogue(project, user, reason) -> CatalogueItem | None:
    """Take a cancelled project out of its catalogue (called by the `cancel` effect, which audits the
    trigger): from a draft simply; a published or in-force catalogue is amended, the item kept as removed."""
    item = db.session.scalar(db.select(CatalogueItem).where(CatalogueItem.project_id == project.id,
                                                            CatalogueItem.removed_in_version.is_(None)))
    if item is None:
        return None
    catalogue = item.catalogue
    _count(catalogue, db.session.get(Category, item.category_code[:1]), -1, -item.budget)
    if catalogue.state == "draft":
        catalogue.items.remove(item)
        return item
    catalogue.version += 1
    item.removed_in_version = catalogue.version
    db.session.add(CatalogueAmendment(catalogue_id=catalogue.id, version=catalogue.version, reason=reason.strip(),
                                      at=clock.now(), by_id=user.id, project_id=project.id))
    record(None, user, "amend_catalogue", comment=reason,
           data={"year": catalogue.year, "version": catalogue.version, "project_id": project.id, "removed": True})
    return item


def publish_reasons(catalogue) -> list[Reason]:
    reasons = []
    if catalogue.state != "draft":
        reasons.append(Reason("catalogue_not_draft", _l("目录已发布，不能重复发布")))
        return reasons
    if not catalogue.item_count:
        reasons.append(Reason("catalogue_empty", _l("目录中还没有项目")))
    unchecked = [item.project.code for item in db.session.scalars(
        _current(catalogue).where(CatalogueItem.project.has(negative_list_checked_at=None))
        .options(joinedload(CatalogueItem.project)).order_by(CatalogueItem.listing_key).limit(UNCHECKED_NAMED))]
    if unchecked:
        reasons.append(Reason("negative_list_unconfirmed", _l("以下项目没有负面清单核对记录：%(codes)s"),
                              codes="、".join(unchecked)))
    return reasons


def in_force_reasons(catalogue) -> list[Reason]:
    if catalogue.state != "published":
        if catalogue.state == "draft":
            return [Reason("catalogue_not_published", _l("目录尚未发布"))]
        return [Reason("catalogue_already_in_force", _l("目录已生效"))]
    days = current_app.config["CATALOGUE_NOTICE_WORKING_DAYS"]
    if clock.today() <= catalogue.notice_ends_on:
        return [Reason("catalogue_notice_running", _l("目录公示期（%(days)s 个工作日）至 %(ends)s 结束，之后方可生效"),
                       days=days, ends=catalogue.notice_ends_on.isoformat())]
    return []


def publish(catalogue, user) -> Catalogue:
    _require_bureau(user)
    reasons = publish_reasons(catalogue)
    if reasons:
        raise GuardFailed(reasons)
    days = current_app.config["CATALOGUE_NOTICE_WORKING_DAYS"]
    notice_ends_on = Calendar().add(clock.today(), days)  # before any change: the calendar query autoflushes
    catalogue.state, catalogue.published_at, catalogue.notice_ends_on = "published", clock.now(), notice_ends_on
    record(None, user, "publish_catalogue", data={"year": catalogue.year, "version": catalogue.version,
                                                  "notice_ends_on": catalogue.notice_ends_on,
                                                  "items": catalogue.item_count, "total": catalogue.budget_total})
    db.session.flush()
    return catalogue


def bring_into_force(catalogue, user) -> Catalogue:
    _require_bureau(user)
    reasons = in_force_reasons(catalogue)
    if reasons:
        raise GuardFailed(reasons)
    catalogue.state, catalogue.in_force_at = "in_force", clock.now()
    record(None, user, "bring_catalogue_into_force", data={"year": catalogue.year, "version": catalogue.version})
    db.session.flush()
    return catalogue


def refill() -> None:
    """Work every item's place (listing_key) and every catalogue's groups out again from the items (after items
    were loaded in bulk, not through add_to_catalogue); flush, never commit."""
    categories = {c.code: c for c in db.session.scalars(db.select(Category))}
    db.session.execute(db.delete(CatalogueGroup))
    groups = {}
    last = 0
    while True:
        items = db.session.scalars(db.select(CatalogueItem).options(joinedload(CatalogueItem.project))
                                   .where(CatalogueItem.id > last).order_by(CatalogueItem.id).limit(LISTED_BATCH)).all()
        if not items:
            break
        for item in items:
            top = categories[item.category_code[:1]]
            item.listing_key = listing_key(top, categories[item.category_code], item.project.code)
            if item.removed_in_version is None:
                group = groups.setdefault((item.catalogue_id, top.code), [top, 0, Decimal("0.00")])
                group[1] += 1
                group[2] += item.budget
        db.session.flush()
        last = items[-1].id
    db.session.add_all(CatalogueGroup(catalogue_id=catalogue_id, category_code=code, listing_key=f"{top.position:04d}",
                                      items=count, budget=budget)
                       for (catalogue_id, code), (top, count, budget) in groups.items())
    db.session.flush()


# ---- reading: items in the catalogue's order, grouped by category with subtotals ----------------------

def _current(catalogue):
    return db.select(CatalogueItem).where(CatalogueItem.catalogue_id == catalogue.id,
                                          CatalogueItem.removed_in_version.is_(None))


def listed(catalogue, offset: int = 0, limit: int | None = None):
    """The catalogue's current items in its order (CatalogueItem.listing_key), with their projects: a slice of them
    read through the index, or all of them read a batch at a time (an export streams them)."""
    order = (CatalogueItem.listing_key, CatalogueItem.id)
    query = _current(catalogue).options(joinedload(CatalogueItem.project)).order_by(*order)
    if limit is not None:
        # the slice's ids first, from the index alone; then only those items with their projects
        ids = _current(catalogue).with_only_columns(CatalogueItem.id).order_by(*order).offset(offset).limit(limit)
        return db.session.scalars(db.select(CatalogueItem).options(joinedload(CatalogueItem.project))
                                  .where(CatalogueItem.id.in_(ids.scalar_subquery())).order_by(*order)).all()
    return db.session.scalars(query.execution_options(yield_per=LISTED_BATCH))


def grouped(catalogue) -> dict:
    """{"groups": [{"category", "items", "subtotal"} per top-level category, in tree order], "total"}: every item
    (the API, the printable page and the official PDF carry the whole catalogue; the pages show a slice)."""
    categories = {c.code: c for c in db.session.scalars(db.select(Category))}
    groups = {}
    for item in listed(catalogue):
        top = item.category_code[:1]
        group = groups.setdefault(top, {"category": categories[top], "items": [], "subtotal": Decimal("0.00")})
        group["items"].append(item)
        group["subtotal"] += item.budget
    ordered = sorted(groups.values(), key=lambda g: g["category"].position)
    return {"groups": ordered, "total": sum((g["subtotal"] for g in ordered), Decimal("0.00")),
            "categories": categories}
