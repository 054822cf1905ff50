"""The public tables (contracts and payments, evaluation results) and the CSV/XLSX exports of the public
portal: a resident downloads what the page shows, with the same totals, Chinese headers and amounts that a
spreadsheet adds up; nothing unpublished gets in."""
import csv
import io
import re
from datetime import datetime
from decimal import Decimal
from html import unescape
from types import SimpleNamespace

import openpyxl
import pytest

from procure.clock import today
from procure.demo.journey import GRADE_INPUTS, Cast, Journey
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.payments.operations import record_payment
from procure.procurement.models import Contract

CENT = Decimal("0.01")
INJECTION = '=HYPERLINK("http://evil.example","点我")邻里互助'


def money(text) -> Decimal:
    return Decimal(text.replace(",", "").strip()).quantize(CENT)


@pytest.fixture
def portal(journey, world, clock):
    """Projects at different stages in two communities: closed with grades 优 and 良, in delivery with a
    milestone paid in part, a subsidy whose agreement is never published, one under notice and a draft."""
    closed = journey.drive(journey.create(title="社区长者助餐服务"), "closed")
    delivering = journey.drive(journey.create(title="青少年课后托管", amount="30000.00"), "in_delivery")
    first = db.session.scalar(db.select(Contract).filter_by(project_id=delivering.id)).milestones[0]
    journey.confirm(delivering, first.id)
    journey.do(record_payment, delivering, world["bureau"], json_to_formdata(
        {"kind": "milestone", "milestone_id": first.id, "amount": "5000.00", "paid_on": "2026-09-01"}))
    subsidy = journey.drive(journey.create(title=INJECTION, funding_form="subsidy", amount="20000.00"), "in_delivery")
    journey.do(record_payment, subsidy, world["bureau"], json_to_formdata(
        {"kind": "advance", "amount": "7777.77", "paid_on": "2026-09-02"}))
    cast_b = Cast(community=world["community_b"], reviewer=world["reviewer"], bureau=world["bureau"],
                  evaluator=world["evaluator"], providers=[world["provider"], world["provider2"], world["provider3"]],
                  panel=[world["evaluator"], world["evaluator2"]])
    journey_b = Journey(cast_b, clock)
    good = journey_b.drive(journey_b.create(title="城中村儿童之家", amount="45000.00", category="A0201"), "accepted")
    scores, satisfied = GRADE_INPUTS["good"]
    journey_b.evaluate(good, scores=scores, satisfied=satisfied)
    journey_b.drive(good, "closed")
    notice = journey.drive(journey.create(title="楼道微改造公示", amount="15000.00"), "notice")
    draft = journey.create(title="草稿项目不公开", amount="12345.00")
    for project in (closed, delivering, subsidy, good, notice, draft):
        db.session.refresh(project)
    return SimpleNamespace(closed=closed, delivering=delivering, subsidy=subsidy, good=good, notice=notice,
                           draft=draft, contract=lambda p: db.session.scalar(
                               db.select(Contract).filter_by(project_id=p.id)))


def page_totals(html, testid) -> list[str]:
    row = re.search(rf'<tr data-testid="{testid}-totals">(.*?)</tr>', html, re.S).group(1)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<th data-key=\"[^\"]+\"[^>]*>(.*?)</th>", row, re.S)]


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.data))


def last_row(sheet) -> list:
    return [cell.value for cell in sheet[sheet.max_row]]


def same_cells(xlsx_cells, page_cells):
    """A totals row of the workbook shows what the page's totals row shows, cell by cell."""
    assert len(xlsx_cells) == len(page_cells)
    for value, text in zip(xlsx_cells, page_cells):
        if isinstance(value, (int, float)):
            assert Decimal(str(value)).quantize(CENT) == money(text), (xlsx_cells, page_cells)
        else:
            assert (value or "") == text, (xlsx_cells, page_cells)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# ---- pages ------------------------------------------------------------------------------------------------------

def test_contracts_page_lists_published_contracts_and_their_payments_anonymously(client, portal):
    html = client.get("/public/contracts").get_data(as_text=True)
    published = [portal.contract(p) for p in (portal.closed, portal.delivering, portal.good)]
    assert portal.closed.title in html and portal.delivering.title in html and portal.good.title in html
    # The subsidy agreement was never published: neither it, its amount nor its payment is shown.
    assert "邻里互助" not in html and "20,000.00" not in html and "7,777.77" not in html
    contract_totals = page_totals(html, "contract-table")
    assert contract_totals[0] == "合计（共 3 条）"
    amount_total = sum(c.amount for c in published)
    assert money(contract_totals[8]) == amount_total
    # The closed projects were paid in full (grades 优 and 良: 100 % of the last instalment), 5,000 of the other.
    paid = Decimal("5000.00") + published[0].amount + published[2].amount
    assert money(contract_totals[10]) == paid and money(contract_totals[11]) == amount_total - paid
    payment_totals = page_totals(html, "payment-table")
    assert money(payment_totals[-1]) == paid
    assert 'href="/public/exports/contracts.xlsx"' in html and 'href="/public/exports/payments.csv"' in html


def test_evaluations_page_counts_grades_and_averages_scores(client, portal):
    html = client.get("/public/evaluations").get_data(as_text=True)
    assert portal.closed.title in html and portal.good.title in html
    assert portal.delivering.title not in html  # not evaluated
    totals = page_totals(html, "evaluation-table")
    assert totals[0] == "合计（共 2 条）"
    assert totals[6] == "优 1；良 1；中 0；差 0"
    assert money(totals[5]) == ((portal.closed.score + portal.good.score) / 2).quantize(CENT)
    assert "明镜评估事务所" in html  # the evaluation firm, public from the acceptance on


# ---- XLSX: the same totals as the pages ------------------------------------------------------------------------

def test_contracts_workbook_has_the_page_totals_on_both_sheets(client, portal):
    html = client.get("/public/contracts?year=2026").get_data(as_text=True)
    book = workbook(client.get("/public/exports/contracts.xlsx?year=2026"))
    contracts, payments = book.worksheets
    assert contracts.title == "公开合同" and payments.title == "公开合同付款"
    assert "公开合同" in contracts["A1"].value and contracts["A1"].font.b
    assert contracts["A2"].value == "筛选条件：目录年度：2026"
    assert re.fullmatch(r"导出时间：\d{4}-\d\d-\d\d \d\d:\d\d（北京时间）", contracts["A3"].value)
    headers = [cell.value for cell in contracts[4]]
    assert headers[:4] == ["项目编号", "项目名称", "社区", "承接方"] and "合同金额（元）" in headers
    assert all(cell.font.b for cell in contracts[4]) and contracts.freeze_panes == "A5"
    assert contracts.column_dimensions["B"].width > 20
    same_cells(last_row(contracts), page_totals(html, "contract-table"))
    same_cells(last_row(payments), page_totals(html, "payment-table"))
    assert all(cell.font.b for cell in contracts[contracts.max_row])
    amount = headers.index("合同金额（元）")
    for row in contracts.iter_rows(min_row=5):
        assert isinstance(row[amount].value, (int, float)) and row[amount].number_format == "#,##0.00"
    signed = headers.index("签订日期")
    assert isinstance(contracts.cell(5, signed + 1).value, datetime)
    assert contracts.cell(5, signed + 1).number_format == "yyyy-mm-dd"


def test_evaluations_workbook_has_the_page_totals(client, portal):
    html = client.get("/public/evaluations").get_data(as_text=True)
    sheet = workbook(client.get("/public/exports/evaluations.xlsx")).active
    same_cells(last_row(sheet), page_totals(html, "evaluation-table"))
    headers = [cell.value for cell in sheet[4]]
    for group in ("决策", "过程", "产出", "效益"):
        assert group in headers
    scores = [row[headers.index("得分")].value for row in sheet.iter_rows(min_row=5, max_row=sheet.max_row - 1)]
    assert sorted(Decimal(str(s)) for s in scores) == sorted([portal.good.score, portal.closed.score])


def test_projects_workbook_totals_match_the_project_list(client, portal):
    html = client.get("/public/projects").get_data(as_text=True)
    shown = re.search(r"批准金额合计 ([\d,]+\.\d\d) 元", html)
    assert shown, "the public project list shows the approved total"
    sheet = workbook(client.get("/public/exports/projects.xlsx")).active
    headers = [cell.value for cell in sheet[4]]
    totals = last_row(sheet)
    approved = headers.index("批准金额（元）")
    assert Decimal(str(totals[approved])).quantize(CENT) == money(shown.group(1))
    assert totals[0] == "合计（共 5 条）"  # the draft is not public; the notice is (without an approved amount)
    # Contract amounts and payments only of the published contracts; the subsidy's stay out.
    published = portal.contract(portal.closed).amount + portal.contract(portal.delivering).amount \
        + portal.contract(portal.good).amount
    assert Decimal(str(totals[headers.index("合同金额（元）")])).quantize(CENT) == published
    for row in sheet.iter_rows(min_row=5, max_row=sheet.max_row):
        cell = row[approved]
        if cell.value is not None:
            assert isinstance(cell.value, (int, float)) and cell.number_format == "#,##0.00"
    titles = [row[1].value for row in sheet.iter_rows(min_row=5, max_row=sheet.max_row - 1)]
    assert INJECTION in titles and "草稿项目不公开" not in titles
    injected = next(row[1] for row in sheet.iter_rows(min_row=5) if row[1].value == INJECTION)
    assert injected.data_type == "s"  # text, not a formula


# ---- CSV ---------------------------------------------------------------------------------------------------------

def test_project_csv_has_a_bom_chinese_headers_plain_amounts_and_no_formulas(client, portal):
    response = client.get("/public/exports/projects.csv")
    rows = csv_rows(response)
    assert rows[0][:4] == ["项目编号", "项目名称", "社区", "区"] and "批准金额（元）" in rows[0]
    by_code = {row[0]: dict(zip(rows[0], row)) for row in rows[1:-1]}
    closed = by_code[portal.closed.code]
    assert closed["批准金额（元）"] == "40000.00" and closed["评价等级"] == "优"
    assert closed["合同金额（元）"] == f"{portal.contract(portal.closed).amount:.2f}"
    subsidy = by_code[portal.subsidy.code]
    assert subsidy["项目名称"] == "'" + INJECTION  # a spreadsheet reads it as text
    assert subsidy["合同金额（元）"] == "" and subsidy["已支付（元）"] == ""  # agreement not published
    assert "12345.00" not in response.get_data(as_text=True)  # the draft
    assert rows[-1][0] == "合计（共 5 条）"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''projects-{today().isoformat()}.csv" in disposition


def test_payments_csv_lists_each_payment_of_published_contracts(client, portal):
    rows = csv_rows(client.get("/public/exports/payments.csv"))
    assert rows[0] == ["付款日期", "项目编号", "项目名称", "收款方", "付款节点", "款项类型", "金额（元）"]
    codes = {row[1] for row in rows[1:-1]}
    assert codes == {portal.closed.code, portal.delivering.code, portal.good.code}
    assert "7777.77" not in {row[-1] for row in rows}
    assert rows[-1][-1] == f"{sum(Decimal(row[-1]) for row in rows[1:-1]):.2f}"
    assert all(re.fullmatch(r"\d+\.\d\d", row[-1]) for row in rows[1:])


# ---- filters, formats, the catalogue -------------------------------------------------------------------------

def test_filters_narrow_the_page_and_the_export_alike(client, portal, world):
    community_b = world.community_b.id
    html = client.get(f"/public/contracts?community={community_b}").get_data(as_text=True)
    assert portal.good.title in html and portal.closed.title not in html
    rows = csv_rows(client.get(f"/public/exports/contracts.csv?community={community_b}"))
    assert [row[0] for row in rows[1:-1]] == [portal.good.code]
    assert money(page_totals(html, "contract-table")[8]) == Decimal(rows[-1][8])
    html = client.get("/public/evaluations?community_class=urban_village").get_data(as_text=True)
    assert portal.good.title in html and portal.closed.title not in html
    sheet = workbook(client.get("/public/exports/evaluations.xlsx?community_class=urban_village")).active
    assert sheet["A2"].value == "筛选条件：社区类别：城中村社区"
    same_cells(last_row(sheet), page_totals(html, "evaluation-table"))
    rows = csv_rows(client.get("/public/exports/projects.csv?q=助餐"))
    assert [row[0] for row in rows[1:-1]] == [portal.closed.code]
    nothing = csv_rows(client.get("/public/exports/projects.csv?year=2031"))
    assert len(nothing) == 2 and nothing[-1][0] == "合计（共 0 条）"
    # Unknown filter values are ignored, never an error.
    assert client.get("/public/contracts?year=abc&stage=nope&community=x&page=-1").status_code == 200
    assert client.get("/public/exports/projects.xlsx?district=1&provider=0").status_code == 200


@pytest.mark.parametrize("path", ["/public/exports/bids.csv", "/public/exports/projects.pdf",
                                  "/public/exports/projects.CSV", "/public/exports/users.xlsx",
                                  "/public/exports/catalogue.json"])
def test_unknown_tables_and_formats_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_the_catalogue_is_exported_once_published(client, journey, world):
    from procure.catalogue import operations as catalogue_ops
    from procure.catalogue.models import Catalogue

    project = journey.drive(journey.create(title="社区长者助餐服务"), "cataloged")
    year = project.catalogue_year
    assert client.get(f"/public/exports/catalogue.xlsx?year={year}").status_code == 404  # still a draft
    catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=year))
    journey.do(catalogue_ops.publish, catalogue, world["bureau"])
    book = workbook(client.get(f"/public/exports/catalogue.xlsx?year={year}"))
    assert book.active[book.active.max_row][8].value == 40000
    rows = csv_rows(client.get(f"/public/exports/catalogue.csv?year={year}"))
    assert rows[0][-1] == "预算金额（元）" and rows[1][4] == project.code and rows[-1][2:] == ["合计"] + [""] * 5 + [
        "40000.00"]
    assert client.get(f"/public/exports/catalogue.csv?year={year - 1}").status_code == 404
    assert client.get("/public/exports/catalogue.csv?year=x").status_code == 404
    assert today().year == year  # without ?year=, this year's catalogue
    assert client.get("/public/exports/catalogue.csv").get_data(as_text=True) == \
        client.get(f"/public/exports/catalogue.csv?year={year}").get_data(as_text=True)


def test_pages_paginate_with_totals_over_all_rows(app, client, portal):
    per_page, app.config["PER_PAGE"] = app.config["PER_PAGE"], 1
    try:
        first = client.get("/public/contracts").get_data(as_text=True)
        second = client.get("/public/contracts?page=2").get_data(as_text=True)
        assert page_totals(first, "contract-table") == page_totals(second, "contract-table")
        assert "第 1 / 3 页" in first and "第 2 / 3 页" in second
        assert (portal.closed.title in first) != (portal.closed.title in second) or portal.closed.title not in first
        evaluations = client.get("/public/evaluations?page=9").get_data(as_text=True)
        assert "第 2 / 2 页" in evaluations and page_totals(evaluations, "evaluation-table")[0] == "合计（共 2 条）"
    finally:
        app.config["PER_PAGE"] = per_page
