"""Whether a provider may bid and be awarded: each refusal with its reason. Procurement asks it about a
bidder and the winner (procure.procurement.guards)."""
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from procure import clock
from procure.errors import Reason
from procure.extensions import db

VIOLATION_YEARS = 3  # no major violation in the previous 3 years (财政部令第102号)

REQUIREMENT_LABELS = {
    "civil_liability": _l("具有独立承担民事责任的能力"), "sound_accounts": _l("具有健全的财务会计制度"),
    "capacity": _l("具备提供服务所必需的设施、人员和专业技术能力"), "tax_record": _l("依法缴纳税收记录良好"),
    "social_security_record": _l("依法缴纳社会保障资金记录良好"),
}


def expires_on(row) -> date | None:
    """The last day a verified requirement counts (PROVIDER_REQUIREMENT_VALID_DAYS from its verification)."""
    if row is None or row.verified_on is None:
        return None
    return row.verified_on + timedelta(days=current_app.config["PROVIDER_REQUIREMENT_VALID_DAYS"] - 1)


def requirement_status(row, on_date: date) -> str:
    """missing (no evidence), unverified (evidence not yet verified), verified, or expired on `on_date`."""
    if row is None or (row.evidence_id is None and row.verified_on is None):
        return "missing"
    if row.verified_on is None:
        return "unverified"
    return "verified" if on_date <= expires_on(row) else "expired"


def requirements_of(org) -> dict:
    """Each requirement's row (or None), in the order of REQUIREMENTS."""
    from procure.providers.models import REQUIREMENTS, ProviderRequirement

    rows = {r.requirement: r for r in db.session.scalars(
        db.select(ProviderRequirement).filter_by(organisation_id=org.id))}
    return {name: rows.get(name) for name in REQUIREMENTS}


def requirement_reasons(org, on_date: date) -> list[Reason]:
    """One reason per requirement that is missing, unverified or whose verification has lapsed."""
    reasons = []
    for name, row in requirements_of(org).items():
        status = requirement_status(row, on_date)
        if status == "expired":
            reasons.append(Reason("requirement_expired", _l("%(name)s：「%(requirement)s」的核验已于 %(day)s 过期"),
                                  name=org.name, requirement=REQUIREMENT_LABELS[name], day=expires_on(row)))
        elif status != "verified":
            reasons.append(Reason("requirement_missing",
                                  _l("%(name)s：「%(requirement)s」缺少经民政局核验的证明材料"),
                                  name=org.name, requirement=REQUIREMENT_LABELS[name]))
    return reasons


def eligibility_reasons(org, on_date: date) -> list[Reason]:
    """Verified profile; not a 公益一类事业单位; annual inspection not 不合格; each requirement verified and not
    lapsed; no major violation in the last 3 years; not debarred."""
    from procure.providers.models import Debarment, ProviderProfile, Violation

    reasons = []
    profile = db.session.scalar(db.select(ProviderProfile).filter_by(organisation_id=org.id))
    if profile is None or not profile.verified:
        reasons.append(Reason("profile_unverified", _l("%(name)s 的机构信息尚未经民政局核验"), name=org.name))
    if profile is not None and profile.public_welfare_class_one:
        reasons.append(Reason("public_welfare_barred", _l("%(name)s 为公益一类事业单位，不得作为承接主体"),
                              name=org.name))
    if profile is not None and profile.annual_inspection == "unqualified":
        reasons.append(Reason("annual_inspection_failed", _l("%(name)s 最近一次年检结论为不合格"), name=org.name))
    reasons += requirement_reasons(org, on_date)
    since = clock.add_years(on_date, -VIOLATION_YEARS)
    if db.session.scalar(db.select(Violation.id).where(
            Violation.organisation_id == org.id, Violation.major.is_(True),
            Violation.occurred_on > since, Violation.occurred_on <= on_date).limit(1)):
        reasons.append(Reason("major_violation", _l("%(name)s 近三年内有重大违法记录"), name=org.name))
    if Debarment.active_for(org.id, on_date):
        reasons.append(Reason("bidder_debarred", _l("%(name)s 处于禁止参与政府购买服务期间"), name=org.name))
    return reasons


def related_among(orgs) -> dict[int, set[int]]:
    """related_organisations of each of `orgs`, by id: two queries for all of them."""
    from procure.accounts.models import Organisation
    from procure.providers.models import ControlRelation

    orgs = {org.id: org for org in orgs}
    found: dict[int, set[int]] = {org_id: set() for org_id in orgs}
    if not orgs:
        return found
    by_person: dict[str, set[int]] = {}
    for org in orgs.values():
        if org.legal_representative:
            by_person.setdefault(org.legal_representative, set()).add(org.id)
    if by_person:
        for org_id, person in db.session.execute(db.select(Organisation.id, Organisation.legal_representative).where(
                Organisation.legal_representative.in_(by_person))):
            for own in by_person[person]:
                if own != org_id:
                    found[own].add(org_id)
    for a, b in db.session.execute(db.select(ControlRelation.organisation_id, ControlRelation.related_org_id).where(
            or_(ControlRelation.organisation_id.in_(orgs), ControlRelation.related_org_id.in_(orgs)))):
        if a in found:
            found[a].add(b)
        if b in found:
            found[b].add(a)
    return found


def related_organisations(org) -> set[int]:
    """Ids of organisations related to `org`: the same legal representative, or a declared control
    relation either way round."""
    from procure.accounts.models import Organisation
    from procure.providers.models import ControlRelation

    related = set()
    if org.legal_representative:
        related |= set(db.session.scalars(db.select(Organisation.id).where(
            Organisation.legal_representative == org.legal_representative, Organisation.id != org.id)))
    for a, b in db.session.execute(db.select(ControlRelation.organisation_id, ControlRelation.related_org_id).where(
            or_(ControlRelation.organisation_id == org.id, ControlRelation.related_org_id == org.id))):
        related.add(b if a == org.id else a)
    return related
