"""What may be paid on a project, line by line: what is payable now, what is held and why, and what a
confirmation or the grade withholds for good. The payment guards, the project page and the API all read
this one schedule, so none of them decides on its own.

- A purchase contract: the advance it states (from signing); each milestone but the last once the
  community has confirmed it (met in full: its share; partly met: MILESTONE_PARTIAL_PERCENT of it; not
  met: nothing); the last milestone is the final instalment, paid after the performance evaluation by
  grade (FINAL_PAYMENT_PERCENT).
- A subsidy agreement: its advance (from signing); the rest but its final share once the project is
  accepted; the final share after the evaluation, by grade (FINAL_PAYMENT_PERCENT).
- A reward: nothing before the evaluation; then the approved amount times the grade's share (REWARD_PERCENT).

Shares are cut from the amount in cents and the final line takes what rounding leaves, so the lines add
up to the amount exactly. Payments recorded before the schedule without a milestone (kind instalment), or
beyond a line's share (an agreement's old final payment took all but the advance), count towards the
lines in order.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from procure.errors import Reason
from procure.extensions import db
from procure.payments.models import Payment
from procure.payments.shares import final_instalment
from procure.procurement.models import Contract
from procure.projects.labels import GRADE_LABELS, PAYMENT_KIND_LABELS
from procure.types import CENT

ZERO = Decimal("0.00")
# Where the project has passed its acceptance (an agreement's acceptance share is due from here).
ACCEPTED_STATES = ("accepted", "evaluated", "closed")
# Where a project ended before its evaluation (a terminated contract cancels its project).
ENDED_STATES = ("cancelled", "withdrawn", "rejected")
# procure.stages registers how the community confirmed each milestone (procure.delivery sits above
# payments): each `results(project) -> {milestone_id: "met" | "partial" | "not_met"}`.
CONFIRMATIONS: list = []


def register_confirmations(source) -> None:
    if source not in CONFIRMATIONS:
        CONFIRMATIONS.append(source)


def _confirmed(project) -> dict[int, str]:
    found = {}
    for source in CONFIRMATIONS:
        found.update(source(project))
    return found


def _part(amount, percent) -> Decimal:
    return (Decimal(amount) * Decimal(percent) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    """One part of the money: its share of the amount (`base`), what it comes to now (`due`: None while
    it is held), what was paid towards it, and the reason it is held or comes to less than its share."""

    kind: str
    base: Decimal
    percent: int  # of the amount
    due: Decimal | None
    reason: Reason | None = None
    milestone_id: int | None = None
    milestone_name: str | None = None
    share: int | None = None  # the percent of the base the grade or the confirmation releases
    paid: Decimal = ZERO

    @property
    def payable(self) -> Decimal:
        return max(self.due - self.paid, ZERO) if self.due is not None else ZERO

    @property
    def held(self) -> Decimal:
        return max(self.base - self.paid, ZERO) if self.due is None else ZERO

    @property
    def withheld(self) -> Decimal:
        return max(self.base - self.due, ZERO) if self.due is not None else ZERO

    @property
    def status(self) -> str:
        if self.due is None:
            return "held"
        return "payable" if self.payable > 0 else "settled"

    @property
    def label(self) -> str:
        kind = str(PAYMENT_KIND_LABELS[self.kind])
        return f"{kind}（{self.milestone_name}）" if self.milestone_name else kind

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.milestone_id}" if self.milestone_id else self.kind


@dataclass
class Schedule:
    funding_form: str
    ceiling: Decimal  # the contract's or agreement's amount; a reward's approved amount
    grade: str | None = None
    lines: list[Line] = field(default_factory=list)
    paid: Decimal = ZERO  # every payment recorded, legacy ones included

    @property
    def payable(self) -> Decimal:
        return sum((line.payable for line in self.lines), ZERO)

    @property
    def held(self) -> Decimal:
        return sum((line.held for line in self.lines), ZERO)

    @property
    def withheld(self) -> Decimal:
        return sum((line.withheld for line in self.lines), ZERO)

    @property
    def final(self) -> Line | None:
        """The line the grade decides: the final instalment, or the reward."""
        return next((line for line in self.lines if line.kind in ("final", "reward")), None)

    def line_for_milestone(self, milestone_id) -> Line | None:
        return next((line for line in self.lines if line.milestone_id == milestone_id), None)

    def line_of_kind(self, kind) -> Line | None:
        return next((line for line in self.lines if line.kind == kind), None)


# ---- the lines of each funding form -------------------------------------------------------------------

def _by_grade(project, base, percents) -> tuple[Decimal, int]:
    """What a line the grade decides comes to, and the grade's share in percent."""
    return final_instalment(base, project.grade, percents), percents[project.grade]


def final_line(project, base, percent, milestone=None) -> Line:
    """The final instalment: held until the performance evaluation, then paid by grade."""
    milestone_id, name = (milestone.id, milestone.name) if milestone else (None, None)
    if not project.grade:
        return Line("final", base, percent, None,
                    Reason("final_before_evaluation", _l("绩效评价完成后方可支付尾款（最后一期款项）")), milestone_id, name)
    due, share = _by_grade(project, base, current_app.config["FINAL_PAYMENT_PERCENT"])
    reason = None if share >= 100 else Reason("final_by_grade", _l("尾款按评价等级“%(grade)s”支付 %(percent)s%%"),
                                              grade=GRADE_LABELS[project.grade], percent=share)
    return Line("final", base, percent, due, reason, milestone_id, name, share)


def milestone_line(milestone, base, result) -> Line:
    """A milestone but the last: due as the community confirmed it."""
    name = milestone.name
    if result is None:
        return Line("milestone", base, milestone.percent, None,
                    Reason("milestone_unconfirmed", _l("节点“%(name)s”待社区确认完成情况后支付"), name=name),
                    milestone.id, name)
    if result == "met":
        return Line("milestone", base, milestone.percent, base, None, milestone.id, name, 100)
    if result == "partial":
        share = current_app.config["MILESTONE_PARTIAL_PERCENT"]
        return Line("milestone", base, milestone.percent, _part(base, share),
                    Reason("milestone_partly_met", _l("社区确认节点“%(name)s”部分达成：支付该节点款项的 %(percent)s%%"),
                           name=name, percent=share), milestone.id, name, share)
    return Line("milestone", base, milestone.percent, ZERO,
                Reason("milestone_not_met", _l("社区确认节点“%(name)s”未达成：该节点款项不予支付"), name=name),
                milestone.id, name, 0)


def contract_lines(project, contract) -> list[Line]:
    """A purchase contract: its advance, its milestones as confirmed, the last one by grade."""
    lines, left = [], contract.amount
    if contract.advance_percent:
        base = _part(contract.amount, contract.advance_percent)
        lines.append(Line("advance", base, contract.advance_percent, base, share=100))
        left -= base
    milestones = list(contract.milestones)
    confirmed = _confirmed(project) if milestones else {}
    for milestone in milestones[:-1]:
        base = _part(contract.amount, milestone.percent)
        lines.append(milestone_line(milestone, base, confirmed.get(milestone.id)))
        left -= base
    last = milestones[-1] if milestones else None
    percent = last.percent if last else 100 - contract.advance_percent
    lines.append(final_line(project, left, percent, last))
    return lines


def agreement_lines(project, contract) -> list[Line]:
    """A subsidy agreement: its advance, the share due on acceptance, the final share by grade."""
    lines, left = [], contract.amount
    final_percent = contract.final_percent or 0
    if contract.advance_percent:
        base = _part(contract.amount, contract.advance_percent)
        lines.append(Line("advance", base, contract.advance_percent, base, share=100))
        left -= base
    final_base = _part(contract.amount, final_percent)
    middle = left - final_base
    if middle > 0:
        accepted = project.state in ACCEPTED_STATES
        lines.append(Line("acceptance", middle, 100 - contract.advance_percent - final_percent,
                          middle if accepted else None,
                          None if accepted else Reason("acceptance_pending", _l("验收通过后方可支付验收款")),
                          share=100 if accepted else None))
    if final_base > 0:
        lines.append(final_line(project, final_base, final_percent))
    return lines


def reward_lines(project) -> list[Line]:
    """A reward: the approved amount by the grade, nothing before the evaluation (nor before the approval)."""
    if project.approved_amount is None:
        return []
    base = project.approved_amount
    if not project.grade:
        return [Line("reward", base, 100, None, Reason("reward_before_evaluation",
                                                       _l("项目奖励在绩效评价完成后按评价等级支付，此前不得支付")))]
    due, share = _by_grade(project, base, current_app.config["REWARD_PERCENT"])
    reason = None if share >= 100 else Reason("reward_by_grade", _l("奖励按评价等级“%(grade)s”支付核定金额的 %(percent)s%%"),
                                              grade=GRADE_LABELS[project.grade], percent=share)
    return [Line("reward", base, 100, due, reason, share=share)]


# ---- the schedule ----------------------------------------------------------------------------------

def _count_payments(project, lines) -> Decimal:
    """Put each payment on its line; untagged legacy instalments fill the lines in order. The total paid."""
    by_milestone = {line.milestone_id: line for line in lines if line.milestone_id}
    by_kind = {line.kind: line for line in lines if line.kind != "milestone"}
    rows = db.session.execute(
        db.select(Payment.kind, Payment.milestone_id, db.func.sum(Payment.amount))
        .where(Payment.project_id == project.id).group_by(Payment.kind, Payment.milestone_id)).all()
    total, loose = ZERO, ZERO
    for kind, milestone_id, amount in rows:
        amount = Decimal(amount).quantize(CENT)
        total += amount
        line = by_milestone.get(milestone_id) if milestone_id else by_kind.get(kind)
        if line is None and kind == "final":
            line = by_kind.get("reward")
        if line is None:
            loose += amount
        else:
            line.paid += amount
    for line in lines:  # no line holds more than its share (a payment before the schedule may have)
        if line.paid > line.base:
            loose += line.paid - line.base
            line.paid = line.base
    for line in lines:  # what was paid without a line, or beyond one, towards the earliest lines first
        taken = min(loose, max(line.base - line.paid, ZERO))
        line.paid += taken
        loose -= taken
    if loose > 0 and lines:
        lines[-1].paid += loose
    return total


def schedule(project) -> Schedule:
    """The project's payment schedule as it stands now."""
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    if contract is not None:
        lines = agreement_lines(project, contract) if contract.kind == "agreement" else \
            contract_lines(project, contract)
        ceiling = contract.amount
    elif project.funding_form == "reward":
        lines, ceiling = reward_lines(project), project.approved_amount or ZERO
    else:  # a contract or an agreement is still to be signed
        lines, ceiling = [], project.approved_amount or ZERO
    result = Schedule(project.funding_form, ceiling, project.grade, lines)
    result.paid = _count_payments(project, lines)
    if project.state in ENDED_STATES:  # what was not paid by then never will be
        for line in lines:
            if line.due is None or line.payable > 0:
                line.due = min(line.paid, line.base)
                line.reason = Reason("project_ended", _l("项目已终止，该款项不再支付"))
    return result
