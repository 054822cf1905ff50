"""Points expiry (`flask volunteers expire`, run daily): points earned more than POINTS_EXPIRE_MONTHS months ago
and not yet spent or expired become "expiry" entries. With 0 months nothing ever expires.

The rule, first in first out. Points are earned by service entries, and a correction (either sign) adjusts
what was earned at the moment it is made. Points are taken out by redemptions and by earlier expiries, and
what is taken out consumes the oldest earned points first. So what is left of the points earned before the
cut-off is

    points earned before the cut-off − all points taken out so far   (never more than the balance)

and that is what expires. Points are never taken out before they are earned (the balance never goes below
zero), so the sum gives the same answer as walking the lots one by one. Running the command again finds
nothing more to expire (the expiry entries count as taken out): it is idempotent. Hours are never touched."""
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import case, func, select

from procure import clock
from procure.audit.models import AuditEntry
from procure.extensions import db
from procure.volunteers import ledger
from procure.volunteers.models import PointEntry, Volunteer

EARNING = ("service", "correction")  # the rest (redemption, expiry) takes points out


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` months earlier (the month's last day when that day does not exist)."""
    import calendar

    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def expirable(cutoff: datetime) -> list[tuple[int, Decimal]]:
    """(volunteer id, points to expire) for every volunteer with points left from before `cutoff`: one query."""
    earning = PointEntry.kind.in_(EARNING)
    earned_before = func.sum(case((earning & (PointEntry.at < cutoff), PointEntry.points), else_=0))
    taken_out = func.sum(case((~earning, -PointEntry.points), else_=0))
    rows = db.session.execute(select(PointEntry.volunteer_id, earned_before, taken_out, Volunteer.balance)
                              .join(Volunteer, Volunteer.id == PointEntry.volunteer_id)
                              .group_by(PointEntry.volunteer_id, Volunteer.balance)
                              .order_by(PointEntry.volunteer_id)).all()
    found = []
    for volunteer_id, earned, out, balance in rows:
        left = min(Decimal(earned or 0) - Decimal(out or 0), Decimal(balance)).quantize(ledger.CENT)
        if left > 0:
            found.append((volunteer_id, left))
    return found


def expire_points() -> tuple[int, Decimal]:
    """Append the expiry entries due now; flush, never commit. Returns (volunteers, points expired)."""
    months = current_app.config["POINTS_EXPIRE_MONTHS"]
    if not months or months <= 0:
        return 0, Decimal("0.00")
    now = clock.now()
    cutoff = months_before(now, months)
    count, total = 0, Decimal("0.00")
    for volunteer_id, points in expirable(cutoff):
        volunteer = db.session.get(Volunteer, volunteer_id)
        try:
            entry = ledger.append(volunteer, "expiry", points=-points, user=None,
                                  note=f"earned before {clock.local(cutoff):%Y-%m-%d}")
        except ledger.Overdrawn:  # cannot happen by the rule above; never take more than the balance
            continue
        # A scheduled change: no user, no organisation; the ids and amounts say what happened.
        db.session.add(AuditEntry(project_id=None, at=now, user_id=None, organisation_id=None, action="expire_points",
                                  comment="", data={"volunteer_id": volunteer_id, "entry_id": entry.id,
                                                    "points": str(-points), "cutoff": cutoff.isoformat()}))
        count, total = count + 1, total + points
    db.session.flush()
    return count, total
