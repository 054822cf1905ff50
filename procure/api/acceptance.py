"""Acceptance: the checklist and its judgements, site visits, rectification rounds, the community's confirmation."""
from flask import current_app, g, jsonify

from procure.acceptance import operations
from procure.api import bp, committed, formdata
from procure.api.jsonutil import plain
from procure.projects.permissions import get_visible


def item_json(i) -> dict:
    return {"id": i.id, "position": i.position, "source": i.source, "text": i.text, "result": i.result,
            "finding": i.finding, "checked_at": plain(i.checked_at)}


def visit_json(v) -> dict:
    return {"id": v.id, "visited_on": plain(v.visited_on), "place": v.place, "participants": v.participants,
            "observations": v.observations, "recorded_at": plain(v.recorded_at)}


def round_json(r) -> dict:
    return {"id": r.id, "round": r.round, "findings": r.findings, "deadline": plain(r.deadline),
            "requested_at": plain(r.requested_at), "response": r.response, "responded_at": plain(r.responded_at),
            "late": operations.response_late(r), "overdue": operations.response_overdue(r), "outcome": r.outcome,
            "judged_at": plain(r.judged_at)}


def confirmation_json(c, project) -> dict:
    return {"agreed": c.agreed, "opinion": c.opinion, "residents_present": c.residents_present,
            "confirmed_at": plain(c.confirmed_at), "current": operations.confirmation_current(project, c)}


def acceptance_json(project) -> dict:
    confirmation = operations.confirmation_of(project)
    return {
        "items": [item_json(i) for i in operations.items_of(project)],
        "site_visits": [visit_json(v) for v in operations.visits_of(project)],
        "rectifications": [round_json(r) for r in operations.rounds_of(project)],
        "max_rounds": current_app.config["RECTIFICATION_MAX_ROUNDS"],
        "confirmation": confirmation_json(confirmation, project) if confirmation else None,
        "report": project.acceptance_report,
        "accepted_on": plain(operations.accepted_on(project)) if project.acceptance_report else None,
    }


@bp.get("/projects/<int:project_id>/acceptance")
def get_acceptance(project_id):
    return jsonify(acceptance_json(get_visible(g.api_user, project_id)))


@bp.post("/projects/<int:project_id>/acceptance/items/<int:item_id>/judgement")
def judge_item(project_id, item_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(item_json(operations.judge_item(project, g.api_user, item_id, formdata())))


@bp.post("/projects/<int:project_id>/acceptance/items")
def add_checklist_item(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(item_json(operations.add_item(project, g.api_user, formdata())), 201)


@bp.post("/projects/<int:project_id>/acceptance/site-visits")
def record_site_visit(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(visit_json(operations.record_site_visit(project, g.api_user, formdata())), 201)


@bp.post("/projects/<int:project_id>/acceptance/confirmation")
def confirm_acceptance(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(confirmation_json(operations.confirm_acceptance(project, g.api_user, formdata()), project))
