"""What the volunteer pages show, built as plain dicts in a bounded number of queries: templates never get an
ORM object whose private fields (ID number, phone) they could print."""
from decimal import Decimal

from sqlalchemy import and_, or_, select

from procure import clock
from procure.accounts.models import Organisation
from procure.documents.render import qr_data_uri
from procure.extensions import db
from procure.urls import absolute_url
from procure.volunteers import ledger
from procure.volunteers.periods import HOURS_KINDS
from procure.volunteers.inputs import (ACTIVITY_STATE_LABELS, CATEGORY_LABELS, CORRECTION_STATE_LABELS,
                                       ENTRY_KIND_LABELS, SIGNUP_STATUS_LABELS)
from procure.volunteers.models import Activity, CorrectionRequest, PointEntry, SignUp, Volunteer
from procure.volunteers.operations import (checkin_open, is_organiser, places_taken, visible_activities,
                                           volunteer_of)
from procure.volunteers.skills import skill_labels

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
    checkin_url = absolute_url("volunteers.checkin", token=activity.checkin_token)
    return {"rows": rows, "checkin_open": open_, "checkin_url": checkin_url,
            "qr": qr_data_uri(checkin_url) if activity.state == "published" else None,
            "corrections": [{"id": c.id, "name": name, "recorded_hours": hours, "requested_hours": c.requested_hours,
                             "reason": c.reason, "state": c.state,
                             "state_label": str(CORRECTION_STATE_LABELS[c.state]),
                             "decision_reason": c.decision_reason, "requested_at": c.requested_at}
                            for c, hours, name in corrections]}


def history_years(volunteer) -> list[int]:
    """The years a volunteer's page can show, this year first, back to the year they registered."""
    this_year = clock.today().year
    first = min(clock.local(volunteer.registered_at).year, this_year)
    return list(range(this_year, first - 1, -1))


def my_page(volunteer, year: int) -> dict:
    """A volunteer's own page: all-time totals and stars; of `year` (Shanghai), the ledger with activity titles,
    the sign-ups (and those still ahead, whatever the year), the year's hours and points; the redemptions and
    correction requests. Each list in one query, each bounded by the year."""
    from procure.redemption.models import Redemption, RewardItem

    start, end = clock.year_bounds(year)

    entries = db.session.execute(
        select(PointEntry, Activity.title).outerjoin(SignUp, SignUp.id == PointEntry.signup_id)
        .outerjoin(Activity, Activity.id == SignUp.activity_id)
        .where(PointEntry.volunteer_id == volunteer.id, PointEntry.at >= start, PointEntry.at < end)
        .order_by(PointEntry.at.desc(), PointEntry.id.desc())).all()
    signups = db.session.execute(
        select(SignUp, Activity).join(Activity, Activity.id == SignUp.activity_id)
        .where(SignUp.volunteer_id == volunteer.id,
               or_(Activity.ends_at >= clock.now(), and_(Activity.starts_at >= start, Activity.starts_at < end)))
        .order_by(Activity.starts_at.desc())).all()
    open_corrections = set(db.session.scalars(
        select(CorrectionRequest.signup_id).join(SignUp, SignUp.id == CorrectionRequest.signup_id)
        .where(SignUp.volunteer_id == volunteer.id, CorrectionRequest.state == "requested")))
    redemptions = db.session.execute(
        select(Redemption, RewardItem.name).join(RewardItem, RewardItem.id == Redemption.item_id)
        .where(Redemption.volunteer_id == volunteer.id, Redemption.redeemed_at >= start, Redemption.redeemed_at < end)
        .order_by(Redemption.redeemed_at.desc())).all()
    corrections = db.session.execute(
        select(CorrectionRequest, Activity.title).join(SignUp, SignUp.id == CorrectionRequest.signup_id)
        .join(Activity, Activity.id == SignUp.activity_id)
        .where(SignUp.volunteer_id == volunteer.id).order_by(CorrectionRequest.id.desc())).all()
    db.session.refresh(volunteer, ["balance", "hours_total"])
    served = [e for e, _title in entries if e.kind in HOURS_KINDS]
    return {
        "year": year, "years": history_years(volunteer),
        "year_hours": sum((e.hours for e in served), Decimal("0.00")),
        "year_points": sum((e.points for e in served), Decimal("0.00")),
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
