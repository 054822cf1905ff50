"""The community staff's volunteer register (志愿者名册): the filters, columns, rows and totals the page
(/volunteers) and its CSV/XLSX export share. Two queries per page whatever the number of volunteers; the ID number
and the phone are masked on the page and in the files alike; a year's hours and points are kept per volunteer
(procure.volunteers.periods), never summed from the ledger here."""
import re
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from procure import clock
from procure.accounts.models import Role
from procure.codes import mask_id_number
from procure.extensions import db
from procure.projects.listing import bounded_int
from procure.tabular import Column
from procure.volunteers import ledger
from procure.volunteers.models import Volunteer, VolunteerPeriod
from procure.volunteers.page import mask_phone
from procure.volunteers.skills import has_skill, skill_choices, skill_keys, skill_label, skill_labels

REGISTER_SORTS = {"hours": _l("累计时长"), "registered": _l("登记时间")}  # the first is the default
CONSENT_CHOICES = {"yes": _l("是"), "no": _l("否")}
REGISTER_FILTER_LABELS = {"q": _l("关键词"), "stars": _l("星级"), "consent": _l("同意公开"), "skill": _l("技能"),
                          "year": _l("年度"), "sort": _l("排序")}
YEARS_OFFERED = 6


def register_filters(args) -> dict:
    """q, stars, consent, skill, year and sort from a query string; a value that is not one of the choices is
    ignored (the default sort, by total hours, is left out so that links stay short)."""
    filters = {}
    q = (args.get("q") or "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in a string
    if q:
        filters["q"] = q
    stars = bounded_int(args.get("stars"), 0, len(current_app.config["STAR_HOURS"]))
    if stars is not None:
        filters["stars"] = stars
    if args.get("consent") in CONSENT_CHOICES:
        filters["consent"] = args["consent"]
    if args.get("skill") in skill_keys():
        filters["skill"] = args["skill"]
    year = bounded_int(args.get("year"), 2000, 2100)
    if year is not None:
        filters["year"] = year
    if args.get("sort") in REGISTER_SORTS and args["sort"] != next(iter(REGISTER_SORTS)):
        filters["sort"] = args["sort"]
    return filters


def register_choices() -> dict:
    this_year = clock.today().year
    stars = [(n, _("%(n)s 星", n=n) if n else _("未评星")) for n in range(len(current_app.config["STAR_HOURS"]) + 1)]
    return {"stars": stars, "consent": list(CONSENT_CHOICES.items()), "skills": skill_choices(),
            "years": list(range(this_year, this_year - YEARS_OFFERED, -1)), "sorts": list(REGISTER_SORTS.items())}


def describe_register_filters(filters) -> list[str]:
    """The filters in words, e.g. ["星级：3 星", "年度：2026"] (for the export's filter row)."""
    words = []
    for key, value in filters.items():
        if key == "stars":
            value = _("%(n)s 星", n=value) if value else _("未评星")
        elif key == "consent":
            value = CONSENT_CHOICES[value]
        elif key == "skill":
            value = skill_label(value)
        elif key == "sort":
            value = REGISTER_SORTS[value]
        words.append(f"{REGISTER_FILTER_LABELS[key]}：{value}")
    return words


def register_columns(filters) -> list[Column]:
    """The register's columns, on the page and in the export alike; a chosen year adds its hours and points."""
    year = filters.get("year")
    columns = [Column("name", _l("姓名"), width=12), Column("id_number", _l("身份证号码"), width=22),
               Column("phone", _l("手机号码"), width=15), Column("skills", _l("技能特长"), width=24),
               Column("hours_total", _l("累计时长（小时）"), "number", "sum", width=14),
               Column("balance", _l("积分余额"), "number", "sum", width=12)]
    if year is not None:
        columns += [Column("year_hours", _l("%(year)s 年时长（小时）", year=year), "number", "sum", width=16),
                    Column("year_points", _l("%(year)s 年获得积分", year=year), "number", "sum", width=16)]
    columns += [Column("stars", _l("星级"), "integer", width=8), Column("consent", _l("同意公开"), width=10),
                Column("registered", _l("登记日期"), "date", width=12)]
    return columns


def _star_clause(level: int):
    thresholds = [Decimal(t) for t in current_app.config["STAR_HOURS"]]
    clauses = []
    if level > 0:
        clauses.append(Volunteer.hours_total >= thresholds[level - 1])
    if level < len(thresholds):
        clauses.append(Volunteer.hours_total < thresholds[level])
    return and_(*clauses)


def _search_clause(q: str):
    """A name, a skill (listed, by its label, or a free word) or digits of the phone number."""
    clauses = [Volunteer.real_name.icontains(q, autoescape=True), Volunteer.skills.icontains(q, autoescape=True)]
    clauses += [has_skill(Volunteer.skills, key) for key in skill_keys() if q.lower() in skill_label(key).lower()]
    digits = re.sub(r"[\s-]", "", q)
    if digits.isascii() and digits.isdigit() and len(digits) >= 3:
        clauses.append(func.replace(func.replace(Volunteer.phone, " ", ""), "-", "").contains(digits))
    return or_(*clauses)


def register_query(user, filters):
    """SELECT the register's values of the filtered volunteers of `user`'s community; with a year, the hours and
    points of that year from the ledger, summed per volunteer in one grouped subquery."""
    query = (select(Volunteer.id, Volunteer.real_name, Volunteer.id_number, Volunteer.phone, Volunteer.skills,
                    Volunteer.hours_total, Volunteer.balance, Volunteer.consent_public, Volunteer.registered_at)
             .where(Volunteer.community_id == user.organisation_id))
    if "year" in filters:  # kept per volunteer and year (procure.volunteers.periods)
        served = aliased(VolunteerPeriod)
        query = (query.outerjoin(served, and_(served.volunteer_id == Volunteer.id, served.period == str(filters["year"])))
                 .add_columns(func.coalesce(served.hours, Decimal("0.00")).label("year_hours"),
                              func.coalesce(served.points, Decimal("0.00")).label("year_points")))
    if "q" in filters:
        query = query.where(_search_clause(filters["q"]))
    if "stars" in filters:
        query = query.where(_star_clause(filters["stars"]))
    if "consent" in filters:
        query = query.where(Volunteer.consent_public.is_(filters["consent"] == "yes"))
    if "skill" in filters:
        query = query.where(has_skill(Volunteer.skills, filters["skill"]))
    return query


def register_order(filters) -> list:
    if filters.get("sort") == "registered":
        return [Volunteer.registered_at.desc(), Volunteer.id.desc()]
    return [Volunteer.hours_total.desc(), Volunteer.id.desc()]


def register_row(row) -> dict:
    """One volunteer of the register as plain values: the ID number and the phone masked."""
    skills = skill_labels(row.skills)
    return {"id": row.id, "name": row.real_name, "id_number": mask_id_number(row.id_number),
            "phone": mask_phone(row.phone), "skills": "、".join(skills), "skill_list": skills,
            "hours_total": row.hours_total, "balance": row.balance,
            "year_hours": getattr(row, "year_hours", None), "year_points": getattr(row, "year_points", None),
            "stars": ledger.stars(row.hours_total), "consent_public": row.consent_public,
            "consent": str(_("是") if row.consent_public else _("否")),
            "registered_at": row.registered_at, "registered": clock.local(row.registered_at).date()}


def register_summary(user, filters) -> dict:
    """How many volunteers match and the sums of the number columns (one query)."""
    found = register_query(user, filters).subquery()
    sums = {"hours_total": func.sum(found.c.hours_total), "balance": func.sum(found.c.balance)}
    if "year" in filters:
        sums.update(year_hours=func.sum(found.c.year_hours), year_points=func.sum(found.c.year_points))
    row = db.session.execute(select(func.count(), *sums.values()).select_from(found)).one()
    return {"count": row[0], "sums": {key: value if value is not None else Decimal("0.00")
                                      for key, value in zip(sums, row[1:])}}


def volunteer_list(user, filters=None, page_number=1, per_page=20) -> dict:
    """Community staff's register of their community's volunteers, one page of it, in two queries: the rows
    (ID numbers and phones masked), the number of matching volunteers and the sums of all of them."""
    filters = filters or {}
    columns = register_columns(filters)
    if user.role != Role.community:
        return {"rows": [], "columns": columns, "count": 0, "sums": {}, "page": 1, "pages": 1}
    summary = register_summary(user, filters)
    pages = max(1, -(-summary["count"] // per_page))
    page_number = min(max(page_number or 1, 1), pages)
    rows = db.session.execute(register_query(user, filters).order_by(*register_order(filters))
                              .limit(per_page).offset((page_number - 1) * per_page)).all()
    return {"rows": [register_row(r) for r in rows], "columns": columns, "count": summary["count"],
            "sums": summary["sums"], "page": page_number, "pages": pages}
