"""Bid evaluation: the panel (appointment, recusal), blind scoring, the ranking, and the award notice.

A member is recused when they declared a conflict, or (worked out at read time, never stored) when
their organisation is a valid bidder or related to one (procure.providers.eligibility). Recused
members cannot score and do not count. Each member sees only their own scores until every active
member has scored every valid bid.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.accounts.models import Role, User
from procure.audit.log import record
from procure.errors import Conflict, Forbidden, GuardFailed, NotFound, Reason
from procure.extensions import db
from procure.lifecycle import flush, validated
from procure.procurement import ranking
from procure.procurement.models import Bid
from procure.procurement.tenders import BidScore, PanelMember, Tender
from procure.projects.inputs import SCORED_METHODS, BidScoreForm, PanelConflictForm, PanelMemberForm
from procure.projects.permissions import authorize_action, relations
from procure.providers.eligibility import related_among, related_organisations


def tender_of(project) -> Tender | None:
    return db.session.scalar(db.select(Tender).filter_by(project_id=project.id))


def is_scored(project, tender) -> bool:
    """Comprehensive scoring applies: a scored method with published criteria (legacy tenders have none)."""
    return project.procurement_method in SCORED_METHODS and tender is not None and bool(tender.criteria)


def valid_bids(project) -> list[Bid]:
    return list(db.session.scalars(db.select(Bid).where(Bid.project_id == project.id,
                                                        Bid.status.in_(("submitted", "awarded"))).order_by(Bid.id)))


def after_deadline(project) -> bool:
    return project.bid_deadline is not None and clock.now() > project.bid_deadline


@dataclass
class MemberStatus:
    member: PanelMember
    recusal_reason: str | None
    scored: set = field(default_factory=set)  # ids of the bids this member has scored on every criterion

    @property
    def active(self) -> bool:
        return self.recusal_reason is None


@dataclass
class Evaluation:
    """Everything about a tender's evaluation, read once."""

    tender: Tender | None
    scored_method: bool
    bids: list
    members: list  # MemberStatus, in order of appointment
    points: dict  # (member_id, bid_id) → {criterion_id: points}
    complete: bool
    ranked: list | None  # ranking.Ranked, or None while the ranking cannot be worked out

    @property
    def active(self) -> list:
        return [m for m in self.members if m.active]

    def status_of(self, user) -> MemberStatus | None:
        return next((m for m in self.members if m.member.user_id == user.id), None)

    @property
    def top(self):
        return self.ranked[0].bid if self.ranked else None

    def sums(self, member_id) -> dict:
        return {bid_id: sum(points.values(), Decimal(0)) for (m, bid_id), points in self.points.items()
                if m == member_id}


def recusal_reason(member, bids, related: dict) -> str | None:
    """Why `member` may not score: their own declaration, or a link to a bidder. `related` caches
    related_organisations per bidder organisation."""
    if member.recused_at is not None:
        return member.recusal_reason
    org_id = member.user.organisation_id
    for bid in bids:
        if bid.provider_id == org_id:
            return str(_l("所在机构 %(name)s 参与了本项目响应", name=bid.provider.name))
        if bid.provider_id not in related:
            related[bid.provider_id] = related_organisations(bid.provider)
        if org_id in related[bid.provider_id]:
            return str(_l("所在机构与响应供应商 %(name)s 存在关联关系（同一法定代表人或控制关系）", name=bid.provider.name))
    return None


def active_member(project, user) -> bool:
    member = db.session.scalar(db.select(PanelMember).filter_by(project_id=project.id, user_id=user.id))
    return member is not None and recusal_reason(member, valid_bids(project), {}) is None


# Who has priority among equal bids (优/良 the year before): `source(provider_ids, year) -> set of ids`, added by
# procure.stages from the performance evaluation (a stage above procurement, which does not read it).
PRIORITY_SOURCES: list = []


def priority_year(project, tender) -> int:
    """The year whose purchases the tender makes: the year its notice went out (today, before it has)."""
    return clock.local(tender.published_at).year if tender is not None and tender.published_at else clock.today().year


def priority_providers(project, tender, bids) -> frozenset:
    """The bidders graded 优 or 良 (PRIORITY_GRADES) in an evaluation finalised the year before the tender's."""
    ids = {b.provider_id for b in bids}
    found = set()
    for source in PRIORITY_SOURCES:
        found |= source(ids, priority_year(project, tender) - 1) if ids else set()
    return frozenset(found)


def evaluation_of(project) -> Evaluation:
    tender = tender_of(project)
    scored = is_scored(project, tender)
    bids = valid_bids(project)
    rows = db.session.scalars(db.select(PanelMember).filter_by(project_id=project.id).order_by(PanelMember.id)).all()
    related = related_among({bid.provider for bid in bids}) if rows else {}
    members = [MemberStatus(m, recusal_reason(m, bids, related)) for m in rows]
    points: dict = {}
    if rows:
        for s in db.session.scalars(db.select(BidScore).where(BidScore.member_id.in_([m.id for m in rows]))):
            points.setdefault((s.member_id, s.bid_id), {})[s.criterion_id] = s.points
    criteria = {c.id for c in tender.criteria} if tender else set()
    bid_ids = {b.id for b in bids}
    for status in members:
        status.scored = {bid_id for (m, bid_id), given in points.items()
                         if m == status.member.id and bid_id in bid_ids and criteria <= set(given)}
    active = [m for m in members if m.active]
    complete = scored and bool(bids) and bool(active) and after_deadline(project) \
        and all(bid_ids <= m.scored for m in active)
    ranked = None
    if scored and complete:
        sums = {b.id: [sum((points[(m.member.id, b.id)][c] for c in criteria), Decimal(0)) for m in active]
                for b in bids}
        ranked = ranking.rank_by_score(bids, sums, tender.price_weight, priority_providers(project, tender, bids))
    elif not scored and project.procurement_method not in SCORED_METHODS and project.procurement_method:
        ranked = ranking.rank_by_price(bids, priority_providers(project, tender, bids))
    return Evaluation(tender, scored, bids, members, points, complete, ranked)


# ---- who sees what ---------------------------------------------------------------------------

def sees_panel(user, project, parts=None) -> bool:
    """The panel's names stay with the bureau, admins and the panel itself."""
    parts = relations(user, project) if parts is None else parts
    return user.role == Role.admin or bool({"bureau", "panel_member"} & parts)


def sees_all_scores(user, project, evaluation, parts=None) -> bool:
    """Every member's scores and the ranking: the bureau, admins and active members once scoring is
    complete; everyone who can see the project after the award."""
    if project.awarded_at is not None:
        return True
    parts = relations(user, project) if parts is None else parts
    own = evaluation.status_of(user)
    insider = user.role == Role.admin or "bureau" in parts or (own is not None and own.active)
    return insider and (evaluation.complete or not evaluation.scored_method and after_deadline(project))


def sees_progress(user, project, parts=None) -> bool:
    parts = relations(user, project) if parts is None else parts
    return user.role == Role.admin or "bureau" in parts


# ---- changes ---------------------------------------------------------------------------------

def _refuse_if(reasons):
    if reasons:
        raise GuardFailed(reasons)


def evaluator_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(db.select(User).where(User.role == Role.evaluator, User.active.is_(True))
                              .order_by(User.organisation_id, User.id).limit(1000)).scalars()
    return [(u.id, f"{u.display_name} · {u.organisation.name}") for u in rows]


def appoint_panel_member(project, user, formdata) -> PanelMember:
    authorize_action(user, project, "appoint_panel_member")
    data = validated(PanelMemberForm, formdata)
    evaluator = db.session.get(User, data["user_id"])
    if evaluator is None or evaluator.role != Role.evaluator or not evaluator.active:
        raise GuardFailed([Reason("not_an_evaluator", _l("评审专家须是第三方评估机构的在用账号"))])
    if db.session.scalar(db.select(PanelMember.id).filter_by(project_id=project.id, user_id=evaluator.id)):
        raise GuardFailed([Reason("already_on_panel", _l("%(name)s 已在本项目评审小组中"),
                                  name=evaluator.display_name)])
    member = PanelMember(project_id=project.id, user_id=evaluator.id, appointed_at=clock.now(),
                         appointed_by_id=user.id)
    db.session.add(member)
    flush()
    record(project, user, "appoint_panel_member", data={"member_id": member.id, "user_id": evaluator.id})
    flush()
    return member


def _member_of(project, user) -> PanelMember:
    member = db.session.scalar(db.select(PanelMember).filter_by(project_id=project.id, user_id=user.id))
    if member is None:
        raise NotFound()
    return member


def declare_panel_conflict(project, user, formdata, member_id=None) -> PanelMember:
    """A member's own declaration of a conflict of interest (`member_id`, when given, must be theirs)."""
    authorize_action(user, project, "declare_panel_conflict")
    member = _member_of(project, user)
    if member_id is not None and member_id != member.id:
        raise Forbidden()
    data = validated(PanelConflictForm, formdata)
    if member.recused_at is not None:
        raise Conflict(_l("您已声明回避"))
    member.recused_at, member.recusal_reason = clock.now(), data["reason"]
    record(project, user, "declare_panel_conflict", comment=data["reason"], data={"member_id": member.id})
    flush()
    return member


def score_bid(project, user, formdata) -> list[BidScore]:
    """A member's points for one bid on every criterion, replacing their earlier points for it."""
    authorize_action(user, project, "score_bid")
    member = _member_of(project, user)
    data = validated(BidScoreForm, formdata)
    evaluation = evaluation_of(project)
    status = evaluation.status_of(user)
    reasons = []
    if not after_deadline(project):
        reasons.append(Reason("scoring_before_deadline", _l("投标截止时间过后方可评分")))
    if not evaluation.scored_method:
        reasons.append(Reason("not_scored_method", _l("本项目的采购方式不采用综合评分")))
    if not status.active:
        reasons.append(Reason("evaluator_recused", _l("您须回避本项目评审：%(reason)s"), reason=status.recusal_reason))
    _refuse_if(reasons)
    bid = next((b for b in evaluation.bids if b.id == data["bid_id"]), None)
    if bid is None:
        reasons.append(Reason("bid_not_found", _l("所选响应不存在或已撤回")))
    criteria = {c.id: c for c in evaluation.tender.criteria}
    given = {}
    for row in data["scores"]:
        criterion = criteria.get(row["criterion_id"])
        if criterion is None or row["criterion_id"] in given:
            reasons.append(Reason("criterion_not_found", _l("评审因素有误：须是本项目公告中的评审因素，且各评一次")))
            continue
        if row["points"] > criterion.max_points:
            reasons.append(Reason("points_over_max", _l("“%(name)s”最高 %(max)s 分"), name=criterion.name,
                                  max=criterion.max_points))
        given[criterion.id] = row["points"]
    missing = [c.name for c in criteria.values() if c.id not in given]
    if missing:
        reasons.append(Reason("criteria_unscored", _l("以下评审因素尚未评分：%(names)s"), names="、".join(missing)))
    _refuse_if(reasons)
    db.session.execute(db.delete(BidScore).where(BidScore.member_id == member.id, BidScore.bid_id == bid.id))
    now = clock.now()
    rows = [BidScore(member_id=member.id, bid_id=bid.id, criterion_id=cid, points=points, scored_at=now)
            for cid, points in given.items()]
    db.session.add_all(rows)
    # Scores stay out of the audit data: scoring is blind until every member has scored.
    record(project, user, "score_bid", data={"member_id": member.id, "bid_id": bid.id})
    flush()
    return rows


def publish_award_notice(project, user) -> Tender:
    authorize_action(user, project, "publish_award_notice")
    tender = tender_of(project)
    if tender is not None and tender.award_notice_at is not None:
        raise Conflict(_l("中标（成交）公告已发布"))
    if tender is None:  # a tender opened before tender notices were recorded
        tender = Tender(project_id=project.id, requirements="", price_weight=current_app.config["BID_PRICE_WEIGHT"],
                        published_at=project.updated_at)
        db.session.add(tender)
    tender.award_notice_at, tender.award_notice_by_id = clock.now(), user.id
    flush()
    record(project, user, "publish_award_notice", data={"tender_id": tender.id})
    flush()
    return tender
