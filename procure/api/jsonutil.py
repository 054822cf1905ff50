"""Plain JSON values: Decimal money as a "0.00" string, dates and times as ISO 8601 (UTC); the page asked for."""
from datetime import date, datetime
from decimal import Decimal

from flask import request

from procure.errors import InvalidInput


def page_number() -> int:
    """The `page` of the query string (1 when absent); anything but a positive integer is a 400."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 1_000_000:  # "²".isdigit() too
        raise InvalidInput({"page": ["page must be a positive integer / 页码须为正整数"]})
    return int(raw)


def plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
