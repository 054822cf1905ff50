"""Plain JSON values: Decimal money as a "0.00" string, dates and times as ISO 8601 (UTC)."""
from datetime import date, datetime
from decimal import Decimal


def plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
