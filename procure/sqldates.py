"""The day in Shanghai of a UTC timestamp column, computed by the database: so that a query can compare or group by
local days (a milestone reported on time, by its due day) over many rows without reading them into Python.

Timestamps are stored as naive UTC (procure.types.UTCDateTime); Shanghai keeps no daylight saving time."""
from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class local_date(FunctionElement):  # noqa: N801  (used like a SQL function)
    """local_date(column): the date in Asia/Shanghai of a UTC timestamp."""

    type = Date()
    name = "local_date"
    inherit_cache = True


@compiles(local_date, "sqlite")
def _sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(local_date, "postgresql")
def _postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai' AS DATE)"
