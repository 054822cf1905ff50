"""Public tables (contracts and payments, evaluation results) and the CSV/XLSX exports of the public tables.

`/public/exports/<table>.<fmt>`: table ∈ projects, catalogue, contracts, payments, evaluations, and the registers
communities, providers, evaluators; fmt ∈ csv, xlsx. Filters come from the query string, read as the pages read
them (procure.public.listing.public_filters; a register's own filters, procure.public.registers), so an export
carries the rows and the totals of its page. Payments are their own table (`payments`) and the second
sheet of the contracts workbook; the contracts CSV carries contracts only (a CSV holds one table).

CSV: UTF-8 with a BOM, Chinese headers, amounts as plain numbers with two decimals, cells a spreadsheet would
read as formulas quoted, streamed. XLSX (openpyxl write-only sheets streamed as written: procure.xlsx_stream): a
title row naming the table, a row with the filters applied and one with the export time (Shanghai), bold Chinese headers in a frozen
row, amounts as numbers formatted #,##0.00, dates as dates, and a bold totals row."""
import csv
import io
from urllib.parse import quote

from flask import Response, abort, current_app, render_template, request, stream_with_context
from flask_babel import force_locale, gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from procure import clock, disclosure, tabular
from procure.catalogue import export as catalogue_export
from procure.catalogue.models import Catalogue
from procure.extensions import db
from procure.paging import position
from procure.projects.labels import COMMUNITY_CLASS_LABELS
from procure.projects.listing import bounded_int, csv_amount, csv_cell
from procure.public import bp, registers, tables
from procure.public.listing import public_filters
from procure.xlsx_stream import StreamedWorkbook

FORMATS = ("csv", "xlsx")
EXPORTS = ("projects", "catalogue", "contracts", "payments", "evaluations", *registers.TABLES)
AMOUNT_FORMAT = "#,##0.00"
NUMBER_FORMATS = {"amount": AMOUNT_FORMAT, "number": "0.00", "date": "yyyy-mm-dd", "integer": "0",
                  "percent": "0"}  # the header says （%）
HEADER_ROW = 4  # title, filters, export time, then the headers


def _years() -> list[int]:
    this_year = clock.today().year
    return list(range(this_year + 1, this_year - 6, -1))


# ---- pages ---------------------------------------------------------------------------------------------------

@bp.get("/public/contracts")
def contracts():
    filters = public_filters(request.args)
    per_page = current_app.config["PER_PAGE"]
    contract_table = tables.contracts_table(filters)
    payment_table = contract_table.sheets[0]
    shown = contract_table.keyset_page(position(request.args, contract_table.order), per_page)
    paid = payment_table.keyset_page(position(request.args, payment_table.order, PAYMENTS), per_page)
    # Each list's pager keeps where the other one is.
    return render_template("public/contracts.html", filters=filters, contract_table=contract_table,
                           contracts=shown, payment_table=payment_table, payments=paid, years=_years(),
                           contract_args=dict(filters, **_kept_position(PAYMENTS)),
                           payment_args=dict(filters, **_kept_position("")),
                           class_labels=COMMUNITY_CLASS_LABELS, text=tabular.text)


PAYMENTS = "payments_"  # the prefix of the payments list's position on the contracts page


def _kept_position(prefix) -> dict:
    return {key: request.args[key] for key in (f"{prefix}after", f"{prefix}before", f"{prefix}page")
            if request.args.get(key)}


@bp.get("/public/evaluations")
def evaluations():
    filters = public_filters(request.args)
    table = tables.evaluations_table(filters)
    shown = table.keyset_page(position(request.args, table.order), current_app.config["PER_PAGE"])
    return render_template("public/evaluations.html", filters=filters, table=table, shown=shown, years=_years(),
                           class_labels=COMMUNITY_CLASS_LABELS, text=tabular.text)


# ---- exports -------------------------------------------------------------------------------------------------

@bp.get("/public/exports/<table>.<fmt>")
def export(table, fmt):
    if table not in EXPORTS or fmt not in FORMATS:
        abort(404)
    stamp = clock.today().isoformat()
    if table == "catalogue":
        catalogue = _public_catalogue()
        name = f"catalogue-{catalogue.year}-{stamp}.{fmt}"
        if fmt == "xlsx":
            return download(stream_with_context(catalogue_export.workbook_stream(catalogue.id)),
                            catalogue_export.XLSX_TYPE, name)
        return download(stream_with_context(_catalogue_csv(catalogue.id)), "text/csv; charset=utf-8", name)
    if table in registers.TABLES:
        read_filters, make = registers.TABLES[table]
        definition = make(read_filters(request.args))
    else:
        definition = tables.TABLES[table](public_filters(request.args))
    name = f"{table}-{stamp}.{fmt}"
    if fmt == "csv":
        return download(stream_with_context(csv_lines(definition)), "text/csv; charset=utf-8", name)
    return download(stream_with_context(workbook_stream(definition, current_app.config["CITY_NAME"],
                                                        tables.describe)), catalogue_export.XLSX_TYPE, name)


def download(body, mimetype, name) -> Response:
    disposition = f"attachment; filename={name}; filename*=UTF-8''{quote(name)}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


def _public_catalogue() -> Catalogue:
    """The published or in-force catalogue of `?year=` (this year by default); 404 for any other."""
    raw = request.args.get("year")
    year = bounded_int(raw, 2000, 2100) if raw else clock.today().year
    catalogue = db.session.scalar(db.select(Catalogue).where(
        Catalogue.year == year, Catalogue.state.in_(disclosure.PUBLIC_CATALOGUE_STATES))) if year else None
    if catalogue is None:
        abort(404)
    return catalogue


class _Lines:
    """A CSV writer that hands back what it wrote every so often, so that a long table streams."""

    def __init__(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.buffer.write("\ufeff")  # a BOM, so that spreadsheet programs read the file as UTF-8

    def row(self, cells):
        self.writer.writerow([csv_cell(cell) for cell in cells])

    def take(self, at_least=64_000) -> str | None:
        if self.buffer.tell() < at_least:
            return None
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def csv_lines(table):
    """The CSV of a Table, streamed chunk by chunk: the headers, the rows, the totals."""
    lines = _Lines()
    with force_locale("zh_Hans_CN"):
        lines.row([str(column.header) for column in table.columns])
        yield lines.take(0)  # the first bytes leave before the first row is read
        totals = tabular.Totals(table.columns)
        for row in table.rows():
            totals.add(row)
            lines.row([tabular.plain(column, row.get(column.key)) for column in table.columns])
            chunk = lines.take()
            if chunk:
                yield chunk
        lines.row([tabular.plain(column, cell) for column, cell in zip(table.columns, totals.cells())])
    yield lines.take(0)


def _catalogue_csv(catalogue_id):
    """The rows of the catalogue workbook (procure.catalogue.export), subtotals and total included, streamed.

    It runs after the view has returned, in a new database session: it loads the catalogue itself
    rather than use one loaded by the view, which is detached by then."""
    catalogue = db.session.get(Catalogue, catalogue_id)
    lines = _Lines()
    with force_locale("zh_Hans_CN"):
        lines.row(catalogue_export.HEADERS)
        yield lines.take(0)
        for kind, *row in catalogue_export.catalogue_rows(catalogue):
            if kind == "item":
                lines.row(row[0][:-1] + [csv_amount(row[0][-1])])
            elif kind == "subtotal":
                category, budget = row
                lines.row(["", category.code, f"{category.name} 小计", "", "", "", "", "", csv_amount(budget)])
            else:
                lines.row(["", "", "合计", "", "", "", "", "", csv_amount(row[0])])
            chunk = lines.take()
            if chunk:
                yield chunk
    yield lines.take(0)


def workbook_stream(table, owner: str, describe):
    """The XLSX of a Table and its extra sheets, sent as it is written (procure.xlsx_stream): each sheet titled
    "<owner> <table title>", with the filters in words (`describe(filters)`), the export time, bold headers and a
    totals row. The first bytes leave before the first row is read."""
    book = StreamedWorkbook()
    with force_locale("zh_Hans_CN"):
        for sheet_table in [table, *table.sheets]:
            for _written in _sheet(book, sheet_table, owner, describe):
                chunk = book.take()
                if chunk:
                    yield chunk
    yield book.finish()


def _sheet(book, table, owner, describe):
    """Write one table's sheet; yields now and then, so that the caller hands over what is written."""
    sheet = book.sheet(str(table.title)[:31])
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    for index, column in enumerate(table.columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    book.append([_styled(sheet, f"{owner} {table.title}", Font(bold=True, size=14))])
    book.append([_("筛选条件：%(filters)s", filters="；".join(describe(table.filters)) or _("无"))])
    moment = clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")
    book.append([_("导出时间：%(moment)s（北京时间）", moment=moment)])
    book.append([_styled(sheet, str(column.header), bold) for column in table.columns])
    yield
    totals = tabular.Totals(table.columns)
    for index, row in enumerate(table.rows(), 1):
        totals.add(row)
        book.append([_cell(sheet, column, row.get(column.key)) for column in table.columns])
        if index % tabular.CHUNK == 0:
            yield
    book.append([_cell(sheet, column, cell, bold) for column, cell in zip(table.columns, totals.cells())])
    yield


def _styled(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _cell(sheet, column, value, font=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    elif value is not None and column.kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[column.kind]
    if font is not None:
        cell.font = font
    return cell
