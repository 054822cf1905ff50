"""The project list: filters from the query string, the communities a user may filter by, and the CSV export's
query and cells (the list's total and pages: procure.projects.list_pages)."""

from flask import current_app, request
from sqlalchemy import bindparam, select

from procure import pickers
from procure.accounts.models import Organisation, Role
from procure.codes import area_prefix
from procure.extensions import db
from procure.kept import kept
from procure.paging import bounded_int
from procure.projects import search
from procure.projects.inputs import FUNDING_FORM_LABELS
from procure.projects.models import Project
from procure.projects.permissions import visible_projects
from procure.projects.states import State


def communities_for(user) -> list:
    """The communities a reviewer, bureau officer or admin may filter by: rows of (id, name), kept by each worker
    for FILTER_OPTIONS_CACHE_SECONDS per area (read-only)."""
    if user.role not in (Role.reviewer, Role.bureau, Role.admin):
        return []
    area = None if user.role == Role.admin else area_prefix(user.organisation.division_code)
    return kept("staff_communities", current_app.config["FILTER_OPTIONS_CACHE_SECONDS"], area,
                lambda: _communities_in(area))


def community_picked(user, communities=None) -> pickers.Picked | None:
    """The community the query string names (an id, or a name typed into the filter's box, looked up among
    `communities` or the user's), for the staff who filter by community; None for the others and when it names
    none."""
    if user.role not in (Role.reviewer, Role.bureau, Role.admin):
        return None
    return pickers.resolve(request.args.get("community"),
                           communities if communities is not None else lambda: communities_for(user))


def _communities_in(area: str | None) -> list:
    if area is None:
        return db.session.execute(_COMMUNITIES[False]).all()
    return db.session.execute(_COMMUNITIES[True], {"area": area + "%"}).all()


def _communities(in_area: bool):
    organisations = Organisation.__table__
    query = select(organisations.c.id, organisations.c.name).where(organisations.c.kind == "community")
    if in_area:
        query = query.where(organisations.c.division_code.like(bindparam("area")))
    return query.order_by(organisations.c.division_code, organisations.c.id)


_COMMUNITIES = {in_area: _communities(in_area) for in_area in (False, True)}  # built once


def list_filters(user, picked: pickers.Picked | None) -> dict:
    """The list filters from the query string; a value that is not one of the choices is ignored. `picked`: the
    community it names (community_picked)."""
    args = request.args
    filters = {}
    if args.get("state") in State.__members__:
        filters["state"] = args["state"]
    if args.get("funding_form") in FUNDING_FORM_LABELS:
        filters["funding_form"] = args["funding_form"]
    year = bounded_int(args.get("year"), 2000, 2100)
    if year is not None:
        filters["year"] = year
    if picked is not None and picked.id is not None:
        filters["community"] = picked.id
    q = args.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in a string
    if q:
        filters["q"] = q
    return filters


def conditions(filters) -> list:
    """The filters as conditions on Project (the CSV export's query; the pages bind theirs, procure.projects
    .list_pages)."""
    found = []
    if "state" in filters:
        found.append(Project.state == filters["state"])
    if "funding_form" in filters:
        found.append(Project.funding_form == filters["funding_form"])
    if "year" in filters:  # the year the proposal was made, which its code carries
        found.append(Project.code.startswith(f"WXM{filters['year']}-"))
    if "community" in filters:
        found.append(Project.community_id == filters["community"])
    if "q" in filters:
        found.append(search.matching(filters["q"]))
    return found


def filtered(user, filters):
    return visible_projects(user).where(*conditions(filters))


def page_window(page, pages, width=2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None marks a gap."""
    shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
    window, last = [], 0
    for number in shown:
        if number - last > 1:
            window.append(None)
        window.append(number)
        last = number
    return window


CSV_COLUMNS = ["项目编号", "项目名称", "社区", "资金支持形式", "服务类别", "状态", "申请金额（元）", "批准金额（元）",
               "目录年度", "承接方", "创建时间", "最近更新"]


def csv_cell(value) -> str:
    """A cell as text; one that a spreadsheet would read as a formula is quoted with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_amount(value) -> str:
    return "" if value is None else f"{value:.2f}"
