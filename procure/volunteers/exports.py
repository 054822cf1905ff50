"""The community's volunteer register as CSV or XLSX: exactly the rows the register page's filters select (every
page), with the page's columns. ID numbers and phones are masked here as on the page: the file leaves the building.

The files are written by procure.public.exports from a procure.tabular.Table, as the public tables are (CSV:
UTF-8 with a BOM, Chinese headers, plain two-decimal numbers, formula-like cells quoted, streamed; XLSX: a title row
naming the community and the table, the filters, the export time in Shanghai, a bold frozen header row, number
formats and a bold totals row). Rows are built CHUNK ids at a time, the ids read as they come: one query per
chunk, never one per volunteer, and never every volunteer at once."""
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.catalogue import export as catalogue_export
from procure.extensions import db
from procure.tabular import CHUNK, Table
from procure.volunteers import roster
from procure.volunteers.models import Volunteer

FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = catalogue_export.XLSX_TYPE
TITLE = _l("志愿者名册")


def register_table(user, filters) -> Table:
    """The register of `user`'s community as a Table (ids in the page's order; rows built per chunk)."""
    query = roster.register_query(user, filters)
    ids = query.with_only_columns(Volunteer.id).order_by(*roster.register_order(filters))

    def build(chunk):
        found = {row.id: roster.register_row(row) for row in db.session.execute(query.where(Volunteer.id.in_(chunk)))}
        return [found[i] for i in chunk if i in found]

    return Table("volunteers", TITLE, roster.register_columns(filters), filters,
                 lambda: db.session.scalars(ids.execution_options(yield_per=CHUNK)), build)


def filename(community_id: int, fmt: str) -> str:
    return f"volunteers-{community_id}-{clock.today().isoformat()}.{fmt}"


def audit_data(filters, fmt: str, count: int) -> dict:
    """What the audit entry keeps of an export: the format, the filters and the number of rows. Not the search
    text, which may be a name or a phone number (no personal data in the trail)."""
    kept = {key: value for key, value in filters.items() if key != "q"}
    return {"format": fmt, "filters": kept, "searched": "q" in filters, "rows": count}
