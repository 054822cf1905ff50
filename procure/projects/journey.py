"""Walks a project through its lifecycle with plausible data, through the same operations a user
triggers. The demo data and the tests use it; time moves on a ManualClock installed as the app clock."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask import current_app

from procure import clock
from procure.evaluation import operations as evaluation
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.procurement import contracts
from procure.procurement import operations as procurement
from procure.procurement import panel
from procure.procurement.tenders import PanelMember
from procure.procurement.models import Bid, Contract
from procure.projects import operations
from procure.projects.models import Project
from procure.workdays.service import Calendar

# The main road for each funding form: (trigger, state it leads to).
ROADS = {
    "purchase": ["notice", "submitted", "under_review", "approved", "cataloged", "tendering", "awarded",
                 "contracted", "in_delivery", "delivered", "under_acceptance", "accepted", "evaluated", "closed"],
    "subsidy": ["notice", "submitted", "under_review", "approved", "cataloged", "contracted", "in_delivery",
                "delivered", "under_acceptance", "accepted", "evaluated", "closed"],
    "reward": ["notice", "submitted", "under_review", "approved", "cataloged", "delivered", "under_acceptance",
               "accepted", "evaluated", "closed"],
}
# Side roads: state → (the road state it leaves from, trigger).
BRANCHES = {
    "returned": ("under_review", "return_for_revision"),
    "rejected": ("under_review", "reject"),
    "withdrawn": ("draft", "withdraw"),
    "cancelled": ("cataloged", "cancel"),
    "rectification": ("under_acceptance", "request_rectification"),
}


@dataclass
class Cast:
    """Who plays each part: one user per role, and the providers that bid."""

    community: object
    reviewer: object
    bureau: object
    evaluator: object
    providers: list = field(default_factory=list)
    panel: list = field(default_factory=list)  # the bid evaluation panel; [evaluator] when not given

    @property
    def panel_users(self) -> list:
        return self.panel or [self.evaluator]


def tender_terms() -> dict:
    """A tender notice's requirements and comprehensive-scoring criteria (points adding up to 100 − price)."""
    return {
        "requirements": "为辖区独居、高龄老人提供助餐配送、探访关怀服务，建立服务台账，满意度不低于90%。",
        "price_weight": 10,
        "criteria": [{"name": "服务方案", "description": "需求分析准确，服务内容、流程和进度安排合理", "max_points": 40},
                     {"name": "团队与资质", "description": "项目团队专业构成及持证情况", "max_points": 30},
                     {"name": "类似项目经验", "description": "近三年承接类似项目的数量与成效", "max_points": 20}],
    }


def proposal(title="社区长者助餐服务", funding_form="purchase", amount="40000.00", category="A0101", **extra) -> dict:
    amount = Decimal(amount)
    first = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
    today = clock.today()
    data = {
        "title": title, "funding_form": funding_form, "category": category, "requested_amount": str(amount),
        "needs_analysis": "辖区内独居和高龄老人较多，午餐难以保障，居民议事会多次提出助餐需求。",
        "beneficiaries": "直接受益：辖区80岁以上及独居老人约120人；间接受益：其家属约300人。",
        "goals": "每周五天提供午餐配送，覆盖120名老人，满意度90%以上。",
        "location": "社区党群服务中心", "start_date": (today + timedelta(days=60)).isoformat(),
        "end_date": (today + timedelta(days=330)).isoformat(),
        "budget_lines": [{"item": "餐食及配送", "amount": str(first)}, {"item": "人员及管理", "amount": str(amount - first)}],
        "deliberation": {"held_on": (today - timedelta(days=3)).isoformat(), "members_total": 15, "members_present": 12,
                         "votes_for": 11, "votes_against": 1, "minutes": "议事会讨论了助餐需求，表决通过申报。"},
    }
    data.update(extra)
    return data


def contract_terms(amount: Decimal, signed_on=None) -> dict:
    """What a signed contract states besides amount, term and milestones (signed today unless given)."""
    return {"signed_on": (signed_on or clock.today()).isoformat(),
            "service_content": "为辖区高龄、独居老人提供助餐配送、上门探访和健康讲座服务，建立服务对象档案和服务台账。",
            "quantity_targets": "每周配送午餐5天，服务老人不少于120人；每月上门探访不少于2次；全年健康讲座不少于6场。",
            "quality_targets": "餐食符合食品安全标准，按时送达率不低于95%，服务对象满意度不低于90%。",
            "deposit": str((amount * Decimal("0.05")).quantize(Decimal("0.01"))), "no_subcontracting": True}


class Journey:
    def __init__(self, cast: Cast, manual_clock: clock.ManualClock):
        self.cast, self.clock = cast, manual_clock

    # -- helpers -------------------------------------------------------------------------------
    def fire(self, project, trigger, user, **data):
        operations.fire(project, trigger, user, json_to_formdata(data), project.version)
        db.session.commit()

    def do(self, action, *args):
        result = action(*args)
        db.session.commit()
        return result

    def create(self, **overrides) -> Project:
        project = operations.create_project(self.cast.community, json_to_formdata(proposal(**overrides)))
        db.session.commit()
        return project

    def drive(self, project, target: str) -> Project:
        """Move `project` on to `target` along its funding form's road (or a side road)."""
        if target in BRANCHES:
            start, trigger = BRANCHES[target]
            self.drive(project, start)
            self.step(trigger, project)
            return project
        road = ROADS[project.funding_form]
        if target != "draft" and target not in road:
            raise ValueError(f"{target} is not on the {project.funding_form} road")
        while project.state != target:
            self.step(self._next_trigger(project), project)
        return project

    def step(self, trigger, project):
        """Do what users do to fire `trigger` (a method named after it); subclasses may wrap it."""
        getattr(self, trigger)(project)

    @staticmethod
    def _next_trigger(project):
        order = ["publish_notice", "submit", "start_review", "approve", "list_in_catalogue"]
        after_catalogue = {"purchase": ["open_tender", "award", "sign_contract", "start_delivery",
                                        "report_completion"],
                           "subsidy": ["sign_agreement", "start_delivery", "report_completion"],
                           "reward": ["claim_completion"]}[project.funding_form]
        order += after_catalogue + ["start_acceptance", "accept", "evaluate", "close"]
        nxt = {"draft": 0, "notice": 1, "submitted": 2, "under_review": 3, "approved": 4}
        if project.state == "rectification":
            return "resubmit_for_acceptance"
        if project.state == "returned":
            return "resubmit"
        if project.state in nxt:
            return order[nxt[project.state]]
        road = ROADS[project.funding_form]
        return order[road.index(project.state) + 1]

    # -- one function per trigger, each doing what users do before it -------------------------------
    def publish_notice(self, p):
        self.fire(p, "publish_notice", self.cast.community)

    def _after_period(self, start, working_days):
        """Move the clock to the day after a period of working days that began on `start` ends."""
        ends = Calendar().add(start, working_days)
        while not Calendar().period_over(start, working_days):
            self.clock.advance(days=max(1, (ends - clock.today()).days + 1))

    def submit(self, p):
        self._after_period(p.notice_published_on, current_app.config["NOTICE_WORKING_DAYS"])
        self.fire(p, "submit", self.cast.community)

    def start_review(self, p):
        self.clock.advance(days=1)
        self.fire(p, "start_review", self.cast.reviewer)

    def approve(self, p):
        self.clock.advance(days=3)
        self.fire(p, "approve", self.cast.reviewer, approved_amount=str(p.requested_amount),
                  negative_list_checked=True, comment="需求真实，预算合理，同意立项。")

    def return_for_revision(self, p):
        self.fire(p, "return_for_revision", self.cast.reviewer, comment="请细化预算明细并补充受益人数测算依据。")

    def resubmit(self, p):
        self.fire(p, "resubmit", self.cast.community, comment="已按意见修改。")

    def reject(self, p):
        self.fire(p, "reject", self.cast.reviewer, reason="属于社区日常工作经费支出范围，不宜通过购买服务解决。")

    def list_in_catalogue(self, p):
        self.clock.advance(days=2)
        self.fire(p, "list_in_catalogue", self.cast.bureau, catalogue_year=clock.today().year)

    def cancel(self, p):
        self.fire(p, "cancel", self.cast.bureau, reason="年度预算调整，本项目暂停实施。")

    def withdraw(self, p):
        self.fire(p, "withdraw", self.cast.community, reason="需求已由其他渠道解决。")

    def open_tender(self, p):
        self.clock.advance(days=5)
        deadline = clock.now() + timedelta(days=10)
        self.fire(p, "open_tender", self.cast.bureau, method="competitive_consultation",
                  bid_deadline=deadline.isoformat(), **tender_terms())

    def award(self, p):
        for index, provider in enumerate(self.cast.providers[:2]):
            price = (p.approved_amount * (Decimal("0.97") - Decimal("0.02") * index)).quantize(Decimal("0.01"))
            self.do(procurement.submit_bid, p, provider, json_to_formdata(
                {"price": str(price), "plan": "组建专业团队，按月开展服务并建立台账。",
                 "team": "项目负责人为中级社会工作师，团队4人均持社会工作者职业资格证书。"}))
        self.clock.advance(days=11)
        self.evaluate_bids(p)
        top = panel.evaluation_of(p).top
        self.fire(p, "award", self.cast.bureau, bid_id=top.id, comment="综合评分第一名。")
        self.do(panel.publish_award_notice, p, self.cast.bureau)

    def appoint_panel(self, p):
        appointed = {m.user_id for m in db.session.scalars(db.select(PanelMember).filter_by(project_id=p.id))}
        for user in self.cast.panel_users:
            if user.id not in appointed:
                self.do(panel.appoint_panel_member, p, self.cast.bureau, json_to_formdata({"user_id": user.id}))

    def evaluate_bids(self, p, favour=None):
        """Appoint the panel and have each active member score every valid bid (after the deadline):
        `favour` (a bid; by default the lowest price) gets the best technical points."""
        evaluation = panel.evaluation_of(p)
        if not evaluation.scored_method:
            return
        self.appoint_panel(p)
        evaluation = panel.evaluation_of(p)
        favour = favour or min(evaluation.bids, key=lambda b: (b.price, b.id))
        for status in evaluation.active:
            for index, bid in enumerate(evaluation.bids):
                share = Decimal("0.95") if bid.id == favour.id else Decimal("0.80") + Decimal("0.01") * (index % 5)
                scores = [{"criterion_id": c.id, "points": str((c.max_points * share).quantize(Decimal("0.01")))}
                          for c in evaluation.tender.criteria]
                self.do(panel.score_bid, p, status.member.user, json_to_formdata({"bid_id": bid.id, "scores": scores}))

    def sign_contract(self, p):
        notice = panel.tender_of(p).award_notice_at
        self._after_period(clock.local(notice).date(), current_app.config["CHALLENGE_WORKING_DAYS"])
        bid = db.session.scalar(db.select(Bid).filter_by(project_id=p.id, status="awarded"))
        start = clock.today() + timedelta(days=3)
        self.fire(p, "sign_contract", self.cast.bureau, amount=str(bid.price), start=start.isoformat(),
                  end=(start + timedelta(days=300)).isoformat(),
                  milestones=[{"name": "项目启动及中期评估", "percent": 40, "due": (start + timedelta(days=120)).isoformat()},
                              {"name": "项目完成", "percent": 60, "due": (start + timedelta(days=300)).isoformat()}],
                  **contract_terms(bid.price))
        self.do(contracts.publish, p, self.cast.bureau)

    def sign_agreement(self, p):
        self.clock.advance(days=5)
        start = clock.today() + timedelta(days=3)
        self.fire(p, "sign_agreement", self.cast.bureau, implementer_org_id=self.cast.providers[0].organisation_id,
                  amount=str(p.approved_amount), start=start.isoformat(), end=(start + timedelta(days=300)).isoformat())

    def _implementer(self, p):
        if p.funding_form == "reward":
            return self.cast.community
        return next(u for u in self.cast.providers if u.organisation_id == p.implementer_id)

    def start_delivery(self, p):
        self.clock.advance(days=3)
        self.fire(p, "start_delivery", self._implementer(p))

    def report_completion(self, p):
        user = self._implementer(p)
        contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
        for milestone in contract.milestones:
            self.clock.advance(days=60)
            self.do(procurement.report_milestone, p, user,
                    json_to_formdata({"milestone_id": milestone.id, "content": f"{milestone.name}：按计划完成，附服务台账。"}))
        self.fire(p, "report_completion", user, summary="全部服务按合同完成，共开展服务48次，服务1,260人次。")

    def claim_completion(self, p):
        self.clock.advance(days=30)
        self.fire(p, "claim_completion", self.cast.community, summary="社区自主开展的项目已实施完毕，申请项目奖励。")

    def start_acceptance(self, p):
        self.clock.advance(days=2)
        firm = self.cast.evaluator
        self.do(evaluation.request_declaration, p, self.cast.bureau,
                json_to_formdata({"evaluator_org_id": firm.organisation_id}))
        self.do(evaluation.declare, p, firm, json_to_formdata({"has_conflict": False,
                                                               "statement": "本机构与承接方及社区无任何利益关系。"}))
        self.fire(p, "start_acceptance", self.cast.bureau, evaluator_org_id=firm.organisation_id)

    def request_rectification(self, p):
        self.fire(p, "request_rectification", self.cast.evaluator, findings="部分活动缺少签到表，请补齐服务台账。")

    def resubmit_for_acceptance(self, p):
        self.fire(p, "resubmit_for_acceptance", self._implementer(p), response="已补齐签到表及照片资料。")

    def accept(self, p):
        self.clock.advance(days=5)
        self.fire(p, "accept", self.cast.evaluator, report="服务数量、质量均达到合同要求，验收合格。")

    def evaluate(self, p, scores=None):
        self.clock.advance(days=7)
        scores = scores or {"decision": "92", "implementation": "88", "output": "90", "effect": "86"}
        self.fire(p, "evaluate", self.cast.evaluator, scores=scores, comment="项目管理规范，居民满意度较高。")

    def close(self, p):
        self.clock.advance(days=10)
        from procure.evaluation.operations import paid_total, payable_total

        remaining = payable_total(p) - paid_total(p)
        self.do(evaluation.record_payment, p, self.cast.bureau,
                json_to_formdata({"kind": "final", "amount": str(remaining), "paid_on": clock.today().isoformat()}))
        self.fire(p, "close", self.cast.bureau)
