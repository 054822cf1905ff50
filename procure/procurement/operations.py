"""Bids (and whether a provider may bid), challenges and milestone reports: checked, changed and audited like
every project change."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from procure import clock
from procure.audit.log import record
from procure.errors import GuardFailed, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.procurement.models import Bid, Challenge, Contract, Milestone, MilestoneReport
from procure.projects.inputs import BidForm, ChallengeForm, MilestoneReportForm
from procure.projects.operations import answer_once
from procure.projects.permissions import authorize_action
from procure.providers.eligibility import eligibility_reasons, related_organisations


def related_bidder(project, org) -> list[Reason]:
    """A related supplier already holds a valid bid on this project: the second bid is refused."""
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


def _refuse_if(reasons):
    if reasons:
        raise GuardFailed(reasons)


def submit_bid(project, user, formdata) -> Bid:
    """A provider's bid, or its revision, before the deadline."""
    authorize_action(user, project, "submit_bid")
    data = validated(BidForm, formdata)
    reasons = []
    if clock.now() >= project.bid_deadline:
        reasons.append(Reason("bid_deadline_passed", _l("投标截止时间已过")))
    reasons += bid_eligibility(project, user.organisation)
    _refuse_if(reasons)
    bid = db.session.scalar(db.select(Bid).filter_by(project_id=project.id, provider_id=user.organisation_id))
    action = "revise_bid" if bid else "submit_bid"
    bid = bid or Bid(project_id=project.id, provider_id=user.organisation_id, submitted_at=clock.now())
    bid.price, bid.plan, bid.team, bid.status = data["price"], data["plan"], data["team"] or "", "submitted"
    db.session.add(bid)
    flush()
    # The price stays out of the audit data: bids are sealed until the deadline.
    record(project, user, action, data={"bid_id": bid.id})
    flush()
    return bid


def withdraw_bid(project, user) -> Bid:
    authorize_action(user, project, "submit_bid")
    bid = db.session.scalar(db.select(Bid).filter_by(project_id=project.id, provider_id=user.organisation_id))
    if bid is None or bid.status != "submitted":
        raise NotFound()
    _refuse_if([Reason("bid_deadline_passed", _l("投标截止时间已过"))] if clock.now() >= project.bid_deadline else [])
    bid.status = "withdrawn"
    record(project, user, "withdraw_bid", data={"bid_id": bid.id})
    flush()
    return bid


def challenge_reasons(project) -> list[Reason]:
    """Bidders may challenge from the award notice until the window from it ends (deadlines.py)."""
    from procure.procurement.deadlines import challenge_window_ends
    from procure.procurement.panel import tender_of

    ends = challenge_window_ends(tender_of(project))
    if ends is None:
        return [Reason("award_notice_not_published", _l("中标（成交）公告尚未发布，发布后方可提出质疑"))]
    if clock.today() > ends:
        return [Reason("challenge_period_over", _l("质疑期已于 %(ends)s 结束"), ends=ends.isoformat())]
    return []


def challenge_window_open(project) -> bool:
    return not challenge_reasons(project)


def file_challenge(project, user, formdata) -> Challenge:
    authorize_action(user, project, "file_challenge")
    data = validated(ChallengeForm, formdata)
    _refuse_if(challenge_reasons(project))
    challenge = Challenge(project_id=project.id, provider_id=user.organisation_id, filed_at=clock.now(),
                          content=data["content"])
    db.session.add(challenge)
    flush()
    record(project, user, "file_challenge", comment=data["content"], data={"challenge_id": challenge.id})
    flush()
    return challenge


def answer_challenge(project, user, challenge_id, formdata) -> Challenge:
    return answer_once(project, user, "answer_challenge", Challenge, challenge_id, formdata, _l("该质疑已答复"))


def report_milestone(project, user, formdata) -> MilestoneReport:
    authorize_action(user, project, "report_milestone")
    data = validated(MilestoneReportForm, formdata)
    milestone = db.session.get(Milestone, data["milestone_id"])
    contract = milestone and db.session.get(Contract, milestone.contract_id)
    if contract is None or contract.project_id != project.id:
        raise GuardFailed([Reason("milestone_not_found", _l("所选节点不属于本项目合同"))])
    report = MilestoneReport(milestone_id=milestone.id, content=data["content"], submitted_at=clock.now(),
                             submitted_by_id=user.id)
    db.session.add(report)
    flush()
    record(project, user, "report_milestone", comment=data["content"],
           data={"milestone_id": milestone.id, "report_id": report.id})
    flush()
    return report


def bids_visible_to(user, project) -> list[Bid]:
    """Sealed bids: a provider sees its own; the bureau and the active panel members see all once the
    deadline has passed."""
    from procure.projects.permissions import relations

    bids = db.session.scalars(db.select(Bid).filter_by(project_id=project.id).order_by(Bid.id)).all()
    parts = relations(user, project)
    if "bureau" in parts and project.bid_deadline and clock.now() > project.bid_deadline:
        return bids
    if user.role == "admin" and project.bid_deadline and clock.now() > project.bid_deadline:
        return bids
    if "panel_member" in parts and project.bid_deadline and clock.now() > project.bid_deadline:
        from procure.procurement.panel import active_member

        if active_member(project, user):
            return bids
    return [b for b in bids if b.provider_id == user.organisation_id and user.role == "provider"]
