"""The community staff's volunteer register (/volunteers): search, filters, the year's hours and points from the
ledger, sorting and pages in a bounded number of queries; its CSV and XLSX export (masked ID numbers and phones,
formula-like cells quoted, audited); and who may see either (the community's own staff only)."""
import csv
import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import event

from conftest import PASSWORD, START
from procure.accounts.models import User
from procure.accounts.passwords import hash_password
from procure.audit.models import AuditEntry
from procure.codes import make_id_number, mask_id_number
from procure.extensions import db
from procure.volunteers import ledger
from procure.volunteers.models import Volunteer

ID_WANG = make_id_number("33010219900101123")
ID_LI = make_id_number("33010219851231004")
ID_ZHANG = make_id_number("33010219700315005")
ID_ZHAO = make_id_number("33010219660606006")
FORMULA_NAME = "=HYPERLINK(\"http://x\")"


def text(response) -> str:
    return response.get_data(as_text=True)


def log_in(client, username, password=PASSWORD):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, text(response)
    return client


def add_volunteer(community, username, name, id_number, phone, *, skills="", consent=False, hours="0",
                  registered=START) -> Volunteer:
    user = User(username=username, role="resident", organisation_id=community.id, display_name=name,
                password_hash=hash_password(PASSWORD))
    db.session.add(user)
    db.session.flush()
    volunteer = Volunteer(user_id=user.id, community_id=community.id, real_name=name, id_number=id_number,
                          phone=phone, skills=skills, consent_public=consent, registered_at=registered)
    db.session.add(volunteer)
    db.session.flush()
    if Decimal(hours):
        ledger.append(volunteer, "service", hours=Decimal(hours), points=Decimal(hours))
    db.session.commit()
    return volunteer


@pytest.fixture
def people(world):
    """Three volunteers of 幸福社区 (1 star, no star, 2 stars) and one of 和平社区."""
    return {
        "wang": add_volunteer(world.community, "wang", "王小明", ID_WANG, "13912345678", skills="doctor,书法",
                              consent=True, hours="120", registered=START - timedelta(days=30)),
        "li": add_volunteer(world.community, "li", "李四", ID_LI, "138 0000 1111", skills="electrician",
                            registered=START - timedelta(days=10)),
        "zhang": add_volunteer(world.community, "zhang", "张三", ID_ZHANG, "13700002222", skills="teacher",
                               consent=True, hours="310", registered=START - timedelta(days=60)),
        "zhao": add_volunteer(world.community_b, "zhao", "赵六", ID_ZHAO, "13600003333", skills="doctor",
                              consent=True, hours="5"),
    }


def names_on(page: str) -> list[str]:
    """The names in the register's table, in order."""
    body = page.split('data-testid="volunteer-table"', 1)[1].split("<tfoot>", 1)[0] if "volunteer-table" in page \
        else ""
    return [name for _pos, name in sorted((body.find(n), n) for n in ("王小明", "李四", "张三", "赵六", FORMULA_NAME)
                                          if n in body)]


def register(client, **args) -> str:
    response = client.get("/volunteers", query_string=args)
    assert response.status_code == 200, args
    return text(response)


def csv_rows(response) -> list[list[str]]:
    body = text(response)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


# ---- the page -----------------------------------------------------------------------------------------------

def test_search_filters_and_sorting_narrow_and_order_the_rows(client, world, people):
    log_in(client, "community")
    page = register(client)
    assert names_on(page) == ["张三", "王小明", "李四"]  # by total hours, most first
    assert "共 3 名志愿者" in page and "赵六" not in page
    assert names_on(register(client, sort="registered")) == ["李四", "王小明", "张三"]  # newest first
    assert names_on(register(client, q="王")) == ["王小明"]
    assert names_on(register(client, q="医生")) == ["王小明"]  # a listed skill by its label
    assert names_on(register(client, q="书法")) == ["王小明"]  # a free word
    assert names_on(register(client, q="0000 1111")) == ["李四"]  # phone digits, spaces ignored
    assert names_on(register(client, q="00002222")) == ["张三"]
    assert names_on(register(client, stars="1")) == ["王小明"]
    assert names_on(register(client, stars="2")) == ["张三"]
    assert names_on(register(client, stars="0")) == ["李四"]
    assert names_on(register(client, consent="no")) == ["李四"]
    assert names_on(register(client, consent="yes")) == ["张三", "王小明"]
    assert names_on(register(client, skill="teacher")) == ["张三"]
    page = register(client, skill="doctor", consent="yes")
    assert names_on(page) == ["王小明"] and "共 1 名志愿者" in page
    page = register(client, q="无此人")
    assert "共 0 名志愿者" in page and "没有符合条件的志愿者" in page
    # the export buttons carry the filters
    page = register(client, skill="doctor", stars="1")
    assert 'href="/volunteers/export.csv?' in page and "skill=doctor" in page and "stars=1" in page
    assert "导出 Excel" in page


def test_numbers_stay_masked_on_the_page_and_the_footnote_says_so(client, world, people):
    log_in(client, "community")
    page = register(client)
    assert mask_id_number(ID_WANG) in page and ID_WANG not in page
    assert "139****5678" in page and "13912345678" not in page
    assert "导出的 CSV 和 Excel 文件中同样隐去" in page


def test_pages(app, client, world, people, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    log_in(client, "community")
    first = register(client)
    assert names_on(first) == ["张三", "王小明"] and "第 1 / 2 页" in first and "共 3 名志愿者" in first
    assert names_on(register(client, page="2")) == ["李四"]
    assert names_on(register(client, page="99")) == ["李四"]  # past the end: the last page
    # the totals are of every matching volunteer, not of the page
    assert "430.00" in first.split("<tfoot>", 1)[1]


def ledger_entry(clock, volunteer, kind, when, hours="0", points="0"):
    clock.moment = when
    ledger.append(volunteer, kind, hours=Decimal(hours), points=Decimal(points))
    db.session.commit()


def test_the_year_columns_sum_service_and_corrections_of_that_year_in_shanghai(client, world, people, clock):
    wang, li = people["wang"], people["li"]
    # 2025-12-31 23:00 in Shanghai: still 2025; 2026-01-01 01:00 in Shanghai (17:00 UTC the day before): 2026
    ledger_entry(clock, wang, "service", datetime(2025, 12, 31, 15, 0, tzinfo=timezone.utc), "4", "6")
    ledger_entry(clock, wang, "service", datetime(2025, 12, 31, 17, 0, tzinfo=timezone.utc), "2", "3")
    ledger_entry(clock, wang, "correction", datetime(2026, 2, 1, 2, 0, tzinfo=timezone.utc), "-0.5", "-0.75")
    ledger_entry(clock, wang, "redemption", datetime(2026, 2, 2, 2, 0, tzinfo=timezone.utc), points="-1")
    ledger_entry(clock, li, "service", datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc), "1.5", "1.5")
    clock.moment = START
    log_in(client, "community")
    page = register(client, year="2026")
    assert "2026 年时长（小时）" in page and "2026 年获得积分" in page
    assert "年时长" not in register(client)  # no year chosen: no year columns
    response = client.get("/volunteers/export.csv", query_string={"year": "2026"})
    rows = csv_rows(response)
    header = rows[0]
    hours, points = header.index("2026 年时长（小时）"), header.index("2026 年获得积分")
    by_name = {row[0]: row for row in rows[1:-1]}
    # 王小明: 120 (the fixture's, on START) + 2 - 0.5; the redemption and the 2025 entry do not count
    assert (by_name["王小明"][hours], by_name["王小明"][points]) == ("121.50", "122.25")
    assert (by_name["李四"][hours], by_name["李四"][points]) == ("1.50", "1.50")
    assert (by_name["张三"][hours], by_name["张三"][points]) == ("310.00", "310.00")
    assert (rows[-1][hours], rows[-1][points]) == ("433.00", "433.75")
    rows = csv_rows(client.get("/volunteers/export.csv", query_string={"year": "2025"}))
    by_name = {row[0]: row for row in rows[1:-1]}
    assert by_name["王小明"][rows[0].index("2025 年时长（小时）")] == "4.00"
    assert by_name["王小明"][rows[0].index("2025 年获得积分")] == "6.00"
    assert by_name["张三"][rows[0].index("2025 年时长（小时）")] == "0.00"


def test_the_page_runs_the_same_number_of_queries_for_3_or_30_volunteers(app, client, world, people, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 50)
    log_in(client, "community")

    def queries(**args) -> int:
        db.session.commit()  # both measured from the same start: no transaction open, nothing loaded
        seen = []

        def listener(_conn, _cursor, statement, *_args):
            seen.append(statement)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            register(client, **args)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = queries(year="2026")
    for i in range(27):
        add_volunteer(world.community, f"v{i}", f"志愿者{i}", make_id_number(f"3301021980010{i:03d}"[:17]),
                      f"1350000{i:04d}", skills="doctor", hours=str(i + 1))
    assert queries(year="2026") == few <= 6


@pytest.mark.parametrize("args", [
    {"stars": "9"}, {"stars": "-1"}, {"stars": "²"}, {"consent": "maybe"}, {"skill": "juggling"},
    {"year": "abc"}, {"year": "99999"}, {"year": "1"}, {"sort": "drop table"}, {"page": "0"}, {"page": "abc"},
    {"page": str(10**30)}, {"q": "王\x00"}, {"q": "%_" * 200}, {"q": "'; --"}])
def test_bad_query_values_are_ignored(client, world, people, args):
    log_in(client, "community")
    page = register(client, **args)
    if set(args) != {"q"}:
        assert "共 3 名志愿者" in page  # the value was ignored: every row
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/volunteers/export.{fmt}", query_string=args).status_code == 200


# ---- who may see it -----------------------------------------------------------------------------------------

def test_only_the_communitys_own_staff_see_its_register(client, world, people):
    log_in(client, "community_b")  # another community's staff: their own register, never this one's
    page = register(client)
    assert "赵六" in page and "王小明" not in page
    body = text(client.get("/volunteers/export.csv"))
    assert "赵六" in body and "王小明" not in body and ID_WANG not in body
    for username in ("provider", "bureau", "admin", "reviewer", "evaluator", "wang"):
        log_in(client, username)
        assert client.get("/volunteers").status_code == 404, username
        for fmt in ("csv", "xlsx"):
            assert client.get(f"/volunteers/export.{fmt}").status_code == 404, username
    client.post("/logout")
    response = client.get("/volunteers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]  # no data, a login page
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/volunteers/export.{fmt}").status_code == 404
    log_in(client, "community")
    assert client.get("/volunteers/export.pdf").status_code == 404


# ---- the exports --------------------------------------------------------------------------------------------

def test_the_csv_has_the_bom_chinese_headers_masked_numbers_and_quoted_formulas(client, world, people):
    add_volunteer(world.community, "formula", FORMULA_NAME, make_id_number("33010219991111007"), "13500004444")
    log_in(client, "community")
    response = client.get("/volunteers/export.csv", query_string={"consent": "yes"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:6] == ["姓名", "身份证号码", "手机号码", "技能特长", "累计时长（小时）", "积分余额"]
    assert [row[0] for row in rows[1:-1]] == ["张三", "王小明"]  # the filter applies; every page
    assert rows[-1][0] == "合计（共 2 条）" and rows[-1][4] == "430.00"
    wang = rows[2]
    assert wang[1] == mask_id_number(ID_WANG) and wang[2] == "139****5678" and wang[3] == "医生、书法"
    assert wang[4] == "120.00" and wang[-3:] == ["1", "是", "2026-01-31"]
    body = text(client.get("/volunteers/export.csv"))
    for number in (ID_WANG, ID_LI, ID_ZHANG, "13912345678"):
        assert number not in body
    assert "'" + FORMULA_NAME in body.replace('""', '"')
    assert not any(line.startswith("=") for line in body.splitlines())


def test_the_xlsx_has_the_title_filters_headers_and_totals(client, world, people):
    log_in(client, "community")
    response = client.get("/volunteers/export.xlsx", query_string={"year": "2026", "stars": "1"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=volunteers-")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "幸福社区" in rows[0][0] and "志愿者名册" in rows[0][0]
    assert "星级：1 星" in rows[1][0] and "年度：2026" in rows[1][0]
    assert rows[2][0].startswith("导出时间：") and "北京时间" in rows[2][0]
    headers = rows[3]
    assert headers[:3] == ["姓名", "身份证号码", "手机号码"] and "2026 年时长（小时）" in headers
    assert all(cell.font.b for cell in sheet[4]) and sheet.freeze_panes == "A5"
    assert [row[0] for row in rows[4:-1]] == ["王小明"]
    wang = dict(zip(headers, rows[4]))
    assert wang["身份证号码"] == mask_id_number(ID_WANG) and wang["手机号码"] == "139****5678"
    assert wang["累计时长（小时）"] == 120 and sheet.cell(5, 5).number_format == "0.00"
    totals = dict(zip(headers, rows[-1]))
    assert totals["姓名"] == "合计（共 1 条）" and totals["累计时长（小时）"] == 120 and sheet[len(rows)][0].font.b
    everything = openpyxl.load_workbook(io.BytesIO(client.get("/volunteers/export.xlsx").data)).active
    cells = " ".join(str(cell.value) for row in everything.iter_rows() for cell in row)
    assert "筛选条件：无" in cells and "合计（共 3 条）" in cells
    for number in (ID_WANG, ID_LI, ID_ZHANG, "13912345678"):
        assert number not in cells


def test_an_export_is_audited_without_personal_data(client, world, people):
    log_in(client, "community")
    client.get("/volunteers/export.xlsx", query_string={"q": "13912345678", "skill": "doctor"})
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="export_volunteers"))
    assert entry.user_id == world["community"].id and entry.organisation_id == world.community.id
    assert entry.project_id is None
    assert entry.data == {"format": "xlsx", "filters": {"skill": "doctor"}, "searched": True, "rows": 1}
    assert "13912345678" not in repr(entry.data) and "王小明" not in repr(entry.data)
