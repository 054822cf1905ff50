"""The volunteer system's audit trail as a community's staff see it (/volunteers/audit): what their staff and
residents did, what organisers did about activities held in the community, and the expiry of their volunteers'
points. A bounded number of queries per page; rows are plain dicts that never carry the raw `data`.
It reads volunteers, the redemption catalogue and the documents' titles, so it sits above all three (only the
volunteers' views import it) and the volunteers package stays at the bottom."""
from datetime import date, datetime, timedelta, timezone

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from procure import clock
from procure.accounts.models import Organisation, Role, User
from procure.audit.models import AuditEntry
from procure.documents import sources
from procure.extensions import db
from procure.projects.labels import action_label
from procure.redemption.models import RewardItem
from procure.volunteers.models import Activity, SignUp, Volunteer

# The volunteer system's actions, in the order the filter offers them (deny by default: nothing else is shown).
VOLUNTEER_ACTIONS = ("register_volunteer", "export_volunteers", "publish_activity", "cancel_activity", "sign_up",
                     "cancel_signup", "volunteer_check_in", "volunteer_check_out", "volunteer_no_show",
                     "request_correction", "approve_correction", "refuse_correction", "expire_points",
                     "add_reward_item", "update_reward_item", "restock_reward_item", "redeem_reward",
                     "update_talent_profile", "add_professional_certificate", "remove_professional_certificate",
                     "check_professional_certificate", "admit_talent", "withdraw_talent", "issue_certificate")
# Actions whose data names the activity: an organiser from outside (a provider) acting on an activity held in
# the community shows up for the community's staff.
ACTIVITY_ACTIONS = ("publish_activity", "cancel_activity", "sign_up", "cancel_signup", "volunteer_check_in",
                    "volunteer_check_out", "volunteer_no_show", "approve_correction", "refuse_correction")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _day(raw) -> date | None:
    raw = (raw or "").strip()
    if len(raw) != 10 or not raw.isascii():
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def audit_filters(args) -> dict:
    """action, from and to (local dates, YYYY-MM-DD) from a query string; anything else is ignored."""
    filters = {}
    if args.get("action") in VOLUNTEER_ACTIONS:
        filters["action"] = args["action"]
    for key in ("from", "to"):
        day = _day(args.get(key))
        if day is not None:
            filters[key] = day.isoformat()
    return filters


def action_choices() -> list[tuple[str, str]]:
    return [(action, action_label(action)) for action in VOLUNTEER_ACTIONS]


def _utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)


def _scope(community_id: int):
    """The entries a community's staff may see: project-less volunteer-system entries of the community's users,
    of organisers about activities held in the community, and of the expiry of its volunteers' points."""
    activity_id = AuditEntry.data["activity_id"].as_integer()
    volunteer_id = AuditEntry.data["volunteer_id"].as_integer()
    held_here = select(Activity.id).where(Activity.community_id == community_id)
    ours = select(Volunteer.id).where(Volunteer.community_id == community_id)
    return and_(AuditEntry.project_id.is_(None), AuditEntry.action.in_(VOLUNTEER_ACTIONS),
                or_(AuditEntry.organisation_id == community_id,
                    and_(AuditEntry.action.in_(ACTIVITY_ACTIONS), activity_id.in_(held_here)),
                    and_(AuditEntry.action == "expire_points", AuditEntry.organisation_id.is_(None),
                         volunteer_id.in_(ours))))


def _conditions(community_id: int, filters: dict) -> list:
    conditions = [_scope(community_id)]
    if "action" in filters:
        conditions.append(AuditEntry.action == filters["action"])
    if "from" in filters:
        conditions.append(AuditEntry.at >= _utc_midnight(date.fromisoformat(filters["from"])))
    if "to" in filters:
        conditions.append(AuditEntry.at < _utc_midnight(date.fromisoformat(filters["to"]) + timedelta(days=1)))
    return conditions


def _id(data: dict, key: str) -> int | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value) -> str | None:
    """A number kept in the data ("1.50", 2) as text, or None for anything that is not a plain number."""
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    stripped = text.lstrip("-")
    if not stripped or len(text) > 20 or not stripped.replace(".", "", 1).isdigit() or not stripped.isascii():
        return None
    return text


def _details(action: str, data: dict) -> list[str]:
    """A few figures of the entry in words (hours, points, quantities, a certificate's title and number); never a
    name, a number of a person or free text."""
    if not isinstance(data, dict):
        return []
    words = []
    if action == "issue_certificate" and data.get("kind") in sources.TITLES:
        words.append(str(sources.TITLES[data["kind"]]))
        number = data.get("number")
        if isinstance(number, str) and number.isascii() and number.replace("-", "").isalnum() and len(number) <= 40:
            words.append(_("编号 %(number)s", number=number))
    hours = _number(data.get("hours"))
    if hours is not None:
        words.append(_("时长 %(hours)s 小时", hours=hours))
    requested = _number(data.get("requested_hours"))
    if requested is not None:
        words.append(_("申请更正为 %(hours)s 小时", hours=requested))
    points = _number(data.get("points"))
    if points is not None:
        words.append(_("积分 %(points)s", points=points))
    if action == "restock_reward_item" and _number(data.get("quantity")) is not None:
        words.append(_("补充库存 %(n)s", n=data["quantity"]))
    if action == "export_volunteers" and _number(data.get("rows")) is not None:
        fmt = data.get("format") if data.get("format") in ("csv", "xlsx") else ""
        words.append(_("%(fmt)s %(n)s 行", fmt=fmt.upper(), n=data["rows"]).strip())
    if action == "volunteer_check_in" and data.get("via") == "code":
        words.append(_("扫码签到"))
    return words


def _names(model_columns, ids, *where) -> dict:
    """{id: name} for `ids` in one query (none when there are no ids)."""
    if not ids:
        return {}
    key, name = model_columns
    return dict(db.session.execute(select(key, name).where(key.in_(ids), *where)).all())


def audit_page(user, filters=None, page_number=1, per_page=20) -> dict:
    """One page of the trail, newest first: a count, the entries, then the users, organisations, activities,
    volunteers and items the page mentions (one query each, whatever the number of rows)."""
    filters = filters or {}
    if user.role != Role.community:
        return {"rows": [], "count": 0, "page": 1, "pages": 1}
    community_id = user.organisation_id
    conditions = _conditions(community_id, filters)
    count = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    pages = max(1, -(-count // per_page))
    page_number = min(max(page_number or 1, 1), pages)
    entries = db.session.execute(
        select(AuditEntry.id, AuditEntry.at, AuditEntry.action, AuditEntry.user_id, AuditEntry.organisation_id,
               AuditEntry.data)
        .where(*conditions).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page).offset((page_number - 1) * per_page)).all()

    signup_ids = {_id(e.data, "signup_id") for e in entries if _id(e.data, "activity_id") is None} - {None}
    activity_of_signup = _names((SignUp.id, SignUp.activity_id), signup_ids)
    activity_ids = {_id(e.data, "activity_id") for e in entries} | set(activity_of_signup.values())
    activities = _names((Activity.id, Activity.title), activity_ids - {None},
                        or_(Activity.community_id == community_id, Activity.organiser_org_id == community_id))
    volunteers = _names((Volunteer.id, Volunteer.real_name), {_id(e.data, "volunteer_id") for e in entries} - {None},
                        Volunteer.community_id == community_id)
    items = _names((RewardItem.id, RewardItem.name), {_id(e.data, "item_id") for e in entries} - {None},
                   RewardItem.community_id == community_id)
    users = _names((User.id, User.display_name), {e.user_id for e in entries} - {None})
    orgs = _names((Organisation.id, Organisation.name), {e.organisation_id for e in entries} - {None})

    rows = []
    for entry in entries:
        data = entry.data if isinstance(entry.data, dict) else {}
        subjects = []
        activity_id = _id(data, "activity_id") or activity_of_signup.get(_id(data, "signup_id"))
        if activity_id in activities:
            subjects.append({"kind": _("活动"), "text": activities[activity_id],
                             "url": url_for("volunteers.activity", activity_id=activity_id)})
        item_id = _id(data, "item_id")
        if item_id in items:
            subjects.append({"kind": _("兑换物品"), "text": items[item_id],
                             "url": url_for("redemption.catalogue", community_id=community_id)})
        volunteer_id = _id(data, "volunteer_id")
        if volunteer_id in volunteers:
            subjects.append({"kind": _("志愿者"), "text": volunteers[volunteer_id],
                             "url": url_for("talent.profile", volunteer_id=volunteer_id)})
        rows.append({"id": entry.id, "at": entry.at, "action": entry.action, "label": action_label(entry.action),
                     "who": users.get(entry.user_id) or (_("系统") if entry.user_id is None else ""),
                     "organisation": orgs.get(entry.organisation_id, ""), "subjects": subjects,
                     "details": _details(entry.action, data)})
    return {"rows": rows, "count": count, "page": page_number, "pages": pages}
