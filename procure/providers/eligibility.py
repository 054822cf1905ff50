"""Whether a provider may bid and be awarded: each refusal with its reason."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from procure import clock
from procure.errors import Reason
from procure.extensions import db

VIOLATION_YEARS = 3  # no major violation in the previous 3 years (财政部令第102号)


def eligibility_reasons(org, on_date: date) -> list[Reason]:
    """Verified profile; not a 公益一类事业单位; no major violation in the last 3 years; not debarred."""
    from procure.procurement.models import Debarment
    from procure.providers.models import ProviderProfile, Violation

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


def related_bidder(project, org) -> list[Reason]:
    """A related supplier already holds a valid bid on this project: the second bid is refused."""
    from procure.procurement.models import Bid

    related = related_organisations(org)
    if not related:
        return []
    other = db.session.scalar(db.select(Bid).where(and_(
        Bid.project_id == project.id, Bid.provider_id.in_(related),
        Bid.status.in_(("submitted", "awarded")))).order_by(Bid.id).limit(1))
    if other is None:
        return []
    return [Reason("related_supplier", _l("%(name)s 与本机构存在关联关系（同一法定代表人或控制关系），已参与本项目响应"),
                   name=other.provider.name)]


def bid_eligibility(project, org) -> list[Reason]:
    """Everything that bars `org` from bidding on `project` today."""
    return eligibility_reasons(org, clock.today()) + related_bidder(project, org)


def award_eligibility(project, data):
    """Guard for the award: the chosen bid's provider is still eligible."""
    from procure.procurement.models import Bid

    if data is None:
        return []
    bid = db.session.get(Bid, data["bid_id"])
    if bid is None or bid.project_id != project.id or bid.status != "submitted":
        return []  # award_checks names the missing bid
    return eligibility_reasons(bid.provider, clock.today())
