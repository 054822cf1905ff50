"""The catalogue as an XLSX workbook: one sheet, Chinese headers, a subtotal per top-level category and
a grand total, amounts as numbers."""
from io import BytesIO

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from procure.catalogue.operations import grouped
from procure.funding import FUNDING_FORM_LABELS

HEADERS = ["序号", "类别代码", "类别名称", "采购品目", "项目编号", "项目名称", "申报社区", "资金支持形式", "预算金额（元）"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = [6, 10, 20, 10, 16, 36, 20, 14, 16]
AMOUNT_FORMAT = "#,##0.00"


def title(catalogue) -> str:
    return f"{current_app.config['CITY_NAME']} {catalogue.year} 年度政府购买服务目录"


def workbook_bytes(catalogue) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{catalogue.year}年度目录"
    columns = len(HEADERS)
    sheet.append([title(catalogue)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet["A1"].font, sheet["A1"].alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    sheet.append([f"版本 {catalogue.version}"])
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A4"
    data = grouped(catalogue)
    number = 0
    for group in data["groups"]:
        for item in group["items"]:
            number += 1
            category = data["categories"][item.category_code]
            sheet.append([number, category.code, category.name, category.procurement_item_code or "",
                          item.project.code, item.project.title, item.project.community.name,
                          str(FUNDING_FORM_LABELS[item.project.funding_form]), item.budget])
            sheet.cell(sheet.max_row, columns).number_format = AMOUNT_FORMAT
        sheet.append([None, group["category"].code, f"{group['category'].name} 小计"] + [None] * (columns - 4)
                     + [group["subtotal"]])
        _bold_amount(sheet, columns)
    sheet.append([None, None, "合计"] + [None] * (columns - 4) + [data["total"]])
    _bold_amount(sheet, columns)
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _bold_amount(sheet, columns):
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.cell(sheet.max_row, columns).number_format = AMOUNT_FORMAT


def filename(catalogue) -> str:
    return f"catalogue-{catalogue.year}-v{catalogue.version}.xlsx"
