"""What a project's public page shows, as plain dicts built from what procure.disclosure allows: the
proposal as noticed, the notice and its objections (never the objector's name or contact), and from the
catalogue on the approval, tender, award, contract, payments, acceptance, evaluation, documents and timeline.
A part that is not public yet is None."""
from collections import Counter
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure import disclosure
from procure.documents import sources
from procure.extensions import db
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.projects.inputs import CONFIRMATION_LABELS, FUNDING_FORM_LABELS, METHOD_LABELS
from procure.projects.labels import PAYMENT_KIND_LABELS

from procure.public.listing import STAGES, stage_of
from procure.public.timeline import public_timeline
from procure.workdays.service import Calendar

ZERO = Decimal("0.00")
CONTRACT_KIND_LABELS = {"contract": _l("政府购买服务合同"), "agreement": _l("补贴协议")}
TERM_LABELS = {"amount": _l("金额（元）"), "deposit": _l("履约保证金（元）"), "end": _l("结束日期"), "service_content": _l("服务内容"),
               "quantity_targets": _l("数量指标"), "quality_targets": _l("质量指标")}
ITEM_RESULT_LABELS = {"met": _l("达到"), "partly_met": _l("部分达到"), "not_met": _l("未达到")}


def notice_period(project, calendar=None):
    """The community notice (NOTICE_WORKING_DAYS working days after it was published), with the provisional
    holidays it skips; None before it is published. A list passes one Calendar for all its rows."""
    return (calendar or Calendar()).period(project.notice_published_on, current_app.config["NOTICE_WORKING_DAYS"])


def _org(org) -> dict | None:
    return {"id": org.id, "name": org.name} if org is not None else None


def proposal(project) -> dict:
    meeting = project.deliberation
    lines = [{"item": line.item, "amount": line.amount} for line in project.budget_lines]
    return {
        "needs_analysis": project.needs_analysis, "beneficiaries": project.beneficiaries,
        "beneficiaries_count": project.beneficiaries_count, "indirect_beneficiaries": project.indirect_beneficiaries,
        "indirect_beneficiaries_count": project.indirect_beneficiaries_count, "goals": project.goals,
        "lead_name": project.lead_name, "team": project.team,  # the contact stays private
        "location": project.location, "start_date": project.start_date, "end_date": project.end_date,
        "requested_amount": project.requested_amount, "budget_lines": lines,
        "budget_total": sum((line["amount"] for line in lines), ZERO),
        "deliberation": None if meeting is None else {
            "held_on": meeting.held_on, "members_total": meeting.members_total,
            "members_present": meeting.members_present, "votes_for": meeting.votes_for,
            "votes_against": meeting.votes_against, "minutes": meeting.minutes},
    }


def notice(project) -> dict:
    """The notice and the objections so far: content, date and the community's answer only."""
    objections = [{"raised_at": o.raised_at, "content": o.content, "answer": o.answer, "answered_at": o.answered_at}
                  for o in project.objections]
    period = notice_period(project)
    return {"published_on": project.notice_published_on, "ends_on": period.ends_on if period else None,
            "provisional": period.provisional if period else (),
            "open": disclosure.on_notice(project), "objections": objections}


def tender_part(project, tender) -> dict | None:
    if project.procurement_method is None:
        return None
    part = {"method": METHOD_LABELS.get(project.procurement_method, project.procurement_method),
            "bid_deadline": project.bid_deadline, "justification": project.single_source_justification,
            "requirements": tender.requirements if tender else "",
            "published_at": tender.published_at if tender else None,
            "price_weight": tender.price_weight if tender and tender.criteria else None,
            "bid_deposit": tender.bid_deposit if tender else None,
            "criteria": [{"name": c.name, "description": c.description, "max_points": c.max_points}
                         for c in (tender.criteria if tender else [])],
            "bids": None}
    if disclosure.award_public(tender):
        from procure.procurement.models import Bid

        bids = db.session.scalars(select(Bid).where(Bid.project_id == project.id,
                                                    Bid.status.in_(("submitted", "awarded")))
                                  .order_by(Bid.price, Bid.id)).all()
        part["bids"] = [{"provider": _org(b.provider), "price": b.price, "awarded": b.status == "awarded"}
                        for b in bids]
    return part


def award_part(project, tender, tender_view) -> dict | None:
    if not disclosure.award_public(tender) or not tender_view or not tender_view["bids"]:
        return None
    winner = next((b for b in tender_view["bids"] if b["awarded"]), None)
    if winner is None:
        return None
    return {"winner": winner["provider"], "amount": winner["price"], "notice_at": tender.award_notice_at,
            "awarded_at": project.awarded_at}


def contract_part(project, contract) -> dict | None:
    if not disclosure.contract_public(contract):
        return None
    from procure.delivery.operations import confirmations

    confirmed = confirmations(project)
    milestones = []
    for m in contract.milestones:
        if m.id in confirmed:
            status = CONFIRMATION_LABELS[confirmed[m.id].result]
        else:
            status = _l("已报告完成，待社区确认") if m.reports else _l("未到期或未报告")
        milestones.append({"name": m.name, "percent": m.percent, "due": m.due, "status": status,
                           "amount": (contract.amount * m.percent / 100).quantize(Decimal("0.01"))})
    amendments = [{"version": a.version, "at": a.amended_at, "reason": a.reason,
                   "changes": [{"label": TERM_LABELS.get(name, name), "old": values[0], "new": values[1]}
                               for name, values in (a.changes or {}).items()]}
                  for a in contract.amendments]
    return {"kind": CONTRACT_KIND_LABELS[contract.kind], "implementer": _org(contract.implementer),
            "amount": contract.amount, "start_date": contract.start_date, "end_date": contract.end_date,
            "multi_year": contract.multi_year, "signed_on": contract.signed_on, "signed_at": contract.signed_at,
            "published_at": contract.published_at, "service_content": contract.service_content,
            "quantity_targets": contract.quantity_targets, "quality_targets": contract.quality_targets,
            "version": contract.version, "milestones": milestones, "amendments": amendments,
            "terminated_at": contract.terminated_at, "termination_reason": contract.termination_reason}


def payments_part(project, contract) -> dict | None:
    if not disclosure.payments_public(project, contract):
        return None
    from procure.payments.models import Payment

    names = {m.id: m.name for m in (contract.milestones if contract else [])}
    rows = db.session.scalars(select(Payment).filter_by(project_id=project.id)
                              .order_by(Payment.paid_on, Payment.id)).all()
    payments = [{"paid_on": p.paid_on, "amount": p.amount, "kind": PAYMENT_KIND_LABELS.get(p.kind, p.kind),
                 "milestone": names.get(p.milestone_id, "")} for p in rows]
    return {"rows": payments, "total": sum((p["amount"] for p in payments), ZERO)}


def acceptance_part(project) -> dict | None:
    if not disclosure.acceptance_public(project):
        return None
    from procure.acceptance.models import ChecklistItem, Rectification
    from procure.documents.results import accepted_on, latest_draw

    draw = latest_draw(project)
    results = Counter(db.session.scalars(select(ChecklistItem.result).filter_by(project_id=project.id)))
    rounds = db.session.scalar(select(db.func.count(Rectification.id)).filter_by(project_id=project.id)) or 0
    return {
        "firm": _org(project.evaluator_org) if disclosure.evaluator_public(project) else None,
        "draw": None if draw is None else {"method": draw.method, "number": draw.number, "seed": draw.seed,
                                           "candidates": len(draw.candidates or []),
                                           "excluded": len(draw.excluded or []),
                                           "reason": draw.reason if draw.method == "manual" else "",
                                           "drawn_at": draw.drawn_at},
        "accepted_on": accepted_on(project),
        "results": [{"label": label, "count": results.get(key, 0)} for key, label in ITEM_RESULT_LABELS.items()],
        "item_count": sum(results.values()), "rounds": rounds,
    }


def evaluation_part(project) -> dict | None:
    from procure.performance_evaluation.models import Indicator

    ev = sources.evaluation_of(project)
    if not disclosure.evaluation_public(ev):
        return None
    groups = db.session.scalars(select(Indicator).filter_by(template_id=ev.template_id, level=1)
                                .order_by(Indicator.position, Indicator.id)).all()
    scores = ev.group_scores or {}
    return {"score": ev.score, "grade": ev.grade, "grade_label": GRADE_LABELS.get(ev.grade, ev.grade or ""),
            "finalised_at": ev.finalised_at,
            "groups": [{"name": g.name, "max": g.weight, "points": Decimal(str(scores[g.code]))
                        if g.code in scores else None} for g in groups],
            "rectification_plan": ev.rectification_plan if ev.grade == "fair" else ""}


def documents_part(project) -> list[dict]:
    return [{"kind": kind, "title": sources.TITLES[kind],
             "url": url_for("public.project_document", code=project.code, kind=kind)}
            for kind in disclosure.public_document_kinds(project)]


def project_view(project) -> dict:
    """Everything the public page of `project` (a public project) shows."""
    from procure.opendata.models import OcdsRelease
    from procure.opendata.releases import ocid
    from procure.procurement.contracts import contract_of
    from procure.procurement.panel import tender_of

    stage = stage_of(project)
    view = {
        "code": project.code, "title": project.title, "community": _org(project.community),
        "funding_form": FUNDING_FORM_LABELS[project.funding_form], "stage": stage, "stage_label": STAGES[stage][0],
        "category": f"{project.category.code} {project.category.name}" if project.category else "",
        "cancelled": project.state == "cancelled",
        "proposal": proposal(project), "notice": notice(project),
        "approval": None, "tender": None, "award": None, "contract": None, "payments": None, "acceptance": None,
        "evaluation": None, "implementer": None,
    }
    tender = contract = None
    if disclosure.procurement_public(project):
        tender, contract = tender_of(project), contract_of(project)
        view["approval"] = {"approved_amount": project.approved_amount, "catalogue_year": project.catalogue_year}
        view["tender"] = tender_part(project, tender)
        view["award"] = award_part(project, tender, view["tender"])
        view["contract"] = contract_part(project, contract)
        view["payments"] = payments_part(project, contract)
        view["acceptance"] = acceptance_part(project)
        view["evaluation"] = evaluation_part(project)
        if disclosure.implementer_public(project):
            view["implementer"] = _org(project.implementer)
    view["documents"] = documents_part(project)
    view["timeline"] = public_timeline(project, tender, contract)
    # Open data starts with the catalogue: before it there is no contracting process to link to.
    view["ocid"] = ocid(project) if db.session.scalar(
        select(OcdsRelease.id).where(OcdsRelease.project_id == project.id).limit(1)) else None
    return view
