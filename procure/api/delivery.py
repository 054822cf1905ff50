"""Delivery: service records, the community's milestone confirmations and payment requests."""
from flask import g, jsonify

from procure.api import bp, committed, formdata
from procure.api.attachments import attachment_json
from procure.api.jsonutil import plain
from procure.attachments.operations import service_record_files
from procure.delivery import operations
from procure.projects.permissions import get_visible


def service_record_json(r, files=()) -> dict:
    return {"id": r.id, "milestone_id": r.milestone_id, "served_on": plain(r.served_on), "place": r.place,
            "activity": r.activity, "participants": r.participants, "hours": plain(r.hours),
            "recorded_at": plain(r.recorded_at), "attachments": [attachment_json(a) for a in files]}


def confirmation_json(c) -> dict:
    return {"id": c.id, "milestone_id": c.milestone_id, "result": c.result, "comment": c.comment,
            "confirmed_at": plain(c.confirmed_at)}


def payment_request_json(r) -> dict:
    return {"id": r.id, "milestone_id": r.milestone_id, "amount": plain(r.amount), "note": r.note,
            "state": r.state, "requested_at": plain(r.requested_at), "decided_at": plain(r.decided_at),
            "reason": r.reason, "payment_id": r.payment_id}


@bp.get("/projects/<int:project_id>/service-records")
def list_service_records(project_id):
    project = get_visible(g.api_user, project_id)
    files = service_record_files(project)
    return jsonify([service_record_json(r, files.get(r.id, [])) for r in operations.service_records(project)])


@bp.post("/projects/<int:project_id>/service-records")
def log_service(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(service_record_json(operations.log_service(project, g.api_user, formdata())), 201)


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/confirmation")
def confirm_milestone(project_id, milestone_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    row = operations.confirm_milestone(project, g.api_user, milestone_id, formdata())
    return committed({**confirmation_json(row), "progress": plain(operations.progress(project))}, 201)


@bp.get("/projects/<int:project_id>/payment-requests")
def list_payment_requests(project_id):
    project = get_visible(g.api_user, project_id)
    return jsonify([payment_request_json(r) for r in operations.payment_requests(project)])


@bp.post("/projects/<int:project_id>/payment-requests")
def request_payment(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(payment_request_json(operations.request_payment(project, g.api_user, formdata())), 201)


@bp.post("/projects/<int:project_id>/payment-requests/<int:request_id>/approve")
def approve_payment_request(project_id, request_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    row = operations.approve_payment_request(project, g.api_user, request_id, formdata())
    return committed(payment_request_json(row))


@bp.post("/projects/<int:project_id>/payment-requests/<int:request_id>/refuse")
def refuse_payment_request(project_id, request_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(payment_request_json(operations.refuse_payment_request(project, g.api_user, request_id,
                                                                        formdata())))
