"""The calendar tables are shared reference data (kept between tests): a fixture for tests that change them."""
from datetime import date

import pytest

from procure.extensions import db
from procure.workdays.models import CalendarDay, CalendarYear
from procure.workdays.service import sync_from_library


@pytest.fixture
def restore_calendar():
    """Put the calendar back as the library (1.11, up to 2026) has it: no admin entries, nothing after 2026."""
    yield
    db.session.rollback()
    db.session.execute(db.delete(CalendarDay).where(db.or_(CalendarDay.source == "admin",
                                                           CalendarDay.day >= date(2027, 1, 1))))
    db.session.execute(db.delete(CalendarYear).where(CalendarYear.year >= 2027))
    sync_from_library()
    db.session.commit()
