"""Changes to the holiday calendar by an admin: checked, changed and audited; flushed, never committed."""
from procure import clock
from procure.audit.log import record
from procure.errors import Forbidden, InvalidInput, NotFound
from procure.extensions import db
from procure.formfields import field_errors
from procure.workdays.forms import CalendarDayForm
from procure.workdays.models import CalendarDay
from procure.workdays.service import sync_from_library


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
