"""The only code that changes the provider register: check, change, audit; flush but never commit."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.accounts.models import Organisation, Role
from procure.audit.log import record
from procure.errors import Conflict, Forbidden, GuardFailed, InvalidInput, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.providers.eligibility import REQUIREMENT_LABELS
from procure.providers.inputs import (REGISTRATION_PREFIXES, DebarmentForm, ProfileForm, RelationForm,
                                      RequirementVerifyForm, ViolationForm)
from procure.providers.models import (REQUIREMENTS, ControlRelation, Debarment, ProviderProfile, ProviderRequirement,
                                      TeamMember, Violation)

REGISTER_ROLES = {Role.bureau, Role.reviewer, Role.admin}  # who reads the whole register


def visible_providers(user):
    """A SELECT of the provider organisations `user` may see: the register for government staff, a
    provider's own organisation for a provider, nothing for anyone else."""
    query = db.select(Organisation).where(Organisation.kind == "provider")
    if user.role in REGISTER_ROLES:
        return query
    if user.role == Role.provider:
        return query.where(Organisation.id == user.organisation_id)
    return query.where(False)


def get_provider(user, org_id) -> Organisation:
    """The provider organisation if `user` may see it; NotFound otherwise (never a hint that it exists)."""
    org = db.session.scalar(visible_providers(user).where(Organisation.id == org_id)) \
        if isinstance(org_id, int) else None
    if org is None:
        raise NotFound()
    return org


def register(user) -> list[tuple]:
    """(organisation, profile, debarment in force) for every provider `user` may see: three queries in all."""
    orgs = db.session.scalars(visible_providers(user).order_by(Organisation.name)).all()
    ids = [org.id for org in orgs]
    profiles = {p.organisation_id: p for p in db.session.scalars(
        db.select(ProviderProfile).where(ProviderProfile.organisation_id.in_(ids)))}
    debarments = {d.organisation_id: d for d in db.session.scalars(
        Debarment.in_force(clock.today()).where(Debarment.organisation_id.in_(ids)))}
    return [(org, profiles.get(org.id), debarments.get(org.id)) for org in orgs]


def profile_of(org) -> ProviderProfile | None:
    return db.session.scalar(db.select(ProviderProfile).filter_by(organisation_id=org.id))


def _require_bureau(user):
    if user.role != Role.bureau:
        raise Forbidden()


def _require_own(user, org):
    if user.role != Role.provider or user.organisation_id != org.id:
        raise Forbidden()


def update_profile(org, user, formdata) -> ProviderProfile:
    """The provider's own profile; any edit un-verifies it until the bureau verifies again."""
    _require_own(user, org)
    data = validated(ProfileForm, formdata)
    prefixes = REGISTRATION_PREFIXES.get(data["registration_type"])
    if prefixes and not org.credit_code_override and org.credit_code[:2] not in prefixes:
        raise InvalidInput({"registration_type": [str(_l("登记类型与统一社会信用代码第1–2位（%(prefix)s）不符",
                                                         prefix=org.credit_code[:2]))]})
    profile = profile_of(org) or ProviderProfile(organisation_id=org.id)
    was_verified = profile.verified
    for name in ("registration_type", "founded_on", "annual_inspection", "public_welfare_class_one"):
        setattr(profile, name, data[name])
    profile.rating = data["rating"] or None
    profile.service_areas, profile.contact = data["service_areas"] or "", data["contact"] or ""
    profile.team = [TeamMember(name=m["name"], qualification=m["qualification"] or "", role=m["role"] or "")
                    for m in data["team"]]
    profile.verified_at = profile.verified_by_id = None
    profile.updated_at = clock.now()
    db.session.add(profile)
    flush()
    record(None, user, "update_provider_profile",
           data={"organisation_id": org.id, "was_verified": was_verified, **data})
    flush()
    return profile


def verify_profile(org, user) -> ProviderProfile:
    _require_bureau(user)
    profile = profile_of(org)
    if profile is None:
        raise Conflict(_l("该机构尚未填写机构信息"))
    if profile.verified:
        raise Conflict(_l("该机构信息已核验"))
    profile.verified_at, profile.verified_by_id = clock.now(), user.id
    record(None, user, "verify_provider_profile", data={"organisation_id": org.id})
    flush()
    return profile


def _requirement_row(org, requirement, create=False) -> ProviderRequirement | None:
    """The provider's row for `requirement`, locked until the commit (NotFound for an unknown requirement)."""
    if requirement not in REQUIREMENTS:
        raise NotFound()
    row = db.session.scalar(db.select(ProviderRequirement).filter_by(organisation_id=org.id, requirement=requirement)
                            .with_for_update())
    if row is None and create:
        row = ProviderRequirement(organisation_id=org.id, requirement=requirement)
        db.session.add(row)
    return row


def check_evidence_upload(org, user, requirement):
    """Before the file is read: only the provider itself supplies its evidence, for a known requirement."""
    if requirement not in REQUIREMENTS:
        raise NotFound()
    _require_own(user, org)


def record_evidence(org, user, requirement, attachment_id, note="") -> ProviderRequirement:
    """The provider's new evidence of `requirement` (an uploaded file, procure.attachments): it replaces the
    evidence before it, and the requirement needs verifying again."""
    check_evidence_upload(org, user, requirement)
    row = _requirement_row(org, requirement, create=True)
    previous = row.evidence_id
    row.evidence_id, row.note = attachment_id, (note or "").strip()[:500]
    row.verified_on = row.verified_by_id = None
    row.updated_at = clock.now()
    flush()
    record(None, user, "provider_evidence", comment=row.note,
           data={"organisation_id": org.id, "requirement": requirement, "attachment_id": attachment_id,
                 "previous_attachment_id": previous})
    flush()
    return row


def verify_requirement(org, user, requirement, formdata) -> ProviderRequirement:
    """The bureau verifies the evidence of one requirement, as of a day (today by default, never in the
    future nor before the evidence arrived); it counts for PROVIDER_REQUIREMENT_VALID_DAYS from that day."""
    _require_bureau(user)
    row = _requirement_row(org, requirement)
    data = validated(RequirementVerifyForm, formdata)
    if row is None or row.evidence_id is None:
        raise GuardFailed([Reason("requirement_no_evidence", _l("「%(requirement)s」尚无证明材料，不能核验"),
                                  requirement=REQUIREMENT_LABELS[requirement])])
    if row.verified_on is not None:
        raise Conflict(_l("该证明材料已核验；过期后须由承接主体提交新的证明材料"))
    verified_on = data["verified_on"] or clock.today()
    if verified_on > clock.today():
        raise InvalidInput({"verified_on": [str(_l("核验日期不能晚于今天"))]})
    if verified_on < clock.local(row.updated_at).date():
        raise InvalidInput({"verified_on": [str(_l("核验日期不能早于证明材料提交的日期"))]})
    row.verified_on, row.verified_by_id = verified_on, user.id
    flush()
    record(None, user, "verify_provider_requirement",
           data={"organisation_id": org.id, "requirement": requirement, "attachment_id": row.evidence_id,
                 "verified_on": verified_on})
    flush()
    return row


def default_end(source: str, starts_on):
    """A breach bars for DEBARMENT_BREACH_YEARS, an evaluation graded 差 for DEBARMENT_POOR_GRADE_YEARS;
    other sources name their end."""
    years = {"breach": current_app.config["DEBARMENT_BREACH_YEARS"],
             "evaluation_poor": current_app.config["DEBARMENT_POOR_GRADE_YEARS"]}.get(source)
    return None if years is None else clock.add_years(starts_on, years) - timedelta(days=1)


def set_debarment(org, user, formdata) -> Debarment:
    _require_bureau(user)
    data = validated(DebarmentForm, formdata)
    starts_on = data["starts_on"] or clock.today()
    ends_on = data["ends_on"] or default_end(data["source"], starts_on)
    if ends_on is None:
        raise InvalidInput({"ends_on": [str(_l("此来源须填写结束日期"))]})
    if ends_on < starts_on:
        raise InvalidInput({"ends_on": [str(_l("结束日期不能早于开始日期"))]})
    return debar(org, user, data["reason"], data["source"], starts_on, ends_on)


def debar(org, user, reason, source, starts_on, ends_on=None, **audit) -> Debarment:
    """Bar `org` (checked by the caller: set_debarment, or a contract terminated for breach), audited."""
    ends_on = ends_on or default_end(source, starts_on)
    debarment = Debarment(organisation_id=org.id, reason=reason, source=source, starts_on=starts_on,
                          ends_on=ends_on)
    db.session.add(debarment)
    flush()
    record(None, user, "set_debarment", comment=reason,
           data={"organisation_id": org.id, "debarment_id": debarment.id, "source": source,
                 "starts_on": starts_on, "ends_on": ends_on, **audit})
    flush()
    return debarment


def lift_debarment(user, debarment_id) -> Debarment:
    _require_bureau(user)
    debarment = db.session.get(Debarment, debarment_id) if isinstance(debarment_id, int) else None
    if debarment is None:
        raise NotFound()
    if debarment.lifted_at is not None:
        raise Conflict(_l("该禁入记录已解除"))
    debarment.lifted_at = clock.now()
    record(None, user, "lift_debarment",
           data={"organisation_id": debarment.organisation_id, "debarment_id": debarment.id})
    flush()
    return debarment


def add_violation(org, user, formdata) -> Violation:
    _require_bureau(user)
    data = validated(ViolationForm, formdata)
    violation = Violation(organisation_id=org.id, occurred_on=data["occurred_on"], description=data["description"],
                          major=data["major"])
    db.session.add(violation)
    flush()
    record(None, user, "add_violation", comment=data["description"],
           data={"organisation_id": org.id, "violation_id": violation.id, "occurred_on": data["occurred_on"],
                 "major": data["major"]})
    flush()
    return violation


def declare_relation(org, user, formdata) -> ControlRelation:
    _require_own(user, org)
    data = validated(RelationForm, formdata)
    other = db.session.get(Organisation, data["related_org_id"])
    if other is None or other.kind != "provider" or other.id == org.id:
        raise InvalidInput({"related_org_id": [str(_l("须是另一家已登记的承接主体"))]})
    if db.session.scalar(db.select(ControlRelation.id).filter_by(organisation_id=org.id, related_org_id=other.id)):
        raise Conflict(_l("已声明过与该机构的关联关系"))
    relation = ControlRelation(organisation_id=org.id, related_org_id=other.id,
                               description=data["description"] or "", declared_at=clock.now())
    db.session.add(relation)
    flush()
    record(None, user, "declare_relation", comment=relation.description,
           data={"organisation_id": org.id, "related_org_id": other.id})
    flush()
    return relation


def debarments_of(org) -> list[Debarment]:
    return db.session.scalars(db.select(Debarment).filter_by(organisation_id=org.id)
                              .order_by(Debarment.starts_on.desc(), Debarment.id.desc())).all()


def violations_of(org) -> list[Violation]:
    return db.session.scalars(db.select(Violation).filter_by(organisation_id=org.id)
                              .order_by(Violation.occurred_on.desc())).all()


def relations_of(org) -> list[ControlRelation]:
    from sqlalchemy import or_

    return db.session.scalars(db.select(ControlRelation).where(or_(
        ControlRelation.organisation_id == org.id, ControlRelation.related_org_id == org.id))
        .order_by(ControlRelation.id)).all()
