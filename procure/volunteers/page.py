"""What the volunteer pages show, built as plain dicts in a bounded number of queries: templates never get an
ORM object whose private fields (ID number, phone) they could print."""
import re
from datetime import datetime, timezone
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, literal, or_, select

from procure import clock
from procure.accounts.models import Organisation, Role
from procure.codes import mask_id_number
from procure.documents.render import qr_data_uri
from procure.extensions import db
from procure.projects.listing import bounded_int
from procure.public.tables import Column
from procure.talent.skills import skill_choices, skill_keys, skill_label, skill_labels
from procure.volunteers import ledger
from procure.volunteers.board import HOURS_KINDS
from procure.volunteers.inputs import (ACTIVITY_STATE_LABELS, CATEGORY_LABELS, CORRECTION_STATE_LABELS,
                                       ENTRY_KIND_LABELS, SIGNUP_STATUS_LABELS)
from procure.volunteers.models import Activity, CorrectionRequest, PointEntry, SignUp, Volunteer
from procure.volunteers.operations import (checkin_open, is_organiser, places_taken, visible_activities,
                                           volunteer_of)

LIST_LIMIT = 200


def mask_phone(phone: str) -> str:
    """13912345678 → 139****5678."""
    digits = (phone or "").strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def _names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())


def _activity_dict(activity, names, taken) -> dict:
    now = clock.now()
    return {"id": activity.id, "title": activity.title, "category": str(CATEGORY_LABELS.get(activity.category,
                                                                                            activity.category)),
            "community": names.get(activity.community_id, ""), "organiser": names.get(activity.organiser_org_id, ""),
            "place": activity.place, "description": activity.description, "starts_at": activity.starts_at,
            "ends_at": activity.ends_at, "places": activity.places, "taken": taken,
            "left": max(0, activity.places - taken), "state": activity.state,
            "state_label": str(ACTIVITY_STATE_LABELS.get(activity.state, activity.state)),
            "started": now >= activity.starts_at, "ended": now > activity.ends_at,
            "in_project": activity.project_id is not None}


def community_filter_options(user) -> list[tuple[int, str]]:
    ids = visible_activities(user).with_only_columns(Activity.community_id).distinct()
    return [tuple(r) for r in db.session.execute(select(Organisation.id, Organisation.name)
                                                 .where(Organisation.id.in_(ids)).order_by(Organisation.name))]


def activity_list(user, community_id=None, include_past=False) -> list[dict]:
    """Upcoming (or, for staff asking for it, all) activities `user` may see: four queries in all."""
    query = visible_activities(user)
    if not include_past:
        query = query.where(Activity.state == "published", Activity.ends_at >= clock.now())
    if community_id is not None:
        query = query.where(Activity.community_id == community_id)
    activities = db.session.scalars(query.order_by(Activity.starts_at.desc() if include_past
                                                   else Activity.starts_at, Activity.id).limit(LIST_LIMIT)).all()
    ids = [a.id for a in activities]
    taken = places_taken(ids)
    names = _names([a.community_id for a in activities] + [a.organiser_org_id for a in activities])
    mine = {}
    volunteer = volunteer_of(user)
    if volunteer is not None and ids:
        mine = dict(db.session.execute(select(SignUp.activity_id, SignUp.status).where(
            SignUp.volunteer_id == volunteer.id, SignUp.activity_id.in_(ids))).all())
    rows = []
    for activity in activities:
        row = _activity_dict(activity, names, taken.get(activity.id, 0))
        row["my_status"] = mine.get(activity.id)
        row["my_status_label"] = str(SIGNUP_STATUS_LABELS[mine[activity.id]]) if activity.id in mine else ""
        row["organiser_here"] = is_organiser(user, activity)
        rows.append(row)
    return rows


def activity_detail(user, activity) -> dict:
    names = _names([activity.community_id, activity.organiser_org_id])
    row = _activity_dict(activity, names, places_taken([activity.id]).get(activity.id, 0))
    volunteer = volunteer_of(user)
    signup = None
    if volunteer is not None:
        signup = db.session.scalar(select(SignUp).filter_by(activity_id=activity.id, volunteer_id=volunteer.id))
    status = signup.status if signup else None
    row.update({
        "my_status": status, "my_status_label": str(SIGNUP_STATUS_LABELS[status]) if status else "",
        "can_sign_up": volunteer is not None and activity.state == "published" and not row["started"]
        and status in (None, "cancelled") and row["left"] > 0,
        "can_cancel_signup": status == "signed_up" and not row["started"],
        "organiser_here": is_organiser(user, activity),
    })
    return row


def attendance(user, activity) -> dict:
    """The organiser's phone page: who signed up, their state, the buttons that apply now, the QR code and the
    open correction requests."""
    signups = db.session.execute(
        select(SignUp, Volunteer.real_name).join(Volunteer, Volunteer.id == SignUp.volunteer_id)
        .where(SignUp.activity_id == activity.id, SignUp.status != "cancelled").order_by(SignUp.id)).all()
    now, open_ = clock.now(), checkin_open(activity)
    rows = [{"id": s.id, "name": name, "status": s.status, "status_label": str(SIGNUP_STATUS_LABELS[s.status]),
             "checked_in_at": s.checked_in_at, "checked_out_at": s.checked_out_at, "hours": s.hours,
             "can_check_in": open_ and s.status in ("signed_up", "no_show"),
             "can_check_out": s.status == "checked_in",
             "can_no_show": activity.state == "published" and now >= activity.starts_at and s.status == "signed_up"}
            for s, name in signups]
    corrections = db.session.execute(
        select(CorrectionRequest, SignUp.hours, Volunteer.real_name)
        .join(SignUp, SignUp.id == CorrectionRequest.signup_id).join(Volunteer, Volunteer.id == SignUp.volunteer_id)
        .where(SignUp.activity_id == activity.id).order_by(CorrectionRequest.id)).all()
    checkin_url = url_for("volunteers.checkin", token=activity.checkin_token, _external=True)
    return {"rows": rows, "checkin_open": open_, "checkin_url": checkin_url,
            "qr": qr_data_uri(checkin_url) if activity.state == "published" else None,
            "corrections": [{"id": c.id, "name": name, "recorded_hours": hours, "requested_hours": c.requested_hours,
                             "reason": c.reason, "state": c.state,
                             "state_label": str(CORRECTION_STATE_LABELS[c.state]),
                             "decision_reason": c.decision_reason, "requested_at": c.requested_at}
                            for c, hours, name in corrections]}


def my_page(volunteer) -> dict:
    """A volunteer's own page: totals, stars, the ledger with activity titles, sign-ups, redemptions and
    correction requests (each list in one query)."""
    from procure.redemption.models import Redemption, RewardItem

    entries = db.session.execute(
        select(PointEntry, Activity.title).outerjoin(SignUp, SignUp.id == PointEntry.signup_id)
        .outerjoin(Activity, Activity.id == SignUp.activity_id)
        .where(PointEntry.volunteer_id == volunteer.id).order_by(PointEntry.at.desc(), PointEntry.id.desc())).all()
    signups = db.session.execute(
        select(SignUp, Activity).join(Activity, Activity.id == SignUp.activity_id)
        .where(SignUp.volunteer_id == volunteer.id).order_by(Activity.starts_at.desc())).all()
    open_corrections = set(db.session.scalars(
        select(CorrectionRequest.signup_id).join(SignUp, SignUp.id == CorrectionRequest.signup_id)
        .where(SignUp.volunteer_id == volunteer.id, CorrectionRequest.state == "requested")))
    redemptions = db.session.execute(
        select(Redemption, RewardItem.name).join(RewardItem, RewardItem.id == Redemption.item_id)
        .where(Redemption.volunteer_id == volunteer.id).order_by(Redemption.redeemed_at.desc())).all()
    corrections = db.session.execute(
        select(CorrectionRequest, Activity.title).join(SignUp, SignUp.id == CorrectionRequest.signup_id)
        .join(Activity, Activity.id == SignUp.activity_id)
        .where(SignUp.volunteer_id == volunteer.id).order_by(CorrectionRequest.id.desc())).all()
    db.session.refresh(volunteer, ["balance", "hours_total"])
    return {
        "hours_total": volunteer.hours_total, "balance": volunteer.balance,
        "stars": ledger.stars(volunteer.hours_total),
        "masked_name": ledger.mask_name(volunteer.real_name), "consent_public": volunteer.consent_public,
        "skills": skill_labels(volunteer.skills),
        "entries": [{"at": e.at, "kind": str(ENTRY_KIND_LABELS.get(e.kind, e.kind)), "hours": e.hours,
                     "points": e.points, "title": title or ""} for e, title in entries],
        "signups": [{"id": s.id, "activity_id": a.id, "title": a.title, "starts_at": a.starts_at, "status": s.status,
                     "status_label": str(SIGNUP_STATUS_LABELS[s.status]), "hours": s.hours,
                     "can_correct": s.status == "completed" and s.id not in open_corrections}
                    for s, a in signups],
        "redemptions": [{"at": r.redeemed_at, "item": name, "points": r.points} for r, name in redemptions],
        "corrections": [{"title": title, "requested_hours": c.requested_hours, "reason": c.reason,
                         "state_label": str(CORRECTION_STATE_LABELS[c.state]), "decision_reason": c.decision_reason,
                         "requested_at": c.requested_at} for c, title in corrections],
    }


# ---- the community's volunteer register (the page and its CSV/XLSX export share the filters, rows and columns) --

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


def _has_skill(key: str):
    return (literal(",") + Volunteer.skills + literal(",")).contains(f",{key},", autoescape=True)


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
    clauses += [_has_skill(key) for key in skill_keys() if q.lower() in skill_label(key).lower()]
    digits = re.sub(r"[\s-]", "", q)
    if digits.isascii() and digits.isdigit() and len(digits) >= 3:
        clauses.append(func.replace(func.replace(Volunteer.phone, " ", ""), "-", "").contains(digits))
    return or_(*clauses)


def year_window(year: int) -> tuple[datetime, datetime]:
    """1 January of `year` and of the next, midnight in Shanghai, as UTC."""
    return tuple(datetime(y, 1, 1, tzinfo=clock.SHANGHAI).astimezone(timezone.utc) for y in (year, year + 1))


def register_query(user, filters):
    """SELECT the register's values of the filtered volunteers of `user`'s community; with a year, the hours and
    points of that year from the ledger, summed per volunteer in one grouped subquery."""
    query = (select(Volunteer.id, Volunteer.real_name, Volunteer.id_number, Volunteer.phone, Volunteer.skills,
                    Volunteer.hours_total, Volunteer.balance, Volunteer.consent_public, Volunteer.registered_at)
             .where(Volunteer.community_id == user.organisation_id))
    if "year" in filters:
        start, end = year_window(filters["year"])
        served = (select(PointEntry.volunteer_id, func.sum(PointEntry.hours).label("hours"),
                         func.sum(PointEntry.points).label("points"))
                  .where(PointEntry.kind.in_(HOURS_KINDS), PointEntry.at >= start, PointEntry.at < end)
                  .group_by(PointEntry.volunteer_id).subquery())
        query = (query.outerjoin(served, served.c.volunteer_id == Volunteer.id)
                 .add_columns(func.coalesce(served.c.hours, 0).label("year_hours"),
                              func.coalesce(served.c.points, 0).label("year_points")))
    if "q" in filters:
        query = query.where(_search_clause(filters["q"]))
    if "stars" in filters:
        query = query.where(_star_clause(filters["stars"]))
    if "consent" in filters:
        query = query.where(Volunteer.consent_public.is_(filters["consent"] == "yes"))
    if "skill" in filters:
        query = query.where(_has_skill(filters["skill"]))
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
