"""The CSV/XLSX exports of the public registers (communities, providers, evaluation firms): a visitor downloads
what the register's page lists under the same filters, with Chinese headers and amounts a spreadsheet adds up,
and none of the organisations' private fields."""
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest

from procure import clock
from procure.evaluators.models import EvaluatorProfile, EvaluatorStaff
from procure.extensions import db
from procure.providers.models import Debarment, ProviderProfile, TeamMember

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRIVATE = ["私密联系方式-ORG", "私密联系方式-PROFILE", "法人1", "法人2", "团队成员张三", "评估员李四"]
HEADERS = {"communities": ["社区", "区", "社区类别", "公开项目数", "批准金额合计（元）"],
           "providers": ["机构名称", "统一社会信用代码", "登记类型", "评估等级", "已评价项目", "评价等级分布", "平均得分",
                         "节点按时率（%）", "禁入信息"],
           "evaluators": ["机构名称", "统一社会信用代码", "评估资质", "资质有效期至", "专业领域", "状态", "公开的验收评价项目"]}


@pytest.fixture
def registers(journey, world):
    """A closed project of 幸福社区 (graded, its provider and firm public), a draft that stays private, a provider
    debarred today, and private markers in every private field of the organisations."""
    for org in [world.community, world.community_b, *world.providers, *world.evaluators]:
        org.contact = "私密联系方式-ORG"
    for profile in db.session.scalars(db.select(ProviderProfile)):
        profile.contact, profile.rating = "私密联系方式-PROFILE", "4A"
        profile.team.append(TeamMember(name="团队成员张三", qualification="社会工作师"))
    firm = db.session.scalar(db.select(EvaluatorProfile).filter_by(organisation_id=world.evaluators[0].id))
    firm.accredited_until = date(2027, 12, 31)
    firm.staff.append(EvaluatorStaff(name="评估员李四", qualification="评估师"))
    db.session.add(Debarment(organisation_id=world.providers[2].id, reason="无正当理由拒不签订合同", source="breach",
                             starts_on=clock.today() - timedelta(days=10), ends_on=clock.today() + timedelta(days=355)))
    db.session.commit()
    closed = journey.drive(journey.create(title="社区长者助餐服务", amount="40000.00"), "closed")
    journey.create(title="草稿项目不公开", amount="12345.00")
    db.session.refresh(closed)
    return closed


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs then read it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response.mimetype == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def no_private(text):
    for marker in PRIVATE:
        assert marker not in text, marker


@pytest.mark.parametrize("table", ["communities", "providers", "evaluators"])
def test_each_register_downloads_as_csv_with_chinese_headers_and_no_private_field(client, world, registers, table):
    response = client.get(f"/public/exports/{table}.csv")
    rows = csv_rows(response)
    no_private(response.get_data(as_text=True))
    assert rows[0] == HEADERS[table]
    names = {row[0] for row in rows[1:-1]}
    expected = {"communities": {"幸福社区", "和平社区", "远山社区"},
                "providers": {org.name for org in world.providers},
                "evaluators": {org.name for org in world.evaluators}}[table]
    assert names == expected
    assert rows[-1][0] == f"合计（共 {len(expected)} 条）"
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("table", ["communities", "providers", "evaluators"])
def test_each_register_downloads_as_a_workbook_with_its_title_and_headers(client, world, registers, table):
    response = client.get(f"/public/exports/{table}.xlsx")
    rows = xlsx_rows(response)
    cells = "\n".join(str(cell) for row in rows for cell in row if cell is not None)
    no_private(cells)
    title = {"communities": "社区", "providers": "承接主体名录", "evaluators": "第三方评估机构名录"}[table]
    assert rows[0][0].endswith(f" {title}")  # "<city> <register>"
    assert rows[3] == HEADERS[table]
    assert len(rows) == 4 + {"communities": 3, "providers": 3, "evaluators": 2}[table] + 1


def test_the_community_export_counts_public_projects_and_sums_their_amounts_as_numbers(client, world, registers):
    rows = csv_rows(client.get("/public/exports/communities.csv"))
    happy = next(row for row in rows if row[0] == "幸福社区")
    assert happy[2] == "成熟社区"
    assert happy[3:] == ["1", "40000.00"]  # the closed project; the draft is not public
    workbook = xlsx_rows(client.get("/public/exports/communities.xlsx"))
    happy = next(row for row in workbook if row[0] == "幸福社区")
    assert happy[3] == 1 and Decimal(str(happy[4])) == Decimal("40000.00")
    assert Decimal(str(workbook[-1][4])) == Decimal("40000.00")  # the totals row


def test_the_provider_export_carries_track_record_and_debarments_in_force(client, world, registers):
    implementer = next(org for org in world.providers if org.id == registers.implementer_id)
    rows = {row[0]: row for row in csv_rows(client.get("/public/exports/providers.csv"))}
    winner = rows[implementer.name]
    assert winner[1] == implementer.credit_code and winner[2] == "社会服务机构" and winner[3] == "4A"
    assert winner[4] == "1" and winner[5] == "优 1" and winner[6] == "100.00"
    barred = rows[world.providers[2].name]
    assert "无正当理由拒不签订合同" in barred[8]
    assert all(row[8] == "无" for name, row in rows.items() if name not in (world.providers[2].name, "机构名称")
               and not name.startswith("合计"))
    workbook = {row[0]: row for row in xlsx_rows(client.get("/public/exports/providers.xlsx"))}
    assert Decimal(str(workbook[implementer.name][6])) == Decimal("100.00")


def test_the_firm_export_shows_accreditation_and_public_projects(client, world, registers):
    rows = {row[0]: row for row in csv_rows(client.get("/public/exports/evaluators.csv"))}
    firm = rows["明镜评估事务所"]
    assert firm[2] == "社会组织评估资质" and firm[3] == "2027-12-31" and firm[5] == "在册" and firm[6] == "1"
    workbook = {row[0]: row for row in xlsx_rows(client.get("/public/exports/evaluators.xlsx"))}
    assert workbook["明镜评估事务所"][3].date() == date(2027, 12, 31)


def test_an_export_holds_exactly_what_the_page_lists_under_its_filters(client, world, registers):
    page = client.get("/public/communities?community_class=urban_village").get_data(as_text=True)
    assert "和平社区" in page and "幸福社区" not in page
    link = "/public/exports/communities.csv?community_class=urban_village"
    assert f'href="{link}"' in page
    rows = csv_rows(client.get(link))
    assert [row[0] for row in rows[1:-1]] == ["和平社区"]
    wanted = world.providers[1].name
    page = client.get("/public/providers", query_string={"q": wanted[:4]}).get_data(as_text=True)
    assert 'data-testid="export-providers-xlsx"' in page
    rows = csv_rows(client.get("/public/exports/providers.csv", query_string={"q": wanted[:4]}))
    assert [row[0] for row in rows[1:-1]] == [wanted]
    workbook = xlsx_rows(client.get("/public/exports/evaluators.xlsx", query_string={"q": "公信"}))
    assert "关键词：公信" in workbook[1][0]
    assert [row[0] for row in workbook[4:-1]] == ["公信第三方评估中心"]


@pytest.mark.parametrize("path", ["/public/communities", "/public/providers", "/public/evaluators"])
def test_each_register_page_links_its_two_exports(client, registers, path):
    html = client.get(path).get_data(as_text=True)
    table = path.rsplit("/", 1)[1]
    assert f'href="/public/exports/{table}.csv"' in html and f'href="/public/exports/{table}.xlsx"' in html
