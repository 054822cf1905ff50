"""The only code that changes the evaluation-firm register, the draws that assign a firm to a project and
the firms' and evaluators' declarations: check, change, audit; flush but never commit."""
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure import clock
from procure.accounts.models import Organisation, Role, User
from procure.audit.log import record
from procure.errors import Forbidden, GuardFailed, NotFound, Reason
from procure.evaluators.conflicts import (eligible_firms, exclusion_text, exclusions_of, firm_declaration, pick,
                                          personal_declaration)
from procure.evaluators.inputs import AssignForm, DeclarationForm, DrawForm, EngagementForm, ProfileForm, \
    specialty_codes
from procure.evaluators.models import ConflictDeclaration, EvaluatorDraw, EvaluatorProfile, EvaluatorStaff, \
    FirmEngagement, PersonalDeclaration
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.projects.permissions import authorize_action

EDITORS = {Role.bureau, Role.admin}  # who keeps the register
# Draws are published with the acceptance: before it, only the bureau and admins read them.
PUBLIC_DRAW_STATES = {"accepted", "evaluated", "closed"}


# ---- the register ----------------------------------------------------------------------------------

def visible_firms(user):
    """A SELECT of the evaluation firms `user` may see: all for the bureau and admins, its own firm for an
    evaluator, nothing for anyone else."""
    query = select(Organisation).where(Organisation.kind == "evaluator")
    if user.role in EDITORS:
        return query
    if user.role == Role.evaluator:
        return query.where(Organisation.id == user.organisation_id)
    return query.where(False)


def get_firm(user, org_id) -> Organisation:
    """The firm if `user` may see it; NotFound otherwise (never a hint that it exists)."""
    org = db.session.scalar(visible_firms(user).where(Organisation.id == org_id)) if isinstance(org_id, int) else None
    if org is None:
        raise NotFound()
    return org


def profile_of(org) -> EvaluatorProfile | None:
    return db.session.scalar(select(EvaluatorProfile).filter_by(organisation_id=org.id))


def engagements_of(org) -> list[FirmEngagement]:
    return db.session.scalars(select(FirmEngagement).filter_by(firm_id=org.id)
                              .order_by(FirmEngagement.started_on.desc(), FirmEngagement.id.desc())).all()


def register(user) -> list[tuple]:
    """(firm, profile) for every firm `user` may see."""
    firms = db.session.scalars(visible_firms(user).order_by(Organisation.id)).all()
    profiles = {p.organisation_id: p for p in db.session.scalars(
        select(EvaluatorProfile).where(EvaluatorProfile.organisation_id.in_([f.id for f in firms])))}
    return [(firm, profiles.get(firm.id)) for firm in firms]


def _require_editor(user):
    if user.role not in EDITORS:
        raise Forbidden()


def update_profile(org, user, formdata) -> EvaluatorProfile:
    """The bureau or an admin keeps a firm's register entry: accreditation, specialties, staff."""
    _require_editor(user)
    data = validated(ProfileForm, formdata)
    staff = data["staff"]
    wrong = [row["user_id"] for row in staff if row["user_id"] is not None and not db.session.scalar(
        select(User.id).filter_by(id=row["user_id"], organisation_id=org.id, role=Role.evaluator))]
    if wrong:
        raise GuardFailed([Reason("staff_user_invalid", _l("账号 %(ids)s 不是本机构的评估人员账号"),
                                  ids="、".join(map(str, wrong)))])
    profile = profile_of(org) or EvaluatorProfile(organisation_id=org.id)
    profile.accreditation = data["accreditation"] or ""
    profile.accredited_until = data["accredited_until"]
    profile.specialties = specialty_codes(data["specialties"])
    profile.active = data["active"]
    profile.staff = [EvaluatorStaff(name=row["name"], qualification=row["qualification"] or "",
                                    title=row["title"] or "", user_id=row["user_id"]) for row in staff]
    profile.staff_count = data["staff_count"] if data["staff_count"] is not None else len(staff)
    profile.updated_at = clock.now()
    db.session.add(profile)
    flush()
    record(None, user, "update_evaluator_profile", data={"organisation_id": org.id, **data,
                                                         "specialties": profile.specialties})
    flush()
    return profile


def record_engagement(org, user, formdata) -> FirmEngagement:
    """Work the firm did for (or a contract it held with) a provider or a community."""
    _require_editor(user)
    data = validated(EngagementForm, formdata)
    counterpart = db.session.get(Organisation, data["counterpart_id"])
    if counterpart is None or counterpart.kind not in ("provider", "community"):
        raise GuardFailed([Reason("counterpart_invalid", _l("服务对象须为已登记的承接主体或社区"))])
    engagement = FirmEngagement(firm_id=org.id, counterpart_id=counterpart.id, description=data["description"] or "",
                                started_on=data["started_on"], ended_on=data["ended_on"], recorded_at=clock.now(),
                                recorded_by_id=user.id)
    db.session.add(engagement)
    flush()
    record(None, user, "record_firm_engagement", comment=engagement.description,
           data={"organisation_id": org.id, "engagement_id": engagement.id, **data})
    flush()
    return engagement


# ---- the draw ---------------------------------------------------------------------------------------

def draws_of(project) -> list[EvaluatorDraw]:
    return db.session.scalars(select(EvaluatorDraw).filter_by(project_id=project.id)
                              .order_by(EvaluatorDraw.number)).all()


def draws_visible(user, project, parts) -> bool:
    return user.role in EDITORS or project.state in PUBLIC_DRAW_STATES


def assignment_reasons(project, by_hand=False) -> list[Reason]:
    """A draw stands: nobody draws again (until a draw comes out as wanted) while the drawn firm is in place.
    Only its recusal opens a new draw; a firm that has not declared yet (it does not answer) may be replaced
    by hand, with the written reason that every hand pick needs."""
    if project.evaluator_org_id is None:
        return []
    declaration = firm_declaration(project, project.evaluator_org_id)
    if by_hand and (declaration is None or declaration.declared_at is None):
        return []
    return [Reason("evaluator_in_place", _l("本项目已有评估机构；只有其回避后才能重新抽取或指定"))]


def _assign(project, user, method, result, *, seed=None, candidates, excluded, reason="") -> EvaluatorDraw:
    number = (db.session.scalar(select(func.max(EvaluatorDraw.number)).filter_by(project_id=project.id)) or 0) + 1
    draw = EvaluatorDraw(project_id=project.id, number=number, method=method, seed=seed, candidates=candidates,
                         excluded=excluded, result_org_id=result, reason=reason, drawn_at=clock.now(),
                         drawn_by_id=user.id)
    db.session.add(draw)
    previous = project.evaluator_org_id
    project.evaluator_org_id = result
    declaration = firm_declaration(project, result)
    if declaration is None:
        db.session.add(ConflictDeclaration(project_id=project.id, evaluator_org_id=result, requested_at=clock.now(),
                                           requested_by_id=user.id))
    else:
        declaration.requested_at, declaration.requested_by_id = clock.now(), user.id
    flush()
    action = "draw_evaluator" if method == "random" else "assign_evaluator"
    record(project, user, action, comment=reason,
           data={"draw_id": draw.id, "number": number, "method": method, "seed": seed, "candidates": candidates,
                 "excluded": excluded, "result_org_id": result, "previous_org_id": previous})
    flush()
    return draw


def draw_evaluator(project, user, formdata, seed=None) -> EvaluatorDraw:
    """The bureau draws a firm at random from the eligible ones, recording everything needed to re-run it.
    `seed` is for tests and the demo only; users never choose it."""
    authorize_action(user, project, "draw_evaluator")
    validated(DrawForm, formdata)
    reasons = assignment_reasons(project)
    candidates, excluded = eligible_firms(project)
    if not candidates:
        reasons.append(Reason("no_eligible_firm", _l("没有可抽取的评估机构（全部因利益冲突或资格被排除）")))
    if reasons:
        raise GuardFailed(reasons)
    seed = seed or secrets.token_hex(16)
    return _assign(project, user, "random", pick(seed, candidates), seed=seed, candidates=candidates,
                   excluded=excluded)


def assign_evaluator(project, user, formdata) -> EvaluatorDraw:
    """The bureau picks a firm by hand: only with a written reason, only a firm a draw could have picked."""
    authorize_action(user, project, "assign_evaluator")
    data = validated(AssignForm, formdata)
    reasons = assignment_reasons(project, by_hand=True)
    firm = db.session.get(Organisation, data["evaluator_org_id"])
    candidates, excluded = eligible_firms(project)
    if firm is None or firm.kind != "evaluator":
        reasons.append(Reason("evaluator_invalid", _l("所选机构不是第三方评估机构")))
    elif firm.id not in candidates:
        reasons.append(Reason("evaluator_excluded", _l("%(name)s 不得评估本项目：%(why)s"), name=firm.name,
                              why="；".join(exclusion_text(c) for c in exclusions_of(project, firm))))
    if reasons:
        raise GuardFailed(reasons)
    return _assign(project, user, "manual", firm.id, candidates=candidates, excluded=excluded,
                   reason=data["reason"].strip())


# ---- declarations -----------------------------------------------------------------------------------

def _declared_type(data):
    return data["conflict_type"] if data["has_conflict"] else None


def _may_declare(row_declared, had_conflict, has_conflict) -> list[Reason]:
    """A declaration is made once; afterwards only a conflict may still be declared (late), never undone."""
    if row_declared and (had_conflict or not has_conflict):
        return [Reason("already_declared", _l("已作出声明；此后只能补充声明存在利益冲突"))]
    return []


def declare(project, user, formdata) -> ConflictDeclaration:
    """A drawn firm declares a typed conflict, or none. A conflict recuses the firm; after the project
    was delivered it is late."""
    authorize_action(user, project, "declare_conflict")
    data = validated(DeclarationForm, formdata)
    declaration = firm_declaration(project, user.organisation_id)
    reasons = _may_declare(declaration.declared_at is not None, declaration.has_conflict, data["has_conflict"])
    if reasons:
        raise GuardFailed(reasons)
    declaration.has_conflict = data["has_conflict"]
    declaration.conflict_type = _declared_type(data)
    declaration.statement = data["statement"]
    declaration.late = data["has_conflict"] and project.state != "delivered"
    declaration.declared_at, declaration.declared_by_id = clock.now(), user.id
    record(project, user, "declare_conflict", comment=data["statement"],
           data={"evaluator_org_id": user.organisation_id, "has_conflict": data["has_conflict"],
                 "conflict_type": declaration.conflict_type, "late": declaration.late})
    if data["has_conflict"] and project.evaluator_org_id == user.organisation_id:
        project.evaluator_org_id = None
        record(project, user, "recuse_evaluator", comment=data["statement"],
               data={"evaluator_org_id": user.organisation_id, "late": declaration.late})
    flush()
    return declaration


def declare_personal(project, user, formdata) -> PersonalDeclaration:
    """An evaluator of the assigned firm declares for themself; a conflict recuses them from the project."""
    authorize_action(user, project, "declare_personal")
    data = validated(DeclarationForm, formdata)
    declaration = personal_declaration(project, user)
    reasons = _may_declare(declaration is not None, declaration is not None and declaration.has_conflict,
                           data["has_conflict"])
    if reasons:
        raise GuardFailed(reasons)
    if declaration is None:
        declaration = PersonalDeclaration(project_id=project.id, user_id=user.id,
                                          organisation_id=user.organisation_id)
        db.session.add(declaration)
    declaration.has_conflict = data["has_conflict"]
    declaration.conflict_type = _declared_type(data)
    declaration.statement = data["statement"]
    declaration.late = data["has_conflict"] and project.state != "delivered"
    declaration.declared_at = clock.now()
    flush()
    record(project, user, "declare_personal", comment=data["statement"],
           data={"evaluator_org_id": user.organisation_id, "has_conflict": data["has_conflict"],
                 "conflict_type": declaration.conflict_type, "late": declaration.late,
                 "recused": data["has_conflict"]})
    flush()
    return declaration


def personal_declarations(project, org_id=None) -> list[PersonalDeclaration]:
    query = select(PersonalDeclaration).filter_by(project_id=project.id)
    if org_id is not None:
        query = query.filter_by(organisation_id=org_id)
    return db.session.scalars(query.order_by(PersonalDeclaration.id)).all()


def firm_declarations(project, org_id=None) -> list[ConflictDeclaration]:
    query = select(ConflictDeclaration).filter_by(project_id=project.id)
    if org_id is not None:
        query = query.filter_by(evaluator_org_id=org_id)
    return db.session.scalars(query.order_by(ConflictDeclaration.id)).all()
