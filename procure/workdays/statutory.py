"""The statutory holidays of any year by rule (全国年节及纪念日放假办法 as amended in 2024), for years the State
Council's arrangement has not reached the calendar yet. Only the holidays themselves: which weekends become
working days (调休) is decided year by year and is never guessed, so these days are provisional."""
from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar

# The 2024 amendment took effect in 2025 (春节 from 除夕, 劳动节 2 days); 2100 is as far as the admin pages go.
FIRST_YEAR, LAST_YEAR = 2025, 2100


@lru_cache(maxsize=64)
def holidays_by_rule(year: int) -> dict[date, str]:
    """Day → holiday name, the 13 days of the 2024 rule: 元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1,
    国庆 3. A day that two holidays share (中秋 on 1–3 October) carries both names and counts once. Empty outside
    FIRST_YEAR–LAST_YEAR."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return {}
    days: dict[date, str] = {}

    def add(day, name):
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(date(year, 1, 1), "元旦")
    new_year = _solar(Lunar.fromYmd(year, 1, 1))
    for offset in range(-1, 3):  # 除夕 is the eve of the first lunar day, the 29th or the 30th of the 12th month
        add(new_year + timedelta(days=offset), "春节")
    # 清明 is the solar term (4 or 5 April), which the lunar year starting that spring lists.
    add(_solar(Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]), "清明节")
    add(date(year, 5, 1), "劳动节")
    add(date(year, 5, 2), "劳动节")
    add(_solar(Lunar.fromYmd(year, 5, 5)), "端午节")
    add(_solar(Lunar.fromYmd(year, 8, 15)), "中秋节")
    for day in (1, 2, 3):
        add(date(year, 10, day), "国庆节")
    return dict(sorted(days.items()))


def _solar(value) -> date:
    solar = value.getSolar() if hasattr(value, "getSolar") else value
    return date(solar.getYear(), solar.getMonth(), solar.getDay())
