"""The public tables with their totals: one definition per table (columns with a Chinese header, a kind and a
value; the rows; the totals) that the pages and the CSV/XLSX exports share, so that an export carries exactly
the rows and the totals its page shows.

Rows are built from plain values in chunks of CHUNK ids (a few grouped queries per chunk, never one per row),
and only what procure.disclosure allows goes into a row. Totals are worked out over every matching row
(a page shows its slice of the rows and the totals of all of them).

Tables: `projects` (the public project list), `contracts` (published contracts and subsidy agreements),
`payments` (one row per payment of a published contract: its own table, and the second sheet of the contracts
workbook) and `evaluations` (finalised evaluations). The catalogue is exported from procure.catalogue.export."""
from decimal import Decimal
from typing import Callable, Iterable

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import case, func, select, type_coerce

from procure import clock, disclosure
from procure.accounts.divisions import district_names
from procure.accounts.models import Organisation
from procure.catalogue.models import Category
from procure.extensions import db
from procure.payments.models import Payment
from procure.performance_evaluation.models import PerformanceEvaluation
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.performance_evaluation.templates import GROUP_LABELS
from procure.procurement.models import Contract, ContractAmendment, Milestone
from procure.projects.inputs import FUNDING_FORM_LABELS
from procure.projects.labels import COMMUNITY_CLASS_LABELS, PAYMENT_KIND_LABELS
from procure.projects.models import Project

from procure.public.listing import STAGES, public_projects, stage_of
from procure.paging import Order
from procure.tabular import CENT, CHUNK, ZERO, Column, Table
from procure.totals import keeping
from procure.types import Fixed2

CONTRACT_KIND_LABELS = {"contract": _l("合同"), "agreement": _l("补贴协议")}
FILTER_LABELS = {"q": _l("关键词"), "stage": _l("阶段"), "year": _l("目录年度"), "district": _l("区"),
                 "community_class": _l("社区类别"), "funding_form": _l("资金支持形式"), "category": _l("服务类别"),
                 "community": _l("社区"), "provider": _l("承接方"), "evaluator": _l("评估机构")}


# ---- lookups shared by the tables ------------------------------------------------------------------------

def _names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Organisation.id, Organisation.name)
                                   .where(Organisation.id.in_(ids))).all())


def _projects(ids) -> dict[int, Project]:
    return {p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(ids)))} if ids else {}


def _paid(project_ids) -> dict[int, Decimal]:
    if not project_ids:
        return {}
    return {pid: amount or ZERO for pid, amount in db.session.execute(
        select(Payment.project_id, func.sum(Payment.amount)).where(Payment.project_id.in_(project_ids))
        .group_by(Payment.project_id)).all()}


def _ids(query) -> Callable[[], Iterable]:
    """The ids an ordered SELECT of ids gives, read CHUNK at a time as they are used (an export streams them)."""
    return lambda: db.session.scalars(query.execution_options(yield_per=CHUNK))


def _window(query) -> Callable[[int, int], list]:
    """One slice of an ordered SELECT of ids: (offset, limit) -> ids."""
    return lambda offset, limit: list(db.session.scalars(query.offset(offset).limit(limit)))


def _grade_counts(rows) -> dict[str, int]:
    """{grade label: rows} from (grade, rows) pairs, for a count_by column."""
    return {str(GRADE_LABELS[grade]): count for grade, count in rows if grade in GRADE_LABELS}


def kept_totals(filters) -> dict | None:
    """The kept totals (procure.totals) for no filter or one; None for a search or several filters, whose totals
    the database sums from the matching rows."""
    if "q" in filters or len(filters) > 1:
        return None
    if not filters:
        keys = ["all"]
    else:
        (key, value), = filters.items()
        keys = [f"state:{state}" for state in STAGES[value][1]] if key == "stage" else [f"{key}:{value}"]
    return keeping.totals(keys)


def _kept_grades(kept) -> dict[str, int]:
    return _grade_counts((grade, kept[grade]) for grade in keeping.GRADES)


def _mean(total, count):
    return total / count if count else None  # rounded as the totals row rounds (procure.tabular.Totals)


def _local_date(moment):
    return clock.local(moment).date() if moment else None


# ---- projects -----------------------------------------------------------------------------------------------

PROJECT_COLUMNS = [
    Column("code", _l("项目编号"), width=16), Column("title", _l("项目名称"), width=36),
    Column("community", _l("社区"), width=18), Column("district", _l("区"), width=12),
    Column("community_class", _l("社区类别"), width=12), Column("funding_form", _l("资金支持形式"), width=12),
    Column("category", _l("服务类别"), width=20), Column("stage", _l("阶段"), width=10),
    Column("catalogue_year", _l("目录年度"), "integer", width=10),
    Column("approved_amount", _l("批准金额（元）"), "amount", "sum", width=16),
    Column("implementer", _l("承接方"), width=24),
    Column("contract_amount", _l("合同金额（元）"), "amount", "sum", width=16),
    Column("paid", _l("已支付（元）"), "amount", "sum", width=16),
    Column("grade", _l("评价等级"), "text", "count_by", width=10),
    Column("score", _l("评价得分"), "number", "mean", width=10),
]


def projects_table(filters) -> Table:
    ids = public_projects(filters).with_only_columns(Project.id).order_by(Project.id.desc())  # as the list page
    return Table("projects", _l("公开项目"), PROJECT_COLUMNS, filters, _ids(ids), _project_rows,
                 summary=lambda: _project_summary(filters), window=_window(ids))


def _project_summary(filters) -> tuple[int, dict]:
    """The number of public projects matching `filters` and their totals: approved amounts; the amounts of their
    public contracts and what was paid on them; the grades and mean score of their public evaluations. Kept for no
    filter or one, else summed by the database."""
    kept = kept_totals(filters)
    if kept is not None:
        return kept["projects"], {"approved_amount": kept["approved"], "contract_amount": kept["contract_amount"],
                                  "paid": kept["paid"], "grade": _kept_grades(kept),
                                  "score": _mean(kept["score_sum"], kept["scored"])}
    found = public_projects(filters).with_only_columns(Project.id, Project.approved_amount).subquery()
    count, approved = db.session.execute(select(func.count(), type_coerce(func.sum(found.c.approved_amount), Fixed2))
                                         .select_from(found)).one()
    contracts = (select(Contract.project_id, Contract.amount).where(Contract.project_id.in_(select(found.c.id)),
                                                                    disclosure.contract_public_clause()).subquery())
    contracted = db.session.scalar(select(type_coerce(func.sum(contracts.c.amount), Fixed2)))
    paid = db.session.scalar(select(type_coerce(func.sum(Payment.amount), Fixed2))
                             .where(Payment.project_id.in_(select(contracts.c.project_id))))
    evaluations = (select(PerformanceEvaluation.grade, PerformanceEvaluation.score)
                   .where(PerformanceEvaluation.project_id.in_(select(found.c.id)),
                          disclosure.evaluation_public_clause()).subquery())
    grades = db.session.execute(select(evaluations.c.grade, func.count()).where(evaluations.c.grade.is_not(None))
                                .group_by(evaluations.c.grade)).all()
    total, scored = db.session.execute(select(type_coerce(func.sum(evaluations.c.score), Fixed2),
                                              func.count(evaluations.c.score))).one()
    return count, {"approved_amount": approved, "contract_amount": contracted, "paid": paid,
                   "grade": _grade_counts(grades), "score": _mean(total, scored)}


def _project_rows(ids) -> list[dict]:
    projects = _projects(ids)
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    districts = district_names(p.community.division_code for p in projects.values())
    implementers = _names(p.implementer_id for p in projects.values() if disclosure.implementer_public(p))
    contracts = {c.project_id: c for c in db.session.scalars(select(Contract).where(Contract.project_id.in_(ids)))}
    public_contracts = {pid for pid, c in contracts.items() if disclosure.contract_public(c)}
    paid = _paid(public_contracts)
    evaluations = {e.project_id: e for e in db.session.scalars(
        select(PerformanceEvaluation).where(PerformanceEvaluation.project_id.in_(ids)))}
    classes = COMMUNITY_CLASS_LABELS
    rows = []
    for pid in ids:
        p = projects[pid]
        category = categories.get(p.category_code)
        evaluation = evaluations.get(pid)
        evaluated = disclosure.evaluation_public(evaluation)
        rows.append({
            "code": p.code, "title": p.title, "community": p.community.name, "community_id": p.community_id,
            "district": districts.get(p.community.division_code[:6], ""),
            "community_class": str(classes.get(p.community.community_class, "")),
            "funding_form": str(FUNDING_FORM_LABELS[p.funding_form]),
            "category": f"{category.code} {category.name}" if category else "",
            "stage": str(STAGES[stage_of(p)][0]), "catalogue_year": p.catalogue_year,
            "approved_amount": p.approved_amount,
            "implementer": implementers.get(p.implementer_id) if disclosure.implementer_public(p) else None,
            "contract_amount": contracts[pid].amount if pid in public_contracts else None,
            "paid": paid.get(pid, ZERO) if pid in public_contracts else None,
            "grade": str(GRADE_LABELS[evaluation.grade]) if evaluated and evaluation.grade else None,
            "score": evaluation.score if evaluated else None,
        })
    return rows


# ---- contracts and payments ---------------------------------------------------------------------------------

CONTRACT_COLUMNS = [
    Column("code", _l("项目编号"), width=16), Column("title", _l("项目名称"), width=32),
    Column("community", _l("社区"), width=16), Column("implementer", _l("承接方"), width=24),
    Column("kind", _l("类型"), width=10), Column("signed_on", _l("签订日期"), "date", width=12),
    Column("start_date", _l("服务开始日期"), "date", width=12), Column("end_date", _l("服务结束日期"), "date", width=12),
    Column("amount", _l("合同金额（元）"), "amount", "sum", width=16),
    Column("amendments", _l("变更次数"), "integer", width=10),
    Column("paid", _l("已支付（元）"), "amount", "sum", width=16),
    Column("outstanding", _l("未支付（元）"), "amount", "sum", width=16),
    Column("status", _l("合同状态"), width=10),
]
PAYMENT_COLUMNS = [
    Column("paid_on", _l("付款日期"), "date", width=12), Column("code", _l("项目编号"), width=16),
    Column("title", _l("项目名称"), width=32), Column("payee", _l("收款方"), width=24),
    Column("milestone", _l("付款节点"), width=20), Column("kind", _l("款项类型"), width=10),
    Column("amount", _l("金额（元）"), "amount", "sum", width=16),
]


def of_public_projects(project_id, filters):
    """SQL: the project `project_id` (a column) is public and matches `filters`. A correlated EXISTS: a table's query
    walks its own index in its own order and looks each row's project up, never every public project first."""
    return public_projects(filters).with_only_columns(Project.id).where(Project.id == project_id).exists()


def _public_contracts(filters):
    """The published contracts of the public projects matching `filters`."""
    return select(Contract).where(disclosure.contract_public_clause(), of_public_projects(Contract.project_id, filters))


CONTRACT_ORDER = Order((Contract.__table__.c.signed_at, Contract.__table__.c.id))
PAYMENT_ORDER = Order((Payment.__table__.c.paid_on, Payment.__table__.c.id))
EVALUATION_ORDER = Order((PerformanceEvaluation.__table__.c.finalised_at, PerformanceEvaluation.__table__.c.id))


def contracts_table(filters) -> Table:
    listing = _public_contracts(filters)
    ids = listing.with_only_columns(Contract.id).order_by(Contract.signed_at.desc(), Contract.id.desc())
    return Table("contracts", _l("公开合同"), CONTRACT_COLUMNS, filters, _ids(ids), _contract_rows,
                 sheets=[payments_table(filters)], summary=lambda: _contract_summary(filters), order=CONTRACT_ORDER,
                 listing=listing)


def _contract_summary(filters) -> tuple[int, dict]:
    """The number of published contracts matching `filters`, their amounts, what was paid on them and what is
    outstanding: kept for no filter or one, else summed by the database (one query)."""
    kept = kept_totals(filters)
    if kept is not None:
        return kept["contracts"], {"amount": kept["contract_amount"], "paid": kept["paid"],
                                   "outstanding": kept["outstanding"]}
    contracts = (_public_contracts(filters).with_only_columns(Contract.project_id, Contract.amount)
                 .order_by(None).subquery())
    paid = (select(Payment.project_id, func.sum(Payment.amount).label("paid"))
            .where(Payment.project_id.in_(select(contracts.c.project_id))).group_by(Payment.project_id).subquery())
    # in fen, as stored (Fixed2): an amount less what was paid on it, never below nothing
    left = type_coerce(contracts.c.amount, Fixed2.impl) - func.coalesce(type_coerce(paid.c.paid, Fixed2.impl), 0)
    count, amount, paid_total, outstanding = db.session.execute(
        select(func.count(), type_coerce(func.sum(contracts.c.amount), Fixed2),
               type_coerce(func.sum(paid.c.paid), Fixed2), type_coerce(func.sum(case((left > 0, left), else_=0)), Fixed2))
        .select_from(contracts).outerjoin(paid, paid.c.project_id == contracts.c.project_id)).one()
    return count, {"amount": amount, "paid": paid_total, "outstanding": outstanding}


def _contract_rows(ids) -> list[dict]:
    contracts = {c.id: c for c in db.session.scalars(select(Contract).where(Contract.id.in_(ids)))}
    projects = _projects([c.project_id for c in contracts.values()])
    amendments = dict(db.session.execute(
        select(ContractAmendment.contract_id, func.count(ContractAmendment.id))
        .where(ContractAmendment.contract_id.in_(ids)).group_by(ContractAmendment.contract_id)).all())
    paid = _paid(list(projects))
    rows = []
    for cid in ids:
        c = contracts[cid]
        if not disclosure.contract_public(c):
            continue
        p = projects[c.project_id]
        paid_total = paid.get(p.id, ZERO)
        rows.append({
            "code": p.code, "title": p.title, "community": p.community.name, "implementer": c.implementer.name,
            "kind": str(CONTRACT_KIND_LABELS[c.kind]), "signed_on": c.signed_on or _local_date(c.signed_at),
            "start_date": c.start_date, "end_date": c.end_date, "amount": c.amount,
            "amendments": amendments.get(cid, 0), "paid": paid_total, "outstanding": max(c.amount - paid_total, ZERO),
            "status": str(_("已终止") if c.terminated_at else _("有效")),
        })
    return rows


def payments_table(filters) -> Table:
    # Each payment, newest first, checked against its contract (a correlated EXISTS): joined to contracts, SQLite
    # first builds a Bloom filter over every contract.
    contract = _public_contracts(filters).with_only_columns(Contract.id).where(
        Contract.project_id == Payment.project_id).exists()
    listing = select(Payment.id).where(contract)
    ids = listing.order_by(Payment.paid_on.desc(), Payment.id.desc())
    return Table("payments", _l("公开合同付款"), PAYMENT_COLUMNS, filters, _ids(ids), _payment_rows,
                 summary=lambda: _payment_summary(filters, ids), order=PAYMENT_ORDER, listing=listing)


def _payment_summary(filters, ids) -> tuple[int, dict]:
    kept = kept_totals(filters)
    if kept is not None:
        return kept["payments"], {"amount": kept["payments_amount"]}
    found = select(Payment.amount).where(Payment.id.in_(ids.order_by(None))).subquery()
    count, amount = db.session.execute(select(func.count(), type_coerce(func.sum(found.c.amount), Fixed2))).one()
    return count, {"amount": amount}


def _payment_rows(ids) -> list[dict]:
    payments = {p.id: p for p in db.session.scalars(select(Payment).where(Payment.id.in_(ids)))}
    project_ids = {p.project_id for p in payments.values()}
    projects = _projects(project_ids)
    contracts = {c.project_id: c for c in db.session.scalars(
        select(Contract).where(Contract.project_id.in_(project_ids)))}
    milestone_ids = {p.milestone_id for p in payments.values() if p.milestone_id}
    milestones = dict(db.session.execute(select(Milestone.id, Milestone.name)
                                         .where(Milestone.id.in_(milestone_ids))).all()) if milestone_ids else {}
    rows = []
    for pid in ids:
        payment = payments[pid]
        contract = contracts.get(payment.project_id)
        if not disclosure.contract_public(contract):
            continue
        project = projects[payment.project_id]
        kind = str(PAYMENT_KIND_LABELS.get(payment.kind, payment.kind))
        rows.append({"paid_on": payment.paid_on, "code": project.code, "title": project.title,
                     "payee": contract.implementer.name, "milestone": milestones.get(payment.milestone_id),
                     "kind": kind, "amount": payment.amount})
    return rows


# ---- evaluations --------------------------------------------------------------------------------------------

GROUPS = ("decision", "implementation", "output", "effect")
EVALUATION_COLUMNS = [
    Column("code", _l("项目编号"), width=16), Column("title", _l("项目名称"), width=32),
    Column("community", _l("社区"), width=16), Column("implementer", _l("承接方"), width=24),
    Column("evaluator", _l("评估机构"), width=24), Column("score", _l("得分"), "number", "mean", width=10),
    Column("grade", _l("等级"), "text", "count_by", width=16),
    *[Column(group, GROUP_LABELS[group], "number", width=8) for group in GROUPS],
    Column("final_percent", _l("尾款支付比例（%）"), "percent", width=14),
    Column("finalised_on", _l("评价日期"), "date", width=12),
]


def evaluations_table(filters) -> Table:
    listing = (select(PerformanceEvaluation.id)
               .where(disclosure.evaluation_public_clause(),
                      of_public_projects(PerformanceEvaluation.project_id, filters)))
    ids = listing.order_by(PerformanceEvaluation.finalised_at.desc(), PerformanceEvaluation.id.desc())
    return Table("evaluations", _l("绩效评价结果"), EVALUATION_COLUMNS, filters, _ids(ids), _evaluation_rows,
                 summary=lambda: _evaluation_summary(filters, ids), order=EVALUATION_ORDER, listing=listing)


def _evaluation_summary(filters, ids) -> tuple[int, dict]:
    """The number of public evaluations among `ids` (a SELECT), their grades and mean score: kept for no filter or
    one, else counted by the database."""
    kept = kept_totals(filters)
    if kept is not None:
        return kept["evaluations"], {"grade": _kept_grades(kept), "score": _mean(kept["score_sum"], kept["scored"])}
    found = (select(PerformanceEvaluation.grade, PerformanceEvaluation.score)
             .where(PerformanceEvaluation.id.in_(ids.order_by(None))).subquery())
    grades = db.session.execute(select(found.c.grade, func.count()).group_by(found.c.grade)).all()
    total, scored = db.session.execute(select(type_coerce(func.sum(found.c.score), Fixed2),
                                              func.count(found.c.score))).one()
    return sum(count for _grade, count in grades), {"grade": _grade_counts(grades), "score": _mean(total, scored)}


def _score(value):
    try:
        return Decimal(str(value)).quantize(CENT) if value not in (None, "") else None
    except ArithmeticError:
        return None


def _evaluation_rows(ids) -> list[dict]:
    evaluations = {e.id: e for e in db.session.scalars(
        select(PerformanceEvaluation).where(PerformanceEvaluation.id.in_(ids)))}
    projects = _projects([e.project_id for e in evaluations.values()])
    orgs = _names([p.implementer_id for p in projects.values() if disclosure.implementer_public(p)]
                  + [p.evaluator_org_id for p in projects.values() if disclosure.evaluator_public(p)])
    percents = current_app.config["FINAL_PAYMENT_PERCENT"]
    rows = []
    for eid in ids:
        e = evaluations[eid]
        if not disclosure.evaluation_public(e):
            continue
        p = projects[e.project_id]
        groups = e.group_scores or {}
        rows.append({
            "code": p.code, "title": p.title, "community": p.community.name,
            "implementer": orgs.get(p.implementer_id) if disclosure.implementer_public(p) else None,
            "evaluator": orgs.get(p.evaluator_org_id) if disclosure.evaluator_public(p) else None,
            "score": e.score, "grade": str(GRADE_LABELS[e.grade]) if e.grade in GRADE_LABELS else None,
            **{group: _score(groups.get(group)) for group in GROUPS},
            "final_percent": percents.get(e.grade), "finalised_on": _local_date(e.finalised_at),
        })
    return rows


# ---- the tables by name, and the filters in words -------------------------------------------------------------

TABLES = {"projects": projects_table, "contracts": contracts_table, "payments": payments_table,
          "evaluations": evaluations_table}


def describe(filters) -> list[str]:
    """The filters in words, e.g. ["阶段：已结项", "目录年度：2026"] (for an export's title rows)."""
    names = _names(filters.get(key) for key in ("community", "provider", "evaluator"))
    words = []
    for key, value in filters.items():
        if key == "stage":
            value = STAGES[value][0]
        elif key == "funding_form":
            value = FUNDING_FORM_LABELS[value]
        elif key == "community_class":
            value = COMMUNITY_CLASS_LABELS.get(value, value)
        elif key == "district":
            value = district_names([value]).get(value, value)
        elif key in ("community", "provider", "evaluator"):
            value = names.get(value, value)
        words.append(f"{FILTER_LABELS.get(key, key)}：{value}")
    return words
