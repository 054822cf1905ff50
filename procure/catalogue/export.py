"""The catalogue as an XLSX workbook: one sheet, Chinese headers, a subtotal per top-level category and
a grand total, amounts as numbers. Written and sent row by row (procure.xlsx_stream): a catalogue of any size
starts downloading at once and never sits in memory whole; the CSV export reads the same rows (catalogue_rows)."""
from itertools import groupby

from flask import current_app
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from procure.catalogue.models import Catalogue, Category
from procure.catalogue.operations import listed
from procure.extensions import db
from procure.funding import FUNDING_FORM_LABELS
from procure.xlsx_stream import StreamedWorkbook

HEADERS = ["序号", "类别代码", "类别名称", "采购品目", "项目编号", "项目名称", "申报社区", "资金支持形式", "预算金额（元）"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = [6, 10, 20, 10, 16, 36, 20, 14, 16]
AMOUNT_FORMAT = "#,##0.00"
BATCH = 500  # rows between two hand-overs of the written bytes


def title(catalogue) -> str:
    return f"{current_app.config['CITY_NAME']} {catalogue.year} 年度政府购买服务目录"


def catalogue_rows(catalogue):
    """The catalogue's rows in its order, read a batch at a time: ("item", [the nine cells]) for each item,
    ("subtotal", top-level category, its budget) after each category's last item, ("total", budget) at the end."""
    categories = {c.code: c for c in db.session.scalars(db.select(Category))}
    groups = {group.category_code: group for group in catalogue.groups}
    number = 0
    for code, items in groupby(listed(catalogue), key=lambda item: item.category_code[:1]):
        for item in items:
            number += 1
            category = categories[item.category_code]
            yield "item", [number, category.code, category.name, category.procurement_item_code or "",
                           item.project.code, item.project.title, item.project.community.name,
                           str(FUNDING_FORM_LABELS[item.project.funding_form]), item.budget]
        yield "subtotal", categories[code], groups[code].budget
    yield "total", catalogue.budget_total


def workbook_stream(catalogue_id: int):
    """The XLSX, as it is written. It loads the catalogue itself: it runs after the view has returned."""
    catalogue = db.session.get(Catalogue, catalogue_id)
    book = StreamedWorkbook()
    sheet = book.sheet(f"{catalogue.year}年度目录")
    columns = len(HEADERS)
    sheet.freeze_panes = "A4"
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=columns, max_row=1))
    heading = _cell(sheet, title(catalogue), Font(bold=True, size=14))
    heading.alignment = Alignment(horizontal="center")
    book.append([heading])
    book.append([f"版本 {catalogue.version}"])
    book.append([_cell(sheet, header, Font(bold=True)) for header in HEADERS])
    yield book.take()
    written = 0
    for kind, *row in catalogue_rows(catalogue):
        if kind == "item":
            cells = row[0]
            book.append(cells[:-1] + [_cell(sheet, cells[-1], number_format=AMOUNT_FORMAT)])
        elif kind == "subtotal":
            category, budget = row
            book.append(_bold_row(sheet, [None, category.code, f"{category.name} 小计"] + [None] * (columns - 4),
                                  budget))
        else:
            book.append(_bold_row(sheet, [None, None, "合计"] + [None] * (columns - 4), row[0]))
        written += 1
        if written % BATCH == 0:
            yield book.take()
    yield book.finish()


def _cell(sheet, value, font=None, number_format=None):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _bold_row(sheet, cells, amount) -> list:
    bold = Font(bold=True)
    return [_cell(sheet, value, bold) for value in cells] + [_cell(sheet, amount, bold, AMOUNT_FORMAT)]


def filename(catalogue) -> str:
    return f"catalogue-{catalogue.year}-v{catalogue.version}.xlsx"
