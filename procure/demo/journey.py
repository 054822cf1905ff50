"""Walks a project through its lifecycle with plausible data, through the same operations a user
triggers. The demo data and the tests use it; time moves on a ManualClock installed as the app clock."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask import current_app

from procure import clock, lifecycle
from procure.acceptance import operations as acceptance
from procure.catalogue import operations as catalogues
from procure.catalogue.models import Catalogue
from procure.delivery import operations as delivery
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.payments.operations import record_payment
from procure.payments.schedule import schedule
from procure.procurement import contracts
from procure.procurement import operations as procurement
from procure.procurement import panel
from procure.procurement.models import Bid, Contract, MilestoneReport
from procure.procurement.tenders import PanelMember
from procure.projects import operations, permissions
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


# Sheets (the same for every party) and satisfied residents out of SURVEY_MIN_RESPONSES that give each grade
# with the default indicator template (see tests/performance_evaluation/test_performance.py for the arithmetic).
GRADE_INPUTS = {
    "excellent": ({}, None),  # full marks everywhere: 100.00
    "good": ({"decision.basis": {"value": "4"}, "decision.goals": {"value": "4"},
              "implementation.rules": {"value": "4"}, "output.quality": {"planned": "100", "actual": "85"},
              "effect.social": {"value": "4"}, "effect.sustainability": {"value": "4"}}, 8),  # 86.80
    "fair": ({"decision.basis": {"value": "3"}, "decision.goals": {"value": "3"},
              "implementation.rules": {"value": "3"}, "output.quality": {"planned": "100", "actual": "85"},
              "effect.social": {"value": "3"}, "effect.sustainability": {"value": "3"}}, 8),  # 79.60
    "poor": ({"decision.basis": {"value": "2"}, "decision.goals": {"value": "2"},
              "implementation.funds": {"value": "0"}, "implementation.rules": {"value": "2"},
              "implementation.schedule": {"planned": "10", "actual": "7"},
              "output.quantity": {"planned": "100", "actual": "70"},
              "output.quality": {"planned": "100", "actual": "70"},
              "effect.social": {"value": "2"}, "effect.sustainability": {"value": "2"}}, 4),  # 41.73
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
    street_office: object = None  # the street office's reviewer; `reviewer` when not given

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
        "beneficiaries": "辖区80岁以上及独居老人", "beneficiaries_count": 120,
        "indirect_beneficiaries": "老人的家属", "indirect_beneficiaries_count": 300,
        "goals": "每周五天提供午餐配送，覆盖120名老人，满意度90%以上。",
        "location": "社区党群服务中心", "lead_name": "王建华", "contact_name": "李晓燕",
        "contact_phone": "0571-86001234", "team": "社区社工2名负责组织协调和服务台账，志愿者12名负责送餐和探访。",
        "start_date": (today + timedelta(days=60)).isoformat(),
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
        lifecycle.fire(project, trigger, user, json_to_formdata(data), project.version)
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
        year = clock.today().year
        catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=year))
        amendment = {} if catalogue is None or catalogue.state == "draft" else \
            {"amendment_reason": "年中新增经审核通过的项目，调整年度目录。"}
        self.fire(p, "list_in_catalogue", self.cast.bureau, catalogue_year=year, **amendment)

    def in_force(self, p):
        """`p` with its catalogue brought into force (for tests that fire the buying triggers themselves)."""
        self.bring_catalogue_into_force(p)
        return p

    def bring_catalogue_into_force(self, p):
        """What the bureau does before buying from a catalogue: publish the project's catalogue year, wait out
        its notice (CATALOGUE_NOTICE_WORKING_DAYS) and bring it into force; nothing when it is in force."""
        catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=p.catalogue_year))
        if catalogue.state == "draft":
            self.do(catalogues.publish, catalogue, self.cast.bureau)
        if catalogue.state == "published":
            self.clock.advance(days=max(1, (catalogue.notice_ends_on - clock.today()).days + 1))
            self.do(catalogues.bring_into_force, catalogue, self.cast.bureau)

    def cancel(self, p):
        self.fire(p, "cancel", self.cast.bureau, reason="年度预算调整，本项目暂停实施。")

    def withdraw(self, p):
        self.fire(p, "withdraw", self.cast.community, reason="需求已由其他渠道解决。")

    def open_tender(self, p):
        self.bring_catalogue_into_force(p)
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
        self.bring_catalogue_into_force(p)
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
        """The implementer reports each milestone and the community confirms it as met (unless confirmed
        already), then the implementer reports completion."""
        user = self._implementer(p)
        contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
        for milestone in contract.milestones:
            self.clock.advance(days=60)
            self.do(procurement.report_milestone, p, user,
                    json_to_formdata({"milestone_id": milestone.id, "content": f"{milestone.name}：按计划完成，附服务台账。"}))
            if milestone.id not in delivery.confirmations(p):
                self.confirm(p, milestone.id)
        self.fire(p, "report_completion", user, summary="全部服务按合同完成，共开展服务48次，服务1,260人次。")

    def confirm(self, p, milestone_id, result="met"):
        """The community confirms a milestone as `result` (the implementer reports it first if it has not)."""
        if not db.session.scalar(db.select(MilestoneReport.id).filter_by(milestone_id=milestone_id).limit(1)):
            self.do(procurement.report_milestone, p, self._implementer(p),
                    json_to_formdata({"milestone_id": milestone_id, "content": "本节点服务已完成，附服务台账。"}))
        comment = {"met": "经核查服务台账，本节点已按合同完成。", "partial": "部分服务记录缺少服务对象签字，按部分达成确认。",
                   "not_met": "本节点服务未按合同开展。"}[result]
        return self.do(delivery.confirm_milestone, p, self.cast.community, milestone_id,
                       json_to_formdata({"result": result, "comment": comment}))

    def claim_completion(self, p):
        self.bring_catalogue_into_force(p)
        self.clock.advance(days=30)
        self.fire(p, "claim_completion", self.cast.community, summary="社区自主开展的项目已实施完毕，申请项目奖励。")

    def start_acceptance(self, p):
        from procure.evaluators import operations as evaluators
        from procure.evaluators.conflicts import eligible_firms, pick

        self.clock.advance(days=2)
        evaluator = self.cast.evaluator
        # The draw is random; the story needs the cast's firm, so it tries seeds until that firm comes out.
        if p.evaluator_org_id != evaluator.organisation_id:  # not already picked by hand
            candidates, _excluded = eligible_firms(p)
            if evaluator.organisation_id not in candidates:
                raise ValueError(f"firm {evaluator.organisation_id} is not a candidate for project {p.id}")
            seed = next(s for s in (f"seed-{n}" for n in range(1, 10_000))
                        if pick(s, candidates) == evaluator.organisation_id)
            self.do(lambda: evaluators.draw_evaluator(p, self.cast.bureau, json_to_formdata({}), seed=seed))
        none = {"has_conflict": False, "statement": "本机构与承接方及社区无任何利益关系。"}
        self.do(evaluators.declare, p, evaluator, json_to_formdata(none))
        self.do(evaluators.declare_personal, p, evaluator,
                json_to_formdata({**none, "statement": "本人与承接方及社区无任何利益关系。"}))
        self.fire(p, "start_acceptance", self.cast.bureau)

    def visit_site(self, p):
        """The evaluator goes to see the service and records what was seen."""
        self.do(acceptance.record_site_visit, p, self.cast.evaluator, json_to_formdata(
            {"visited_on": clock.today().isoformat(), "place": p.location or "社区党群服务中心",
             "participants": "评估机构2人、社区工作人员1人、承接方项目负责人、居民代表5人",
             "observations": "查阅服务台账和签到表，走访服务对象，服务开展情况与台账记录基本一致。"}))

    def request_rectification(self, p, findings="部分活动缺少签到表，请补齐服务台账。"):
        """The evaluator visits, finds the first checklist item not met, and asks for rectification by the
        default deadline (RECTIFICATION_DAYS from today)."""
        self.visit_site(p)
        items = acceptance.items_of(p)
        if items:
            self.do(acceptance.judge_item, p, self.cast.evaluator, items[0].id,
                    json_to_formdata({"result": "not_met", "finding": findings}))
        deadline = clock.today() + timedelta(days=current_app.config["RECTIFICATION_DAYS"])
        self.fire(p, "request_rectification", self.cast.evaluator, findings=findings, deadline=deadline.isoformat())

    def resubmit_for_acceptance(self, p, response="已补齐签到表及照片资料。"):
        self.fire(p, "resubmit_for_acceptance", self._implementer(p), response=response)

    def community_voice(self, p):
        """Who confirms the acceptance and fills the community's sheet: the community, or the reviewer of its area
        (the street office) where the community implements the project itself."""
        if permissions.community_voice(p) == "reviewer":
            return self.cast.street_office or self.cast.reviewer
        return self.cast.community

    def accept(self, p, report="服务数量、质量均达到合同要求，验收合格。"):
        """Site visit, every checklist item judged met, the community's confirmation, then acceptance."""
        self.clock.advance(days=5)
        self.visit_site(p)
        if not acceptance.items_of(p):
            self.do(acceptance.add_item, p, self.cast.evaluator, json_to_formdata({"text": "项目按申报内容实施完毕"}))
        for item in acceptance.items_of(p):
            if item.result != "met":
                self.do(acceptance.judge_item, p, self.cast.evaluator, item.id, json_to_formdata({"result": "met"}))
        self.do(acceptance.confirm_acceptance, p, self.community_voice(p), json_to_formdata(
            {"agreed": True, "opinion": "服务对象反映良好，同意验收。", "residents_present": 5}))
        self.fire(p, "accept", self.cast.evaluator, report=report)

    # The parties' inputs that make every leaf score full marks (grade 优); `scores` overrides them by leaf code.
    @staticmethod
    def full_marks(indicator) -> dict:
        if indicator.kind == "ratio":
            return {"planned": "100", "actual": "100"}
        if indicator.kind == "scale":
            return {"value": str(indicator.scale_max)}
        return {"value": "1"}

    def sheet(self, state, party, scores=None) -> list[dict]:
        """One party's sheet: full marks unless `scores` gives a leaf's input by code, either the same for
        every party ({code: {...}}) or per party ({"bureau": {code: {...}}, …})."""
        scores = scores or {}
        own = scores.get(party, {}) if any(k in scores for k in ("third_party", "bureau", "community")) else scores
        return [{"indicator_id": leaf.indicator.id, **(own.get(leaf.indicator.code) or self.full_marks(leaf.indicator)),
                 "note": ""}
                for leaf in state.leaves if leaf.indicator.kind != "satisfaction"]

    def survey(self, p, satisfied=None, responses=None):
        """The community opens the satisfaction survey and residents answer it with their codes: enough
        responses (SURVEY_MIN_RESPONSES unless given), `satisfied` of them (all unless given) satisfied."""
        try:
            from procure.survey import operations as survey
        except ImportError:  # the survey arrives with its own package
            return
        responses = current_app.config["SURVEY_MIN_RESPONSES"] if responses is None else responses
        satisfied = responses if satisfied is None else satisfied
        if survey.survey_of(p) is None:
            self.do(survey.open_survey, p, self.cast.community, json_to_formdata({}))
        slug = survey.survey_of(p).slug
        if responses:
            codes = self.do(survey.issue_tokens, p, self.cast.community, json_to_formdata({"count": responses}))
            for index, code in enumerate(codes):
                overall = "very_satisfied" if index < satisfied else "dissatisfied"
                self.do(survey.respond, slug, json_to_formdata({"token": code, "overall": overall}))

    def score(self, p, scores=None, submit=True):
        """The three parties score the project's leaves on their own sheets (submitted unless told)."""
        from procure.performance_evaluation import operations as performance

        state = performance.state_of(p)
        for party, user in (("third_party", self.cast.evaluator), ("bureau", self.cast.bureau),
                            ("community", self.community_voice(p))):
            self.do(performance.save_scores, p, user,
                    json_to_formdata({"submit": submit, "scores": self.sheet(state, party, scores)}))

    def evaluate(self, p, scores=None, satisfied=None, plan=None, findings=None):
        """The survey, the three sheets, explanations of any divergence, then the evaluation is finalised
        (with a rectification plan when the grade comes out 中)."""
        from procure.performance_evaluation import operations as performance

        self.clock.advance(days=7)
        if performance.survey_responses(p) < current_app.config["SURVEY_MIN_RESPONSES"]:
            self.survey(p, satisfied)
        self.score(p, scores)
        for leaf in performance.state_of(p).unexplained:
            self.do(performance.explain_divergence, p, self.cast.evaluator, json_to_formdata(
                {"indicator_id": leaf.indicator.id, "explanation": "各方掌握的服务台账口径不同，经复核以第三方抽查结果为准。"}))
        result = performance.state_of(p).result
        if plan is None and result is not None and result.grade == "fair":
            plan = "针对评价发现的问题，三个月内完善服务台账和回访制度，由社区每月跟踪整改进度。"
        self.fire(p, "evaluate", self.cast.evaluator, findings=findings or "项目管理规范，服务按计划完成，居民满意度较高。",
                  rectification_plan=plan or "")

    def pay_due(self, p, note=""):
        """The bureau pays each line of the payment schedule payable now (procure.payments.schedule)."""
        paid = []
        for line in schedule(p).lines:
            if line.payable > 0:
                data = {"kind": line.kind, "amount": str(line.payable), "paid_on": clock.today().isoformat(),
                        "note": note}
                if line.milestone_id:
                    data["milestone_id"] = line.milestone_id
                paid.append(self.do(record_payment, p, self.cast.bureau, json_to_formdata(data)))
        return paid

    def close(self, p):
        """The bureau pays what the schedule leaves payable (the final instalment or the reward by the grade)
        and closes the project."""
        self.clock.advance(days=10)
        self.pay_due(p)
        self.fire(p, "close", self.cast.bureau)
