"""Volunteers over JSON: the public star board (masked names of consenting volunteers, nothing else about a
person), the activities a user may see with the places taken, and a resident's own hours, points and history."""
from decimal import Decimal

from flask import current_app, g, jsonify, request
from sqlalchemy import func, select

from procure import clock
from procure.accounts.models import Organisation, Role
from procure.api import bp
from procure.api.jsonutil import page_number, plain
from procure.database import MAX_ID
from procure.errors import InvalidInput, NotFound
from procure.extensions import db
from procure.projects.listing import bounded_int
from procure.volunteers import board as star_board
from procure.volunteers import ledger
from procure.volunteers.models import Activity, PointEntry, SignUp
from procure.volunteers.operations import is_organiser, places_taken, visible_activities, volunteer_of

REDEMPTIONS_LIMIT = 100  # the latest redemptions shown with the volunteer's summary
YES, NO = ("1", "true"), ("0", "false")


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def _id_arg(name: str, errors: dict) -> int | None:
    """An optional id in the query string; empty means absent (as the page's "all" choice sends it)."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    value = bounded_int(raw, 1, MAX_ID)
    if value is None:
        errors[name] = [f"{name} must be a positive integer id / 须为正整数 id"]
    return value


# ---- the public star board -------------------------------------------------------------------------------

@bp.get("/volunteers/board")
def volunteer_board():
    """The same board as /public/volunteers/board, from the same query. A value the page would silently drop
    is a 400 here, so that a program never takes the whole board for the one it asked for."""
    args, errors = request.args, {}
    if args.get("period") and args["period"] not in star_board.PERIODS:
        errors["period"] = [f"one of {', '.join(star_board.PERIODS)} / 须为 month、year 或 all"]
    _id_arg("community", errors)
    district = args.get("district", "")
    if district and not (len(district) == 6 and district.isascii() and district.isdigit()):
        errors["district"] = ["a 6-digit county code such as 330102 / 须为 6 位区县代码"]
    if errors:
        raise InvalidInput(errors)
    page, per_page = page_number(), current_app.config["PER_PAGE"]
    filters = star_board.board_filters(args)
    rows, total = star_board.board(filters, page, per_page)
    # Field by field: whatever else a board row may come to carry stays out of the public JSON.
    items = [{"rank": r["rank"], "name": r["name"], "hours": plain(r["hours"]), "stars": r["stars"],
              "community": {"id": r["community"]["id"], "name": r["community"]["name"]}} for r in rows]
    return jsonify({"period": filters["period"], "community": filters.get("community"),
                    "district": filters.get("district"), "items": items, "page": page, "per_page": per_page,
                    "total": total})


# ---- activities ------------------------------------------------------------------------------------------

@bp.get("/activities")
def list_activities():
    """Activities the user may see (operations.visible_activities), soonest first; with `all=1` staff also get
    past and cancelled ones, latest first (ignored for residents, as on the page)."""
    user, args, errors = g.api_user, request.args, {}
    community_id = _id_arg("community", errors)
    wanted = args.get("all", "")
    if wanted and wanted not in YES + NO:
        errors["all"] = ["1 or 0 / 须为 1 或 0"]
    if errors:
        raise InvalidInput(errors)
    include_past = wanted in YES and user.role != Role.resident
    query = visible_activities(user)
    if not include_past:
        query = query.where(Activity.state == "published", Activity.ends_at >= clock.now())
    if community_id is not None:
        query = query.where(Activity.community_id == community_id)
    page, per_page = page_number(), current_app.config["PER_PAGE"]
    total = _count(query)
    order = (Activity.starts_at.desc(), Activity.id.desc()) if include_past else (Activity.starts_at, Activity.id)
    activities = db.session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    ids = [a.id for a in activities]
    taken = places_taken(ids)
    org_ids = {a.community_id for a in activities} | {a.organiser_org_id for a in activities}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                    .where(Organisation.id.in_(org_ids))).all()) if org_ids else {}
    mine, volunteer = {}, volunteer_of(user)
    if volunteer is not None and ids:
        mine = dict(db.session.execute(select(SignUp.activity_id, SignUp.status).where(
            SignUp.volunteer_id == volunteer.id, SignUp.activity_id.in_(ids))).all())
    items = [_activity_json(a, names, taken.get(a.id, 0), mine.get(a.id), is_organiser(user, a))
             for a in activities]
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})


def _activity_json(activity, names, taken, my_status, organiser_here) -> dict:
    # Never the check-in token: it is the organiser's QR code, and scanning it certifies presence.
    return {"id": activity.id, "title": activity.title, "category": activity.category,
            "description": activity.description, "place": activity.place,
            "starts_at": plain(activity.starts_at), "ends_at": plain(activity.ends_at), "state": activity.state,
            "places": activity.places, "taken": taken, "left": max(0, activity.places - taken),
            "community": {"id": activity.community_id, "name": names.get(activity.community_id, "")},
            "organiser": {"id": activity.organiser_org_id, "name": names.get(activity.organiser_org_id, "")},
            "in_project": activity.project_id is not None, "my_status": my_status,
            "organiser_here": organiser_here}


# ---- the volunteer's own account --------------------------------------------------------------------------

@bp.get("/me/volunteer")
def my_volunteer():
    """A resident's hours, balance, stars, one page of the ledger (newest first) and the latest redemptions.
    Anyone who is not a registered volunteer gets 404."""
    from procure.redemption.models import Redemption, RewardItem

    volunteer = volunteer_of(g.api_user)
    if volunteer is None:
        raise NotFound()
    page, per_page = page_number(), current_app.config["PER_PAGE"]
    entries = select(PointEntry).where(PointEntry.volunteer_id == volunteer.id)
    total = _count(entries)
    rows = db.session.execute(
        entries.add_columns(Activity.title).outerjoin(SignUp, SignUp.id == PointEntry.signup_id)
        .outerjoin(Activity, Activity.id == SignUp.activity_id)
        .order_by(PointEntry.at.desc(), PointEntry.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    redemptions = db.session.execute(
        select(Redemption, RewardItem.name).join(RewardItem, RewardItem.id == Redemption.item_id)
        .where(Redemption.volunteer_id == volunteer.id)
        .order_by(Redemption.redeemed_at.desc(), Redemption.id.desc()).limit(REDEMPTIONS_LIMIT)).all()
    community = db.session.get(Organisation, volunteer.community_id)
    return jsonify({
        "masked_name": ledger.mask_name(volunteer.real_name), "consent_public": volunteer.consent_public,
        "community": {"id": community.id, "name": community.name},
        "hours_total": plain(volunteer.hours_total), "balance": plain(volunteer.balance),
        "stars": ledger.stars(volunteer.hours_total),
        "entries": {"items": [{"id": e.id, "at": plain(e.at), "kind": e.kind, "hours": plain(e.hours),
                               "points": plain(e.points), "activity": title, "note": e.note}
                              for e, title in rows],
                    "page": page, "per_page": per_page, "total": total},
        "redemptions": [{"id": r.id, "item": name, "points": plain(Decimal(r.points)),
                         "redeemed_at": plain(r.redeemed_at)} for r, name in redemptions],
    })
