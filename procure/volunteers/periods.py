"""Each volunteer's hours and points of service per month and per year in Shanghai (VolunteerPeriod), kept beside
the ledger: procure.volunteers.ledger adds every entry that carries served hours to its month and its year in the
same transaction, so that the star board and the register's year columns read one row per volunteer and period
instead of summing a ledger of millions of entries. refill() rebuilds them from the ledger (after a bulk load)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from procure import clock
from procure.extensions import db
from procure.volunteers.models import PointEntry, VolunteerPeriod

HOURS_KINDS = ("service", "correction")  # the entries that carry served hours


def month_of(moment: datetime) -> str:
    return clock.local(moment).strftime("%Y-%m")


def year_of(moment: datetime) -> str:
    return clock.local(moment).strftime("%Y")


def this_period(period: str) -> str:
    """The key of this month ("month") or this year ("year") in Shanghai."""
    return month_of(clock.now()) if period == "month" else year_of(clock.now())


def add(volunteer_id: int, moment: datetime, kind: str, hours: Decimal, points: Decimal) -> None:
    """Count one ledger entry in its month and its year (entries that carry no served hours count nowhere)."""
    if kind not in HOURS_KINDS:
        return
    table = VolunteerPeriod.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values([{"volunteer_id": volunteer_id, "period": key, "hours": hours, "points": points}
                                      for key in (month_of(moment), year_of(moment))])
    # one statement, safe under concurrent entries for the same volunteer: the row is added or added to
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.volunteer_id, table.c.period],
        set_={"hours": table.c.hours + statement.excluded.hours,
              "points": table.c.points + statement.excluded.points}))


# The local month of a UTC timestamp, by the database (Shanghai keeps no daylight saving time).
_MONTH = {"sqlite": "strftime('%Y-%m', at, '+8 hours')",
          "postgresql": "to_char((at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"}


def refill() -> None:
    """Rebuild every volunteer's periods from the ledger (after entries were inserted in bulk, not through
    procure.volunteers.ledger); flush, never commit."""
    month = literal_column(_MONTH[db.session.get_bind().dialect.name])
    db.session.execute(delete(VolunteerPeriod))
    months = (select(PointEntry.volunteer_id, month.label("period"), func.sum(PointEntry.hours).label("hours"),
                     func.sum(PointEntry.points).label("points"))
              .where(PointEntry.kind.in_(HOURS_KINDS)).group_by(PointEntry.volunteer_id, month).subquery())
    table = VolunteerPeriod.__table__
    db.session.execute(table.insert().from_select(
        ["volunteer_id", "period", "hours", "points"],
        select(months.c.volunteer_id, months.c.period, months.c.hours, months.c.points)))
    year = func.substr(months.c.period, literal_column("1"), literal_column("4"))  # grouped by as selected
    years = select(months.c.volunteer_id, year, func.sum(months.c.hours),
                   func.sum(months.c.points)).group_by(months.c.volunteer_id, year)
    db.session.execute(table.insert().from_select(["volunteer_id", "period", "hours", "points"], years))
    db.session.flush()
