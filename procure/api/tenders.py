"""The tender notice and its bid evaluation: panel, blind scores, ranking, award notice."""
from decimal import Decimal

from flask import current_app, g, jsonify

from procure.api import bp, committed, formdata
from procure import clock
from procure.api.jsonutil import plain
from procure.errors import NotFound
from procure.extensions import db
from procure.procurement import deadlines, panel
from procure.procurement.models import Bid
from procure.projects.permissions import get_visible, relations


def member_json(status, *, progress: bool) -> dict:
    member = status.member
    data = {"id": member.id, "user": {"id": member.user_id, "name": member.user.display_name},
            "organisation": {"id": member.user.organisation_id, "name": member.user.organisation.name},
            "appointed_at": plain(member.appointed_at), "active": status.active,
            "recusal_reason": status.recusal_reason, "declared_recusal": member.recused_at is not None}
    if progress:
        data["scored_bids"] = sorted(status.scored)
    return data


def score_rows(evaluation, member_ids) -> list[dict]:
    return [{"member_id": member_id, "bid_id": bid_id, "criterion_id": criterion_id, "points": plain(points)}
            for (member_id, bid_id), given in sorted(evaluation.points.items()) if member_id in member_ids
            for criterion_id, points in sorted(given.items())]


def ranking_json(evaluation) -> list[dict]:
    return [{"rank": r.rank, "bid_id": r.bid.id, "provider": {"id": r.bid.provider_id, "name": r.bid.provider.name},
             "price": plain(r.bid.price), "technical": plain(r.technical), "price_score": plain(r.price_score),
             "total": plain(r.total), "priority": r.priority} for r in evaluation.ranked or []]


def tender_json(user, project) -> dict:
    evaluation = panel.evaluation_of(project)
    tender, parts = evaluation.tender, relations(user, project)
    number, unit = current_app.config["MIN_BID_PERIODS"][project.procurement_method]
    sees_all = panel.sees_all_scores(user, project, evaluation, parts)
    own = evaluation.status_of(user)
    progress = panel.sees_progress(user, project, parts)
    due = deadlines.award_notice_due(project)
    notice_at = tender.award_notice_at if tender else None
    window = deadlines.challenge_window(tender)
    return {
        "method": project.procurement_method, "budget": plain(project.approved_amount),
        "requirements": tender.requirements if tender else "",
        "price_weight": tender.price_weight if tender else current_app.config["BID_PRICE_WEIGHT"],
        "bid_deposit": plain(tender.bid_deposit if tender else Decimal("0.00")),
        "scored": evaluation.scored_method, "published_at": plain(tender.published_at if tender else None),
        "bid_deadline": plain(project.bid_deadline), "min_bid_period": {"number": number, "unit": unit},
        "criteria": [{"id": c.id, "name": c.name, "description": c.description, "max_points": c.max_points}
                     for c in (tender.criteria if tender else [])],
        "panel": [member_json(m, progress=progress) for m in evaluation.members]
        if panel.sees_panel(user, project, parts) else None,
        "scoring_complete": evaluation.complete,
        "my_scores": score_rows(evaluation, {own.member.id}) if own else None,
        "scores": score_rows(evaluation, {m.member.id for m in evaluation.members}) if sees_all else None,
        "ranking": ranking_json(evaluation) if sees_all and evaluation.ranked else None,
        "award_notice_at": plain(notice_at), "award_notice_due": plain(due),
        "award_notice_late": deadlines.is_late(due, notice_at and clock.local(notice_at).date()),
        "challenge_window_ends": plain(window and window.ends_on),
        "challenge_window_provisional_holidays": [h.as_dict() for h in window.provisional] if window else [],
    }


def _tendered(project_id, for_update=False):
    project = get_visible(g.api_user, project_id, for_update=for_update)
    if project.procurement_method is None:
        raise NotFound()
    return project


@bp.get("/projects/<int:project_id>/tender")
def get_tender(project_id):
    project = _tendered(project_id)
    return jsonify(tender_json(g.api_user, project))


@bp.post("/projects/<int:project_id>/panel")
def appoint_panel_member(project_id):
    project = _tendered(project_id, for_update=True)
    member = panel.appoint_panel_member(project, g.api_user, formdata())
    status = panel.evaluation_of(project).status_of(member.user)
    return committed(member_json(status, progress=True), 201)


@bp.post("/projects/<int:project_id>/panel/<int:member_id>/recusal")
def declare_panel_conflict(project_id, member_id):
    project = _tendered(project_id, for_update=True)
    member = panel.declare_panel_conflict(project, g.api_user, formdata(), member_id=member_id)
    return committed(member_json(panel.evaluation_of(project).status_of(member.user), progress=False))


@bp.post("/projects/<int:project_id>/bids/<int:bid_id>/scores")
def score_bid(project_id, bid_id):
    project = _tendered(project_id, for_update=True)
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.project_id != project.id:
        raise NotFound()
    data = formdata()
    data.setlist("bid_id", [str(bid_id)])
    rows = panel.score_bid(project, g.api_user, data)
    return committed([{"member_id": r.member_id, "bid_id": r.bid_id, "criterion_id": r.criterion_id,
                   "points": plain(r.points)} for r in rows])


@bp.post("/projects/<int:project_id>/award-notice")
def publish_award_notice(project_id):
    project = _tendered(project_id, for_update=True)
    panel.publish_award_notice(project, g.api_user)
    return committed(tender_json(g.api_user, project))
