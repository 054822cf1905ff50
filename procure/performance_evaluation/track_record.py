"""A provider's track record: the grades and scores of the projects it implemented that have been
evaluated, and how often its milestone reports came on time. Counted by the database (a few grouped queries for
any number of providers), over the provider's whole history: each worker keeps a record it counted for
TRACK_RECORD_CACHE_SECONDS (and never past the day, which decides which milestones are due), so that a page of
providers costs the same whatever their histories. A record lists only its latest projects."""
import copy
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from procure import clock
from procure.extensions import db
from procure.kept import LOCK, cache
from procure.procurement.models import Contract, Milestone, MilestoneReport
from procure.projects.models import Project
from procure.sqldates import local_date

GRADES = ("excellent", "good", "fair", "poor")
RECORDED_STATES = ("evaluated", "closed")
CENT = Decimal("0.01")
RECORD_PROJECTS = 20  # the latest evaluated projects a record lists (its counts cover them all)


def _empty() -> dict:
    return {"projects": [], "grades": {grade: 0 for grade in GRADES}, "evaluated": 0, "average_score": None,
            "milestones_counted": 0, "milestones_on_time": 0, "on_time_rate": None}


def _recorded(ids):
    return and_(Project.implementer_id.in_(ids), Project.state.in_(RECORDED_STATES), Project.grade.is_not(None))


def track_records(org_ids, listed: int = 0) -> dict[int, dict]:
    """{organisation id: track record} for each id (an empty record where there is nothing yet); with `listed`,
    each record lists its latest `listed` evaluated projects."""
    ids = sorted({i for i in org_ids if i is not None})
    kept, today = cache("track_records", current_app.config["TRACK_RECORD_CACHE_SECONDS"]), clock.today()
    if kept is None:
        records = _counted(ids)
    else:
        with LOCK:
            records = {org_id: kept.get((org_id, today)) for org_id in ids}
        missing = [org_id for org_id, record in records.items() if record is None]
        if missing:
            counted = _counted(missing)
            with LOCK:
                for org_id, record in counted.items():
                    kept[(org_id, today)] = record
            records.update(counted)
        records = copy.deepcopy(records)  # a caller may change its copy, never the kept one
    if listed:
        for org_id in ids:
            records[org_id]["projects"] = [
                {"id": project_id, "code": code, "title": title, "state": state, "grade": grade, "score": score}
                for project_id, code, title, state, grade, score in db.session.execute(
                    select(Project.id, Project.code, Project.title, Project.state, Project.grade, Project.score)
                    .where(_recorded([org_id])).order_by(Project.updated_at.desc(), Project.id.desc()).limit(listed))]
    return records


def _counted(ids) -> dict[int, dict]:
    """The records of `ids` counted from the data (without their latest projects)."""
    records = {org_id: _empty() for org_id in ids}
    if not ids:
        return records
    scores = {}
    for org_id, grade, count, total, scored in db.session.execute(
            select(Project.implementer_id, Project.grade, func.count(), func.sum(Project.score), func.count(Project.score))
            .where(_recorded(ids)).group_by(Project.implementer_id, Project.grade)):
        record = records[org_id]
        record["evaluated"] += count
        if grade in record["grades"]:
            record["grades"][grade] += count
        if scored:
            kept = scores.get(org_id, (Decimal(0), 0))
            scores[org_id] = (kept[0] + total, kept[1] + scored)
    for org_id, (total, count) in scores.items():
        records[org_id]["average_score"] = (total / count).quantize(CENT, ROUND_HALF_UP)
    _on_time(records, ids)
    return records


def _on_time(records, ids):
    """Milestones whose first report came on or before the due day (in Shanghai) ÷ milestones due (before today) or
    reported. A terminated contract's milestones count only if they fell due before it ended."""
    first = (select(func.min(MilestoneReport.submitted_at)).where(MilestoneReport.milestone_id == Milestone.id)
             .correlate(Milestone).scalar_subquery())
    milestones = (select(Contract.implementer_id.label("org_id"), Milestone.due.label("due"),
                         Contract.terminated_at.label("ended"), first.label("first"))
                  .join(Milestone, Milestone.contract_id == Contract.id).where(Contract.implementer_id.in_(ids))
                  .subquery())
    due_before_end = and_(milestones.c.due < clock.today(),
                          or_(milestones.c.ended.is_(None), milestones.c.due < local_date(milestones.c.ended)))
    counted = case((milestones.c.first.is_not(None), 1), (due_before_end, 1), else_=0)
    on_time = case((and_(milestones.c.first.is_not(None), local_date(milestones.c.first) <= milestones.c.due), 1),
                   else_=0)
    for org_id, counted_total, on_time_total in db.session.execute(
            select(milestones.c.org_id, func.sum(counted), func.sum(on_time)).group_by(milestones.c.org_id)):
        record = records[org_id]
        record["milestones_counted"] = int(counted_total or 0)
        record["milestones_on_time"] = int(on_time_total or 0)
    for record in records.values():
        if record["milestones_counted"]:
            rate = Decimal(record["milestones_on_time"]) * 100 / record["milestones_counted"]
            record["on_time_rate"] = rate.quantize(CENT, ROUND_HALF_UP)


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
    """The track record of one organisation, with its latest evaluated projects (see track_records)."""
    return track_records([org.id], listed=RECORD_PROJECTS)[org.id]


def bid_track_records(user, project, bids) -> dict[int, dict]:
    """{provider id: track record} beside the bids, for the bureau and the panel once the bids are open
    (they are sealed before the deadline); nothing for anyone else."""
    from procure.accounts.models import Role

    opened = project.bid_deadline is not None and clock.now() > project.bid_deadline
    if not bids or not opened or user.role not in (Role.bureau, Role.admin, Role.evaluator):
        return {}
    return track_records(b.provider_id for b in bids)
