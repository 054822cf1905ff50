"""A provider's track record: the grades and scores of the projects it implemented that have been
evaluated, and how often its milestone reports came on time. A few queries for any number of providers."""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from procure import clock
from procure.extensions import db
from procure.procurement.models import Contract, Milestone, MilestoneReport
from procure.projects.models import Project

GRADES = ("excellent", "good", "fair", "poor")
RECORDED_STATES = ("evaluated", "closed")
CENT = Decimal("0.01")


def _empty() -> dict:
    return {"projects": [], "grades": {grade: 0 for grade in GRADES}, "evaluated": 0, "average_score": None,
            "milestones_counted": 0, "milestones_on_time": 0, "on_time_rate": None}


def track_records(org_ids) -> dict[int, dict]:
    """{organisation id: track record} for each id (an empty record where there is nothing yet)."""
    ids = sorted({i for i in org_ids if i is not None})
    records = {org_id: _empty() for org_id in ids}
    if not ids:
        return records
    rows = db.session.execute(
        select(Project.implementer_id, Project.id, Project.code, Project.title, Project.state, Project.grade,
               Project.score, Project.updated_at)
        .where(Project.implementer_id.in_(ids), Project.state.in_(RECORDED_STATES), Project.grade.is_not(None))
        .order_by(Project.updated_at.desc(), Project.id.desc()))
    scores = defaultdict(list)
    for org_id, project_id, code, title, state, grade, score, _updated in rows:
        record = records[org_id]
        record["projects"].append({"id": project_id, "code": code, "title": title, "state": state, "grade": grade,
                                   "score": score})
        if grade in record["grades"]:
            record["grades"][grade] += 1
        if score is not None:
            scores[org_id].append(score)
    for org_id, values in scores.items():
        records[org_id]["average_score"] = (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)
    for record in records.values():
        record["evaluated"] = len(record["projects"])
    _on_time(records, ids)
    return records


def _on_time(records, ids):
    """Milestones whose first report came on or before the due day ÷ milestones due (before today) or reported.
    A terminated contract's milestones count only if they fell due before it ended."""
    first_report = (select(MilestoneReport.milestone_id, func.min(MilestoneReport.submitted_at).label("first"))
                    .group_by(MilestoneReport.milestone_id).subquery())
    rows = db.session.execute(
        select(Contract.implementer_id, Milestone.due, Contract.terminated_at, first_report.c.first)
        .join(Milestone, Milestone.contract_id == Contract.id)
        .outerjoin(first_report, first_report.c.milestone_id == Milestone.id)
        .where(Contract.implementer_id.in_(ids)))
    today = clock.today()
    for org_id, due, terminated_at, first in rows:
        record = records[org_id]
        if first is not None:
            reported_on = clock.local(_aware(first)).date()
            record["milestones_counted"] += 1
            record["milestones_on_time"] += reported_on <= due
            continue
        ended = clock.local(_aware(terminated_at)).date() if terminated_at is not None else today
        if due < min(today, ended):
            record["milestones_counted"] += 1
    for record in records.values():
        if record["milestones_counted"]:
            rate = Decimal(record["milestones_on_time"]) * 100 / record["milestones_counted"]
            record["on_time_rate"] = rate.quantize(CENT, ROUND_HALF_UP)


def _aware(moment):
    """func.min() over a UTC column may come back as a naive datetime or (SQLite) a string."""
    from datetime import datetime, timezone

    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def priority_providers(provider_ids, year: int) -> set[int]:
    """The providers among `provider_ids` that implemented a project graded 优 or 良 (PRIORITY_GRADES) in an
    evaluation finalised in `year` (Asia/Shanghai): they have priority among equal bids the year after."""
    from datetime import datetime

    from flask import current_app

    from procure.performance_evaluation.models import PerformanceEvaluation

    ids = sorted({i for i in provider_ids if i is not None})
    if not ids:
        return set()
    start, end = (datetime(y, 1, 1, tzinfo=clock.SHANGHAI) for y in (year, year + 1))
    rows = db.session.scalars(
        select(Project.implementer_id).join(PerformanceEvaluation, PerformanceEvaluation.project_id == Project.id)
        .where(Project.implementer_id.in_(ids), PerformanceEvaluation.grade.in_(current_app.config["PRIORITY_GRADES"]),
               PerformanceEvaluation.finalised_at >= start, PerformanceEvaluation.finalised_at < end))
    return set(rows)


def track_record(org) -> dict:
    """The track record of one organisation (see track_records)."""
    return track_records([org.id])[org.id]


def bid_track_records(user, project, bids) -> dict[int, dict]:
    """{provider id: track record} beside the bids, for the bureau and the panel once the bids are open
    (they are sealed before the deadline); nothing for anyone else."""
    from procure.accounts.models import Role

    opened = project.bid_deadline is not None and clock.now() > project.bid_deadline
    if not bids or not opened or user.role not in (Role.bureau, Role.admin, Role.evaluator):
        return {}
    return track_records(b.provider_id for b in bids)
