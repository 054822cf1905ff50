"""The application's clock: all periods and deadlines read time here, so tests can move it."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """Current time, timezone-aware UTC. `app.config["CLOCK"]` (a callable) overrides it."""
    override = current_app.config.get("CLOCK") if has_app_context() else None
    return override() if override else datetime.now(timezone.utc)


def today() -> date:
    """Today's date in Asia/Shanghai, the date periods are counted in."""
    return local(now()).date()


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(SHANGHAI)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """1 January of `year` and of the next, midnight in Shanghai, as UTC: a year as people count it."""
    return tuple(datetime(y, 1, 1, tzinfo=SHANGHAI).astimezone(timezone.utc) for y in (year, year + 1))


def utc_iso(moment: datetime) -> str:
    """2026-03-02T02:00:00Z: RFC 3339 in UTC, seconds precision (open data and feeds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class ManualClock:
    """A clock that moves only when told: install with `app.config["CLOCK"] = ManualClock(start)`."""

    def __init__(self, start: datetime):
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, days: float = 0, hours: float = 0):
        from datetime import timedelta

        self.moment += timedelta(days=days, hours=hours)


def add_years(start: date, years: int) -> date:
    if start.year + years > date.max.year:
        return date.max
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)
