"""Sub-resources that drive the lifecycle: objections, bids, challenges, milestone reports and payments
(conflict declarations: procure.api.evaluators)."""
from flask import g, jsonify

from procure import clock
from procure.api import bp, committed, formdata
from procure.api.jsonutil import plain
from procure.extensions import db
from procure.payments import operations as payments
from procure.payments.models import Payment
from procure.payments.schedule import schedule
from procure.procurement import contracts
from procure.procurement import operations as procurement
from procure.procurement.deadlines import challenge_answer_due, is_late
from procure.procurement.models import Challenge, Contract
from procure.projects import operations
from procure.projects.permissions import get_visible, relations


def _created(payload):
    db.session.commit()
    return jsonify(payload), 201


# ---- objections ------------------------------------------------------------------------------

def objection_json(o, private: bool) -> dict:
    data = {"id": o.id, "raised_at": plain(o.raised_at), "content": o.content, "answer": o.answer,
            "answered_at": plain(o.answered_at)}
    if private:
        data.update(resident_name=o.resident_name, resident_contact=o.resident_contact)
    return data


@bp.get("/projects/<int:project_id>/objections")
def list_objections(project_id):
    project = get_visible(g.api_user, project_id)
    private = bool({"community", "reviewer"} & relations(g.api_user, project))
    return jsonify([objection_json(o, private) for o in project.objections])


@bp.post("/projects/<int:project_id>/objections")
def add_objection(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return _created(objection_json(operations.add_objection(project, g.api_user, formdata()), True))


@bp.post("/projects/<int:project_id>/objections/<int:objection_id>/answer")
def answer_objection(project_id, objection_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(objection_json(operations.answer_objection(project, g.api_user, objection_id, formdata()), True))


# ---- bids (sealed until the deadline) ----------------------------------------------------------

def bid_json(b) -> dict:
    return {"id": b.id, "provider": {"id": b.provider_id, "name": b.provider.name}, "price": plain(b.price),
            "plan": b.plan, "team": b.team, "status": b.status, "submitted_at": plain(b.submitted_at)}


@bp.get("/projects/<int:project_id>/bids")
def list_bids(project_id):
    project = get_visible(g.api_user, project_id)
    return jsonify([bid_json(b) for b in procurement.bids_visible_to(g.api_user, project)])


@bp.post("/projects/<int:project_id>/bids")
def submit_bid(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return _created(bid_json(procurement.submit_bid(project, g.api_user, formdata())))


@bp.post("/projects/<int:project_id>/bids/withdraw")
def withdraw_bid(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(bid_json(procurement.withdraw_bid(project, g.api_user)))


# ---- challenges -------------------------------------------------------------------------------

def challenge_json(c) -> dict:
    due = challenge_answer_due(c)
    return {"id": c.id, "provider": {"id": c.provider_id, "name": c.provider.name}, "content": c.content,
            "filed_at": plain(c.filed_at), "answer": c.answer, "answered_at": plain(c.answered_at),
            "answer_due": plain(due), "overdue": is_late(due, c.answered_at and clock.local(c.answered_at).date())}


@bp.get("/projects/<int:project_id>/challenges")
def list_challenges(project_id):
    project = get_visible(g.api_user, project_id)
    rows = db.session.scalars(db.select(Challenge).filter_by(project_id=project.id).order_by(Challenge.id))
    return jsonify([challenge_json(c) for c in rows])


@bp.post("/projects/<int:project_id>/challenges")
def file_challenge(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return _created(challenge_json(procurement.file_challenge(project, g.api_user, formdata())))


@bp.post("/projects/<int:project_id>/challenges/<int:challenge_id>/answer")
def answer_challenge(project_id, challenge_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(challenge_json(procurement.answer_challenge(project, g.api_user, challenge_id, formdata())))


# ---- contract, milestones and their reports -------------------------------------------------------

def contract_json(contract, project) -> dict:
    return {
        "id": contract.id, "kind": contract.kind, "amount": plain(contract.amount),
        "advance_percent": contract.advance_percent, "final_percent": contract.final_percent,
        "implementer": {"id": contract.implementer_id, "name": contract.implementer.name},
        "start": plain(contract.start_date), "end": plain(contract.end_date), "multi_year": contract.multi_year,
        "signed_at": plain(contract.signed_at), "signed_on": plain(contract.signed_on),
        "service_content": contract.service_content, "quantity_targets": contract.quantity_targets,
        "quality_targets": contract.quality_targets, "deposit": plain(contract.deposit),
        "no_subcontracting": contract.no_subcontracting, "rights_obligations": contract.rights_obligations,
        "breach_liability": contract.breach_liability, "dispute_resolution": contract.dispute_resolution,
        "version": contract.version,
        "published_at": plain(contract.published_at), "warnings": contracts.warnings(contract, project),
        "amendments": [{"version": a.version, "reason": a.reason, "changes": a.changes,
                        "amended_at": plain(a.amended_at)} for a in contract.amendments],
        "termination": None if contract.terminated_at is None else {
            "terminated_at": plain(contract.terminated_at), "reason": contract.termination_reason},
        "milestones": [{"id": m.id, "name": m.name, "percent": m.percent, "due": plain(m.due),
                        "reports": [{"id": r.id, "content": r.content, "submitted_at": plain(r.submitted_at)}
                                    for r in m.reports]} for m in contract.milestones],
    }


@bp.get("/projects/<int:project_id>/contract")
def get_contract(project_id):
    project = get_visible(g.api_user, project_id)
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    return jsonify(None if contract is None else contract_json(contract, project))


@bp.post("/projects/<int:project_id>/contract/publication")
def publish_contract(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return committed(contract_json(contracts.publish(project, g.api_user), project))


@bp.post("/projects/<int:project_id>/contract/amendments")
def amend_contract(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    amendment = contracts.amend(project, g.api_user, formdata())
    return _created(contract_json(amendment.contract, project))


@bp.post("/projects/<int:project_id>/milestone-reports")
def report_milestone(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    report = procurement.report_milestone(project, g.api_user, formdata())
    return _created({"id": report.id, "milestone_id": report.milestone_id, "content": report.content,
                     "submitted_at": plain(report.submitted_at)})


# ---- payments ---------------------------------------------------------------------------------------

def payment_json(p) -> dict:
    return {"id": p.id, "kind": p.kind, "amount": plain(p.amount), "paid_on": plain(p.paid_on),
            "milestone_id": p.milestone_id, "note": p.note}


@bp.get("/projects/<int:project_id>/payments")
def list_payments(project_id):
    project = get_visible(g.api_user, project_id)
    rows = db.session.scalars(db.select(Payment).filter_by(project_id=project.id).order_by(Payment.id))
    return jsonify([payment_json(p) for p in rows])


@bp.post("/projects/<int:project_id>/payments")
def record_payment(project_id):
    project = get_visible(g.api_user, project_id, for_update=True)
    return _created(payment_json(payments.record_payment(project, g.api_user, formdata())))


def schedule_json(plan) -> dict:
    """The payment schedule (procure.payments.schedule): each line, what it comes to, what is payable now,
    what is held and why."""
    return {
        "funding_form": plan.funding_form, "ceiling": plain(plan.ceiling), "grade": plan.grade,
        "paid": plain(plan.paid), "payable_now": plain(plan.payable), "held": plain(plan.held),
        "withheld": plain(plan.withheld),
        "lines": [{"kind": line.kind, "milestone_id": line.milestone_id, "label": line.label,
                   "percent": line.percent, "base": plain(line.base),
                   "due": None if line.due is None else plain(line.due), "share": line.share,
                   "paid": plain(line.paid), "payable_now": plain(line.payable), "held": plain(line.held),
                   "withheld": plain(line.withheld), "status": line.status,
                   "reason": line.reason.as_dict() if line.reason else None} for line in plan.lines],
    }


@bp.get("/projects/<int:project_id>/payment-schedule")
def payment_schedule(project_id):
    project = get_visible(g.api_user, project_id)
    return jsonify(schedule_json(schedule(project)))
