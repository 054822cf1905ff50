"""Column types: money as integer fen exposed as Decimal yuan; timestamps stored as UTC."""
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


def to_yuan(value) -> Decimal:
    """Parse a money value (str/int/Decimal) to Decimal yuan with 2 places; floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class Fixed2(TypeDecorator):
    """A Decimal with two places, stored as integer hundredths (money: fen) so no engine rounds it."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(to_yuan(value) * 100)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(CENT)


Money = Fixed2


class UTCDateTime(TypeDecorator):
    """Aware datetimes in Python, naive UTC in the database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use procure.clock.now()")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def sql_in(values) -> str:
    """A literal SQL list for CHECK constraints: ('a', 'b') → 'a', 'b'. Enum members give their value."""
    return ", ".join(f"'{getattr(v, 'value', v)}'" for v in values)
