"""Working-day arithmetic on the holiday calendar: statutory holidays, make-up working days (调休),
weekends, years the library does not know, and admin corrections that the library sync keeps."""
import logging
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from procure.errors import Forbidden
from procure.extensions import db
from procure.workdays import operations
from procure.workdays.models import CalendarDay, CalendarYear
from procure.workdays.service import Calendar, missing_years, sync_from_library

from calendar_state import restore_calendar  # noqa: F401  (a fixture)


def d(text):
    return date.fromisoformat(text)


@pytest.mark.parametrize("day,working", [
    ("2026-09-20", True),    # Sunday, make-up working day for National Day
    ("2026-09-25", False),   # Friday, Mid-autumn Festival
    ("2026-09-30", True),
    *[(f"2026-10-0{n}", False) for n in range(1, 8)],  # National Day, 1–7 October
    ("2026-10-08", True),
    ("2026-10-10", True),    # Saturday, make-up working day
    ("2026-10-11", False),   # Sunday
    ("2026-02-14", True),    # Saturday before the Spring Festival, make-up working day
    ("2026-02-16", False),   # Monday in the Spring Festival
    ("2026-03-07", False),   # a plain Saturday
    ("2026-03-09", True),    # a plain Monday
])
def test_holidays_and_make_up_days_of_2026(day, working):
    assert Calendar().is_workday(d(day)) is working


@pytest.mark.parametrize("start,days,end", [
    ("2026-03-02", 0, "2026-03-02"),
    ("2026-03-02", 1, "2026-03-03"),
    ("2026-03-06", 1, "2026-03-09"),   # Friday + 1 → Monday
    ("2026-03-07", 1, "2026-03-09"),   # from a Saturday
    ("2026-03-02", 5, "2026-03-09"),
    ("2026-03-02", 10, "2026-03-16"),
    ("2026-09-30", 1, "2026-10-08"),   # across the whole National Day holiday
    ("2026-09-30", 3, "2026-10-10"),   # the make-up Saturday counts
    ("2026-09-30", 5, "2026-10-13"),
    ("2026-09-24", 1, "2026-09-28"),   # Mid-autumn Friday and the weekend
    ("2026-09-19", 1, "2026-09-20"),   # the make-up Sunday
    ("2026-02-13", 1, "2026-02-14"),
    ("2026-02-13", 2, "2026-02-24"),   # across the Spring Festival
    ("2026-12-31", 1, "2027-01-04"),   # into a year the library does not know: New Year (a Friday) by rule,
                                       # provisionally, until an admin or a library update brings the arrangement
])
def test_add_counts_working_days(start, days, end):
    assert Calendar().add(d(start), days) == d(end)


def test_period_over_only_after_its_last_working_day():
    calendar = Calendar()
    last = calendar.add(d("2026-09-30"), 5)
    assert last == d("2026-10-13")
    assert not calendar.period_over(d("2026-09-30"), 5, today=d("2026-10-07"))
    assert not calendar.period_over(d("2026-09-30"), 5, today=last)
    assert calendar.period_over(d("2026-09-30"), 5, today=d("2026-10-14"))
    # The same 5 working days in a plain week end a week earlier.
    assert calendar.period_over(d("2026-03-02"), 5, today=d("2026-03-10"))


def test_period_over_reads_the_app_clock(clock):
    from datetime import datetime, timezone

    clock.moment = datetime(2026, 3, 9, 15, 59, tzinfo=timezone.utc)  # 23:59 on Monday 9 March in Shanghai
    assert not Calendar().period_over(d("2026-03-02"), 5)
    clock.advance(hours=0.02)  # just past midnight in Shanghai
    assert Calendar().period_over(d("2026-03-02"), 5)


def test_a_year_the_library_does_not_cover_counts_its_holidays_by_rule_and_warns(caplog):
    assert 2030 in missing_years([2026, 2030]) and 2026 not in missing_years([2026, 2030])
    with caplog.at_level(logging.WARNING):
        end = Calendar().add(d("2030-09-30"), 5)
    # National Day by rule is 1–3 October (Tue–Thu); no make-up days are guessed, so Friday 4 October works.
    assert end == d("2030-10-10")
    assert any("2030" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert not Calendar().period_over(d("2030-09-30"), 5, today=d("2030-10-10"))
    assert Calendar().period_over(d("2030-09-30"), 5, today=d("2030-10-11"))
    assert not Calendar().is_workday(d("2030-10-01")) and Calendar().is_workday(d("2030-10-04"))
    assert not Calendar().is_workday(d("2030-10-05"))


def test_known_years_do_not_warn(caplog):
    with caplog.at_level(logging.WARNING):
        Calendar().add(d("2026-09-30"), 5)
    assert not [r for r in caplog.records if "holiday calendar" in r.getMessage()]


def test_sync_loads_names_and_years(restore_calendar):
    years = sync_from_library()
    db.session.commit()
    assert 2026 in years and 2030 not in years
    assert db.session.get(CalendarDay, d("2026-10-01")).name == "国庆节"
    assert db.session.get(CalendarDay, d("2026-09-25")).name == "中秋节"
    made_up = db.session.get(CalendarDay, d("2026-10-10"))
    assert made_up.is_workday and "调休" in made_up.name and made_up.source == "chinesecalendar"
    # Weekend holidays and weekday working days follow the weekend rule and need no row.
    assert db.session.get(CalendarDay, d("2026-10-03")) is None
    assert db.session.get(CalendarYear, 2026).source == "chinesecalendar"


def test_admin_overrides_win_and_survive_the_library_sync(restore_calendar, world):
    admin = world["admin"]
    # A holiday the State Council announced late, on a plain Wednesday.
    operations.set_day(admin, MultiDict({"day": "2026-03-04", "kind": "holiday", "name": "临时调整"}))
    # A library holiday made a working day, and a library working day made a holiday.
    operations.set_day(admin, MultiDict({"day": "2026-10-05", "kind": "workday", "name": "本市调整"}))
    operations.set_day(admin, MultiDict({"day": "2026-10-10", "kind": "holiday", "name": "本市调整"}))
    db.session.commit()

    def check():
        calendar = Calendar()
        assert calendar.add(d("2026-03-02"), 2) == d("2026-03-05")
        assert calendar.is_workday(d("2026-10-05")) and not calendar.is_workday(d("2026-10-10"))
        assert calendar.add(d("2026-09-30"), 1) == d("2026-10-05")
        for day in ("2026-03-04", "2026-10-05", "2026-10-10"):
            assert db.session.get(CalendarDay, d(day)).source == "admin"

    check()
    operations.resync(admin)
    db.session.commit()
    db.session.expire_all()
    check()
    assert db.session.get(CalendarDay, d("2026-10-06")).source == "chinesecalendar"


def test_removing_an_override_restores_the_weekend_rule_and_the_next_sync_the_holiday(restore_calendar, world):
    admin = world["admin"]
    operations.set_day(admin, MultiDict({"day": "2026-10-05", "kind": "workday", "name": "本市调整"}))
    db.session.commit()
    operations.remove_day(admin, d("2026-10-05"))
    db.session.commit()
    assert Calendar().is_workday(d("2026-10-05"))  # a Monday, by the weekend rule, until the next sync
    operations.resync(admin)
    db.session.commit()
    assert not Calendar().is_workday(d("2026-10-05"))


def test_only_admins_edit_the_calendar(restore_calendar, world):
    for username in ("bureau", "reviewer", "community"):
        with pytest.raises(Forbidden):
            operations.set_day(world[username], MultiDict({"day": "2026-03-04", "kind": "holiday"}))
        with pytest.raises(Forbidden):
            operations.resync(world[username])
    assert db.session.get(CalendarDay, d("2026-03-04")) is None


def test_a_notice_ends_later_when_an_admin_adds_a_holiday(restore_calendar, journey, api, clock, world):
    """The guards read the calendar as it is now: an admin's correction moves the end of a running notice."""
    project = journey.drive(journey.create(), "notice")  # published Monday 2 March, ends Monday 9 March
    operations.set_day(world["admin"], MultiDict({"day": "2026-03-04", "kind": "holiday", "name": "临时调整"}))
    db.session.commit()
    clock.advance(days=8)  # Tuesday 10 March: past the old end, not the new one
    response = api.as_("community").fire(project, "submit")
    assert response.status_code == 422
    assert "2026-03-10" in response.get_json()["reasons"][0]["message"]
    clock.advance(days=1)
    assert api.as_("community").fire(project, "submit").status_code == 200
