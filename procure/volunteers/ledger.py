"""The points ledger: every change of a volunteer's hours or points is one appended PointEntry, and the
volunteer's `balance` / `hours_total` move with it in the same transaction. Spending takes points with a
conditional UPDATE, so two simultaneous spends can never overdraw (the CHECK balance >= 0 backs it up). Each
entry that carries served hours is also counted in its month and year (procure.volunteers.periods)."""
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import update

from procure import clock
from procure.extensions import db
from procure.volunteers import periods
from procure.volunteers.models import PointEntry, Volunteer

CENT = Decimal("0.01")


def credited_hours(raw_hours: Decimal) -> Decimal:
    """Hours credited for one activity: what was served, at most VOLUNTEER_HOURS_CAP, never negative."""
    cap = Decimal(current_app.config["VOLUNTEER_HOURS_CAP"])
    return max(Decimal("0.00"), min(Decimal(raw_hours), cap)).quantize(CENT, ROUND_HALF_UP)


def points_for(hours: Decimal, category: str) -> Decimal:
    """1 hour = 1 point × the category's multiplier (VOLUNTEER_CATEGORIES)."""
    multiplier = Decimal(current_app.config["VOLUNTEER_CATEGORIES"][category])
    return (Decimal(hours) * multiplier).quantize(CENT, ROUND_HALF_UP)


def stars(hours_total: Decimal) -> int:
    """0–5 stars by cumulative hours (STAR_HOURS: 100 / 300 / 600 / 1,000 / 1,500)."""
    return sum(1 for threshold in current_app.config["STAR_HOURS"] if Decimal(hours_total) >= threshold)


def mask_name(real_name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the public board never shows a whole name."""
    name = (real_name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else "*"


class Overdrawn(Exception):
    """The balance does not cover the points to take (the caller turns it into a refusal)."""


def append(volunteer: Volunteer, kind: str, *, hours=Decimal("0.00"), points=Decimal("0.00"), user=None,
           note="", **refs) -> PointEntry:
    """Append one entry and move the volunteer's sums with it; flush, never commit. Negative points are taken
    only if the balance covers them at the moment of the UPDATE (raises Overdrawn otherwise, nothing written).
    `refs`: signup_id, correction_id or redemption_id."""
    hours, points = Decimal(hours).quantize(CENT), Decimal(points).quantize(CENT)
    statement = (update(Volunteer).where(Volunteer.id == volunteer.id)
                 .values(balance=Volunteer.balance + points, hours_total=Volunteer.hours_total + hours))
    if points < 0:
        statement = statement.where(Volunteer.balance >= -points)
    if hours < 0:
        statement = statement.where(Volunteer.hours_total >= -hours)
    if db.session.execute(statement.execution_options(synchronize_session=False)).rowcount != 1:
        raise Overdrawn()
    entry = PointEntry(volunteer_id=volunteer.id, at=clock.now(), kind=kind, hours=hours, points=points,
                       recorded_by_id=user.id if user is not None else None, note=note, **refs)
    db.session.add(entry)
    db.session.flush()
    periods.add(volunteer.id, entry.at, kind, hours, points)
    db.session.expire(volunteer, ["balance", "hours_total"])
    return entry
