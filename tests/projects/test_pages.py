"""The pages: login, home, list and export, proposal form, project page and its actions, admin calendar."""
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import refresh
from werkzeug.datastructures import MultiDict

from conftest import PASSWORD
from procure import clock as app_clock
from procure.audit.models import AuditEntry
from procure.evaluators.models import ConflictDeclaration
from procure.extensions import db
from procure.payments.models import Payment
from procure.procurement.models import Bid, Challenge, Milestone
from procure.projects import operations
from procure.projects.models import Objection, Project
from procure.workdays.models import CalendarDay

from support import login

ROLES = ["community", "community_b", "community_far", "reviewer", "bureau", "admin", "reviewer_far", "bureau_far",
         "provider", "provider2", "provider3", "evaluator", "evaluator2"]


def page(response) -> str:
    return response.get_data(as_text=True)


def proposal_form(**overrides) -> dict:
    today = app_clock.today()
    data = {
        "title": "社区儿童四点半课堂", "funding_form": "purchase", "category": "A0102", "requested_amount": "30000.00",
        "needs_analysis": "双职工家庭放学后无人看护。", "beneficiaries": "辖区小学生约60人。", "goals": "每周五天课后托管。",
        "beneficiaries_count": "60", "indirect_beneficiaries": "学生家长", "indirect_beneficiaries_count": "100",
        "lead_name": "王建华", "contact_name": "李晓燕", "contact_phone": "0571-86001234", "team": "社工2名、志愿者6名",
        "location": "社区活动室", "start_date": (today + timedelta(days=60)).isoformat(),
        "end_date": (today + timedelta(days=300)).isoformat(),
        "budget_lines-0-item": "课程与活动材料", "budget_lines-0-amount": "12000.00",
        "budget_lines-1-item": "志愿者与社工补贴", "budget_lines-1-amount": "18000.00",
        "budget_lines-2-item": "", "budget_lines-2-amount": "",
        "deliberation-held_on": (today - timedelta(days=2)).isoformat(), "deliberation-members_total": "15",
        "deliberation-members_present": "13", "deliberation-votes_for": "12", "deliberation-votes_against": "1",
        "deliberation-minutes": "一致同意申报。",
    }
    data.update(overrides)
    return data


# ---- login, logout, language -----------------------------------------------------------------

def test_pages_need_login(client, world):
    for path in ["/desk", "/projects", "/projects/new", "/projects/1", "/projects/export.csv", "/admin/calendar"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_login_page_and_wrong_password_message(client, world):
    assert "登录" in page(client.get("/login"))
    unknown = login(client, "nobody", "whatever")
    wrong = login(client, "community", "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    assert "用户名或密码错误" in page(unknown) and "用户名或密码错误" in page(wrong)
    empty = client.post("/login", data={"username": "", "password": ""})
    assert "请输入用户名" in page(empty) and "请输入密码" in page(empty)


def test_login_logout(client, world):
    response = login(client, "community")
    assert response.status_code == 302 and response.headers["Location"] == "/desk"
    home = page(client.get("/desk"))
    assert "幸福社区" in home and "社区工作人员" in home and "新建项目" in home
    assert 'action="/logout"' in home
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/desk").status_code == 302


def test_login_follows_only_local_next(client, world):
    response = client.post("/login?next=https://evil.example/", data={"username": "bureau", "password": PASSWORD})
    assert response.headers["Location"] == "/desk"
    response = client.post("/login?next=/projects", data={"username": "bureau", "password": PASSWORD})
    assert response.headers["Location"] == "/projects"


def test_language_switch_shows_english(as_user, journey):
    client = as_user("reviewer")
    project = journey.create(title="Elderly meals")
    journey.drive(project, "submitted")
    response = client.get("/lang/en", headers={"Referer": f"http://localhost/projects/{project.id}"})
    assert response.headers["Location"] == f"/projects/{project.id}"
    refresh()
    html = page(client.get(f"/projects/{project.id}"))
    assert "Start review" in html and "Submitted" in html and "Budget" in html
    assert "Log out" in html and "Government Purchase of Community Services" in html
    client.get("/lang/zh_Hans_CN")
    refresh()  # the test keeps one app context across requests, and Flask-Babel caches the locale on it
    assert "开始审核" in page(client.get(f"/projects/{project.id}"))


# ---- home ------------------------------------------------------------------------------------------

def test_home_lists_what_waits_for_each_role(as_user, journey, world, clock):
    in_notice = journey.create(title="公示中的项目")
    journey.drive(in_notice, "notice")
    journey.do(operations.add_objection, in_notice, world["community"],
               MultiDict({"content": "担心噪音", "resident_name": "王某", "resident_contact": "139"}))
    submitted = journey.create(title="待审核的项目")
    journey.drive(submitted, "submitted")
    tendering = journey.create(title="采购中的项目")
    journey.drive(tendering, "tendering")

    home = page(as_user("community").get("/desk"))
    assert "公示中的项目" in home and "1 条居民异议待答复" in home
    assert "待审核的项目" not in home.split("最近动态")[0]  # withdrawing is always possible; it waits for nobody

    home = page(as_user("reviewer").get("/desk"))
    waiting = home.split("最近动态")[0]
    assert "待审核的项目" in waiting and "开始审核" in waiting and "公示中的项目" not in waiting

    waiting = page(as_user("provider3").get("/desk")).split("最近动态")[0]
    assert "采购中的项目" in waiting and "可提交响应文件" in waiting

    recent = page(as_user("bureau").get("/desk")).split("最近动态")[1]
    assert "发布采购公告" in recent and "采购中的项目" in recent

    other = page(as_user("community_b").get("/desk"))
    assert "公示中的项目" not in other and "目前没有需要您处理的事项" in other


def test_home_for_admin_warns_about_missing_calendar_years(as_user, world, clock):
    clock.advance(days=365 * 30)  # a year the library cannot know
    html = page(as_user("admin").get("/desk"))
    assert "节假日日历缺少" in html


@pytest.mark.parametrize("username", ROLES)
def test_home_and_list_render_for_every_role(as_user, journey, username):
    journey.drive(journey.create(), "tendering")
    client = as_user(username)
    home, listing = client.get("/desk"), client.get("/projects")
    assert home.status_code == listing.status_code == 200
    assert "待我处理" in page(home) and "最近动态" in page(home) and "共 " in page(listing)


# ---- list and CSV export --------------------------------------------------------------------------

def test_list_filters_search_and_visibility(as_user, journey, world):
    a = journey.create(title="长者助餐")
    b = journey.create(title="儿童课堂", funding_form="subsidy")
    journey.drive(b, "notice")
    client = as_user("community")
    html = page(client.get("/projects"))
    assert "长者助餐" in html and "儿童课堂" in html and "共 2 个项目" in html
    html = page(client.get("/projects?state=notice"))
    assert "儿童课堂" in html and "长者助餐" not in html
    html = page(client.get("/projects?funding_form=purchase"))
    assert "长者助餐" in html and "儿童课堂" not in html
    html = page(client.get("/projects?q=助餐"))
    assert "长者助餐" in html and "儿童课堂" not in html
    assert "共 0 个项目" in page(client.get("/projects?q=%25"))
    assert "共 2 个项目" in page(client.get("/projects?year=2026"))
    assert "共 0 个项目" in page(client.get("/projects?year=2025"))
    # nonsense filter values are ignored, never an error
    assert client.get("/projects?state=nope&year=x&page=abc&community=zz").status_code == 200
    assert 'name="community"' not in html  # communities see only their own projects: no community filter

    assert "共 0 个项目" in page(as_user("community_b").get("/projects"))
    assert "共 0 个项目" in page(as_user("reviewer_far").get("/projects"))
    html = page(as_user("reviewer").get(f"/projects?community={world['community'].organisation_id}"))
    assert "共 2 个项目" in html and 'name="community"' in html
    assert "共 0 个项目" in page(as_user("reviewer").get(f"/projects?community={world['community_b'].organisation_id}"))
    assert a.id and "共 0 个项目" in page(as_user("provider").get("/projects"))


def test_list_pagination(as_user, journey, app):
    for n in range(25):
        journey.create(title=f"项目{n:02d}")
    client = as_user("community")
    first = page(client.get("/projects"))
    assert "共 25 个项目" in first and "第 1 / 2 页" in first and "项目24" in first and "项目00" not in first
    second = page(client.get("/projects?page=2"))
    assert "项目00" in second and "项目24" not in second
    assert client.get("/projects?page=99").status_code == 200


def test_csv_export(as_user, journey):
    project = journey.create(title="=HYPERLINK(\"x\") 长者助餐", amount="40000.00")
    journey.drive(project, "approved")
    journey.create(title="另一个项目", amount="1234.5")
    response = as_user("community").get("/projects/export.csv?state=approved")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:8] == ["项目编号", "项目名称", "社区", "资金支持形式", "服务类别", "状态", "申请金额（元）", "批准金额（元）"]
    assert len(rows) == 2
    row = rows[1]
    assert row[1].startswith("'=HYPERLINK")  # not a formula when opened in a spreadsheet
    assert row[2:8] == ["幸福社区", "项目购买", "养老服务", "已批准", "40000.00", "40000.00"]
    everything = list(csv.reader(io.StringIO(as_user("community").get("/projects/export.csv")
                                             .get_data(as_text=True).lstrip("\ufeff"))))
    assert len(everything) == 3 and "1234.50" in [r[6] for r in everything]
    assert len(list(csv.reader(io.StringIO(as_user("community_b").get("/projects/export.csv")
                                           .get_data(as_text=True).lstrip("\ufeff"))))) == 1


# ---- proposal form ----------------------------------------------------------------------------------

def test_new_project_form_renders_for_community_only(as_user, world):
    html = page(as_user("community").get("/projects/new"))
    for name in ["title", "funding_form", "category", "requested_amount", "needs_analysis", "budget_lines-0-item",
                 "deliberation-members_present", "deliberation-minutes"]:
        assert f'name="{name}"' in html, name
    assert "A0101 养老服务" in html and 'data-cap="50000.00"' in html
    for username in ["reviewer", "bureau", "admin", "provider", "evaluator"]:
        assert as_user(username).get("/projects/new").status_code == 404, username


def test_create_project_with_budget_and_deliberation(as_user, world):
    client = as_user("community")
    response = client.post("/projects/new", data=proposal_form())
    assert response.status_code == 302
    project = db.session.scalar(db.select(Project))
    assert response.headers["Location"] == f"/projects/{project.id}"
    assert project.title == "社区儿童四点半课堂" and project.category_code == "A0102"
    assert [(l.item, l.amount) for l in project.budget_lines] == [("课程与活动材料", Decimal("12000.00")),
                                                                ("志愿者与社工补贴", Decimal("18000.00"))]
    assert project.deliberation.members_present == 13
    html = page(client.get(response.headers["Location"]))
    assert "项目已保存为草稿" in html and "发布社区公示" in html


def test_draft_needs_only_title_and_funding_form(as_user, world):
    response = as_user("community").post("/projects/new", data={"title": "先存个草稿", "funding_form": "reward",
                                                                "budget_lines-0-item": "", "budget_lines-0-amount": ""})
    assert response.status_code == 302


def test_form_error_rerenders_with_field_errors_and_400(as_user, world):
    data = proposal_form(title="", requested_amount="12.345", end_date="2020-01-01",
                         **{"budget_lines-1-amount": "abc", "deliberation-members_present": "20"})
    response = as_user("community").post("/projects/new", data=data)
    assert response.status_code == 400
    html = page(response)
    assert "输入有误，请检查标出的字段" in html
    assert "此项必填" in html and "金额最多保留两位小数" in html and "结束日期不能早于开始日期" in html
    assert "请输入金额" in html and "实到人数不能多于应到人数" in html
    assert "课程与活动材料" in html and "双职工家庭放学后无人看护。" in html  # nothing the user typed is lost
    assert db.session.scalar(db.select(db.func.count(Project.id))) == 0


def test_edit_project(as_user, journey):
    project = journey.create()
    client = as_user("community")
    html = page(client.get(f"/projects/{project.id}/edit"))
    assert "社区长者助餐服务" in html and "餐食及配送" in html and f'name="version" value="{project.version}"' in html
    data = proposal_form(title="改过的名称", version=str(project.version))
    response = client.post(f"/projects/{project.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.title == "改过的名称" and len(project.budget_lines) == 2


def test_edit_with_stale_version_is_409_and_keeps_input(as_user, journey):
    project = journey.create()
    old = project.version
    client = as_user("community")
    assert client.post(f"/projects/{project.id}/edit",
                       data=proposal_form(title="第一次修改", version=str(old))).status_code == 302
    response = client.post(f"/projects/{project.id}/edit", data=proposal_form(title="第二次修改", version=str(old)))
    assert response.status_code == 409
    html = page(response)
    assert "项目已被他人修改，请刷新后重试" in html and "第二次修改" in html
    db.session.refresh(project)
    assert project.title == "第一次修改"


def test_edit_refused_for_other_roles_and_states(as_user, journey):
    project = journey.create()
    assert as_user("reviewer").get(f"/projects/{project.id}/edit").status_code == 403
    assert as_user("community_b").get(f"/projects/{project.id}/edit").status_code == 404
    journey.drive(project, "notice")
    client = as_user("community")
    assert client.get(f"/projects/{project.id}/edit").status_code == 409
    response = client.post(f"/projects/{project.id}/edit", data=proposal_form(version=str(project.version)))
    assert response.status_code == 409 and "项目当前状态下不能修改" in page(response)


# ---- project page: who sees it ----------------------------------------------------------------------

SEES_TENDERING = {"community", "reviewer", "bureau", "admin", "provider", "provider2", "provider3"}


def test_project_page_visible_to_each_role_that_may_see_it(as_user, journey):
    project = journey.create()
    journey.drive(project, "tendering")
    for username in ROLES:
        response = as_user(username).get(f"/projects/{project.id}")
        if username in SEES_TENDERING:
            assert response.status_code == 200, username
            assert "社区长者助餐服务" in page(response)
        else:
            assert response.status_code == 404, username
            assert "找不到该页面，或您无权查看" in page(response)
    assert as_user("bureau").get("/projects/999999").status_code == 404


def test_project_page_shows_proposal_timeline_and_actions(as_user, journey):
    project = journey.create()
    journey.drive(project, "under_review")
    html = page(as_user("reviewer").get(f"/projects/{project.id}"))
    assert "餐食及配送" in html and "议事会讨论了助餐需求" in html and "40,000.00" in html
    timeline = html.split('data-testid="timeline"')[1]
    order = [timeline.index(label) for label in ["创建项目", "发布社区公示", "提交审核", "开始审核"]]
    assert order == sorted(order)
    assert "草稿 → " in timeline and "社区公示" in timeline
    for label in ["批准", "退回修改", "不予通过"]:
        assert label in html.split('data-testid="actions"')[1].split("项目申报")[0]
    assert f'name="version" value="{project.version}"' in html
    community_html = page(as_user("community").get(f"/projects/{project.id}"))
    assert 'data-testid="action-approve"' not in community_html


def test_blocked_trigger_shows_its_reasons(as_user, journey):
    project = journey.create(amount="60000.00")
    html = page(as_user("community").get(f"/projects/{project.id}"))
    block = html.split('data-testid="action-publish_notice"')[1].split("</div>")[0]
    assert "disabled" in block and "申请金额超过本类社区单个项目上限 50000.00 元" in block
    assert 'action="/projects/%d/fire/publish_notice"' % project.id not in html


def test_guard_refusal_shows_reason_with_422(as_user, journey):
    project = journey.create()
    journey.drive(project, "under_review")
    response = as_user("reviewer").post(f"/projects/{project.id}/fire/approve",
                                        data={"version": project.version, "approved_amount": "40000.00",
                                              "comment": "同意"})
    assert response.status_code == 422
    html = page(response)
    assert "条件未满足" in html and "请确认已核对负面清单" in html
    opening = html.split('data-testid="action-approve"')[1].split(">")[0]
    assert "open" in opening  # the refused form is shown opened, with what the user typed
    assert "40000.00" in html.split('data-testid="action-approve"')[1].split("</details>")[0]
    db.session.refresh(project)
    assert project.state == "under_review"


def test_trigger_form_error_is_400_with_field_message(as_user, journey):
    project = journey.create()
    journey.drive(project, "under_review")
    response = as_user("reviewer").post(f"/projects/{project.id}/fire/return_for_revision",
                                        data={"version": project.version, "comment": ""})
    assert response.status_code == 400
    assert "此项必填" in page(response)


def test_stale_version_on_action_is_409(as_user, journey):
    project = journey.create()
    journey.drive(project, "submitted")
    response = as_user("reviewer").post(f"/projects/{project.id}/fire/start_review",
                                        data={"version": project.version - 1, "comment": "请补充材料"})
    assert response.status_code == 409
    html = page(response)
    assert "项目已被他人修改，请刷新后重试" in html and "请补充材料" in html


def test_forbidden_and_wrong_state_actions(as_user, journey):
    project = journey.create()
    journey.drive(project, "submitted")
    response = as_user("community").post(f"/projects/{project.id}/fire/start_review",
                                         data={"version": project.version})
    assert response.status_code == 403 and "您的角色或所属机构无权执行此操作" in page(response)
    response = as_user("reviewer").post(f"/projects/{project.id}/fire/approve",
                                        data={"version": project.version, "approved_amount": "1"})
    assert response.status_code == 409 and "项目当前状态下不能执行此操作" in page(response)
    assert as_user("reviewer").post(f"/projects/{project.id}/fire/no_such_thing").status_code == 404
    assert as_user("reviewer_far").post(f"/projects/{project.id}/fire/start_review",
                                        data={"version": project.version}).status_code == 404


def test_action_success_redirects_and_flashes(as_user, journey):
    project = journey.create()
    journey.drive(project, "submitted")
    client = as_user("reviewer")
    response = client.post(f"/projects/{project.id}/fire/start_review", data={"version": project.version})
    assert response.status_code == 302 and response.headers["Location"] == f"/projects/{project.id}"
    html = page(client.get(response.headers["Location"]))
    assert "已完成：开始审核" in html
    db.session.refresh(project)
    assert project.state == "under_review"


# ---- sub-resources on the project page ----------------------------------------------------------------

def test_objections_private_fields_and_answer(as_user, journey):
    project = journey.create()
    journey.drive(project, "notice")
    client = as_user("community")
    response = client.post(f"/projects/{project.id}/objections",
                           data={"content": "活动室太小", "resident_name": "李阿姨", "resident_contact": "13800000000"})
    assert response.status_code == 302
    objection = db.session.scalar(db.select(Objection))
    html = page(client.get(f"/projects/{project.id}"))
    assert "活动室太小" in html and "李阿姨" in html
    assert client.post(f"/projects/{project.id}/objections/{objection.id}/answer",
                       data={"answer": ""}).status_code == 400
    assert client.post(f"/projects/{project.id}/objections/{objection.id}/answer",
                       data={"answer": "改在大礼堂"}).status_code == 302
    db.session.refresh(objection)
    assert objection.answer == "改在大礼堂"
    journey.drive(project, "tendering")
    assert "李阿姨" in page(as_user("reviewer").get(f"/projects/{project.id}"))
    provider_view = page(as_user("provider").get(f"/projects/{project.id}"))
    assert "活动室太小" in provider_view and "李阿姨" not in provider_view and "13800000000" not in provider_view


def test_bids_are_sealed_until_the_deadline(as_user, journey, clock):
    project = journey.create()
    journey.drive(project, "tendering")
    client = as_user("provider")
    html = page(client.get(f"/projects/{project.id}"))
    assert 'name="price"' in html and 'name="plan"' in html
    assert client.post(f"/projects/{project.id}/bids", data={"price": "", "plan": ""}).status_code == 400
    assert client.post(f"/projects/{project.id}/bids", data={"price": "39000", "plan": "方案甲"}).status_code == 302
    as_user("provider2").post(f"/projects/{project.id}/bids", data={"price": "38000", "plan": "方案乙"})
    mine = page(as_user("provider").get(f"/projects/{project.id}"))
    assert "39,000.00" in mine and "38,000.00" not in mine and "同心社工事务所" not in mine
    bureau = page(as_user("bureau").get(f"/projects/{project.id}"))
    assert "39,000.00" not in bureau and "响应文件密封至投标截止时间" in bureau and "提交响应文件" not in bureau
    clock.advance(days=11)
    journey.evaluate_bids(project)  # the panel scores, so that the award can be made
    bureau = page(as_user("bureau").get(f"/projects/{project.id}"))
    assert "39,000.00" in bureau and "38,000.00" in bureau and "提交响应文件" in bureau
    award = bureau.split('data-testid="action-award"')[1].split("</details>")[0]
    assert "同心社工事务所 · 报价 38,000.00 元" in award and 'name="bid_id"' in award
    late = as_user("provider3").post(f"/projects/{project.id}/bids", data={"price": "30000", "plan": "迟到"})
    assert late.status_code == 422 and "投标截止时间已过" in page(late)
    assert 'name="price"' not in page(late)  # the refusal is shown on top: there is no bid form any more


def test_withdraw_bid(as_user, journey):
    project = journey.create()
    journey.drive(project, "tendering")
    client = as_user("provider")
    client.post(f"/projects/{project.id}/bids", data={"price": "39000", "plan": "方案"})
    assert "撤回响应文件" in page(client.get(f"/projects/{project.id}"))
    assert client.post(f"/projects/{project.id}/bids/withdraw").status_code == 302
    assert db.session.scalar(db.select(Bid.status)) == "withdrawn"
    assert client.post(f"/projects/{project.id}/bids/withdraw").status_code == 404


def test_challenge_and_answer(as_user, journey, world):
    project = journey.create()
    journey.drive(project, "awarded")
    loser = "provider" if project.implementer_id != world["provider"].organisation_id else "provider2"
    client = as_user(loser)
    assert "提出质疑" in page(client.get(f"/projects/{project.id}"))
    assert client.post(f"/projects/{project.id}/challenges", data={"content": "评审打分有误"}).status_code == 302
    challenge = db.session.scalar(db.select(Challenge))
    bureau = as_user("bureau")
    html = page(bureau.get(f"/projects/{project.id}"))
    assert "评审打分有误" in html and "尚有质疑未答复" in html
    assert bureau.post(f"/projects/{project.id}/challenges/{challenge.id}/answer",
                       data={"answer": "经复核无误"}).status_code == 302
    assert "经复核无误" in page(bureau.get(f"/projects/{project.id}"))


def test_contract_milestones_reports_declarations_payments(as_user, journey, world, clock):
    project = journey.create()
    journey.drive(project, "awarded")
    clock.advance(days=20)  # past the challenge period (7 working days), whatever holidays fall in it
    bureau = as_user("bureau")
    html = page(bureau.get(f"/projects/{project.id}"))
    assert 'name="milestones-0-name"' in html and 'data-add-row="milestones"' in html
    bid = db.session.scalar(db.select(Bid).filter_by(status="awarded"))
    start = app_clock.today() + timedelta(days=3)
    data = {"version": project.version, "amount": str(bid.price), "start": start.isoformat(),
            "end": (start + timedelta(days=200)).isoformat(),
            "milestones-0-name": "启动", "milestones-0-percent": "30", "milestones-0-due": start.isoformat(),
            "milestones-1-name": "", "milestones-1-percent": "", "milestones-1-due": "",
            "signed_on": app_clock.today().isoformat(), "service_content": "课后托管", "quantity_targets": "60人",
            "quality_targets": "满意度90%", "deposit": "0", "no_subcontracting": "y"}
    response = bureau.post(f"/projects/{project.id}/fire/sign_contract", data=data)
    assert response.status_code == 422 and "付款节点比例合计 30%，应为 100%" in page(response)
    data.update({"milestones-1-name": "完成", "milestones-1-percent": "70",
                 "milestones-1-due": (start + timedelta(days=200)).isoformat()})
    assert bureau.post(f"/projects/{project.id}/fire/sign_contract", data=data).status_code == 302
    db.session.refresh(project)
    assert project.state == "contracted"

    implementer = next(u for u in ("provider", "provider2") if world[u].organisation_id == project.implementer_id)
    client = as_user(implementer)
    client.post(f"/projects/{project.id}/fire/start_delivery", data={"version": project.version})
    html = page(client.get(f"/projects/{project.id}"))
    assert "启动（30%）" in html and 'name="milestone_id"' in html
    blocked = html.split('data-testid="action-report_completion"')[1].split("</div>")[0]
    assert "以下节点尚未报告：启动、完成" in blocked
    contract_milestones = db.session.scalars(db.select(Milestone).order_by(Milestone.position)).all()
    for milestone in contract_milestones:
        assert client.post(f"/projects/{project.id}/milestone-reports",
                           data={"milestone_id": milestone.id, "content": f"{milestone.name}已完成"}).status_code == 302
    db.session.refresh(project)
    assert client.post(f"/projects/{project.id}/fire/report_completion",
                       data={"version": project.version, "summary": "全部完成"}).status_code == 302

    bureau = as_user("bureau")  # one test client: logging in as someone else logs the previous user out
    html = page(bureau.get(f"/projects/{project.id}"))
    assert 'data-testid="draw-evaluator-form"' in html and 'data-testid="assign-evaluator-form"' in html
    assert "明镜评估事务所" in html.split('data-testid="assign-evaluator-form"')[1].split("</form>")[0]
    evaluator_org = world["evaluator"].organisation_id
    refused = bureau.post(f"/projects/{project.id}/evaluator-assignments",
                          data={"evaluator_org_id": evaluator_org, "reason": "就近"})
    assert refused.status_code == 400 and 'data-testid="assign-evaluator-form"' in page(refused)
    assert bureau.post(f"/projects/{project.id}/evaluator-assignments",
                       data={"evaluator_org_id": evaluator_org,
                             "reason": "该机构熟悉本街道养老服务项目，另一家正承担年度评估。"}).status_code == 302
    assert page(as_user("evaluator2").get("/desk")).count("待声明利益冲突情况") == 0
    evaluator = as_user("evaluator")
    assert "待声明利益冲突情况" in page(evaluator.get("/desk"))
    assert evaluator.post(f"/projects/{project.id}/declarations/mine",
                          data={"statement": "无关联"}).status_code == 302
    assert 'data-testid="declare-first"' in page(evaluator.get(f"/projects/{project.id}"))
    assert evaluator.post(f"/projects/{project.id}/declarations/personal",
                          data={"statement": "本人无关联"}).status_code == 302
    assert db.session.scalar(db.select(ConflictDeclaration.has_conflict)) is False
    bureau = as_user("bureau")
    html = page(bureau.get(f"/projects/{project.id}"))
    acceptance = html.split('data-testid="action-start_acceptance"')[1].split("</details>")[0]
    assert 'name="comment"' in acceptance and "evaluator_org_id" not in acceptance
    assert "明镜评估事务所" in html.split('data-testid="evaluator-draws"')[1].split("</table>")[0]

    response = bureau.post(f"/projects/{project.id}/payments",
                           data={"kind": "final", "amount": "100", "paid_on": app_clock.today().isoformat()})
    assert response.status_code == 422 and "绩效评价完成后方可支付尾款" in page(response)
    first = contract_milestones[0]
    payment = {"kind": "milestone", "amount": "1000.00", "paid_on": app_clock.today().isoformat(),
               "milestone_id": first.id}
    response = bureau.post(f"/projects/{project.id}/payments", data=payment)
    assert response.status_code == 422 and "节点“启动”待社区确认完成情况后支付" in page(response)
    assert as_user("community").post(f"/projects/{project.id}/milestones/{first.id}/confirmation",
                                     data={"result": "met", "comment": "按计划完成"}).status_code == 302
    bureau = as_user("bureau")
    assert bureau.post(f"/projects/{project.id}/payments", data=payment).status_code == 302
    html = page(bureau.get(f"/projects/{project.id}"))
    assert f"已支付 1,000.00 元 / 应付 {bid.price:,.2f} 元" in html
    assert db.session.scalar(db.select(Payment.amount)) == Decimal("1000.00")


def test_timeline_hides_sealed_bids_and_other_firms_declarations(as_user, journey, world, clock):
    other = journey.create()
    journey.drive(other, "delivered")
    project = journey.create()
    journey.drive(project, "tendering")
    as_user("provider").post(f"/projects/{project.id}/bids", data={"price": "39000", "plan": "方案"})
    assert "提交响应文件" not in page(as_user("provider2").get(f"/projects/{project.id}")).split(
        'data-testid="timeline"')[1]
    assert "提交响应文件" in page(as_user("provider").get(f"/projects/{project.id}")).split(
        'data-testid="timeline"')[1]
    recent = page(as_user("provider2").get("/desk")).split("最近动态")[1]
    assert "provider · 阳光社会工作服务中心" not in recent

    bureau = as_user("bureau")
    for firm in ("evaluator", "evaluator2"):
        assert bureau.post(f"/projects/{other.id}/evaluator-assignments",
                           data={"evaluator_org_id": world[firm].organisation_id,
                                 "reason": "测试：依次指定两家评估机构。"}).status_code == 302
    assert as_user("evaluator2").post(f"/projects/{other.id}/declarations/mine", data={
        "statement": "我方曾为该承接方提供咨询", "has_conflict": "y", "conflict_type": "previous_engagement"}
    ).status_code == 302
    html = page(as_user("evaluator").get(f"/projects/{other.id}"))
    assert "我方曾为该承接方提供咨询" not in html and "公信第三方评估中心" not in html
    assert "声明利益冲突情况" in html  # its own pending declaration form


def test_admin_sees_projects_but_has_no_actions(as_user, journey):
    project = journey.create()
    journey.drive(project, "submitted")
    html = page(as_user("admin").get(f"/projects/{project.id}"))
    assert "当前阶段没有需要您办理的流程操作" in html


# ---- admin calendar ---------------------------------------------------------------------------------

def test_calendar_is_admin_only(as_user, world):
    for username in ["community", "reviewer", "bureau", "provider", "evaluator"]:
        client = as_user(username)
        assert client.get("/admin/calendar").status_code == 404, username
        assert client.post("/admin/calendar/days", data={"day": "2026-03-07", "kind": "workday"}).status_code == 404
        assert client.post("/admin/calendar/sync").status_code == 404
    assert db.session.get(CalendarDay, date(2026, 3, 7)) is None


def test_admin_calendar_page_edits_a_day(as_user, world):
    client = as_user("admin")
    html = page(client.get("/admin/calendar?year=2026"))
    assert "正式与暂定的年份" in html and "2026-02-17" in html and "春节" in html
    assert "节假日日历" in page(client.get("/desk"))  # linked in the header
    response = client.post("/admin/calendar/days", data={"day": "2026-03-09", "kind": "holiday", "name": "防汛停工"})
    assert response.status_code == 302
    row = db.session.get(CalendarDay, date(2026, 3, 9))
    assert row.is_workday is False and row.source == "admin" and row.name == "防汛停工"
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="calendar_edit"))
    assert entry.project_id is None and entry.data["day"] == "2026-03-09"
    html = page(client.get("/admin/calendar?year=2026"))
    assert "防汛停工" in html and "人工调整" in html
    bad = client.post("/admin/calendar/days", data={"day": "", "kind": "holiday"})
    assert bad.status_code == 400 and "请输入日期" in page(bad)
    assert client.post("/admin/calendar/sync").status_code == 302
    db.session.expire_all()
    assert db.session.get(CalendarDay, date(2026, 3, 9)).source == "admin"  # the sync never overwrites it
    assert client.post("/admin/calendar/days/2026-03-09/remove").status_code == 302
    assert db.session.get(CalendarDay, date(2026, 3, 9)) is None
    assert client.post("/admin/calendar/days/2026-02-17/remove").status_code == 404  # library rows stay


def test_calendar_warns_about_missing_years(as_user, world, clock):
    clock.advance(days=365 * 30)
    html = page(as_user("admin").get("/admin/calendar"))
    assert 'data-testid="calendar-missing"' in html


# ---- odd input is refused, never a 500 ----------------------------------------------------------------

def test_odd_input_is_never_a_server_error(as_user, journey):
    project = journey.create()
    journey.drive(project, "submitted")
    client = as_user("reviewer")
    for query in ["q=a%00b", "page=%C2%B2", "year=%C2%B2", "community=99999999999999999999", "page=-1",
                  "state=%00"]:
        assert client.get(f"/projects?{query}").status_code == 200, query
        assert client.get(f"/projects/export.csv?{query}").status_code == 200, query
    bad_version = client.post(f"/projects/{project.id}/fire/start_review", data={"version": "abc"})
    assert bad_version.status_code == 400 and "请提供版本号" in page(bad_version)
    huge = client.post(f"/projects/{project.id}/fire/start_review", data={"version": "1e999", "comment": "x\x00"})
    assert huge.status_code == 400
    admin = as_user("admin")
    assert admin.post("/admin/calendar/days", data={"day": "2026-03-09", "kind": "holiday",
                                                    "name": "a\x00b"}).status_code == 400
    assert admin.post("/admin/calendar/days", data={"day": "2026-02-30", "kind": "nope"}).status_code == 400
    assert admin.post("/admin/calendar/days/not-a-date/remove").status_code == 404
    assert admin.get("/admin/calendar?year=%C2%B2").status_code == 200


# ---- error pages ------------------------------------------------------------------------------------

def test_unknown_page_is_a_friendly_404(as_user, world):
    response = as_user("community").get("/no/such/page")
    assert response.status_code == 404
    html = page(response)
    assert "找不到该页面" in html and "This page does not exist" in html and 'href="/"' in html
