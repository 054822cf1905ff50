"""The dates procurement must keep after the award (DOMAIN.md "Timings"), in one place for the pages,
"waiting for me" and the daily reminders. Each function answers the last day allowed; a deed done on
that day is on time, from the next day on it is late. Callers that date many records pass one `calendar`
(a procure.workdays.service.Calendar) so that the holiday table is read once."""
from datetime import date, timedelta

from flask import current_app

from procure import clock
from procure.workdays.service import Calendar, Period


def _day(moment) -> date:
    return clock.local(moment).date()


def award_notice_due(project, calendar=None) -> date | None:
    """The award notice (中标/成交公告) goes out within 2 working days of the award."""
    if project.awarded_at is None:
        return None
    return (calendar or Calendar()).add(_day(project.awarded_at), current_app.config["AWARD_NOTICE_WORKING_DAYS"])


def challenge_window(tender) -> Period | None:
    """Bidders may challenge within 7 working days of the award notice; with the provisional holidays it skips."""
    if tender is None or tender.award_notice_at is None:
        return None
    return Calendar().period(_day(tender.award_notice_at), current_app.config["CHALLENGE_WORKING_DAYS"])


def challenge_window_ends(tender) -> date | None:
    window = challenge_window(tender)
    return window.ends_on if window else None


def challenge_answer_due(challenge, calendar=None) -> date:
    """Each challenge is answered within 7 working days of its filing."""
    return (calendar or Calendar()).add(_day(challenge.filed_at), current_app.config["CHALLENGE_ANSWER_WORKING_DAYS"])


def contract_sign_due(project) -> date | None:
    """The contract is signed within 30 calendar days of the award."""
    if project.awarded_at is None:
        return None
    return _day(project.awarded_at) + timedelta(days=current_app.config["CONTRACT_SIGN_DAYS"])


def contract_publish_due(contract, calendar=None) -> date:
    """The signed contract is published within 2 working days of signing."""
    signed = contract.signed_on or _day(contract.signed_at)
    return (calendar or Calendar()).add(signed, current_app.config["CONTRACT_PUBLISH_WORKING_DAYS"])


def is_late(due: date | None, done_on: date | None = None) -> bool:
    """Whether something due on `due` was done late, or (not yet done) is late today."""
    return due is not None and (done_on or clock.today()) > due
