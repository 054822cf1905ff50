"""Working-day arithmetic over the holiday calendar. A year with official data (the chinesecalendar library, or an
arrangement an admin confirmed) counts its entered days; any other year counts the statutory holidays by rule
(procure.workdays.statutory), marked provisional, plus whatever an admin has entered for it so far."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app

from procure import clock
from procure.extensions import db
from procure.workdays.models import CalendarDay, CalendarYear
from procure.workdays.statutory import holidays_by_rule


@dataclass(frozen=True)
class ProvisionalHoliday:
    """A weekday a period skips only because the rule says so: the year's official arrangement is not in yet."""

    day: date
    name: str

    def as_dict(self) -> dict:
        return {"day": self.day.isoformat(), "name": self.name}


@dataclass(frozen=True)
class Period:
    """A period counted in working days: its last day, and the provisional holidays that counting skipped."""

    ends_on: date
    provisional: tuple[ProvisionalHoliday, ...] = ()


class Calendar:
    """A snapshot of the calendar table, loaded once per use (a period spans a few weeks)."""

    def __init__(self):
        # Two columns, not ORM objects: a few thousand rows are read on every working-day count.
        self.overrides = dict(db.session.execute(db.select(CalendarDay.day, CalendarDay.is_workday)).all())
        self.known_years = set(db.session.scalars(db.select(CalendarYear.year)))
        self.warned = set()

    def provisional_holidays(self, year: int) -> dict[date, str]:
        """The statutory holidays by rule of a year without official data; {} for a year that has it."""
        return {} if year in self.known_years else holidays_by_rule(year)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year not in self.known_years:
            self.unofficial_year(day.year)
            if day in holidays_by_rule(day.year):
                return False
        return day.weekday() < 5

    def unofficial_year(self, year: int) -> None:
        """Told once per snapshot of each year counted without official data."""
        if year not in self.warned:
            self.warned.add(year)
            current_app.logger.warning("holiday calendar has no official data for %s; counting its statutory "
                                       "holidays by rule, provisionally, without make-up working days", year)

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

    def period(self, start: date | None, days: int) -> Period | None:
        """The period of `days` working days after `start`, or None before it starts."""
        if start is None:
            return None
        ends_on = self.add(start, days)
        return Period(ends_on, tuple(self.provisional_between(start, ends_on)))

    def provisional_between(self, start: date | None, end: date | None) -> list[ProvisionalHoliday]:
        """The provisional holidays a period from `start` (not counted) to `end` skipped: weekdays off by rule only,
        with no admin entry. When the official arrangement arrives the period may end on another day."""
        if start is None or end is None:
            return []
        found, day = [], start
        while day < end:
            day += timedelta(days=1)
            name = self.provisional_holidays(day.year).get(day)
            if name and day not in self.overrides and day.weekday() < 5:
                found.append(ProvisionalHoliday(day, name))
        return found


def missing_years(years) -> list[int]:
    """Years among `years` that the calendar holds no official holiday data for (shown to admins)."""
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
