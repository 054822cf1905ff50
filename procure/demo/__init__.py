"""Demo data: a believable city (××市) with its organisations, accounts and micro-projects in every state.

`flask demo load` calls `load(password)` and commits. Every project is driven through the real
operations (procure.demo.journey), so each has a true audit trail. Its story is planned backwards
from its last step so that nothing is dated after the real present, except what is naturally ahead:
an open tender's bid deadline, a notice period still running, planned service periods. Each story stops
before buying from its catalogue until the catalogues are published and in force (procure.demo.catalogues),
then goes on. The volunteers, their year of activities and hours, and the talent pool follow
(procure.demo.volunteers says which parts are bulk inserts).
"""
from contextlib import contextmanager
from datetime import datetime, time, timedelta, timezone

import click
from flask import current_app

from procure.extensions import db

# Shanghai time of day at which each project's steps happen, in turn (so lists do not all read 09:00).
TIMES = [time(9, 10), time(10, 25), time(14, 40), time(15, 30), time(9, 45), time(11, 5), time(16, 10),
         time(8, 50)]
ALREADY_OTHER_DATA = ("数据库中已有非演示数据；演示数据只能载入空数据库，不会与现有数据混合。"
                      " / The database already holds data that is not the demo's; the demo loads only into an"
                      " empty database and never mixes with other data.")


def load(password: str) -> bool:
    """Build the demo city; False (and nothing done) when it is already there.

    Raises click.ClickException when the database holds other data. Adds to the session and flushes;
    the caller commits (one transaction: a failure leaves nothing behind).
    """
    from procure.accounts.passwords import hash_password
    from procure.clock import ManualClock
    from procure.demo import catalogues, evaluators, organisations, people, providers, stories, timeline, volunteers
    from procure.demo.projects import PROJECTS

    if demo_present():
        return False
    if other_data_present():
        raise click.ClickException(ALREADY_OTHER_DATA)
    ensure_calendar()

    now = datetime.now(timezone.utc)
    calendar = timeline.QuietCalendar()
    plans = [timeline.plan(spec, now - timedelta(days=spec.days_ago), TIMES[index % len(TIMES)], calendar)
             for index, spec in enumerate(PROJECTS)]
    manual = ManualClock(min(p.start for p in plans) - timedelta(days=30))
    password_hash = hash_password(password)
    with installed_clock(current_app, manual):
        city = organisations.build()
        cast = people.build(city, password_hash)
        organisations.register_councils(city, cast, manual)
        providers.build(city, cast["bureau1"])
        first_purchase = min(moment for p in plans for name, moment in p.marks.items()
                             if name in ("open_tender", "sign_agreement", "claim_completion"))
        providers.prove_all(city, cast["bureau1"], cast, manual, first_purchase - timedelta(days=7))
        evaluators.build(city, cast)
        # In order of creation, so project codes (WXM2026-0001 …) follow the dates. Each story stops before
        # buying from its catalogue; the catalogues go out once every listing is in, then the stories go on.
        told = []
        for index, plan in sorted(enumerate(plans), key=lambda pair: pair[1].start):
            community = city.communities[plan.spec.community]
            told.append(stories.tell(plan, cast.cast(plan.spec, index, barred(plan, plans)), manual, calendar,
                                     stories.proposal_fields(plan, community, index), cast.firm_user))
        catalogues.publish(cast["bureau1"], manual, calendar, now)
        stories.DemoJourney._settle()  # the catalogues' releases, before the stories go on
        for story in told:
            story.finish()
        volunteers.build(city, cast, now, manual, password_hash)
        providers.renew_one(city, cast)
    db.session.flush()
    return True


def barred(plan, plans) -> set:
    """The providers graded 差 before this project's tender could close: a debarment follows the grade (from
    the next year), so the stories keep them away from later tenders and agreements whatever the load date."""
    from procure.demo.projects import POOR

    opened = plan.marks.get("open_tender") or plan.marks.get("sign_agreement")
    if opened is None:
        return set()
    return {other.spec.provider for other in plans if other.spec.scores == POOR and "evaluate" in other.marks
            and other.marks["evaluate"] < opened + timedelta(days=30)}


def demo_present() -> bool:
    from procure.accounts.models import User
    from procure.demo.organisations import CITY_BUREAU

    admin = db.session.scalar(db.select(User).filter_by(username="admin"))
    return admin is not None and admin.organisation.name == CITY_BUREAU


def other_data_present() -> bool:
    from procure.accounts.models import Organisation, User
    from procure.projects.models import Project

    return any(db.session.scalar(db.select(model.id).limit(1)) is not None for model in (Organisation, User, Project))


def ensure_calendar():
    """Load the holiday calendar when the table is empty, so the demo works before `flask calendar sync`."""
    from procure.workdays.models import CalendarYear
    from procure.workdays.service import sync_from_library

    if db.session.scalar(db.select(CalendarYear.year).limit(1)) is None:
        sync_from_library()
        db.session.flush()


@contextmanager
def installed_clock(app, manual):
    """`manual` as the app's clock for the block; the previous clock (or none) afterwards."""
    missing = object()
    previous = app.config.get("CLOCK", missing)
    app.config["CLOCK"] = manual
    try:
        yield manual
    finally:
        if previous is missing:
            app.config.pop("CLOCK", None)
        else:
            app.config["CLOCK"] = previous
