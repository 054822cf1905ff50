"""The annual purchase catalogue (购买服务目录): listing an approved project adds it with its approved
budget under its category; subtotals and totals; publication with a holiday-aware notice period, coming
into force, refusals with reasons; amendments after publication need a reason and bump the version;
XLSX and printable exports agree with the page and the API."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from procure import clock as app_clock
from procure.audit.models import AuditEntry
from procure.catalogue.models import Catalogue, CatalogueAmendment, Category, NegativeListItem
from procure.extensions import db
from procure.workdays.service import Calendar

from support import reason_codes
from openapi_check import check


def catalogue(year=2026) -> Catalogue:
    db.session.expire_all()
    return db.session.scalar(db.select(Catalogue).filter_by(year=year))


def move_to(clock, day: date):
    clock.advance(days=(day - app_clock.today()).days)


@pytest.fixture
def listed(journey):
    """Three projects in the 2026 catalogue: two under 公共服务 (A), one under the auxiliary services (B)."""
    projects = [journey.create(title="长者助餐", amount="40000.00", category="A0101"),
                journey.create(title="邻里互助", amount="12500.50", category="A0203"),
                journey.create(title="社工培训", amount="20000.00", category="B0201")]
    for project in projects:
        journey.drive(project, "cataloged")
    return projects


def test_reference_data_is_seeded():
    assert db.session.scalar(db.select(db.func.count()).select_from(NegativeListItem)) == 6
    assert db.session.get(Category, "A0101").procurement_item_code.startswith("C")
    assert {c.name for c in db.session.scalars(db.select(Category).filter_by(parent_code=None))} \
        == {"公共服务", "政府履职所需辅助性服务"}


def test_listing_adds_the_item_with_the_approved_budget_under_its_category(listed):
    c = catalogue()
    assert c.state == "draft" and c.version == 1
    items = {i.project_id: i for i in c.items}
    assert set(items) == {p.id for p in listed}
    first = items[listed[0].id]
    assert first.category_code == "A0101" and first.budget == listed[0].approved_amount == Decimal("40000.00")
    assert first.added_in_version == 1 and first.removed_in_version is None
    assert all(p.negative_list_checked_at is not None for p in listed)


def test_totals_and_subtotals_on_page_and_api(listed, api, client, doc):  # noqa: F811
    body = check(doc, "/catalogues/{year}", "get", api.as_("bureau").get("/catalogues/2026"), 200)
    assert body["total"] == "72500.50" and body["item_count"] == 3 and body["version"] == 1
    assert [(g["category_code"], g["subtotal"], len(g["items"])) for g in body["groups"]] \
        == [("A", "52500.50", 2), ("B", "20000.00", 1)]
    listing = check(doc, "/catalogues", "get", api.as_("admin").get("/catalogues"), 200)
    assert [(c["year"], c["state"], c["total"]) for c in listing] == [(2026, "draft", "72500.50")]

    login(client, "reviewer")
    page = client.get("/catalogues/2026").get_data(as_text=True)
    assert "72,500.50" in page and "52,500.50" in page and "20,000.00" in page and "长者助餐" in page
    assert "2026" in client.get("/catalogues").get_data(as_text=True)


def test_publish_then_in_force_after_a_holiday_aware_notice(listed, api, clock, doc):  # noqa: F811
    move_to(clock, date(2026, 9, 30))
    bureau = api.as_("bureau")
    body = check(doc, "/catalogues/{year}/publish", "post", bureau.post("/catalogues/2026/publish"), 200)
    ends = Calendar().add(date(2026, 9, 30), 5)
    assert body["state"] == "published" and body["notice_ends_on"] == ends.isoformat()
    assert ends > date(2026, 10, 7)  # the National Day holiday does not count
    assert catalogue().notice_ends_on == ends

    response = bureau.post("/catalogues/2026/bring-into-force")
    check(doc, "/catalogues/{year}/bring-into-force", "post", response, 422)
    assert reason_codes(response) == ["catalogue_notice_running"]
    assert catalogue().state == "published"
    repeat = bureau.post("/catalogues/2026/publish")
    assert repeat.status_code == 422 and reason_codes(repeat) == ["catalogue_not_draft"]

    move_to(clock, ends)
    assert reason_codes(bureau.post("/catalogues/2026/bring-into-force")) == ["catalogue_notice_running"]
    clock.advance(days=1)
    body = check(doc, "/catalogues/{year}/bring-into-force", "post",
                 bureau.post("/catalogues/2026/bring-into-force"), 200)
    assert body["state"] == "in_force" and catalogue().in_force_at is not None
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"publish_catalogue", "bring_catalogue_into_force"} <= actions


def test_bring_into_force_a_draft_is_refused(listed, api):
    response = api.as_("bureau").post("/catalogues/2026/bring-into-force")
    assert response.status_code == 422 and reason_codes(response) == ["catalogue_not_published"]


def test_publish_refused_without_a_recorded_negative_list_check(listed, api):
    listed[1].negative_list_checked_at = None
    db.session.commit()
    response = api.as_("bureau").post("/catalogues/2026/publish")
    assert response.status_code == 422 and reason_codes(response) == ["negative_list_unconfirmed"]
    assert listed[1].code in response.get_json()["reasons"][0]["message"]
    assert catalogue().state == "draft"


def test_amendment_after_publication_needs_a_reason_and_bumps_the_version(listed, journey, api):
    assert api.as_("bureau").post("/catalogues/2026/publish").status_code == 200
    late = journey.create(title="心理健康讲座", amount="8000.00", category="A0502")
    journey.drive(late, "approved")
    refused = api.as_("bureau").fire(late, "list_in_catalogue", catalogue_year=2026)
    assert refused.status_code == 422 and reason_codes(refused) == ["amendment_reason_required"]
    assert catalogue().version == 1

    done = api.as_("bureau").fire(late, "list_in_catalogue", catalogue_year=2026,
                                  amendment_reason="街道新增心理服务需求，经局务会研究同意增补。")
    assert done.status_code == 200, done.get_json()
    c = catalogue()
    assert c.version == 2 and c.state == "published" and len(c.current_items) == 4
    assert c.total == Decimal("80500.50")
    amendment = db.session.scalar(db.select(CatalogueAmendment))
    assert (amendment.version, amendment.project_id) == (2, late.id) and "心理服务" in amendment.reason
    item = next(i for i in c.items if i.project_id == late.id)
    assert item.added_in_version == 2
    body = api.as_("bureau").get("/catalogues/2026").get_json()
    assert body["version"] == 2 and body["amendments"][0]["version"] == 2


@pytest.mark.parametrize("username,status", [("reviewer", 403), ("admin", 403), ("community", 404),
                                             ("provider", 404), ("evaluator", 404)])
def test_only_the_bureau_publishes(listed, api, username, status):
    assert api.as_(username).post("/catalogues/2026/publish").status_code == status
    assert catalogue().state == "draft"


def test_communities_and_providers_see_only_published_catalogues(listed, api, client):
    assert api.as_("community").get("/catalogues").get_json() == []
    assert api.as_("provider").get("/catalogues/2026").status_code == 404
    login(client, "community")
    assert client.get("/catalogues/2026").status_code == 404
    api.as_("bureau").post("/catalogues/2026/publish")
    assert [c["year"] for c in api.as_("provider").get("/catalogues").get_json()] == [2026]
    page = client.get("/catalogues/2026").get_data(as_text=True)
    assert all(f'href="/projects/{p.id}"' in page for p in listed)  # the community opens its own projects
    login(client, "community_b")
    page = client.get("/catalogues/2026").get_data(as_text=True)
    assert listed[0].code in page and f'href="/projects/{listed[0].id}"' not in page  # others': listed, no dead link


def test_xlsx_has_chinese_headers_and_the_same_totals(listed, api, client):
    response = api.as_("bureau").get("/catalogues/2026.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "××市 2026 年度政府购买服务目录"
    assert rows[2] == ["序号", "类别代码", "类别名称", "采购品目", "项目编号", "项目名称", "申报社区", "资金支持形式",
                       "预算金额（元）"]
    assert sheet.freeze_panes == "A4"
    subtotals = {r[2]: r[8] for r in rows if isinstance(r[2], str) and r[2].endswith("小计")}
    assert subtotals == {"公共服务 小计": 52500.5, "政府履职所需辅助性服务 小计": 20000}
    assert rows[-1][2] == "合计" and rows[-1][8] == 72500.5
    assert sheet.cell(4, 9).number_format == "#,##0.00"
    api_total = api.as_("bureau").get("/catalogues/2026").get_json()["total"]
    assert Decimal(str(rows[-1][8])).quantize(Decimal("0.01")) == Decimal(api_total)
    login(client, "bureau")
    assert client.get("/catalogues/2026.xlsx").status_code == 200


def test_print_page_and_page_actions(listed, client, clock):
    login(client, "bureau")
    printed = client.get("/catalogues/2026/print")
    text = printed.get_data(as_text=True)
    assert printed.status_code == 200 and "××市 2026 年度政府购买服务目录" in text
    # A4 landscape (@page), from a file: the Content-Security-Policy allows no inline style.
    assert 'href="/static/css/catalogue-print.css"' in text
    assert "@page" in client.get("/static/css/catalogue-print.css").get_data(as_text=True)
    assert "72,500.50" in text and "社工培训" in text

    assert client.post("/catalogues/2026/publish").status_code == 302
    assert catalogue().state == "published"
    refused = client.post("/catalogues/2026/bring-into-force")
    assert refused.status_code == 422 and "公示期" in refused.get_data(as_text=True)
    login(client, "reviewer")
    assert client.post("/catalogues/2026/bring-into-force").status_code == 403


def login(client, username):
    from conftest import PASSWORD

    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
