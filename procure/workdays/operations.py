"""Changes to the holiday calendar by an admin: checked, changed and audited; flushed, never committed."""
from datetime import date

from flask_babel import lazy_gettext as _l

from procure import clock
from procure.audit.log import record
from procure.errors import Forbidden, GuardFailed, InvalidInput, NotFound, Reason
from procure.extensions import db
from procure.formfields import field_errors
from procure.workdays.forms import CalendarDayForm
from procure.workdays.models import CalendarDay, CalendarYear
from procure.workdays.service import sync_from_library
from procure.workdays.statutory import FIRST_YEAR, LAST_YEAR


def _admin_only(user):
    if user.role != "admin":
        raise Forbidden()


def set_day(user, formdata) -> CalendarDay:
    """Add or change one day; it is stored with source "admin", which the library sync never overwrites."""
    _admin_only(user)
    form = CalendarDayForm(formdata=formdata)
    if not form.validate():
        raise InvalidInput(field_errors(form))
    row = db.session.get(CalendarDay, form.day.data)
    before = None if row is None else {"is_workday": row.is_workday, "name": row.name, "source": row.source}
    row = row or CalendarDay(day=form.day.data)
    row.is_workday, row.name, row.source = form.kind.data == "workday", (form.name.data or "").strip(), "admin"
    db.session.add(row)
    record(None, user, "calendar_edit", comment=row.name,
           data={"day": row.day, "is_workday": row.is_workday, "name": row.name, "before": before})
    db.session.flush()
    return row


def remove_day(user, day) -> None:
    """Drop an admin's entry: the day follows the weekend rule again until the next library sync."""
    _admin_only(user)
    row = db.session.get(CalendarDay, day)
    if row is None or row.source != "admin":
        raise NotFound()
    record(None, user, "calendar_remove", comment=row.name,
           data={"day": row.day, "is_workday": row.is_workday, "name": row.name})
    db.session.delete(row)
    db.session.flush()


def resync(user) -> list[int]:
    _admin_only(user)
    years = sync_from_library()
    record(None, user, "calendar_sync", data={"years": years, "at": clock.now()})
    db.session.flush()
    return years


def confirm_year(user, year) -> CalendarYear:
    """The admin has entered the State Council's arrangement for `year` (its holidays on weekdays and its make-up
    working days): from now on the year counts only its entered days, and nothing in it is provisional."""
    _admin_only(user)
    year = _year(year)
    row = db.session.get(CalendarYear, year)
    if row is not None:
        raise GuardFailed([Reason("calendar_year_official", _l("%(year)s 年已有正式放假安排（来源：%(source)s）"),
                                  year=year, source=row.source)])
    entered = db.session.scalar(db.select(db.func.count(CalendarDay.day))
                                .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))))
    if not entered:
        # Confirming an empty year would drop its holidays by rule and count weekends only.
        raise GuardFailed([Reason("calendar_year_empty",
                                  _l("%(year)s 年尚未录入任何放假或调休日期，请先逐日录入国务院办公厅公布的安排"),
                                  year=year)])
    row = CalendarYear(year=year, source="admin", updated_at=clock.now())
    db.session.add(row)
    record(None, user, "calendar_confirm", data={"year": year, "days": entered})
    db.session.flush()
    return row


def reopen_year(user, year) -> None:
    """Withdraw an admin's confirmation: the year is counted by rule again, provisionally, with its entered days."""
    _admin_only(user)
    year = _year(year)
    row = db.session.get(CalendarYear, year)
    if row is None:
        raise GuardFailed([Reason("calendar_year_provisional", _l("%(year)s 年尚无正式放假安排，无需撤销"), year=year)])
    if row.source != "admin":
        raise GuardFailed([Reason("calendar_year_from_library",
                                  _l("%(year)s 年的安排来自 %(source)s，不能撤销；如有出入请逐日调整"),
                                  year=year, source=row.source)])
    db.session.delete(row)
    record(None, user, "calendar_reopen", data={"year": year})
    db.session.flush()


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise GuardFailed([Reason("calendar_year_out_of_range", _l("年份须在 %(first)s–%(last)s 之间"),
                                  first=FIRST_YEAR, last=LAST_YEAR)])
    return year
