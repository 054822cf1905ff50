"""The demo's time line: how long each step of a project takes, and when each project must start so
that its story ends by its day and nothing is dated after the real present.

Journey waits fixed numbers of days (the tests' defaults). The demo keeps its own waits instead
(`WAITS`, `OP_WAITS`): offices act on working days, the notice and the challenge period last exactly
their working days in the holiday calendar, and because the same waits drive both the plan
(`simulate`) and the real run (`DemoJourney`), each project's start can be computed before it is built.
"""
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from flask import current_app

from procure import clock
from procure.demo.journey import BRANCHES, Journey
from procure.projects.inputs import SCORED_METHODS
from procure.projects.states import TRANSITIONS
from procure.workdays.service import Calendar

DAY = timedelta(days=1)
BID_CLOSING = time(17, 0)  # bid deadlines close at 17:00 Shanghai time
# Calendar days a tender stays open, at least: 20 for tenders (招标), 10 for the other methods.
TENDER_DAYS = {"open_tender": 20, "invited_tender": 20}
CONTRACT_DAYS = 140  # a purchase contract's term
AGREEMENT_DAYS = 120  # a subsidy agreement's term


class QuietCalendar(Calendar):
    """The holiday calendar without the warning for years without official data: plans reach into next year."""

    def unofficial_year(self, year: int) -> None:
        pass


# ---- moments ---------------------------------------------------------------------------------

def day_of(moment: datetime) -> date:
    return clock.local(moment).date()


def at(day: date, moment: datetime) -> datetime:
    """`day` at the Shanghai time of day of `moment`, in UTC."""
    return datetime.combine(day, clock.local(moment).timetz()).astimezone(timezone.utc)


def on_workday(moment: datetime, calendar, step=DAY) -> datetime:
    """The same time on the first working day from `moment` on (or back, with a negative step)."""
    while not calendar.is_workday(day_of(moment)):
        moment += step
    return moment


def tender_days(spec) -> int:
    return spec.tender_days or TENDER_DAYS.get(spec.method, 10)


def bid_deadline(opened: datetime, days: int, calendar, method: str) -> datetime:
    """17:00 on the first working day at least `days` after the tender opened, and no earlier than the
    method's shortest bid period allows (MIN_BID_PERIODS: a working-day period may span a long holiday)."""
    number, unit = current_app.config["MIN_BID_PERIODS"][method]
    legal = (calendar.add(day_of(opened), number) - day_of(opened)).days if unit == "working_days" else number
    earliest = opened + timedelta(days=max(days, legal))
    day = day_of(on_workday(earliest, calendar))
    deadline = datetime.combine(day, BID_CLOSING, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)
    if deadline < opened + timedelta(days=legal):  # opened after 17:00: the legal period ends the next day
        deadline = on_workday(deadline + DAY, calendar)
    return deadline


def service_start(signed: datetime, calendar) -> date:
    """A contract or agreement starts on the first working day three days after signing."""
    return day_of(on_workday(signed + timedelta(days=3), calendar))


# ---- waits: (moment, marks, calendar) → the moment of the next action ------------------------------
# `marks` holds the moment each trigger (or extra action) of the project finished.

def office(days):
    """`days` later, on a working day: offices and residents' committees act on working days."""
    return lambda moment, marks, calendar: on_workday(moment + timedelta(days=days), calendar)


def anytime(days):
    """`days` later, any day: providers send bids online at weekends too."""
    return lambda moment, marks, calendar: moment + timedelta(days=days)


def hours(count):
    """`count` hours later the same day: the second panel member scores after the first."""
    return lambda moment, marks, calendar: moment + timedelta(hours=count)


def workdays(count):
    """The same time `count` working days later: a deed done late by the working-day rules."""
    return lambda moment, marks, calendar: at(calendar.add(day_of(moment), count), moment)


def after_period(mark, setting, margin):
    """`margin` days after the last working day of a period (`setting` working days from `mark`)."""
    def wait(moment, marks, calendar):
        last = calendar.add(day_of(marks[mark]), current_app.config[setting])
        return on_workday(max(moment + DAY, at(last + timedelta(days=margin), moment)), calendar)
    return wait


def after_deadline(days, method):
    """The first working day after the bid deadline."""
    def wait(moment, marks, calendar):
        deadline = bid_deadline(marks["open_tender"], days, calendar, method)
        return on_workday(at(day_of(deadline) + DAY, moment), calendar)
    return wait


WAITS = {
    "publish_notice": [office(1)],
    "submit": [after_period("publish_notice", "NOTICE_WORKING_DAYS", 1)],
    "start_review": [office(2)],
    "return_for_revision": [office(3)],
    "resubmit": [office(7)],
    "approve": [office(4)],
    "reject": [office(5)],
    "list_in_catalogue": [office(6)],
    "withdraw": [office(5)],
    "cancel": [office(21)],
    "open_tender": [office(5)],
    # "award": a bid every two days, then the award after the deadline (see waits_for)
    # "sign_contract": after the challenge period counted from the award notice, then published (see waits_for)
    "sign_agreement": [office(10), office(1)],  # signed (and half paid in advance), then published
    "start_delivery": [office(3)],
    # "report_completion": by funding form (see waits_for)
    "claim_completion": [office(45)],
    "start_acceptance": [office(3), office(2), office(1)],  # ask for declaration, declaration, start
    "request_rectification": [office(4)],
    "resubmit_for_acceptance": [office(12)],
    # "accept": with the residents' survey first when the project goes on to its evaluation (see waits_for)
    # the third party, the bureau and the community submit their sheets; divergences explained, then finalised
    "evaluate": [office(3), office(2), office(1), office(2)],
    "close": [office(7), office(3)],  # final payment, close
}
# A milestone's round: services logged and the milestone reported, the community confirms it, the
# implementer asks for its instalment, the bureau approves the request (the payment is recorded).
MILESTONE_ROUND = [office(60), office(2), office(1), office(3)]
REPORTING = {
    # the first milestone's round; the last milestone logged and reported, confirmed, then completion reported
    "purchase": MILESTONE_ROUND + [office(56), office(2), office(1)],
    "subsidy": [office(90)],
}
# Extra actions a project's story may hold besides its transitions.
OP_WAITS = {
    "objection": [office(1), office(1)],  # a resident objects during the notice; the community answers
    "objection_open": [office(1)],  # …not answered yet
    "bid": [anytime(1)],  # one more bid on an open tender
    "challenge": [office(1), office(2)],  # a losing bidder challenges the award notice; the bureau answers
    "score": [office(1)],  # one panel member scores every bid, the other not yet
    "midterm": MILESTONE_ROUND,  # the first milestone's round, its instalment paid
    "midterm_request": MILESTONE_ROUND[:3],  # …its payment request still waiting for the bureau
    "amend": [office(6)],  # the contract's term extended
    "draw": [office(2)],  # the bureau draws an evaluation firm, which has not declared yet
    "inspect": [office(2), office(1)],  # a site visit; the next day part of the checklist judged
    # the firm declares a conflict late (recused); the bureau draws again; the new firm and its evaluator declare
    "late_conflict": [office(4), office(1), office(2)],
    # the implementer responds to round 1; re-acceptance finds it still short and asks for round 2
    "failed_round": [office(12), office(4)],
    "survey": [office(1), office(3)],  # the community opens the survey and hands out slips; residents answer
    "survey_some": [office(1), office(1)],  # …only some residents have answered yet
    "sheets_partial": [office(2), office(1)],  # the third party submits its sheet; the community saves a draft
    "sheets_divergent": [office(2), office(1), office(1)],  # all three submit; one indicator diverges
}
# Acceptance of a project that goes on to be evaluated: the survey is opened and slips handed out, residents
# answer, then the site visit, the checklist, the community's confirmation and the acceptance.
ACCEPT_WITH_SURVEY = [office(1), office(3), office(2)]
EVALUATED = ("evaluated", "closed")


def bidders_needed(method: str) -> int:
    return 1 if method == "single_source" else max(2, current_app.config["MIN_BIDS"][method])


# ---- the annual catalogue ----------------------------------------------------------------------------
# Buying from a catalogue needs it in force. The catalogue of year Y is published on the first working day of
# December of the year before (CATALOGUE_PUBLISHED) and comes into force once its notice is over; a project
# is listed in the next catalogue not yet published, and opens its tender, signs its agreement or claims its
# reward once that catalogue is in force.
BUYING = ("open_tender", "sign_agreement", "claim_completion")
CATALOGUE_PUBLISHED = (12, 1, time(9, 30))  # month, day and time in the year before the catalogue's year


def catalogue_published(year: int, calendar) -> datetime:
    month, day, moment = CATALOGUE_PUBLISHED
    published = datetime.combine(date(year - 1, month, day), moment, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)
    return on_workday(published, calendar)


def catalogue_in_force(year: int, calendar) -> datetime:
    """The first working day after the notice of the catalogue of `year` ends."""
    published = catalogue_published(year, calendar)
    notice_ends_on = calendar.add(day_of(published), current_app.config["CATALOGUE_NOTICE_WORKING_DAYS"])
    return on_workday(at(notice_ends_on + DAY, published), calendar)


def catalogue_year(listed: datetime, calendar) -> int:
    """The catalogue a project listed at `listed` goes into: the next one not yet published."""
    year = day_of(listed).year + 1
    return year if listed < catalogue_published(year, calendar) else year + 1


def after_catalogue(wait, spec):
    """`wait`, counted from the moment the project's catalogue is in force (and from the moment its plan
    begins to buy, `spec.buy_at`) if that is later."""
    def waiting(moment, marks, calendar):
        in_force = catalogue_in_force(catalogue_year(marks["list_in_catalogue"], calendar), calendar)
        in_force = max(in_force, spec.buy_at or in_force)
        if moment < in_force:  # the same time of day as the project's other steps, once in force
            moment = at(day_of(in_force), moment)
            if moment < in_force:
                moment = on_workday(moment + DAY, calendar)
        return wait(moment, marks, calendar)
    return waiting


def waits_for(trigger, spec):
    if trigger in BUYING:
        first, *rest = _waits_for(trigger, spec)
        return [after_catalogue(first, spec), *rest]
    return _waits_for(trigger, spec)


def _waits_for(trigger, spec):
    if trigger == "award":
        # A bid every two days; after the deadline the panel is appointed, each member scores (comprehensive
        # scoring), the award follows; or the award at once (lowest price). Then the award notice.
        waits = [anytime(2)] * bidders_needed(spec.method) + [after_deadline(tender_days(spec), spec.method)]
        if spec.method in SCORED_METHODS:
            waits += [office(1), hours(1), office(1)]
        return waits + [workdays(4) if "award_notice" in spec.late else office(1)]
    if trigger == "sign_contract":
        waits = [after_period("award", "CHALLENGE_WORKING_DAYS", 2)]
        if "unpublished" not in spec.late:
            waits.append(workdays(4) if "contract" in spec.late else office(1))
        return waits
    if trigger == "report_completion":
        return REPORTING[spec.funding_form]
    if trigger == "accept":
        return ACCEPT_WITH_SURVEY if spec.state in EVALUATED else [office(5)]
    return WAITS[trigger]


def op_waits(action, spec):
    if action == "panel":  # the bureau appoints the bid evaluation panel the first working day after the deadline
        return [after_deadline(tender_days(spec), spec.method)]
    return OP_WAITS[action]


# ---- the story of one project, and its plan --------------------------------------------------------

def script(spec) -> list[tuple]:
    """The project's story: drive to each stop on its way, with any extra action there, then on to its state."""
    stops = []
    if spec.objection:
        stops.append(("notice", "objection" if spec.objection[2] else "objection_open"))
    if spec.returned:
        stops.append(("returned", None))
    if spec.challenge:
        stops.append(("awarded", "challenge"))
    if spec.late_conflict:
        stops.append(("under_acceptance", "late_conflict"))
    if spec.rectification:
        stops.append(("rectification", "failed_round" if spec.second_round else None))
    ops = []
    for state, action in stops:
        ops.append(("drive", state))
        if action:
            ops.append((action,))
    if not stops or stops[-1][0] != spec.state:
        ops.append(("drive", spec.state))
    ops.extend((action,) for action in spec.after)
    return ops


def triggers(funding_form, state, target) -> list[str]:
    """The triggers Journey.drive fires to take a project from `state` to `target`."""
    project, fired = SimpleNamespace(state=state, funding_form=funding_form), []

    def fire(trigger):
        fired.append(trigger)
        project.state = TRANSITIONS[trigger][1]

    def drive(target):
        if target in BRANCHES:
            start, trigger = BRANCHES[target]
            drive(start)
            fire(trigger)
            return
        while project.state != target:
            fire(Journey._next_trigger(project))

    drive(target)
    return fired


def simulate(spec, start: datetime, calendar) -> tuple[datetime, dict]:
    """Where the project's story ends when it starts at `start`, and when each of its steps finished."""
    moment, marks, state = start, {"create": start}, "draft"
    for op in script(spec):
        if op[0] == "drive":
            for trigger in triggers(spec.funding_form, state, op[1]):
                for wait in waits_for(trigger, spec):
                    moment = wait(moment, marks, calendar)
                marks[trigger] = moment
            state = op[1]
        else:
            for wait in op_waits(op[0], spec):
                moment = wait(moment, marks, calendar)
            marks[op[0]] = moment
    return moment, marks


@dataclass
class Plan:
    spec: object
    start: datetime
    end: datetime
    marks: dict
    service: tuple[date, date]  # the service period the proposal plans


def planned_service(spec, start, calendar) -> tuple[date, date]:
    """The service period a proposal made at `start` would plan: where the whole road would put it."""
    whole = replace(spec, state="closed", objection=None, returned=None, challenge=None, rectification=None,
                    second_round=None, late_conflict=None, after=())
    _, marks = simulate(whole, start, calendar)
    if spec.funding_form == "purchase":
        begin = service_start(marks["sign_contract"], calendar)
        return begin, begin + timedelta(days=CONTRACT_DAYS)
    if spec.funding_form == "subsidy":
        begin = service_start(marks["sign_agreement"], calendar)
        return begin, begin + timedelta(days=AGREEMENT_DAYS)
    return day_of(marks["list_in_catalogue"]) + DAY, day_of(marks["claim_completion"]) - 3 * DAY


PREPARATION_DAYS = 800  # more than a project takes from its draft to its catalogue in force


def latest_fitting(fits) -> int:
    """The fewest days back that `fits` (monotone: fits for any more days back once it fits)."""
    early, step = 0, 1  # find a start that fits, then bisect between it and the latest that does not
    while not fits(early):
        early, step = early + step, step * 2
    late = -1
    if early:
        late = early - step // 2 if step > 1 else 0
        while early - late > 1:
            middle = (early + late) // 2
            early, late = (middle, late) if fits(middle) else (early, middle)
    return early


def plan(spec, latest: datetime, time_of_day: time, calendar) -> Plan:
    """The plan of `spec`'s story, ending by `latest`. A story that must still be running today (an award
    whose challenge period has not ended) also ends as close to `latest` as a longer tender allows: a start
    one day later can move the end past a weekend, leaving a week's gap that would close the period."""
    if spec.state != "awarded" or not spec.challenge:
        return _latest_start(spec, latest, time_of_day, calendar)
    longer = (replace(spec, tender_days=tender_days(spec) + extra) for extra in range(7))
    return max((_latest_start(each, latest, time_of_day, calendar) for each in longer), key=lambda p: p.end)


def _latest_start(spec, latest: datetime, time_of_day: time, calendar) -> Plan:
    """The latest working-day start, at `time_of_day` in Shanghai, from which the story ends by `latest`.

    Every wait is monotone (a later moment never leads to an earlier next one), so the end moves with
    the start and the latest fitting start can be found by bisection over days; a first guess by the
    story's length would land far too early when a holiday (春节, 国庆) stretches the length.
    """
    anchor = datetime.combine(day_of(latest), time_of_day, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)

    def start(days_back):
        return on_workday(anchor - timedelta(days=days_back), calendar, -DAY)

    if any(trigger in BUYING for trigger in simulate(spec, anchor, calendar)[1]):
        # A project that buys from its catalogue: first the latest moment it may begin to buy (its story
        # started long enough before for its catalogue to be in force by then), then the latest start from
        # which it is listed in a catalogue in force by that moment.
        def buys_in_time(days_back):
            buy_at = start(days_back)
            planned = replace(spec, buy_at=buy_at)
            return simulate(planned, buy_at - timedelta(days=PREPARATION_DAYS), calendar)[0] <= latest

        spec = replace(spec, buy_at=start(latest_fitting(buys_in_time)))
    begin = start(latest_fitting(lambda days_back: simulate(spec, start(days_back), calendar)[0] <= latest))
    end, marks = simulate(spec, begin, calendar)
    return Plan(spec, begin, end, marks, planned_service(spec, begin, calendar))
