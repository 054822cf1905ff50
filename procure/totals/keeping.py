"""Keeping the public tables' totals as projects change. At each commit, every project the transaction touched (the
project itself, its contract, payments or evaluation, or its community's class or division) is counted again: its
old part (ProjectFigures) is taken from the totals of each filter value it counted under and its new part added
(FilterTotals), in the same transaction. A table's totals row for no filter or one filter then reads one row per
filter value (procure.public.tables), whatever the number of projects.

What a project adds follows the public tables exactly (procure.public.tables): a public project (disclosure), its
published contract with what was paid on it, the payments on that contract, and its finalised evaluation."""
from collections import defaultdict
from itertools import chain

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from procure import disclosure
from procure.accounts.models import Organisation
from procure.changes import on_session
from procure.extensions import db
from procure.payments.models import Payment
from procure.performance_evaluation.models import PerformanceEvaluation
from procure.procurement.models import Contract
from procure.projects.models import Project
from procure.totals.models import FIGURES, ZERO, FilterTotals, ProjectFigures

GRADES = ("excellent", "good", "fair", "poor")
BATCH = 500
_TOUCHED = "totals_touched"  # session.info key: the ids of the projects to count again
_COMMUNITIES = "totals_communities"  # session.info key: communities whose class or division changed


def register(app):
    on_session(after_flush=_collect, before_commit=keep, after_rollback=_forget)


def _forget(session):
    session.info.pop(_TOUCHED, None)
    session.info.pop(_COMMUNITIES, None)


def _collect(session, flush_context):
    touched = session.info.setdefault(_TOUCHED, set())
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, Project):
            touched.add(row.id)
        elif isinstance(row, (Contract, Payment, PerformanceEvaluation)):
            touched.add(row.project_id)
        elif isinstance(row, Organisation) and row.kind == "community" and row not in session.new:
            session.info.setdefault(_COMMUNITIES, set()).add(row.id)


def keep(session):
    """Count the touched projects again (before each commit; a bulk load calls refill() instead)."""
    session.flush()  # the commit flushes after this hook: what it would write must be seen here
    touched = session.info.pop(_TOUCHED, None) or set()
    communities = session.info.pop(_COMMUNITIES, None)
    if communities:
        touched |= set(session.scalars(select(Project.id).where(Project.community_id.in_(communities))))
    touched.discard(None)
    if touched:
        recount(sorted(touched))


def facets_of(project, community) -> dict:
    """What decides the filter values a public project counts under (procure.public.listing.public_projects'
    filters): kept with its figures."""
    public_implementer = project.state in disclosure.IMPLEMENTER_PUBLIC_STATES
    public_firm = project.state in disclosure.ACCEPTED_STATES
    return {"state": project.state, "funding_form": project.funding_form, "community_id": community.id,
            "district": community.division_code[:6], "community_class": community.community_class,
            "catalogue_year": project.catalogue_year, "category_code": project.category_code,
            "provider_id": project.implementer_id if public_implementer else None,
            "evaluator_id": project.evaluator_org_id if public_firm else None}


def keys_of(facets) -> list[str]:
    """The filter values ("all", "state:closed", "community:7", "category:A01" …) of a project's facets."""
    keys = ["all", f"state:{facets['state']}", f"funding_form:{facets['funding_form']}",
            f"community:{facets['community_id']}", f"district:{facets['district']}"]
    if facets["community_class"]:
        keys.append(f"community_class:{facets['community_class']}")
    if facets["catalogue_year"] is not None:
        keys.append(f"year:{facets['catalogue_year']}")
    code = facets["category_code"] or ""
    keys += [f"category:{code[:n]}" for n in range(1, len(code) + 1)]
    if facets["provider_id"] is not None:
        keys.append(f"provider:{facets['provider_id']}")
    if facets["evaluator_id"] is not None:
        keys.append(f"evaluator:{facets['evaluator_id']}")
    return keys


FACETS = ("state", "funding_form", "community_id", "district", "community_class", "catalogue_year", "category_code",
          "provider_id", "evaluator_id")


def _figures(ids) -> dict[int, tuple[dict, dict]]:
    """{project id: (its facets, its figures)} of the public projects among `ids`, in four queries."""
    projects = db.session.scalars(select(Project).where(Project.id.in_(ids))).unique().all()
    contracts = {c.project_id: c for c in db.session.scalars(
        select(Contract).where(Contract.project_id.in_(ids), disclosure.contract_public_clause()))}
    paid = {pid: (count, total or ZERO) for pid, count, total in db.session.execute(
        select(Payment.project_id, func.count(Payment.id), func.sum(Payment.amount))
        .where(Payment.project_id.in_(list(contracts))).group_by(Payment.project_id))} if contracts else {}
    evaluations = {e.project_id: e for e in db.session.scalars(
        select(PerformanceEvaluation).where(PerformanceEvaluation.project_id.in_(ids),
                                            disclosure.evaluation_public_clause()))}
    found = {}
    for project in projects:
        if not disclosure.is_public(project):
            continue
        figures = {name: ZERO if money else 0 for name, money in FIGURES}
        figures.update(projects=1, approved=project.approved_amount or ZERO)
        contract = contracts.get(project.id)
        if contract is not None:
            count, total = paid.get(project.id, (0, ZERO))
            figures.update(contracts=1, contract_amount=contract.amount, paid=total, payments=count,
                           payments_amount=total, outstanding=max(contract.amount - total, ZERO))
        evaluation = evaluations.get(project.id)
        if evaluation is not None:
            figures["evaluations"] = 1
            if evaluation.score is not None:
                figures.update(scored=1, score_sum=evaluation.score)
            if evaluation.grade in GRADES:
                figures[evaluation.grade] = 1
        found[project.id] = (facets_of(project, project.community), figures)
    return found


def recount(ids):
    """Count the projects `ids` again: take their old parts from the totals, add the new; flush, never commit."""
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        new = _figures(batch)
        old = {row.project_id: row for row in db.session.scalars(
            select(ProjectFigures).where(ProjectFigures.project_id.in_(batch)))}
        changes = defaultdict(lambda: {name: ZERO if money else 0 for name, money in FIGURES})
        for project_id in batch:
            before, after = old.get(project_id), new.get(project_id)
            if before is not None:
                for key in keys_of({facet: getattr(before, facet) for facet in FACETS}):
                    for name, _money in FIGURES:
                        changes[key][name] -= getattr(before, name)
            if after is not None:
                facets, figures = after
                for key in keys_of(facets):
                    for name, _money in FIGURES:
                        changes[key][name] += figures[name]
                row = before or ProjectFigures(project_id=project_id)
                for name, value in chain(facets.items(), figures.items()):
                    setattr(row, name, value)
                db.session.add(row)
            elif before is not None:
                db.session.delete(before)
        _add(changes)
    db.session.flush()


def _add(changes):
    """Add each filter value's changes to its totals: one statement, the row made where missing."""
    rows = [{"key": key, **figures} for key, figures in changes.items() if any(figures.values())]
    if not rows:
        return
    table = FilterTotals.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(rows)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={name: table.c[name] + statement.excluded[name] for name, _money in FIGURES}))


def refill():
    """Count every project again from nothing (after projects were loaded in bulk, not through the
    operations); flush, never commit."""
    db.session.execute(delete(FilterTotals))
    db.session.execute(delete(ProjectFigures))
    last = 0
    while True:
        ids = db.session.scalars(select(Project.id).where(Project.id > last).order_by(Project.id).limit(BATCH)).all()
        if not ids:
            break
        recount(list(ids))
        db.session.expire_all()  # the batch's rows are written: let them go
        last = ids[-1]


def totals(keys) -> dict:
    """The figures summed over the filter values `keys` (the states of a stage: several); nothing where no
    project ever counted under them."""
    rows = db.session.scalars(select(FilterTotals).where(FilterTotals.key.in_(keys))).all()
    summed = {name: ZERO if money else 0 for name, money in FIGURES}
    for row in rows:
        for name, _money in FIGURES:
            summed[name] += getattr(row, name)
    return summed

