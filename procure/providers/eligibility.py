"""Whether a provider may bid and be awarded: each refusal with its reason. Procurement asks it about a
bidder and the winner (procure.procurement.guards)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from procure import clock
from procure.errors import Reason
from procure.extensions import db

VIOLATION_YEARS = 3  # no major violation in the previous 3 years (财政部令第102号)


def eligibility_reasons(org, on_date: date) -> list[Reason]:
    """Verified profile; not a 公益一类事业单位; no major violation in the last 3 years; not debarred."""
    from procure.providers.models import Debarment, ProviderProfile, Violation

    reasons = []
    profile = db.session.scalar(db.select(ProviderProfile).filter_by(organisation_id=org.id))
    if profile is None or not profile.verified:
        reasons.append(Reason("profile_unverified", _l("%(name)s 的机构信息尚未经民政局核验"), name=org.name))
    if profile is not None and profile.public_welfare_class_one:
        reasons.append(Reason("public_welfare_barred", _l("%(name)s 为公益一类事业单位，不得作为承接主体"),
                              name=org.name))
    since = clock.add_years(on_date, -VIOLATION_YEARS)
    if db.session.scalar(db.select(Violation.id).where(
            Violation.organisation_id == org.id, Violation.major.is_(True),
            Violation.occurred_on > since, Violation.occurred_on <= on_date).limit(1)):
        reasons.append(Reason("major_violation", _l("%(name)s 近三年内有重大违法记录"), name=org.name))
    if Debarment.active_for(org.id, on_date):
        reasons.append(Reason("bidder_debarred", _l("%(name)s 处于禁止参与政府购买服务期间"), name=org.name))
    return reasons


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
