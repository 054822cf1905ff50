"""JSON representations of projects and their parts."""
from flask import current_app

from procure.api.jsonutil import plain
from procure.lifecycle import available_triggers
from procure.workdays.service import Calendar


def project_json(project, user, detail=True) -> dict:
    data = {
        "id": project.id, "code": project.code, "title": project.title, "state": project.state,
        "version": project.version, "funding_form": project.funding_form, "category": project.category_code,
        "community": {"id": project.community.id, "name": project.community.name},
        "requested_amount": plain(project.requested_amount), "approved_amount": plain(project.approved_amount),
        "catalogue_year": project.catalogue_year, "created_at": plain(project.created_at),
        "updated_at": plain(project.updated_at),
    }
    if not detail:
        return data
    meeting = project.deliberation
    notice = Calendar().period(project.notice_published_on, current_app.config["NOTICE_WORKING_DAYS"])
    data.update({
        "needs_analysis": project.needs_analysis, "beneficiaries": project.beneficiaries,
        "beneficiaries_count": project.beneficiaries_count, "indirect_beneficiaries": project.indirect_beneficiaries,
        "indirect_beneficiaries_count": project.indirect_beneficiaries_count, "goals": project.goals,
        "location": project.location, "lead_name": project.lead_name, "contact_name": project.contact_name,
        "contact_phone": project.contact_phone, "team": project.team,
        "start_date": plain(project.start_date), "end_date": plain(project.end_date),
        "budget_lines": [{"item": b.item, "amount": plain(b.amount)} for b in project.budget_lines],
        "deliberation": None if meeting is None else {
            "held_on": plain(meeting.held_on), "members_total": meeting.members_total,
            "members_present": meeting.members_present, "votes_for": meeting.votes_for,
            "votes_against": meeting.votes_against, "minutes": meeting.minutes},
        "notice_published_on": plain(project.notice_published_on),
        "notice_ends_on": plain(notice and notice.ends_on),
        "notice_provisional_holidays": [h.as_dict() for h in notice.provisional] if notice else [],
        "procurement_method": project.procurement_method, "bid_deadline": plain(project.bid_deadline),
        "single_source_justification": project.single_source_justification,
        "awarded_at": plain(project.awarded_at), "implementer": _org(project.implementer),
        "evaluator_org": _org(project.evaluator_org), "completion_summary": project.completion_summary,
        "acceptance_report": project.acceptance_report,
        "scores": _group_scores(project),
        "score": plain(project.score), "grade": project.grade,
        "available_transitions": available_triggers(user, project),
    })
    return data


def _org(org):
    return None if org is None else {"id": org.id, "name": org.name}


def _group_scores(project) -> dict:
    """The finalised evaluation's score per first-level group (its part of the total); {} before."""
    from procure.performance_evaluation.operations import evaluation_of

    evaluation = evaluation_of(project) if project.grade else None
    return dict(evaluation.group_scores) if evaluation and evaluation.finalised_at else {}


def audit_json(entry) -> dict:
    return {"id": entry.id, "at": plain(entry.at), "action": entry.action, "from_state": entry.from_state,
            "to_state": entry.to_state, "comment": entry.comment, "data": entry.data,
            "user": entry.user.display_name if entry.user else None,
            "organisation": entry.organisation.name if entry.organisation else None}
