"""One project's story, played through Journey (the real operations, so the audit trail is true) with
the demo's waits, its own texts, and extra actions: objections, bids, the panel's scores, challenges,
service records, milestone confirmations, payment requests, a contract amendment."""
import hashlib
import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

from procure import clock, lifecycle
from procure.acceptance import operations as acceptance
from procure.delivery import operations as delivery
from procure.demo.organisations import PROVIDERS
from procure.demo.projects import GOOD
from procure.demo.providers import PROFILES
from procure.demo.timeline import (AGREEMENT_DAYS, BUYING, CONTRACT_DAYS, EVALUATED, bid_deadline, bidders_needed,
                                   catalogue_year, day_of, op_waits, script, service_start, tender_days, waits_for)
from procure.demo.journey import Journey, proposal
from procure.evaluators import operations as evaluators
from procure.evaluators.conflicts import eligible_firms, pick
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.opendata import publishing
from procure.payments.operations import record_payment
from procure.payments.schedule import schedule
from procure.performance_evaluation import operations as performance
from procure.performance_evaluation.models import PARTIES
from procure.performance_evaluation.operations import final_payment
from procure.performance_evaluation.scoring import GRADE_NAMES, grade_for
from procure.procurement import contracts, panel
from procure.procurement import operations as procurement
from procure.procurement.models import Bid, Contract
from procure.projects import operations
from procure.projects.inputs import SCORED_METHODS
from procure.survey import operations as survey

CENT = Decimal("0.01")
# Bid prices as a share of the approved amount. The project's provider (the first to bid) wins: by the
# lowest price where price decides, by its overall score (综合评分) where the panel scores, and then it
# asks more than another bidder in some tenders and less in others.
LEAD_RATIOS = {"above": Decimal("0.96"), "lowest": Decimal("0.92")}
OTHER_RATIOS = (Decimal("0.93"), Decimal("0.985"), Decimal("0.95"), Decimal("0.975"))
# The panel's view of each bid (in order of submission) as a share of each criterion's points; the
# members differ by a point or two.
QUALITY = (Decimal("0.90"), Decimal("0.80"), Decimal("0.84"), Decimal("0.76"), Decimal("0.82"))
# Technical criteria (name, what is scored, points) and the price's points, by method; the other
# methods award the lowest valid price and publish no criteria.
SCORING = {
    "open_tender": (10, (("服务方案", "需求分析准确，{activity}等服务内容的流程、进度安排和质量控制措施完整可行", 40),
                         ("团队与资质", "项目负责人及团队成员的专业资格、从业年限，分工合理、人员稳定", 30),
                         ("类似项目经验", "近三年承接类似项目的数量与成效，以合同和验收材料为准", 20))),
    "competitive_consultation": (15, (("服务方案", "需求分析准确，{activity}等服务内容的安排具体可行，有服务台账和回访机制", 40),
                                      ("团队与资质", "项目团队的专业构成、持证情况和稳定性", 25),
                                      ("类似项目经验", "近三年在本市承接同类社区服务项目的情况及评价", 20))),
}
SCORING["invited_tender"] = SCORING["open_tender"]
ELIGIBILITY = ("依法登记的社会组织，年度检查（年报）合格，近三年无重大违法记录，未被列入禁止参与政府购买服务名单；"
               "同一法定代表人或存在控制关系的供应商不得同时响应。")
BID_PLAN = ("{name}服务方案：围绕“{activity}”组建由持证社会工作者领衔的{size}人项目团队，按月制定服务计划，"
            "建立服务台账和居民回访机制，每季度向社区和居民代表通报进展。")
AWARD_COMMENTS = {
    "open_tender": "经评标委员会评审，综合得分第一，确定为中标人。",
    "competitive_consultation": "经磋商小组综合评分，得分第一，确定为成交供应商。",
    "inquiry": "询价小组确认各报价均符合采购需求，按报价最低的原则确定成交供应商。",
    "single_source": "单一来源采购理由公示期满无异议，经协商确定成交价格。",
}
CONFIRMATIONS = {
    "met": "经社区核查服务台账、签到表并回访服务对象，本节点服务内容已按合同完成。",
    "partial": "本节点服务已基本开展，但部分服务记录缺少服务对象签字确认，按部分达成确认，请承接方补齐。",
}
AMENDMENT = ("受汛期连续降雨影响，部分户外环境整治行动无法按期开展。经双方协商，服务期限延长30日，"
             "合同金额及其他条款不变。")
SINGLE_SOURCE_REASON = "该服务须由已在社区持续开展同类服务、熟悉服务对象的机构承接，理由已公示5个工作日。"
EVALUATION_COMMENTS = {
    "excellent": "项目决策依据充分，过程管理规范，产出目标全部完成，居民满意度高。",
    "good": "项目执行情况较好，主要目标基本完成，部分服务记录和成效测量有待加强。",
    "fair": "部分产出指标未达预期，服务台账与抽查结果存在出入，承接方须按整改计划落实改进措施。",
    "poor": "项目产出和效益未达到要求：主要服务数量仅完成计划的七成左右，部分服务由未持证人员开展，服务对象满意度低。"
            "按合同约定支付尾款的70%，承接方自下一年度起列入禁止参与政府购买服务名单。",
}
RECTIFICATION_PLAN = ("一、一个月内补齐调解记录和学员结业考核档案；二、增加律师实务带教课时，未结业学员补训补考；"
                      "三、社区每月抽查服务台账并向街道报告整改进度，三个月内完成整改。")
DIVERGENCE_EXPLANATION = ("采购单位按抽查的6次活动签到表核减了服务人次，第三方依据全部服务台账、影像资料和回访记录核定。"
                          "经三方复核，部分活动签到表缺失但有影像资料佐证，评分差异属统计口径不同，各方评分均予保留。")
# The share of a scale's points, the actual as a percentage of the planned on ratio indicators (the first
# ratio indicator of each group is met in full for 良), and yes/no, that give each grade.
LEVELS = {"excellent": (Decimal(1), 100, 1), "good": (Decimal("0.8"), 86, 1), "fair": (Decimal("0.6"), 86, 1),
          "poor": (Decimal("0.4"), 71, 0)}
PLANNED = (48, 60, 120, 300, 36)  # planned quantities on ratio indicators, in turn
SATISFIED_SHARE = {"excellent": Decimal("0.95"), "good": Decimal("0.82"), "fair": Decimal("0.7"),
                   "poor": Decimal("0.4")}
COMMENTS = ("服务人员很耐心，希望明年继续开展。", "活动通知可以早一点贴到楼道公告栏。", "希望增加周末的服务时间。",
            "整体不错，个别时候人手有点紧张。", "给社区和服务机构点赞！", "希望多照顾行动不便的老人。")


class _Still:
    """Journey's own pauses are the tests' defaults; the demo moves the app clock itself."""

    def advance(self, days=0, hours=0):
        pass


# Steps besides the transitions that publish something (the demo is one transaction: it writes their releases
# as it goes, so that the feed has each stage; a release per survey answer or score sheet would only cost time).
RELEASE_STEPS = {"publish_award_notice", "publish", "amend", "record_payment", "approve_payment_request",
                 "confirm_milestone"}


class DemoJourney(Journey):
    """Journey, in one transaction, moving time by the demo's waits and speaking each project's lines."""

    def __init__(self, cast, app_clock, spec, calendar, firm_user=None):
        super().__init__(cast, _Still())
        self.app_clock, self.spec, self.calendar = app_clock, spec, calendar
        self.firm_user = firm_user or (lambda org_id: None)  # an evaluation firm's account, by firm id
        self.marks, self._waits, self._codes = {}, [], []
        self.holding = True  # stop before buying from the catalogue until the catalogues are out (see tell)

    # -- one transaction for the whole demo: flush where Journey commits, expire as a commit would ---------
    def fire(self, project, trigger, user, **data):
        lifecycle.fire(project, trigger, user, json_to_formdata(data), project.version)
        self._settle()

    def do(self, action, *args):
        result = action(*args)
        self._settle(getattr(action, "__name__", "") in RELEASE_STEPS)
        return result

    def create(self, **overrides):
        project = operations.create_project(self.cast.community, json_to_formdata(proposal(**overrides)))
        self._settle()
        return project

    @staticmethod
    def _settle(release=True):
        db.session.flush()
        if release:  # the release of this stage, as if it had committed (the final commit publishes the rest)
            publishing.publish_pending(db.session)
            db.session.flush()
        db.session.expire_all()

    # -- time ------------------------------------------------------------------------------------------
    def _begin(self, waits):
        self._waits = list(waits)
        self.pause()

    def pause(self):
        """Move the clock on to the next action of the current step."""
        wait = self._waits.pop(0)
        self.app_clock.moment = wait(self.app_clock.moment, self.marks, self.calendar)

    def _finish(self, name):
        if self._waits:
            raise RuntimeError(f"demo step {name} left {len(self._waits)} waits unused")
        self.marks[name] = self.app_clock.moment

    def step(self, trigger, project):
        if trigger in BUYING and self.holding:
            raise Held()
        self._begin(waits_for(trigger, self.spec))
        super().step(trigger, project)
        self._finish(trigger)

    def perform(self, project, action):
        self._begin(op_waits(action, self.spec))
        getattr(self, "_" + action)(project)
        self._finish(action)

    # -- review ----------------------------------------------------------------------------------------
    def submit(self, p):
        """Submitted when the wait (the notice period's end) says; Journey's own check would read the
        holiday calendar twice more."""
        self.fire(p, "submit", self.cast.community)

    def list_in_catalogue(self, p):
        self.fire(p, "list_in_catalogue", self.cast.bureau, catalogue_year=catalogue_year(clock.now(), self.calendar))

    def approve(self, p):
        asked = p.requested_amount
        amount = min(Decimal(self.spec.approved), asked) if self.spec.approved else asked
        self.fire(p, "approve", self.cast.reviewer, approved_amount=str(amount), negative_list_checked=True,
                  comment=self.spec.approve_comment)

    def return_for_revision(self, p):
        self.fire(p, "return_for_revision", self.cast.reviewer, comment=self.spec.returned)

    def resubmit(self, p):
        self.fire(p, "resubmit", self.cast.community, comment="已按审核意见修改申报书并补充相关材料。")

    def reject(self, p):
        self.fire(p, "reject", self.cast.reviewer, reason=self.spec.reason)

    def withdraw(self, p):
        self.fire(p, "withdraw", self.cast.community, reason=self.spec.reason)

    def cancel(self, p):
        self.fire(p, "cancel", self.cast.bureau, reason=self.spec.reason)

    # -- procurement -----------------------------------------------------------------------------------
    def open_tender(self, p):
        method = self.spec.method
        extra = {"justification": SINGLE_SOURCE_REASON} if method == "single_source" else {}
        # Open tenders ask a bid deposit of 1 % of the budget (at most BID_DEPOSIT_MAX_PERCENT), the others none.
        deposit = (p.approved_amount / 100).quantize(CENT) if method == "open_tender" else Decimal("0.00")
        self.fire(p, "open_tender", self.cast.bureau, method=method, bid_deposit=str(deposit),
                  bid_deadline=bid_deadline(clock.now(), tender_days(self.spec), self.calendar, method).isoformat(),
                  **tender_notice(self.spec), **extra)

    def _bid_from(self, p, provider, index):
        price = (p.approved_amount * bid_ratio(self.spec, index)).quantize(CENT)
        plan = BID_PLAN.format(name=provider.organisation.name, activity=terms_of(self.spec)[3], size=4 + index % 3)
        return self.do(procurement.submit_bid, p, provider, json_to_formdata(
            {"price": str(price), "plan": plan, "team": team_of(provider.organisation.name, index)}))

    def _score_all(self, p, user):
        """`user` (a panel member) scores every valid bid: the first (the project's provider) best."""
        member = self.cast.panel_users.index(user)
        evaluated = panel.evaluation_of(p)
        for index, bid in enumerate(evaluated.bids):
            scores = [{"criterion_id": c.id,
                       "points": str(points(c.max_points, index, member, position, len(self.spec.title)))}
                      for position, c in enumerate(evaluated.tender.criteria)]
            self.do(panel.score_bid, p, user, json_to_formdata({"bid_id": bid.id, "scores": scores}))

    def award(self, p):
        bidders = self.cast.providers[:bidders_needed(self.spec.method)]
        for index, provider in enumerate(bidders):
            if index:
                self.pause()
            self._bid_from(p, provider, index)
        self.pause()  # the first working day after the bid deadline
        if self.spec.method in SCORED_METHODS:
            self.appoint_panel(p)
            for user in self.cast.panel_users:
                self.pause()
                self._score_all(p, user)
            self.pause()
        winner = db.session.scalar(db.select(Bid).filter_by(project_id=p.id, provider_id=bidders[0].organisation_id))
        top = panel.evaluation_of(p).top
        if top is None or top.id != winner.id:
            raise RuntimeError(f"demo bids of {self.spec.title}: the ranking puts another bid first")
        self.fire(p, "award", self.cast.bureau, bid_id=winner.id, comment=AWARD_COMMENTS[self.spec.method])
        self.pause()
        self.do(panel.publish_award_notice, p, self.cast.bureau)

    def sign_contract(self, p):
        bid = db.session.scalar(db.select(Bid).filter_by(project_id=p.id, status="awarded"))
        start = service_start(clock.now(), self.calendar)
        content, quantity, quality, _activity = terms_of(self.spec)
        rate = Decimal("0.05") if bid.price >= 30000 else Decimal("0.03")  # at most DEPOSIT_MAX_PERCENT
        # The larger contracts state an advance (预付款) of 20 %, paid once signed; the milestones share the rest.
        advance = 20 if bid.price >= 30000 else 0
        self.fire(p, "sign_contract", self.cast.bureau, amount=str(bid.price), start=start.isoformat(),
                  end=(start + timedelta(days=CONTRACT_DAYS)).isoformat(), advance_percent=advance,
                  milestones=[{"name": "项目启动及中期评估", "percent": 40 - advance,
                               "due": (start + timedelta(days=65)).isoformat()},
                              {"name": "项目完成及总结评估", "percent": 60,
                               "due": (start + timedelta(days=130)).isoformat()}],
                  signed_on=clock.today().isoformat(), service_content=content, quantity_targets=quantity,
                  quality_targets=quality, deposit=str((bid.price * rate).quantize(CENT)), no_subcontracting=True)
        if advance:
            self._pay_line(p, "advance", note=f"合同约定预付款（合同金额的{advance}%），签订后支付")
        if "unpublished" not in self.spec.late:
            self.pause()
            self.do(contracts.publish, p, self.cast.bureau)

    def sign_agreement(self, p):
        start = service_start(clock.now(), self.calendar)
        self.fire(p, "sign_agreement", self.cast.bureau, implementer_org_id=self.cast.providers[0].organisation_id,
                  amount=str(p.approved_amount), start=start.isoformat(),
                  end=(start + timedelta(days=AGREEMENT_DAYS)).isoformat())
        agreement = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
        self._pay_line(p, "advance", note=f"补贴协议签订后预拨{agreement.advance_percent}%")
        self.pause()
        self.do(contracts.publish, p, self.cast.bureau)

    # -- delivery --------------------------------------------------------------------------------------
    def _pay_line(self, p, kind, note=""):
        """The bureau pays what the schedule's line of this kind leaves payable now (if anything)."""
        for line in schedule(p).lines:
            if line.kind == kind and line.payable > 0:
                data = {"kind": kind, "amount": str(line.payable), "paid_on": clock.today().isoformat(), "note": note}
                if line.milestone_id:
                    data["milestone_id"] = line.milestone_id
                self.do(record_payment, p, self.cast.bureau, json_to_formdata(data))

    def _report(self, p, milestone, content):
        self.do(procurement.report_milestone, p, self._implementer(p),
                json_to_formdata({"milestone_id": milestone.id, "content": content}))

    def _log_services(self, p, milestone, round_):
        """Three sessions of the past weeks entered in the service ledger."""
        activity = terms_of(self.spec)[3]
        for n in range(3):
            number = round_ * 3 + n + 1
            self.do(delivery.log_service, p, self._implementer(p), json_to_formdata({
                "served_on": (clock.today() - timedelta(days=36 - 12 * n)).isoformat(), "place": self.spec.location,
                "activity": f"{activity}（第{number}期），签到表及活动照片已归档",
                "participants": 16 + (7 * number) % 19, "hours": ("2.5", "3", "2")[n], "milestone_id": milestone.id}))

    def _confirm(self, p, milestone, result="met"):
        self.do(delivery.confirm_milestone, p, self.cast.community, milestone.id,
                json_to_formdata({"result": result, "comment": CONFIRMATIONS[result]}))

    def _first_milestone(self, p, approve=True):
        """The first milestone's round (timeline.MILESTONE_ROUND): services logged and the milestone reported,
        the community confirms it, the implementer asks for its instalment, the bureau approves (unless not yet)."""
        contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
        first = contract.milestones[0]
        self._log_services(p, first, 0)
        self._report(p, first, "项目团队组建完毕，需求调研和服务对象建档完成，中期服务按计划推进，附服务台账及签到表。")
        self.pause()
        self._confirm(p, first)
        self.pause()
        amount = (contract.amount * first.percent / 100).quantize(CENT)
        request = self.do(delivery.request_payment, p, self._implementer(p), json_to_formdata({
            "milestone_id": first.id, "amount": str(amount),
            "note": f"“{first.name}”节点已完成并经社区确认，申请支付该节点款项（合同金额的{first.percent}%）。"}))
        if approve:
            self.pause()
            self.do(delivery.approve_payment_request, p, self.cast.bureau, request.id, json_to_formdata(
                {"paid_on": clock.today().isoformat(), "note": "经核对服务台账和社区确认意见，同意支付第一期款项。"}))

    def report_completion(self, p):
        if p.funding_form == "purchase":
            self._first_milestone(p)
            self.pause()
            contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
            last = contract.milestones[-1]
            self._log_services(p, last, 1)
            self._report(p, last, "全部服务内容已完成，总结评估报告及服务档案已整理归档。")
            self.pause()
            self._confirm(p, last, "partial" if self.spec.rectification else "met")
            self.pause()
        self.fire(p, "report_completion", self._implementer(p), summary=self.spec.summary)

    def claim_completion(self, p):
        self.fire(p, "claim_completion", self.cast.community, summary=self.spec.summary)

    # -- acceptance and evaluation ---------------------------------------------------------------------
    def _assign(self, p):
        """The bureau draws an evaluation firm (or, with the spec's written reason, picks one by hand): the
        cast's firm when it may evaluate the project, else the first eligible firm with an account. The draw
        is random; the story needs its firm, so it tries seeds until that firm comes out."""
        candidates, _excluded = eligible_firms(p)
        wanted = self.cast.evaluator.organisation_id
        if wanted not in candidates:
            wanted = next((c for c in candidates if self.firm_user(c) is not None), None)
            if wanted is None:
                raise RuntimeError(f"demo: no evaluation firm with an account may evaluate {self.spec.title}")
            self.cast.evaluator = self.firm_user(wanted)
        if self.spec.assignment:
            return self.do(evaluators.assign_evaluator, p, self.cast.bureau, json_to_formdata(
                {"evaluator_org_id": wanted, "reason": self.spec.assignment}))
        seeds = (hashlib.sha256(f"{self.spec.title}:{n}".encode()).hexdigest()[:32] for n in range(10_000))
        seed = next(s for s in seeds if pick(s, candidates) == wanted)
        return self.do(lambda: evaluators.draw_evaluator(p, self.cast.bureau, json_to_formdata({}), seed=seed))

    def _declare_none(self, p):
        """The assigned firm and its evaluator declare that they have no conflict of interest."""
        firm = self.cast.evaluator.organisation.name
        self.do(evaluators.declare, p, self.cast.evaluator, json_to_formdata({
            "has_conflict": False, "statement": f"{firm}与承接方、项目所在社区均无隶属、投资、人员任职、"
                                                f"近{current_app.config['CONFLICT_LOOKBACK_YEARS']}年服务往来或其他利益关系。"}))
        self.do(evaluators.declare_personal, p, self.cast.evaluator, json_to_formdata({
            "has_conflict": False, "statement": "本人与承接方、项目所在社区及其负责人均无亲属、经济或其他利益关系。"}))

    def start_acceptance(self, p):
        self._assign(p)
        self.pause()
        self._declare_none(p)
        self.pause()
        self.fire(p, "start_acceptance", self.cast.bureau)

    def visit_site(self, p):
        activity = terms_of(self.spec)[3]
        self.do(acceptance.record_site_visit, p, self.cast.evaluator, json_to_formdata({
            "visited_on": clock.today().isoformat(), "place": self.spec.location,
            "participants": f"{self.cast.evaluator.organisation.name}评估人员2名、社区工作人员1名、承接方项目负责人、"
                            "居民代表5名",
            "observations": f"查阅“{activity}”服务台账、签到表和影像资料，随机电话及入户回访服务对象8人，"
                            "服务开展情况与台账记录基本一致。"}))

    def request_rectification(self, p):
        super().request_rectification(p, findings=self.spec.rectification[0])

    def resubmit_for_acceptance(self, p):
        second = self.spec.second_round and len(acceptance.rounds_of(p)) == 2
        response = self.spec.second_round[1] if second else self.spec.rectification[1]
        super().resubmit_for_acceptance(p, response=response)

    def accept(self, p):
        """A project that goes on to its evaluation has the residents' survey first (timeline.ACCEPT_WITH_SURVEY)."""
        if self.spec.state in EVALUATED:
            responses, satisfied = survey_size(self.spec, self.grade)
            self._open_survey(p, responses + 2 + len(self.spec.title) % 5)  # some slips are never returned
            self.pause()
            self._answers(p, responses, satisfied)
            self.pause()
        if self.spec.rectification:
            report = "整改事项已逐项落实，经复核，服务数量和质量达到要求，验收合格。"
        elif p.funding_form == "reward":
            report = "项目已按申报内容实施完毕，经现场核查和居民回访，验收合格。"
        else:
            report = "服务数量、质量均达到合同（协议）要求，服务台账和影像资料齐全，验收合格。"
        super().accept(p, report=report)  # a site visit, every item judged met, the community's confirmation
        self._pay_line(p, "acceptance", note="补贴协议项目验收通过，支付验收款")

    # the residents' survey: slips with one-use codes, the answers (timeline: "survey", "survey_some")
    def _open_survey(self, p, slips):
        self.do(survey.open_survey, p, self.cast.community, json_to_formdata({}))
        self._codes = self.do(survey.issue_tokens, p, self.cast.community, json_to_formdata({"count": slips}))

    def _answers(self, p, responses, satisfied):
        """Residents answer over the afternoon (17 minutes apart); the clock comes back for the next step."""
        slug, start = survey.survey_of(p).slug, self.app_clock.moment
        for index, code in enumerate(self._codes[:responses]):
            self.app_clock.moment = start + timedelta(minutes=17 * index)
            survey.respond(slug, json_to_formdata(answers(index, index < satisfied, code)))
        self.app_clock.moment = start
        self._settle()

    def _survey(self, p):
        self._open_survey(p, 20)
        self.pause()
        self._answers(p, 14, 12)

    def _survey_some(self, p):
        self._open_survey(p, 30)
        self.pause()
        self._answers(p, 6, 5)

    # the three parties' sheets, blind until all have submitted (timeline: "evaluate", "sheets_…")
    def _submit(self, p, party, sheets, submit=True, rows=None):
        user = {"third_party": self.cast.evaluator, "bureau": self.cast.bureau,
                "community": self.community_voice(p)}[party]
        entries = [{"indicator_id": leaf.indicator.id, **given} for leaf, given in sheets[party]][:rows]
        self.do(performance.save_scores, p, user, json_to_formdata({"submit": submit, "scores": entries}))

    def evaluate(self, p):
        """The three sheets on three days (the grade the spec's scores name, with each party's own view), the
        divergences explained, then the evaluation finalised; its grade must be the one planned."""
        grade = self.grade
        state = performance.state_of(p)
        sheets = demo_sheets(state.leaves, grade, len(self.spec.title), diverge=grade == "fair")
        for index, party in enumerate(PARTIES):
            if index:
                self.pause()
            self._submit(p, party, sheets)
        self.pause()
        for leaf in performance.state_of(p).unexplained:
            self.do(performance.explain_divergence, p, self.cast.evaluator, json_to_formdata(
                {"indicator_id": leaf.indicator.id, "explanation": DIVERGENCE_EXPLANATION}))
        result = performance.state_of(p).result
        if result is None or result.grade != grade:
            raise RuntimeError(f"demo evaluation of {self.spec.title}: planned {grade}, scored {result}")
        self.fire(p, "evaluate", self.cast.evaluator, findings=EVALUATION_COMMENTS[grade],
                  rectification_plan=RECTIFICATION_PLAN if grade == "fair" else "")

    @property
    def grade(self) -> str:
        """The grade the spec's group scores fall in (the sheets are made to give it)."""
        weights = current_app.config["INDICATOR_WEIGHTS"]
        return grade_for(sum((Decimal(weights[k]) * Decimal(v) for k, v in (self.spec.scores or GOOD).items()),
                             Decimal(0)) / 100)

    def _sheets_partial(self, p):
        sheets = demo_sheets(performance.state_of(p).leaves, self.grade, len(self.spec.title))
        self._submit(p, "third_party", sheets)
        self.pause()
        self._submit(p, "community", sheets, submit=False, rows=4)  # a draft: four indicators scored so far

    def _sheets_divergent(self, p):
        sheets = demo_sheets(performance.state_of(p).leaves, self.grade, len(self.spec.title), diverge=True)
        for index, party in enumerate(PARTIES):
            if index:
                self.pause()
            self._submit(p, party, sheets)

    def close(self, p):
        """What the schedule leaves payable: a milestone partly met (its share as confirmed), an agreement's
        acceptance share if still due, and the final instalment or the reward by the grade; then closed."""
        due = final_payment(p)
        self._pay_line(p, "milestone", note="按社区确认的节点完成情况支付节点款项")
        self._pay_line(p, "acceptance", note="验收通过，支付验收款")
        if p.funding_form == "reward":
            self._pay_line(p, "reward", note=f"绩效评价等级“{GRADE_NAMES[due.grade]}”，按核定奖励金额的 {due.percent}% 支付")
        else:
            self._pay_line(p, "final", note=f"绩效评价等级“{GRADE_NAMES[due.grade]}”，按评价等级支付尾款的 {due.percent}%")
        self.pause()
        self.fire(p, "close", self.cast.bureau, comment="项目资料已归档，准予结项。")

    # -- acceptance extras (timeline.OP_WAITS) ---------------------------------------------------------
    def _draw(self, p):
        self._assign(p)

    def _inspect(self, p):
        """A site visit; the next day the first items judged, one of them only partly met, the rest still open."""
        self.visit_site(p)
        self.pause()
        items = acceptance.items_of(p)
        for position, item in enumerate(items[:4]):
            result = "partly_met" if position == 3 else "met"
            finding = "抽查的服务台账中有部分记录缺少服务对象签字，请补充佐证材料后再行评定。" if position == 3 else ""
            self.do(acceptance.judge_item, p, self.cast.evaluator, item.id,
                    json_to_formdata({"result": result, "finding": finding}))

    def _late_conflict(self, p):
        """The firm declares a conflict after acceptance began (late: recused); the bureau draws again, the
        recused firm now excluded; the new firm and its evaluator declare."""
        self.do(evaluators.declare, p, self.cast.evaluator, json_to_formdata(
            {"has_conflict": True, "conflict_type": "financial", "statement": self.spec.late_conflict}))
        self.pause()
        self._assign(p)
        self.pause()
        self._declare_none(p)

    def _failed_round(self, p):
        """Round 1 answered; re-acceptance finds it still short: round 1 failed, round 2 asked for."""
        self.resubmit_for_acceptance(p)
        self.pause()
        Journey.request_rectification(self, p, findings=self.spec.second_round[0])

    # -- extra actions (see timeline.OP_WAITS) -----------------------------------------------------------
    def _objection(self, p):
        content, resident, answer = self.spec.objection
        objection = self.do(operations.add_objection, p, self.cast.community, json_to_formdata(
            {"content": content, "resident_name": resident}))
        if answer:
            self.pause()
            self.do(operations.answer_objection, p, self.cast.community, objection.id,
                    json_to_formdata({"answer": answer}))

    _objection_open = _objection

    def _bid(self, p):
        count = db.session.scalar(db.select(db.func.count(Bid.id)).filter_by(project_id=p.id))
        self._bid_from(p, self.cast.providers[count], count)

    def _challenge(self, p):
        content, answer = self.spec.challenge
        challenge = self.do(procurement.file_challenge, p, self.cast.providers[1],
                            json_to_formdata({"content": content}))
        self.pause()
        self.do(procurement.answer_challenge, p, self.cast.bureau, challenge.id,
                json_to_formdata({"answer": answer}))

    def _midterm(self, p):
        self._first_milestone(p)

    def _midterm_request(self, p):
        self._first_milestone(p, approve=False)

    def _panel(self, p):
        self.appoint_panel(p)

    def _score(self, p):
        self._score_all(p, self.cast.panel_users[0])

    def _amend(self, p):
        contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
        self.do(contracts.amend, p, self.cast.bureau, json_to_formdata(
            {"reason": AMENDMENT, "end": (contract.end_date + timedelta(days=30)).isoformat()}))


# ---- the texts and numbers of a purchase ---------------------------------------------------------------

def terms_of(spec) -> tuple:
    """(service content, quantity targets, quality targets, a service session's name), from the spec's
    goals where it states no terms of its own."""
    return spec.terms or (spec.goals, spec.goals, "服务对象满意度不低于90%。", "社区服务活动")


def tender_notice(spec) -> dict:
    """The tender notice's requirements and, for comprehensive scoring, its criteria and price points."""
    content, quantity, quality, activity = terms_of(spec)
    requirements = (f"一、服务内容：{content}\n二、服务对象：{spec.beneficiaries}\n三、服务地点：{spec.location}\n"
                    f"四、服务期限：自合同约定的开始日期起{CONTRACT_DAYS}日。\n五、数量要求：{quantity}\n"
                    f"六、质量要求：{quality}\n七、供应商资格：{ELIGIBILITY}")
    if spec.method not in SCORING:
        return {"requirements": requirements}
    weight, criteria = SCORING[spec.method]
    return {"requirements": requirements, "price_weight": weight,
            "criteria": [{"name": name, "description": text.format(activity=activity), "max_points": most}
                         for name, text, most in criteria]}


def bid_ratio(spec, index: int) -> Decimal:
    """The `index`-th bidder's price as a share of the approved amount (the first is the intended winner)."""
    if index:
        return OTHER_RATIOS[(index - 1) % len(OTHER_RATIOS)]
    cheapest = spec.method not in SCORED_METHODS or len(spec.title) % 2 == 0
    return LEAD_RATIOS["lowest" if cheapest else "above"]


def team_of(provider_name: str, index: int) -> str:
    """The bid's team, from the provider's register entry."""
    key = next(k for k, row in PROVIDERS.items() if row[0] == provider_name)
    (lead, qualification, _role), *others = PROFILES[key][4]
    members = "、".join(f"{name}（{role}{'，' + held if held else ''}）" for name, held, role in others)
    return (f"项目负责人：{lead}（{qualification or '机构负责人'}）；核心成员：{members}；"
            f"另配备一线社工{2 + index % 3}名、志愿者{12 + 4 * (index % 4)}名。")


def points(most: int, bid: int, member: int, criterion: int, salt: int) -> Decimal:
    """A member's points on one criterion for the `bid`-th bid, to the half point: the first bid best, the
    others in an order and with a spread that change from tender to tender (`salt`)."""
    others = QUALITY[1:]
    quality = QUALITY[0] if bid == 0 else others[(bid + salt) % len(others)]
    share = quality + Decimal("0.02") * ((bid + 2 * member + criterion + salt) % 3 - 1)
    halves = (most * share * 2).quantize(Decimal("1"), ROUND_HALF_UP)
    return min(Decimal(most), halves / 2)


class Held(Exception):
    """A story stops before buying from its catalogue: the catalogue goes out after every listing of its year."""


class Story:
    """One project's story, told in two parts: up to buying from the catalogue (`tell`), and after the
    catalogues are published and in force, the rest (`finish`)."""

    def __init__(self, plan, journey, project):
        self.plan, self.journey, self.project = plan, journey, project
        self.ops, self.moment = list(script(plan.spec)), None

    def play(self):
        app_clock = self.journey.app_clock
        if self.moment is not None:
            app_clock.moment = self.moment
        while self.ops:
            op = self.ops[0]
            try:
                if op[0] == "drive":
                    self.journey.drive(self.project, op[1])
                else:
                    self.journey.perform(self.project, op[0])
            except Held:
                self.moment = app_clock.moment
                return self
            self.ops.pop(0)
        if app_clock.moment != self.plan.end:
            raise RuntimeError(f"demo time line drifted for {self.plan.spec.title}: planned to end {self.plan.end}, "
                               f"ended {app_clock.moment}")
        return self

    def finish(self):
        if self.moment is None:  # told to its end already: it never bought from a catalogue
            return self
        self.journey.holding = False
        return self.play()


def tell(plan, cast, app_clock, calendar, proposal_fields: dict, firm_user=None) -> Story:
    """Create the project at its planned start and play its story up to buying from its catalogue;
    `finish()` plays the rest, which must end where the plan said."""
    app_clock.moment = plan.start
    journey = DemoJourney(cast, app_clock, plan.spec, calendar, firm_user)
    project = journey.create(**proposal_fields)
    journey.marks["create"] = plan.start
    return Story(plan, journey, project).play()


def deliberation(spec, plan, members_total: int, index: int) -> dict:
    """The residents' council that agreed to propose the project, five days before it was drafted."""
    held = day_of(plan.start) - timedelta(days=5)
    present = members_total - max(1, members_total // 6) + index % 2
    against = index % 3
    abstain = (index // 3) % 2
    votes_for = present - against - abstain
    return {"held_on": held.isoformat(), "members_total": members_total, "members_present": present,
            "votes_for": votes_for, "votes_against": against,
            "minutes": f"{held.year}年{held.month}月{held.day}日召开居民议事会，应到{members_total}人，实到{present}人。"
                       f"会议听取了“{spec.title}”的需求调查情况和实施方案，经讨论表决，赞成{votes_for}票、"
                       f"反对{against}票、弃权{abstain}票，同意申报。"}


def proposal_fields(plan, community, index: int) -> dict:
    """What the community filled in: the spec's texts, its budget within the class cap, the planned
    service period and the residents' council that agreed to it."""
    from flask import current_app

    from procure.demo.projects import budget_lines

    spec = plan.spec
    cap = current_app.config["CLASS_CAPS"].get(community.community_class)
    amount = Decimal(spec.amount) if cap is None else min(Decimal(spec.amount), cap)
    begin, end = plan.service
    return {"title": spec.title, "funding_form": spec.funding_form, "amount": str(amount),
            "category": spec.category, "needs_analysis": spec.needs, **beneficiaries(spec.beneficiaries),
            "goals": spec.goals, "location": spec.location, **people(index), "start_date": begin.isoformat(),
            "end_date": end.isoformat(), "budget_lines": budget_lines(spec, amount),
            "deliberation": deliberation(spec, plan, community.members_total, index)}


PEOPLE_PER_HOUSEHOLD = 3


def _headcount(text: str) -> int | None:
    """The people a phrase such as “约1,100户” or “60名” counts (a household taken as three people)."""
    people = re.search(r"(\d[\d,]*)(?:人|名)", text)
    if people:
        return int(people.group(1).replace(",", ""))
    households = re.search(r"(\d[\d,]*)户", text)
    return int(households.group(1).replace(",", "")) * PEOPLE_PER_HOUSEHOLD if households else None


def beneficiaries(text: str) -> dict:
    """The spec's “直接受益：…；间接受益：…。” as the proposal's direct and indirect beneficiaries and counts."""
    direct, _, indirect = text.rstrip("。").partition("；间接受益：")
    direct = direct.removeprefix("直接受益：")
    direct_count = _headcount(direct) or 1
    indirect_count = _headcount(indirect) if indirect else 0
    return {"beneficiaries": direct, "beneficiaries_count": direct_count,
            "indirect_beneficiaries": indirect or "无明显的间接受益对象",
            "indirect_beneficiaries_count": direct_count * 2 if indirect_count is None else indirect_count}


LEADS = ("王建华", "陈丽萍", "刘志强", "张秀英", "赵海涛", "周敏")
CONTACTS = ("李晓燕", "黄伟", "吴静", "徐磊", "孙倩", "马俊")


def people(index: int) -> dict:
    """The community's project lead, its contact and the team (staff and volunteers) of the index-th story."""
    return {"lead_name": LEADS[index % len(LEADS)], "contact_name": CONTACTS[index % len(CONTACTS)],
            "contact_phone": f"0571-8600{index:04d}",
            "team": f"社区社工{2 + index % 2}名负责组织协调、居民动员和服务台账；居民志愿者{8 + index % 7}名参与服务，"
                    "社区党委书记统筹并对接承接方。"}


# ---- the evaluation's inputs ---------------------------------------------------------------------------

def demo_sheets(leaves, grade, salt: int, diverge=False) -> dict:
    """{party: [(leaf, its input)]} that give `grade`: each party's own view differs from the others' by a
    point on two scale indicators (never enough to diverge); with `diverge` the bureau's spot check finds
    far less on the output group's first ratio indicator than the others do."""
    share, percent, yes = LEVELS[grade]
    scored = [leaf for leaf in leaves if leaf.indicator.kind != "satisfaction"]
    base, groups_seen, first_output = {}, set(), None
    for position, leaf in enumerate(scored):
        indicator = leaf.indicator
        if indicator.kind == "scale":
            base[indicator.id] = {"value": str((indicator.scale_max * share).quantize(Decimal(1), ROUND_HALF_UP))}
        elif indicator.kind == "ratio":
            full = grade == "excellent" or (grade == "good" and leaf.group.id not in groups_seen)
            groups_seen.add(leaf.group.id)
            if first_output is None and leaf.group.code == "output":
                first_output = indicator.id
            planned = PLANNED[(position + salt) % len(PLANNED)]
            actual = planned if full else (Decimal(planned * percent) / 100).quantize(Decimal(1), ROUND_HALF_UP)
            base[indicator.id] = {"planned": str(planned), "actual": str(actual),
                                  "note": "" if full else "按服务台账和现场抽查核定的实际完成数"}
        else:
            base[indicator.id] = {"value": str(yes)}
    sheets = {party: {i: dict(given) for i, given in base.items()} for party in PARTIES}
    scales = [leaf.indicator for leaf in scored if leaf.indicator.kind == "scale"]
    if len(scales) >= 2:
        first = scales[salt % len(scales)]
        second = scales[(salt // 3) % len(scales)]
        second = scales[(scales.index(first) + 1) % len(scales)] if second is first else second
        for party, indicator, step in ((PARTIES[salt % 3], first, -1 if grade == "excellent" else 1),
                                       (PARTIES[(salt + 1) % 3], second, -1)):
            value = Decimal(sheets[party][indicator.id]["value"]) + step
            sheets[party][indicator.id]["value"] = str(min(max(value, Decimal(0)), indicator.scale_max))
    if diverge and first_output is not None:
        row = sheets["bureau"][first_output]
        row["actual"] = str((Decimal(row["planned"]) * Decimal("0.7")).quantize(Decimal(1), ROUND_HALF_UP))
        row["note"] = "采购单位抽查6次活动签到表，有2次签到人数明显少于台账记录，按抽查结果核减"
    by_id = {leaf.indicator.id: leaf for leaf in scored}
    return {party: [(by_id[i], {"note": "", **given}) for i, given in rows.items()] for party, rows in sheets.items()}


def survey_size(spec, grade) -> tuple[int, int]:
    """(responses, satisfied) of a project's survey: at least SURVEY_MIN_RESPONSES, satisfied as the grade goes."""
    responses = current_app.config["SURVEY_MIN_RESPONSES"] + len(spec.title) % 9
    satisfied = int((responses * SATISFIED_SHARE[grade]).quantize(Decimal(1), ROUND_HALF_UP))
    return responses, satisfied


def answers(index: int, satisfied: bool, code: str) -> dict:
    """One resident's slip: the overall answer and the others close to it, now and then a comment."""
    scale = ("very_satisfied", "satisfied") if satisfied else ("neutral", "dissatisfied")
    overall = scale[index % 2]
    return {"token": code, "overall": overall, "quality": scale[(index + 1) % 2] if index % 3 else overall,
            "timeliness": overall if index % 4 else scale[(index + 1) % 2],
            "wants_continue": "yes" if satisfied or index % 2 else "no",
            "comment": COMMENTS[index % len(COMMENTS)] if index % 3 == 0 else ""}
