"""The star board's queries (积分明星榜): volunteers ranked by the hours they served in a period, per community or
district. Only volunteers who consented are listed, by masked name; nothing else about a person leaves here
(the real name is read only to be masked). Each function runs a fixed, small number of queries."""
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from procure.accounts.divisions import district_names
from procure.accounts.models import Organisation
from procure.database import MAX_ID
from procure.extensions import db
from procure.kept import kept
from procure.projects.listing import bounded_int
from procure.volunteers import ledger
from procure.volunteers.models import Volunteer, VolunteerPeriod
from procure.volunteers.periods import this_period

PERIODS = {"month": _l("本月"), "year": _l("本年"), "all": _l("全部")}
CHOICES_LIMIT = 2000  # communities offered in the filter


def volunteer_board_clause():
    """SQL: the volunteers the public star board may list (consent given). Of them it shows only a masked name
    (procure.volunteers.ledger.mask_name), the community, hours and stars; never the real name, ID number, phone,
    skills or account."""
    return Volunteer.consent_public.is_(True)


def board_filters(args) -> dict:
    """period (month, year or all; month unless given), community and district from a query string; values that
    are not one of the choices are ignored."""
    filters = {"period": args.get("period") if args.get("period") in PERIODS else "month"}
    community = bounded_int(args.get("community"), 1, MAX_ID)
    if community is not None:
        filters["community"] = community
    district = (args.get("district") or "").strip()
    if len(district) == 6 and district.isascii() and district.isdigit():
        filters["district"] = district
    return filters


def _ranked(filters):
    """SELECT volunteer id, real name (to be masked), total hours, community id and name and hours in the period, of
    the consenting volunteers with hours in the period: this month's or this year's hours are kept per volunteer
    (procure.volunteers.periods), all time's are the volunteer's total."""
    if filters["period"] == "all":
        hours = Volunteer.hours_total
        query = select(Volunteer.id.label("id"))
    else:
        hours = VolunteerPeriod.hours
        query = (select(Volunteer.id.label("id")).join(VolunteerPeriod, VolunteerPeriod.volunteer_id == Volunteer.id)
                 .where(VolunteerPeriod.period == this_period(filters["period"])))
    query = (query.add_columns(Volunteer.real_name, Volunteer.hours_total, Organisation.id.label("community_id"),
                               Organisation.name.label("community_name"), hours.label("hours"))
             .join(Organisation, Organisation.id == Volunteer.community_id)
             .where(volunteer_board_clause(), hours > 0))
    if "community" in filters:
        query = query.where(Volunteer.community_id == filters["community"])
    if "district" in filters:
        query = query.where(Organisation.division_code.startswith(filters["district"]))
    return query, hours


def _first(query, hours, offset: int, limit: int):
    """Rows offset … offset + limit of the board with their rank (ties share one). A rank counts the volunteers with
    more hours, all of whom come before: so it is worked out over the first offset + limit rows only, read down the
    period's index, never over the whole board."""
    prefix = query.order_by(hours.desc(), Volunteer.id).limit(offset + limit).subquery()
    ranked = select(prefix, func.rank().over(order_by=prefix.c.hours.desc()).label("rank"))
    return db.session.execute(ranked.order_by(prefix.c.hours.desc(), prefix.c.id).offset(offset)).all()


def _row(row) -> dict:
    return {"rank": row.rank, "name": ledger.mask_name(row.real_name), "hours": row.hours,
            "stars": ledger.stars(row.hours_total),
            "community": {"id": row.community_id, "name": row.community_name}}


def board(filters, page: int, per_page: int) -> tuple[list[dict], int]:
    """One page of the board and the number of volunteers on it (two queries)."""
    query, hours = _ranked(filters)
    total = db.session.scalar(select(func.count()).select_from(query.with_only_columns(Volunteer.id).subquery()))
    return [_row(r) for r in _first(query, hours, (page - 1) * per_page, per_page)], total


def top(n: int = 5, period: str = "month") -> list[dict]:
    """The first `n` of the whole board (the public home page's card)."""
    query, hours = _ranked({"period": period})
    return [_row(r) for r in _first(query, hours, 0, n)]


def filter_choices() -> dict:
    """The board's filter options, kept by each worker for FILTER_OPTIONS_CACHE_SECONDS (in each language)."""
    return kept("board_filters", current_app.config["FILTER_OPTIONS_CACHE_SECONDS"], str(get_locale()),
                _filter_choices)


def _filter_choices() -> dict:
    """The communities (and their districts) that have a volunteer who consented to be shown."""
    communities = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.division_code)
        .where(Organisation.kind == "community", exists().where(Volunteer.community_id == Organisation.id,
                                                                volunteer_board_clause()))
        .order_by(Organisation.division_code, Organisation.id).limit(CHOICES_LIMIT)).all()
    names = district_names(code for _i, _n, code in communities)
    return {"periods": list(PERIODS.items()), "communities": [(i, n) for i, n, _c in communities],
            "districts": sorted(names.items())}
