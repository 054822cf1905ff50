"""One project's story, played through Journey (the real operations, so the audit trail is true) with
the demo's waits, its own texts, and extra actions: objections, bids, challenges, instalments."""
from datetime import timedelta
from decimal import Decimal

from procure import clock
from procure.demo.timeline import (AGREEMENT_DAYS, CONTRACT_DAYS, OP_WAITS, bid_deadline, bidders_needed,
                                   day_of, script, service_start, tender_days, waits_for)
from procure.evaluation import operations as evaluation
from procure.evaluation.scoring import grade_for, weighted_total
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.procurement import operations as procurement
from procure.procurement import panel
from procure.procurement.models import Bid, Contract
from procure.projects import operations
from procure.procurement import contracts
from procure.projects.journey import Journey, contract_terms, proposal, tender_terms

CENT = Decimal("0.01")
# Bid prices as a share of the approved amount: the first bidder wins on its overall score (综合评分),
# which is not always the lowest price.
BID_RATIOS = (Decimal("0.96"), Decimal("0.93"), Decimal("0.985"), Decimal("0.95"))
BID_PLAN = ("{name}服务方案：组建由持证社会工作者领衔的{size}人项目团队，按月制定服务计划，建立服务台账和"
            "居民回访机制，每季度向社区和居民代表通报进展。")
AWARD_COMMENTS = {
    "open_tender": "经评标委员会评审，综合得分第一，确定为中标人。",
    "competitive_consultation": "经磋商小组综合评分，得分第一，确定为成交供应商。",
    "single_source": "单一来源采购理由公示期满无异议，经协商确定成交价格。",
}
SINGLE_SOURCE_REASON = "该服务须由已在社区持续开展同类服务、熟悉服务对象的机构承接，理由已公示5个工作日。"
EVALUATION_COMMENTS = {
    "excellent": "项目决策依据充分，过程管理规范，产出目标全部完成，居民满意度高。",
    "good": "项目执行情况较好，主要目标基本完成，部分服务记录和成效测量有待加强。",
    "fair": "部分产出指标未达预期，请承接方制定整改方案并在下一年度申报时说明改进措施。",
    "poor": "项目产出和效益未达到要求。",
}


class _Still:
    """Journey's own pauses are the tests' defaults; the demo moves the app clock itself."""

    def advance(self, days=0, hours=0):
        pass


class DemoJourney(Journey):
    """Journey, in one transaction, moving time by the demo's waits and speaking each project's lines."""

    def __init__(self, cast, app_clock, spec, calendar):
        super().__init__(cast, _Still())
        self.app_clock, self.spec, self.calendar = app_clock, spec, calendar
        self.marks, self._waits = {}, []

    # -- one transaction for the whole demo: flush where Journey commits, expire as a commit would ---------
    def fire(self, project, trigger, user, **data):
        operations.fire(project, trigger, user, json_to_formdata(data), project.version)
        self._settle()

    def do(self, action, *args):
        result = action(*args)
        self._settle()
        return result

    def create(self, **overrides):
        project = operations.create_project(self.cast.community, json_to_formdata(proposal(**overrides)))
        self._settle()
        return project

    @staticmethod
    def _settle():
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
        self._begin(waits_for(trigger, self.spec))
        super().step(trigger, project)
        self._finish(trigger)

    def perform(self, project, action):
        self._begin(OP_WAITS[action])
        getattr(self, "_" + action)(project)
        self._finish(action)

    # -- review ----------------------------------------------------------------------------------------
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
        self.fire(p, "open_tender", self.cast.bureau, method=method,
                  bid_deadline=bid_deadline(clock.now(), tender_days(self.spec), self.calendar).isoformat(),
                  **tender_terms(), **extra)

    def _bid_from(self, p, provider, index):
        price = (p.approved_amount * BID_RATIOS[index % len(BID_RATIOS)]).quantize(CENT)
        plan = BID_PLAN.format(name=provider.organisation.name, size=4 + index % 3)
        return self.do(procurement.submit_bid, p, provider, json_to_formdata({"price": str(price), "plan": plan}))

    def award(self, p):
        bidders = self.cast.providers[:bidders_needed(self.spec.method)]
        for index, provider in enumerate(bidders):
            if index:
                self.pause()
            self._bid_from(p, provider, index)
        self.pause()
        winner = db.session.scalar(db.select(Bid).filter_by(project_id=p.id, provider_id=bidders[0].organisation_id))
        self.evaluate_bids(p, favour=winner)  # the panel scores it first (综合评分)
        self.fire(p, "award", self.cast.bureau, bid_id=winner.id, comment=AWARD_COMMENTS[self.spec.method])
        self.do(panel.publish_award_notice, p, self.cast.bureau)

    def sign_contract(self, p):
        bid = db.session.scalar(db.select(Bid).filter_by(project_id=p.id, status="awarded"))
        start = service_start(clock.now(), self.calendar)
        self.fire(p, "sign_contract", self.cast.bureau, amount=str(bid.price), start=start.isoformat(),
                  end=(start + timedelta(days=CONTRACT_DAYS)).isoformat(),
                  milestones=[{"name": "项目启动及中期评估", "percent": 40,
                               "due": (start + timedelta(days=65)).isoformat()},
                              {"name": "项目完成及总结评估", "percent": 60,
                               "due": (start + timedelta(days=130)).isoformat()}],
                  **contract_terms(bid.price))
        self.do(contracts.publish, p, self.cast.bureau)

    def sign_agreement(self, p):
        start = service_start(clock.now(), self.calendar)
        self.fire(p, "sign_agreement", self.cast.bureau, implementer_org_id=self.cast.providers[0].organisation_id,
                  amount=str(p.approved_amount), start=start.isoformat(),
                  end=(start + timedelta(days=AGREEMENT_DAYS)).isoformat())
        self._pay(p, "instalment", (p.approved_amount / 2).quantize(CENT), note="补贴协议签订后预拨50%")

    # -- delivery --------------------------------------------------------------------------------------
    def _pay(self, p, kind, amount, note="", milestone_id=None):
        data = {"kind": kind, "amount": str(amount), "paid_on": clock.today().isoformat(), "note": note}
        if milestone_id:
            data["milestone_id"] = milestone_id
        self.do(evaluation.record_payment, p, self.cast.bureau, json_to_formdata(data))

    def _report(self, p, milestone, content):
        self.do(procurement.report_milestone, p, self._implementer(p),
                json_to_formdata({"milestone_id": milestone.id, "content": content}))

    def _first_milestone(self, p):
        """The first milestone reported, then (one pause later) its instalment paid."""
        contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
        first = contract.milestones[0]
        self._report(p, first, "项目团队组建完毕，需求调研和服务对象建档完成，中期服务按计划推进，附服务台账及签到表。")
        self.pause()
        amount = (contract.amount * first.percent / 100).quantize(CENT)
        self._pay(p, "instalment", amount, note="中期评估合格，支付第一期款项", milestone_id=first.id)

    def report_completion(self, p):
        if p.funding_form == "purchase":
            self._first_milestone(p)
            self.pause()
            contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
            self._report(p, contract.milestones[-1], "全部服务内容已完成，总结评估报告及服务档案已整理归档。")
        self.fire(p, "report_completion", self._implementer(p), summary=self.spec.summary)

    def claim_completion(self, p):
        self.fire(p, "claim_completion", self.cast.community, summary=self.spec.summary)

    # -- acceptance and evaluation ---------------------------------------------------------------------
    def start_acceptance(self, p):
        firm = self.cast.evaluator
        self.do(evaluation.request_declaration, p, self.cast.bureau,
                json_to_formdata({"evaluator_org_id": firm.organisation_id}))
        self.pause()
        self.do(evaluation.declare, p, firm, json_to_formdata({
            "has_conflict": False, "statement": "本机构与承接方、项目所在社区均无隶属、投资、人员任职或其他利益关系。"}))
        self.pause()
        self.fire(p, "start_acceptance", self.cast.bureau, evaluator_org_id=firm.organisation_id)

    def request_rectification(self, p):
        self.fire(p, "request_rectification", self.cast.evaluator, findings=self.spec.rectification[0])

    def resubmit_for_acceptance(self, p):
        self.fire(p, "resubmit_for_acceptance", self._implementer(p), response=self.spec.rectification[1])

    def accept(self, p):
        if self.spec.rectification:
            report = "整改事项已逐项落实，经复核，服务数量和质量达到要求，验收合格。"
        elif p.funding_form == "reward":
            report = "项目已按申报内容实施完毕，经现场核查和居民回访，验收合格。"
        else:
            report = "服务数量、质量均达到合同（协议）要求，服务台账和影像资料齐全，验收合格。"
        self.fire(p, "accept", self.cast.evaluator, report=report)

    def evaluate(self, p, scores=None):
        scores = scores or self.spec.scores
        grade = grade_for(weighted_total({k: Decimal(v) for k, v in scores.items()}))
        self.fire(p, "evaluate", self.cast.evaluator, scores=scores, comment=EVALUATION_COMMENTS[grade])

    def close(self, p):
        remaining = evaluation.payable_total(p) - evaluation.paid_total(p)
        self._pay(p, "final", remaining, note="绩效评价完成，支付尾款")
        self.pause()
        self.fire(p, "close", self.cast.bureau, comment="项目资料已归档，准予结项。")

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


def tell(plan, cast, app_clock, calendar, proposal_fields: dict):
    """Create the project at its planned start and play its story; it must end where the plan said."""
    app_clock.moment = plan.start
    journey = DemoJourney(cast, app_clock, plan.spec, calendar)
    project = journey.create(**proposal_fields)
    journey.marks["create"] = plan.start
    for op in script(plan.spec):
        if op[0] == "drive":
            journey.drive(project, op[1])
        else:
            journey.perform(project, op[0])
    if app_clock.moment != plan.end:
        raise RuntimeError(f"demo time line drifted for {plan.spec.title}: planned to end {plan.end}, "
                           f"ended {app_clock.moment}")
    return project


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
            "category": spec.category, "needs_analysis": spec.needs, "beneficiaries": spec.beneficiaries,
            "goals": spec.goals, "location": spec.location, "start_date": begin.isoformat(),
            "end_date": end.isoformat(), "budget_lines": budget_lines(spec, amount),
            "deliberation": deliberation(spec, plan, community.members_total, index)}
