"""What the acceptance certificate (验收证书) and the performance evaluation report (绩效评价报告) say:
committed rows of the acceptance, evaluator and performance tables, read only. sources.py builds every
document's data on top of this module, so the loaders both use (the contract, the evaluation) live here."""
from collections import defaultdict
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.extensions import db

CENT = Decimal("0.01")
ITEM_SOURCE_LABELS = {"service_content": _l("服务内容"), "quantity": _l("数量指标"), "quality": _l("质量指标"),
                      "milestone": _l("付款节点"), "goal": _l("项目目标"), "custom": _l("其他")}
ITEM_RESULT_LABELS = {"met": _l("达到"), "partly_met": _l("部分达到"), "not_met": _l("未达到")}
ROUND_OUTCOME_LABELS = {"passed": _l("通过"), "failed": _l("未通过")}
PARTY_LABELS = {"third_party": _l("第三方"), "bureau": _l("采购单位"), "community": _l("社区")}
CONTRACT_KIND_LABELS = {"contract": _l("政府购买服务合同"), "agreement": _l("补贴协议")}
# The bar chart of the four groups: drawing units of the inline SVG (1 unit = 0.75 pt at WeasyPrint's 96 dpi).
CHART = {"label": 60, "span": 300, "row": 34, "bar": 18, "top": 8}


def contract_of(project):
    from procure.procurement.models import Contract

    return db.session.scalar(db.select(Contract).filter_by(project_id=project.id))


def evaluation_of(project):
    from procure.performance_evaluation.models import PerformanceEvaluation

    return db.session.scalar(db.select(PerformanceEvaluation).filter_by(project_id=project.id))


# ---- 验收证书 ------------------------------------------------------------------------------------

def acceptance(project) -> dict:
    from procure.acceptance.models import ChecklistItem, CommunityConfirmation, Rectification, SiteVisit

    def rows(model, *order):
        return db.session.scalars(db.select(model).filter_by(project_id=project.id).order_by(*order)).all()

    contract = contract_of(project)
    return {
        "contract": contract, "contract_label": CONTRACT_KIND_LABELS[contract.kind] if contract else None,
        "contract_number": contract_number(project),
        "firm": firm_of(project), "assignment": assignment(project),
        "items": rows(ChecklistItem, ChecklistItem.position, ChecklistItem.id),
        "visits": rows(SiteVisit, SiteVisit.visited_on, SiteVisit.id),
        "rounds": rows(Rectification, Rectification.round),
        "confirmation": db.session.scalar(db.select(CommunityConfirmation).filter_by(project_id=project.id)),
        "accepted_on": accepted_on(project), "local_date": local_date,
        "ITEM_SOURCE_LABELS": ITEM_SOURCE_LABELS, "ITEM_RESULT_LABELS": ITEM_RESULT_LABELS,
        "ROUND_OUTCOME_LABELS": ROUND_OUTCOME_LABELS}


def contract_number(project) -> str | None:
    """The number of the latest contract PDF issued, the contract's official copy (None before any)."""
    from procure.documents.models import IssuedDocument

    return db.session.scalar(db.select(IssuedDocument.number).filter_by(project_id=project.id, kind="contract")
                             .order_by(IssuedDocument.id.desc()).limit(1))


def latest_draw(project):
    from procure.evaluators.models import EvaluatorDraw

    return db.session.scalar(db.select(EvaluatorDraw).filter_by(project_id=project.id)
                             .order_by(EvaluatorDraw.number.desc()).limit(1))


def firm_of(project):
    if project.evaluator_org is not None:
        return project.evaluator_org
    draw = latest_draw(project)
    return draw.result_org if draw else None


def assignment(project):
    """How the evaluation firm was assigned, in one line (the draw in force); lazy, so that the document's
    locale applies."""
    draw = latest_draw(project)
    if draw is None:
        return _l("由采购单位委托")
    if draw.method == "random":
        return _l("随机抽取（第 %(number)s 次抽取，随机种子 %(seed)s，候选机构 %(count)s 家，回避 %(excluded)s 家）",
                  number=draw.number, seed=draw.seed, count=len(draw.candidates or []),
                  excluded=len(draw.excluded or []))
    return _l("人工指定（第 %(number)s 次，理由：%(reason)s）", number=draw.number, reason=draw.reason)


def accepted_on(project):
    """The Asia/Shanghai date of the (latest) accept transition in the audit trail."""
    from procure.audit.models import AuditEntry

    at = db.session.scalar(db.select(AuditEntry.at).filter_by(project_id=project.id, action="accept")
                           .order_by(AuditEntry.id.desc()).limit(1))
    return local_date(at)


def local_date(at):
    return clock.local(at).date() if at is not None else None


# ---- 绩效评价报告 ---------------------------------------------------------------------------------

def evaluation(project) -> dict:
    from procure.performance_evaluation.models import PARTIES
    from procure.performance_evaluation.scoring import GRADE_LABELS

    ev = evaluation_of(project)
    rows, groups = score_rows(ev)
    grade = ev.grade or project.grade
    return {"evaluation": ev, "firm": firm_of(project), "assignment": assignment(project), "rows": rows,
            "parties": [(p, PARTY_LABELS[p]) for p in PARTIES], "groups": groups, "chart": chart(groups),
            "divergences": divergences(ev, rows), "survey": survey_summary(project),
            "grade": grade, "grade_label": GRADE_LABELS.get(grade, grade or ""),
            "score": ev.score if ev.score is not None else project.score,
            "final_payment": final_payment(project, grade), "local_date": local_date}


def score_rows(ev) -> tuple[list[dict], list[dict]]:
    """The template's tree, depth first: each node with its weight among its siblings, its share of the
    100 points (`max`), the parties' scores and their mean on leaves, and the points it earns. A group's
    points are the finalised `group_scores`; other nodes add up their leaves."""
    from procure.performance_evaluation.models import Indicator, LeafScore, ScoreSheet
    from procure.performance_evaluation.scoring import cents, combined

    nodes = db.session.scalars(db.select(Indicator).filter_by(template_id=ev.template_id)
                               .order_by(Indicator.level, Indicator.position, Indicator.id)).all()
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    marks = db.session.execute(
        db.select(LeafScore.indicator_id, ScoreSheet.party, LeafScore.score).join(ScoreSheet)
        .where(ScoreSheet.evaluation_id == ev.id, ScoreSheet.submitted_at.is_not(None))).all()
    by_leaf = defaultdict(dict)
    for indicator_id, party, score in marks:
        by_leaf[indicator_id][party] = Decimal(score)
    finalised = {code: Decimal(str(v)) for code, v in (ev.group_scores or {}).items()}
    rows, groups = [], []

    def walk(node, parent_max) -> Decimal:
        top = cents(parent_max * Decimal(node.weight) / 100)
        row = {"node": node, "level": node.level, "weight": Decimal(node.weight), "max": top,
               "leaf": not children[node.id], "scores": {}, "combined": None, "points": None}
        rows.append(row)
        if row["leaf"]:
            row["scores"] = by_leaf.get(node.id, {})
            if row["scores"]:
                row["combined"] = combined(row["scores"].values())
                row["points"] = cents(row["combined"] * top / 100)
        else:
            earned = [walk(child, top) for child in children[node.id]]
            row["points"] = sum((e for e in earned if e is not None), Decimal("0.00"))
        if node.level == 1:
            row["points"] = finalised.get(node.code, row["points"])
            groups.append({"code": node.code, "name": node.name, "max": top, "points": row["points"]})
        return row["points"]

    for group in children[None]:
        walk(group, Decimal(100))
    return rows, groups


def chart(groups) -> dict:
    """Geometry of the bar chart: each group's full bar (its weight) and its earned bar, one scale."""
    widest = max((g["max"] for g in groups), default=Decimal(0)) or Decimal(1)
    scale = Decimal(CHART["span"]) / widest
    bars = []
    for i, g in enumerate(groups):
        y = CHART["top"] + i * CHART["row"]
        earned = min(g["points"] or Decimal(0), g["max"])
        bars.append({**g, "y": y, "text_y": y + CHART["bar"] - 4, "full": round(float(g["max"] * scale), 1),
                     "earned": round(float(earned * scale), 1),
                     "percent": (Decimal(100) * (g["points"] or 0) / g["max"]).quantize(Decimal("0.1"))
                     if g["max"] else Decimal(0)})
    height = CHART["top"] * 2 + len(groups) * CHART["row"]
    return {**CHART, "bars": bars, "width": CHART["label"] + CHART["span"] + 180, "height": height}


def divergences(ev, rows) -> list[dict]:
    from procure.performance_evaluation.models import DivergenceNote

    by_id = {row["node"].id: row for row in rows}
    notes = db.session.scalars(db.select(DivergenceNote).filter_by(evaluation_id=ev.id)
                               .order_by(DivergenceNote.id)).all()
    return [{"note": n, "row": by_id.get(n.indicator_id)} for n in notes]


def survey_summary(project) -> dict | None:
    """Counts only: the responses, the slips handed out and the share satisfied (raw answers stay private)."""
    from procure.survey.models import Survey, SurveyResponse, SurveyToken

    survey = db.session.scalar(db.select(Survey).filter_by(project_id=project.id))
    if survey is None:
        return None

    def count(model, *where):
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where)) or 0

    responses = count(SurveyResponse, SurveyResponse.survey_id == survey.id)
    satisfied = count(SurveyResponse, SurveyResponse.survey_id == survey.id, SurveyResponse.satisfied.is_(True))
    tokens = count(SurveyToken, SurveyToken.survey_id == survey.id)
    return {"survey": survey, "responses": responses, "tokens": tokens,
            "response_rate": percent(responses, tokens), "satisfaction_rate": percent(satisfied, responses)}


def percent(part, whole) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


def final_payment(project, grade) -> dict | None:
    """The final instalment of a contract or agreement (procure.payments.schedule: a contract's last
    milestone, an agreement's final share), the share of it the grade allows (FINAL_PAYMENT_PERCENT) and
    what was paid towards it."""
    from procure.payments.models import Payment
    from procure.payments.schedule import schedule
    from procure.payments.shares import final_instalment

    percents = current_app.config["FINAL_PAYMENT_PERCENT"]
    line = schedule(project).final
    if line is None or line.kind != "final" or grade not in percents:
        return None
    towards = db.session.scalars(db.select(Payment).filter_by(project_id=project.id).where(
        db.or_(Payment.kind == "final", Payment.milestone_id == line.milestone_id)
        if line.milestone_id else Payment.kind == "final")).all()
    return {"base": line.base, "basis": line.milestone_name, "percent": percents[grade],
            "payable": final_instalment(line.base, grade, percents),
            "paid": sum((p.amount for p in towards), Decimal("0.00")) if towards else None,
            "paid_on": max(p.paid_on for p in towards) if towards else None}