"""The holiday calendar: statutory holidays and make-up working days (调休), editable by admins."""
from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from procure.extensions import db
from procure.types import UTCDateTime


class CalendarDay(db.Model):
    """A day that differs from the weekend rule: a holiday on a weekday or a working weekend day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool] = mapped_column()
    name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(32), default="admin")


class CalendarYear(db.Model):
    """A year whose holidays are known; other years fall back to weekends only."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
