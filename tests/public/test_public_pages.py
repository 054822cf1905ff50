"""The public portal without a login: home, project list (filters, search, totals, pages), a project's page
as its journey moves on (each part shown only once public), its public timeline, PDFs and the catalogues."""
import re
from datetime import timedelta

import pytest

from procure import clock as app_clock
from procure import lifecycle
from procure.accounts.models import Division
from procure.demo.journey import contract_terms
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.procurement import contracts
from procure.procurement import operations as procurement
from procure.procurement.models import Bid
from procure.projects import operations


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def named_staff(world):
    """Distinctive display names, so that a page showing any user's name is caught."""
    for username in ("community", "reviewer", "bureau", "provider", "provider2", "evaluator", "evaluator2"):
        world[username].display_name = f"职员姓名{username}"
    db.session.commit()
    return [f"职员姓名{u}" for u in ("community", "reviewer", "bureau", "provider", "provider2", "evaluator")]


def project_page(client, project):
    return client.get(f"/public/projects/{project.code}")


def test_every_public_page_answers_anonymously(client, journey, world):
    noticed = journey.drive(journey.create(title="公示中的助餐项目"), "notice")
    listed = journey.drive(journey.create(title="已入目录的助餐项目"), "cataloged")
    from procure.catalogue import operations as catalogue_ops
    from procure.catalogue.models import Catalogue

    catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=listed.catalogue_year))
    assert client.get(f"/public/catalogues/{listed.catalogue_year}").status_code == 404  # a draft
    assert client.get(f"/public/catalogues/{listed.catalogue_year}.pdf").status_code == 404
    catalogue_ops.publish(catalogue, world["bureau"])
    db.session.commit()
    for path in ("/", "/public/projects", f"/public/projects/{noticed.code}", f"/public/projects/{listed.code}",
                 "/public/catalogues", f"/public/catalogues/{listed.catalogue_year}",
                 "/public/projects?q=助餐&stage=notice&page=2", "/public/projects?stage=bogus&year=x&district=abc"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "工作台" not in response.get_data(as_text=True)  # the visitor's nav, not the staff's
    home = text(client.get("/"))
    assert "公示中的助餐项目" in home and f"/public/projects/{noticed.code}" in home
    catalogue_page = text(client.get(f"/public/catalogues/{listed.catalogue_year}"))
    assert f"/public/projects/{listed.code}" in catalogue_page and "40,000.00" in catalogue_page
    assert client.get("/public/catalogues/1999").status_code == 404
    pdf = client.get(f"/public/catalogues/{listed.catalogue_year}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


@pytest.mark.parametrize("state", ["draft", "submitted", "under_review", "returned", "rejected", "withdrawn"])
def test_projects_before_or_outside_the_notice_are_not_found(client, journey, state):
    project = journey.drive(journey.create(title="不应公开的项目"), state)
    assert project_page(client, project).status_code == 404
    assert client.get(f"/public/projects/{project.code}/documents/proposal.pdf").status_code == 404
    assert "不应公开的项目" not in text(client.get("/public/projects"))
    assert "不应公开的项目" not in text(client.get("/public/projects?q=不应公开"))
    assert client.get("/public/projects/NO-SUCH-CODE").status_code == 404


def test_a_project_under_notice_shows_its_proposal_and_the_objection_form(client, journey):
    project = journey.drive(journey.create(title="长者助餐"), "notice")
    page = text(project_page(client, project))
    assert "长者助餐" in page and "辖区内独居和高龄老人较多" in page  # needs analysis
    assert "餐食及配送" in page and "40,000.00" in page  # budget lines and total
    assert "议事会讨论了助餐需求" in page  # the council's minutes
    assert 'data-testid="objection-form"' in page and "姓名和联系方式仅社区和审核人员可见，不会公开" in page
    assert 'name="website"' in page and 'tabindex="-1"' in page and 'aria-hidden="true"' in page
    assert "公示期至" in page
    assert 'data-testid="approval"' not in page and 'data-testid="tender"' not in page
    assert 'data-testid="ocds-link"' not in page  # no open data before the catalogue: the link would be a 404


def test_sections_appear_as_the_journey_moves_on(client, journey, world, named_staff):
    project = journey.drive(journey.create(title="社区长者助餐服务"), "tendering")
    page = text(project_page(client, project))
    assert 'data-testid="approval"' in page and 'data-testid="tender"' in page
    assert "服务方案" in page and "40" in page  # a criterion with its points
    assert 'data-testid="objection-form"' not in page
    record = re.search(r'href="([^"]+)" data-testid="ocds-link"', page).group(1)
    assert client.get(record).status_code == 200

    provider = world["provider"]
    procurement.submit_bid(project, provider, json_to_formdata(
        {"price": "36543.21", "plan": "密封的服务方案", "team": "密封的团队"}))
    db.session.commit()
    page = text(project_page(client, project))
    assert "36,543.21" not in page and world.providers[0].name not in page and "密封的服务方案" not in page
    assert 'data-testid="bidders"' not in page

    journey.award(project)  # the award and its notice
    page = text(project_page(client, project))
    assert 'data-testid="bidders"' in page and 'data-testid="award"' in page
    winner = db.session.scalar(db.select(Bid).filter_by(project_id=project.id, status="awarded"))
    assert winner.provider.name in page and f"{winner.price:,.2f}" in page
    assert "密封的服务方案" not in page and "密封的团队" not in page  # plans and teams stay private

    # The contract is signed but not yet published: not shown.
    journey.clock.advance(days=20)  # past the challenge period
    start = app_clock.today() + timedelta(days=3)
    lifecycle.fire(project, "sign_contract", world["bureau"], json_to_formdata({
        "amount": str(winner.price), "start": start.isoformat(), "end": (start + timedelta(days=300)).isoformat(),
        "milestones": [{"name": "中期节点", "percent": 40, "due": (start + timedelta(days=120)).isoformat()},
                       {"name": "完成节点", "percent": 60, "due": (start + timedelta(days=300)).isoformat()}],
        **contract_terms(winner.price)}), project.version)
    db.session.commit()
    page = text(project_page(client, project))
    assert 'data-testid="contract"' not in page and "中期节点" not in page and 'data-testid="payments"' not in page
    contracts.publish(project, world["bureau"])
    db.session.commit()
    page = text(project_page(client, project))
    assert 'data-testid="contract"' in page and "中期节点" in page and "为辖区高龄、独居老人提供助餐配送" in page
    assert 'data-testid="payments"' in page
    for name in named_staff:
        assert name not in page


def test_the_timeline_shows_public_milestones_without_comments_or_names(client, journey, world, named_staff):
    project = journey.drive(journey.create(), "notice")
    journey.submit(project)
    journey.start_review(project)
    journey.return_for_revision(project)  # its comment is a review reason
    journey.resubmit(project)
    journey.start_review(project)
    journey.clock.advance(days=1)
    lifecycle.fire(project, "approve", world["reviewer"], json_to_formdata(
        {"approved_amount": "39000.00", "negative_list_checked": True, "comment": "内部审核意见：独特标记甲乙丙"}),
        project.version)
    db.session.commit()
    assert project_page(client, project).status_code == 404  # approved, not yet in a catalogue
    journey.drive(project, "closed")
    page = text(project_page(client, project))
    timeline = page[page.index('data-testid="timeline"'):]
    for action in ("publish_notice", "approve", "list_in_catalogue", "open_tender", "publish_award_notice",
                   "sign_contract", "publish_contract", "start_delivery", "start_acceptance", "accept", "evaluate",
                   "close", "record_payment"):
        assert f'data-action="{action}"' in timeline, action
    for action in ("create", "edit", "submit", "start_review", "return_for_revision", "resubmit", "submit_bid",
                   "appoint_panel_member", "score_bid", "declare_conflict", "declare_personal", "save_scores",
                   "submit_scores", "judge_item", "record_site_visit"):
        assert f'data-action="{action}"' not in timeline, action
    assert "独特标记甲乙丙" not in page
    assert "请细化预算明细" not in page  # the return-for-revision reason
    assert "需求真实" not in page and "综合评分第一名" not in page  # other audit comments
    for name in named_staff:
        assert name not in page
    assert world.community.name in timeline and "××市民政局" in timeline  # the acting organisations


def test_a_closed_project_shows_acceptance_evaluation_and_documents(client, journey, world):
    project = journey.drive(journey.create(), "closed")
    page = text(project_page(client, project))
    for part in ("acceptance", "evaluation", "payments", "contract", "documents", "group-scores"):
        assert f'data-testid="{part}"' in page, part
    assert "随机种子" in page and world.evaluators[0].name in page
    assert f"/public/projects/{project.code}/documents/evaluation_report.pdf" in page
    assert f"/api/v1/ocds/processes/ocds-pr0cur-{project.code}/record" in page


def test_the_evaluation_report_downloads_once_evaluated(client, journey):
    project = journey.drive(journey.create(), "accepted")
    path = f"/public/projects/{project.code}/documents/evaluation_report.pdf"
    assert client.get(path).status_code == 404
    assert client.get(f"/public/projects/{project.code}/documents/bogus.pdf").status_code == 404
    journey.drive(project, "evaluated")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_public_pdf_downloads_are_limited_per_address(app, client, journey):
    """One address gets PUBLIC_DOCUMENT_LIMIT public PDF downloads, then 429 (kept or rendered alike)."""
    project = journey.drive(journey.create(), "notice")
    path = f"/public/projects/{project.code}/documents/proposal.pdf"
    app.config["PUBLIC_DOCUMENT_LIMIT"] = "2 per hour"
    try:
        assert [client.get(path).status_code for _ in range(3)] == [200, 200, 429]
        assert "请求过于频繁" in client.get(path).get_data(as_text=True)
    finally:
        app.config["PUBLIC_DOCUMENT_LIMIT"] = "120 per hour"


def test_list_search_filters_pages_and_totals(app, client, journey, world):
    listed = [journey.drive(journey.create(title=f"目录项目{i}", amount=f"{10000 + i * 1000}.00"), "cataloged")
              for i in range(3)]
    noticed = journey.drive(journey.create(title="公示项目", amount="30000.00"), "notice")
    page = text(client.get("/public/projects"))
    assert "共 4 个项目，批准金额合计 33,000.00 元" in page  # the notice's requested amount is not added
    app.config["PER_PAGE"] = 2
    try:
        first = text(client.get("/public/projects"))
        second = text(client.get("/public/projects?page=2"))
        assert "共 4 个项目，批准金额合计 33,000.00 元" in first and "共 4 个项目" in second
        assert "第 1 / 2 页" in first and "第 2 / 2 页" in second
        shown = [p.code for p in listed + [noticed] if p.code in first or p.code in second]
        assert len(shown) == 4
        assert text(client.get("/public/projects?page=999")).count("/public/projects/WXM") == 2  # the last page
    finally:
        app.config["PER_PAGE"] = 20
    stage = text(client.get("/public/projects?stage=cataloged"))
    assert "共 3 个项目，批准金额合计 33,000.00 元" in stage and "公示项目" not in stage
    found = text(client.get("/public/projects?q=目录项目1"))
    assert "共 1 个项目，批准金额合计 11,000.00 元" in found
    by_code = text(client.get(f"/public/projects?q={noticed.code}"))
    assert "共 1 个项目" in by_code
    other = text(client.get(f"/public/projects?community={world.community_b.id}"))
    assert "共 0 个项目" in other and "没有符合条件的项目" in other
    exports = text(client.get("/public/projects?stage=cataloged&q=目录"))
    assert "/public/exports/projects.csv?" in exports and "stage=cataloged" in exports
    assert "/public/exports/projects.xlsx?" in exports


def test_home_figures_by_stage_district_and_class(app, client, journey, world):
    runner = app.test_cli_runner()  # an admin names the district from the command line
    assert runner.invoke(args=["orgs", "name-division", "330102", "青山区"]).output.strip() == "330102 青山区"
    assert runner.invoke(args=["orgs", "name-division", "33x", "坏代码"]).exit_code != 0
    assert db.session.get(Division, "330102").name == "青山区"
    journey.drive(journey.create(amount="20000.00"), "cataloged")
    journey.drive(journey.create(amount="30000.00"), "notice")
    page = text(client.get("/"))
    figures = page[page.index('data-testid="home-figures"'):]
    assert "青山区" in figures and "成熟社区" in figures
    assert "共 2 个公开项目，批准金额合计 20,000.00 元" in figures
    assert "公示中的项目尚未批准" in figures
    assert "/public/projects?district=330102" in figures and "/public/projects?community_class=mature" in figures


def test_home_lists_open_tenders_awards_contracts_and_results(client, journey):
    done = journey.drive(journey.create(title="已评价的项目"), "evaluated")
    tendering = journey.drive(journey.create(title="采购中的助餐项目"), "tendering")
    page = text(client.get("/"))
    tenders = page[page.index('data-testid="home-tenders"'):page.index('data-testid="home-awards"')]
    assert "采购中的助餐项目" in tenders and "已评价的项目" not in tenders
    awards = page[page.index('data-testid="home-awards"'):]
    assert "已评价的项目" in awards
    assert "已评价的项目" in page[page.index('data-testid="home-contracts"'):]
    assert "已评价的项目" in page[page.index('data-testid="home-evaluations"'):]
    assert f"/public/projects/{tendering.code}" in page and f"/public/projects/{done.code}" in page
