"""Tables of rows with typed columns and their totals: one definition read by a page (a page of rows with the
totals of all), its CSV and its XLSX. The public portal's tables and the volunteer register are built on it."""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Callable, Iterable, Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from procure.projects.labels import GRADE_LABELS

CHUNK = 500
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
KINDS = ("text", "amount", "date", "integer", "percent", "number")


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy msgid (Chinese)
    kind: str = "text"
    total: str | None = None  # "sum" (amounts), "mean" (scores) or "count_by" (how many rows show each value)
    width: int = 14

    def __post_init__(self):
        assert self.kind in KINDS and self.total in (None, "sum", "mean", "count_by")


class Totals:
    """The totals of a table's amount columns (sums), score columns (averages) and grade columns (a count per
    value), and the number of rows."""

    def __init__(self, columns):
        self.columns = columns
        self.count = 0
        self._sums = {c.key: ZERO for c in columns if c.total in ("sum", "mean")}
        self._seen = {c.key: 0 for c in columns if c.total == "mean"}
        self._counts = {c.key: {} for c in columns if c.total == "count_by"}
        self._means = {}  # means the database worked out (counted)

    @classmethod
    def counted(cls, columns, count: int, values: dict) -> "Totals":
        """Totals the database worked out over every matching row: `values` holds each column's sum, its mean (or
        None) and, for a count_by column, {value: rows}."""
        totals = cls(columns)
        totals.count = count
        for column in columns:
            if column.total == "sum":
                totals._sums[column.key] = values.get(column.key) or ZERO
            elif column.total == "mean":
                totals._means[column.key] = values.get(column.key)
            elif column.total == "count_by":
                totals._counts[column.key] = dict(values.get(column.key) or {})
        return totals

    def add(self, row: dict):
        self.count += 1
        for column in self.columns:
            value = row.get(column.key)
            if value is None or column.total is None:
                continue
            if column.total == "count_by":
                self._counts[column.key][value] = self._counts[column.key].get(value, 0) + 1
                continue
            self._sums[column.key] += value
            if column.total == "mean":
                self._seen[column.key] += 1

    def value(self, column):
        if column.total == "sum":
            return self._sums[column.key]
        if column.total == "mean":
            if column.key in self._means:
                value = self._means[column.key]
                return value.quantize(CENT, ROUND_HALF_UP) if value is not None else None
            seen = self._seen[column.key]
            return (self._sums[column.key] / seen).quantize(CENT, ROUND_HALF_UP) if seen else None
        if column.total == "count_by":
            counts = self._counts[column.key]
            order = [str(label) for label in GRADE_LABELS.values()] if column.key == "grade" else sorted(counts)
            return "；".join(f"{label} {counts.get(label, 0)}" for label in order)
        return None

    def cells(self) -> list:
        """The totals row, column by column: the label in the first column that has no total."""
        cells = [self.value(column) for column in self.columns]
        for index, column in enumerate(self.columns):
            if column.total is None:
                cells[index] = _("合计（共 %(count)s 条）", count=self.count)
                break
        return cells

    def by_key(self) -> dict:
        return {column.key: cell for column, cell in zip(self.columns, self.cells())}


@dataclass
class Table:
    name: str
    title: object
    columns: list
    filters: dict
    ids: Callable[[], Iterable]  # the ids of the rows, in order (read as they come, never all at once)
    build: Callable[[list], list]  # rows (dicts keyed by column key) for a chunk of ids, in the same order
    sheets: list = field(default_factory=list)  # further tables the XLSX carries as more sheets
    # A page without reading every row: (number of rows, totals by column key) worked out by the database, and the
    # ids of one slice (offset, limit). Without them a page walks every row.
    summary: Callable[[], tuple[int, dict]] | None = None
    window: Callable[[int, int], list] | None = None
    # Pages by keyset (procure.paging) instead: the order (its columns descending, the id last) and the SELECT of
    # the matching rows (from the order's table; its columns are chosen here). With `summary`: page 2,000 costs
    # what the first does.
    order: object = None
    listing: object = None

    def rows(self, ids=None) -> Iterator[dict]:
        source = iter(self.ids() if ids is None else ids)
        while chunk := list(islice(source, CHUNK)):
            yield from self.build(chunk)

    def walk(self, keep=lambda index: False) -> tuple[list, Totals, int]:
        """(the rows whose index `keep` accepts, the totals of all rows, the number of rows)."""
        totals, kept = Totals(self.columns), []
        for index, row in enumerate(self.rows()):
            totals.add(row)
            if keep(index):
                kept.append(row)
        return kept, totals, totals.count

    def keyset_page(self, where, per_page: int) -> dict:
        """The page at `where` (a procure.paging.Position) with the totals of all matching rows; "nav" is the
        procure.paging.Page the pager links from."""
        from procure.paging import Fetch, page_of

        count, values = self.summary()
        key = self.order.columns[-1]
        fetch = Fetch(lambda: [self.listing], lambda ids: select(*self.order.columns).where(key.in_(ids)))
        nav = page_of(fetch, self.order, where, per_page, count)
        rows = self.build([getattr(row, key.key) for row in nav.rows]) if nav.rows else []
        return {"rows": rows, "totals": Totals.counted(self.columns, count, values), "count": count,
                "page": nav.page, "pages": nav.pages, "nav": nav}

    def page(self, number: int | None, per_page: int) -> dict:
        """One page of rows (number 1…), with the totals of all matching rows."""
        if self.summary is not None and self.window is not None:
            count, values = self.summary()
            pages = max(1, -(-count // per_page))
            number = min(number or 1, pages)
            rows = self.build(self.window((number - 1) * per_page, per_page))
            return {"rows": rows, "totals": Totals.counted(self.columns, count, values), "count": count,
                    "page": number, "pages": pages}
        ids = list(self.ids())
        pages = max(1, -(-len(ids) // per_page))
        number = min(number or 1, pages)
        first = (number - 1) * per_page
        totals, kept = Totals(self.columns), []
        for index, row in enumerate(self.rows(ids)):
            totals.add(row)
            if first <= index < first + per_page:
                kept.append(row)
        return {"rows": kept, "totals": totals, "count": len(ids), "page": number, "pages": pages}


def text(column, value) -> str:
    """A cell as the page shows it."""
    if value is None:
        return ""
    if column.kind == "amount":
        return f"{value:,.2f}"
    if column.kind == "number":
        return f"{value:.2f}"
    if column.kind == "date":
        return value.isoformat()
    return str(value)


def plain(column, value) -> str:
    """A cell as the CSV carries it: amounts and scores as plain numbers with two decimals."""
    if value is None:
        return ""
    if column.kind in ("amount", "number") and isinstance(value, Decimal):
        return f"{value:.2f}"
    if column.kind == "date" and isinstance(value, date):
        return value.isoformat()
    return str(value)
