"""Working-day arithmetic over the holiday calendar, falling back to weekends for unknown years."""
from datetime import date, timedelta

from flask import current_app

from procure import clock
from procure.extensions import db
from procure.workdays.models import CalendarDay, CalendarYear


class Calendar:
    """A snapshot of the calendar table, loaded once per use (a period spans a few weeks)."""

    def __init__(self):
        # Two columns, not ORM objects: a few thousand rows are read on every working-day count.
        self.overrides = dict(db.session.execute(db.select(CalendarDay.day, CalendarDay.is_workday)).all())
        self.known_years = set(db.session.scalars(db.select(CalendarYear.year)))
        self.warned = set()

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year not in self.known_years and day.year not in self.warned:
            self.warned.add(day.year)
            current_app.logger.warning("holiday calendar has no data for %s; counting weekends only", day.year)
        return day.weekday() < 5

    def add(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself not counted)."""
        day = start
        while days > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                days -= 1
        return day

    def period_over(self, start: date, days: int, today: date | None = None) -> bool:
        """Whether a period of `days` working days that began on `start` has fully passed."""
        return (today or clock.today()) > self.add(start, days)


def missing_years(years) -> list[int]:
    """Years among `years` that the calendar holds no holiday data for (shown to admins)."""
    known = set(db.session.scalars(db.select(CalendarYear.year)))
    return sorted(set(years) - known)


def sync_from_library() -> list[int]:
    """Load every year the `chinesecalendar` library knows into the calendar; returns the years."""
    import chinese_calendar

    holidays = chinese_calendar.constants.holidays
    workdays = chinese_calendar.constants.workdays
    years = sorted({d.year for d in holidays} | {d.year for d in workdays})
    for day, name in holidays.items():
        if day.weekday() < 5:
            _upsert(day, False, _holiday_name(name))
    for day, name in workdays.items():
        if day.weekday() >= 5:
            _upsert(day, True, _holiday_name(name) + " 调休上班")
    now = clock.now()
    for year in years:
        row = db.session.get(CalendarYear, year) or CalendarYear(year=year)
        row.source, row.updated_at = "chinesecalendar", now
        db.session.add(row)
    return years


def _upsert(day, is_workday, name):
    row = db.session.get(CalendarDay, day)
    if row is not None and row.source == "admin":
        return  # an admin's correction wins over the library
    row = row or CalendarDay(day=day)
    row.is_workday, row.name, row.source = is_workday, name, "chinesecalendar"
    db.session.add(row)


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(holiday) -> str:
    english = getattr(holiday, "value", str(holiday))
    return HOLIDAY_NAMES.get(english, english)
