"""Conflicts of interest: declared by firms and their evaluators, and detected by the system; which firms
a draw may pick, the draw's reproducible choice, and the guard of `start_acceptance`."""
import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from procure import clock
from procure.accounts.models import Organisation
from procure.errors import Reason
from procure.extensions import db

# Why a firm may not evaluate a project: detected conflicts first, then eligibility exclusions.
EXCLUSION_LABELS = {
    "same_organisation": _l("评估机构即为本项目的社区或承接方"),
    "same_legal_representative": _l("与承接方或社区为同一法定代表人"),
    "recent_engagement": _l("近%(years)s年内曾为承接方或社区提供服务（或有合同）"),
    "control_relation": _l("与承接方存在控制关系"),
    "declared_conflict": _l("已声明存在利益冲突（回避）"),
    "no_profile": _l("未登记评估机构信息"),
    "inactive": _l("已停用"),
    "accreditation_expired": _l("评估资质已过期"),
    "specialty_mismatch": _l("专业领域不含本项目的服务类别"),
}
CONFLICT_TYPE_LABELS = {
    "financial": _l("经济利益"), "personal": _l("亲属或个人关系"), "institutional": _l("机构隶属"),
    "previous_engagement": _l("近%(years)s年曾为承接方或社区提供服务"), "other": _l("其他"),
}
DRAW_METHOD_LABELS = {"random": _l("随机抽取"), "manual": _l("指定（书面理由）")}


def lookback_years() -> int:
    return current_app.config["CONFLICT_LOOKBACK_YEARS"]


def exclusion_text(code: str) -> str:
    label = EXCLUSION_LABELS.get(code)
    return str(label) % {"years": lookback_years()} if label is not None else code


def conflict_type_text(code) -> str:
    label = CONFLICT_TYPE_LABELS.get(code)
    return str(label) % {"years": lookback_years()} if label is not None else (code or "")


def pick(seed: str, candidates: list[int]) -> int:
    """The firm a draw picks: anyone can re-run this on a draw's recorded seed and candidates."""
    if not candidates:
        raise ValueError("no candidates")
    digest = hashlib.sha256(f"{seed}:{','.join(str(c) for c in candidates)}".encode()).hexdigest()
    return candidates[int(digest, 16) % len(candidates)]


def top_level(category_code) -> str | None:
    """The root of the catalogue tree above `category_code`."""
    from procure.catalogue.models import Category

    code, seen = category_code, set()
    while code is not None and code not in seen:
        seen.add(code)
        parent = db.session.scalar(select(Category.parent_code).where(Category.code == code))
        if parent is None:
            return code
        code = parent
    return code


def _parties(project) -> list[Organisation]:
    """The organisations a firm must be independent of: the community and the implementer."""
    parties = [project.community]
    if project.implementer_id is not None and project.implementer_id != project.community_id:
        parties.append(project.implementer or db.session.get(Organisation, project.implementer_id))
    return parties


def detected_conflicts(project, firm) -> list[str]:
    """The conflicts the system finds between `firm` and the project's community or implementer."""
    from procure.evaluators.models import ConflictDeclaration
    from procure.evaluators.models import FirmEngagement
    from procure.providers.models import ControlRelation

    parties = _parties(project)
    ids = [p.id for p in parties]
    codes = []
    if firm.id in ids:
        codes.append("same_organisation")
    representative = (firm.legal_representative or "").strip()
    if representative and any((p.legal_representative or "").strip() == representative for p in parties):
        codes.append("same_legal_representative")
    since = clock.add_years(clock.today(), -lookback_years())
    if db.session.scalar(select(FirmEngagement.id).where(
            FirmEngagement.firm_id == firm.id, FirmEngagement.counterpart_id.in_(ids),
            or_(FirmEngagement.ended_on.is_(None), FirmEngagement.ended_on >= since)).limit(1)):
        codes.append("recent_engagement")
    implementer = project.implementer_id
    if implementer is not None and db.session.scalar(select(ControlRelation.id).where(or_(
            and_(ControlRelation.organisation_id == firm.id, ControlRelation.related_org_id == implementer),
            and_(ControlRelation.organisation_id == implementer, ControlRelation.related_org_id == firm.id)))
            .limit(1)):
        codes.append("control_relation")
    if db.session.scalar(select(ConflictDeclaration.id).filter_by(
            project_id=project.id, evaluator_org_id=firm.id, has_conflict=True)):
        codes.append("declared_conflict")
    return codes


def eligibility_exclusions(project, firm, profile) -> list[str]:
    """Why the register does not let `firm` be drawn for this project, conflicts aside."""
    if profile is None:
        return ["no_profile"]
    codes = []
    if not profile.active:
        codes.append("inactive")
    if profile.accredited_until is not None and profile.accredited_until < clock.today():
        codes.append("accreditation_expired")
    if profile.specialties and top_level(project.category_code) not in profile.specialties:
        codes.append("specialty_mismatch")
    return codes


def exclusions_of(project, firm) -> list[str]:
    from procure.evaluators.models import EvaluatorProfile

    profile = db.session.scalar(select(EvaluatorProfile).filter_by(organisation_id=firm.id))
    return detected_conflicts(project, firm) + eligibility_exclusions(project, firm, profile)


def eligible_firms(project) -> tuple[list[int], list[dict]]:
    """(candidate firm ids ascending, excluded firms [{"org_id", "reasons": [codes]}]) over every
    evaluation firm in the register."""
    firms = db.session.scalars(select(Organisation).where(Organisation.kind == "evaluator")
                               .order_by(Organisation.id)).all()
    candidates, excluded = [], []
    for firm in firms:
        codes = exclusions_of(project, firm)
        if codes:
            excluded.append({"org_id": firm.id, "reasons": codes})
        else:
            candidates.append(firm.id)
    return candidates, excluded


def firm_declaration(project, org_id):
    from procure.evaluators.models import ConflictDeclaration

    return db.session.scalar(select(ConflictDeclaration).filter_by(project_id=project.id, evaluator_org_id=org_id))


def personal_declaration(project, user):
    from procure.evaluators.models import PersonalDeclaration

    return db.session.scalar(select(PersonalDeclaration).filter_by(project_id=project.id, user_id=user.id))


def start_acceptance_reasons(project, data=None) -> list[Reason]:
    """Guard of `start_acceptance`: a firm assigned, its declaration of no conflict, and at least one of its
    evaluators' own declaration of no conflict."""
    from procure.evaluators.models import PersonalDeclaration

    firm = project.evaluator_org_id
    if firm is None:
        return [Reason("evaluator_not_assigned", _l("尚未抽取（或指定）第三方评估机构"))]
    reasons = []
    declaration = firm_declaration(project, firm)
    if declaration is None or not declaration.cleared:
        reasons.append(Reason("firm_not_declared", _l("评估机构尚未声明无利益冲突")))
    if not db.session.scalar(select(PersonalDeclaration.id).filter_by(
            project_id=project.id, organisation_id=firm, has_conflict=False).limit(1)):
        reasons.append(Reason("no_evaluator_declared", _l("评估机构尚无评估人员本人声明无利益冲突")))
    return reasons


def top_level_codes() -> dict:
    """The catalogue's first-level categories: code → name."""
    from procure.catalogue.models import Category

    return dict(db.session.execute(select(Category.code, Category.name).where(Category.parent_code.is_(None))
                                   .order_by(Category.position, Category.code)).all())
