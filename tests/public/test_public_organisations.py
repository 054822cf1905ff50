"""The public pages of communities, providers and evaluation firms: anyone can read them without logging in,
they show the public facts and projects of each organisation, and nothing private (contacts, legal
representatives, staff, engagements, declarations, unpublished contract amounts)."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from procure import clock
from procure.accounts.models import Division, Organisation
from procure.codes import make_uscc
from procure.evaluators.models import EvaluatorProfile, EvaluatorStaff, FirmEngagement
from procure.extensions import db
from procure.procurement.models import Contract
from procure.providers.models import Debarment, ProviderProfile, TeamMember

PRIVATE = ["私密联系方式-ORG", "私密联系方式-PROFILE", "法人1", "法人2", "团队成员张三", "评估员李四", "往来业务-SECRET",
           "本机构与承接方及社区无任何利益关系", "用户显示名-王五"]


@pytest.fixture
def scene(journey, world):
    """A closed project (implementer and firm public), a subsidy in delivery whose agreement is unpublished,
    a draft; private markers in every private field of the organisations."""
    db.session.add(Division(code="330102", name="青山区"))
    for org in [world.community, *world.providers, *world.evaluators]:
        org.contact = "私密联系方式-ORG"
    world["provider"].display_name = "用户显示名-王五"
    profiles = {p.organisation_id: p for p in db.session.scalars(db.select(ProviderProfile))}
    for profile in profiles.values():
        profile.contact, profile.rating, profile.service_areas = "私密联系方式-PROFILE", "4A", "养老服务、社区治理"
        profile.team.append(TeamMember(name="团队成员张三", qualification="社会工作师"))
    firm = db.session.scalar(db.select(EvaluatorProfile).filter_by(organisation_id=world.evaluators[0].id))
    firm.accredited_until, firm.specialties = date(2027, 12, 31), ["A"]
    firm.staff.append(EvaluatorStaff(name="评估员李四", qualification="评估师"))
    db.session.add(FirmEngagement(firm_id=world.evaluators[0].id, counterpart_id=world.community_b.id,
                                  description="往来业务-SECRET", started_on=date(2020, 1, 1), ended_on=date(2020, 6, 1)))
    db.session.commit()
    closed = journey.drive(journey.create(title="社区长者助餐服务"), "closed")
    subsidy = journey.drive(journey.create(title="邻里互助补贴", funding_form="subsidy", amount="20000.00"),
                            "in_delivery")
    draft = journey.create(title="草稿项目不公开", amount="12345.00")
    db.session.refresh(closed)
    return {"closed": closed, "subsidy": subsidy, "draft": draft,
            "contract": db.session.scalar(db.select(Contract).filter_by(project_id=closed.id))}


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def no_private(html):
    for marker in PRIVATE:
        assert marker not in html, marker


# ---- communities ------------------------------------------------------------------------------------------------

def test_communities_list_their_district_class_and_public_projects(client, world, scene):
    html = page(client, "/public/communities")
    no_private(html)
    row = re.search(r"<tr>\s*<td><a href=\"/public/communities/%d\">幸福社区</a>.*?</tr>" % world.community.id,
                    html, re.S).group(0)
    assert "青山区" in row and "成熟社区" in row
    # Two public projects (the draft is not), approved 40,000.00 and 20,000.00.
    assert re.search(r">2</a></td>\s*<td class=\"num\">60,000.00</td>", row)
    assert "和平社区" in html and "城中村社区" in html
    found = page(client, "/public/communities?q=和平")
    assert "和平社区" in found and "幸福社区" not in found
    assert "幸福社区" not in page(client, "/public/communities?community_class=urban_village")
    assert "共 0 个社区" in page(client, "/public/communities?district=330201&q=幸福")


def test_a_community_page_shows_its_public_projects_with_totals(client, world, scene):
    html = page(client, f"/public/communities/{world.community.id}")
    no_private(html)
    assert "青山区" in html and "成熟社区" in html
    assert scene["closed"].title in html and "邻里互助补贴" in html and "草稿项目不公开" not in html
    assert "已结项" in html and "实施中" in html
    totals = re.search(r'<tr data-testid="org-project-table-totals">(.*?)</tr>', html, re.S).group(1)
    assert "60,000.00" in totals  # approved, both projects
    assert f"{scene['contract'].amount:,.2f}" in totals and "20,000.00</th>" not in totals.split("60,000.00")[1]
    assert f'href="/public/projects?community={world.community.id}"' in html
    assert f'href="/public/projects/{scene["closed"].code}"' in html


# ---- providers ----------------------------------------------------------------------------------------------------

def test_the_provider_register_shows_verified_providers_with_track_record_and_debarments(client, world, scene):
    winner = scene["contract"].implementer_id
    others = [org for org in world.providers if org.id != winner]
    db.session.add(Debarment(organisation_id=others[0].id, reason="无正当理由拒不签订合同", source="breach",
                             starts_on=clock.today() - timedelta(days=10), ends_on=clock.today() + timedelta(days=355)))
    db.session.add(Debarment(organisation_id=others[0].id, reason="早已期满的禁入", source="other",
                             starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1)))
    unverified = db.session.scalar(db.select(ProviderProfile).filter_by(organisation_id=others[1].id))
    unverified.verified_at = unverified.verified_by_id = None
    db.session.commit()
    html = page(client, "/public/providers")
    no_private(html)
    names = {org.id: org.name for org in world.providers}
    assert names[winner] in html and names[others[0].id] in html
    assert names[others[1].id] not in html  # not verified by the bureau: not in the register
    assert world.providers[0].credit_code in html and "社会服务机构" in html and "4A" in html
    row = re.search(r"<tr>\s*<td><a href=\"/public/providers/%d\">.*?</tr>" % winner, html, re.S).group(0)
    assert "优 1" in row and "100.00" in row  # one project graded 优, average score 100.00
    assert "无正当理由拒不签订合同" in html and "早已期满的禁入" not in html
    assert page(client, "/public/providers?q=" + names[winner][:4]).count("/public/providers/") == 1
    assert client.get(f"/public/providers/{others[1].id}").status_code == 404


def test_a_provider_page_shows_profile_record_and_public_projects_only(client, world, scene):
    winner = scene["contract"].implementer_id
    html = page(client, f"/public/providers/{winner}")
    no_private(html)
    assert "养老服务、社区治理" in html and "合格" in html
    assert scene["closed"].title in html and f"{scene['contract'].amount:,.2f}" in html
    assert 'data-testid="track-record"' in html
    # The subsidy's implementer is the first provider: the project is listed, its unpublished amount is not.
    subsidy_html = page(client, f"/public/providers/{scene['subsidy'].implementer_id}")
    no_private(subsidy_html)
    assert "邻里互助补贴" in subsidy_html and "20,000.00" not in subsidy_html
    assert "草稿项目不公开" not in subsidy_html


# ---- evaluation firms ---------------------------------------------------------------------------------------------

def test_evaluation_firms_show_register_facts_and_the_projects_they_evaluated(client, world, scene):
    html = page(client, "/public/evaluators")
    no_private(html)
    assert "明镜评估事务所" in html and "公信第三方评估中心" in html and "2027-12-31" in html
    assert "社会组织评估资质" in html
    firm = world.evaluators[0].id
    detail = page(client, f"/public/evaluators/{firm}")
    no_private(detail)
    assert scene["closed"].title in detail and "优" in detail and "邻里互助补贴" not in detail
    assert f'href="/public/projects?evaluator={firm}"' in detail
    other = page(client, f"/public/evaluators/{world.evaluators[1].id}")
    assert "暂无公开项目" in other


# ---- not found ------------------------------------------------------------------------------------------------

def test_ids_of_other_kinds_or_unknown_ids_are_not_found(client, world, scene):
    unregistered = Organisation(kind="evaluator", name="未入册评估机构", division_code="330100",
                                credit_code=make_uscc("91330109MA0000009"))
    db.session.add(unregistered)
    db.session.commit()
    for path in (f"/public/communities/{world.providers[0].id}", f"/public/communities/{world.orgs['city'].id}",
                 f"/public/providers/{world.community.id}", f"/public/providers/{world.evaluators[0].id}",
                 f"/public/evaluators/{world.providers[0].id}", f"/public/evaluators/{unregistered.id}",
                 "/public/communities/999999", "/public/providers/0", "/public/evaluators/99999999999999999999",
                 "/public/providers/abc"):
        assert client.get(path).status_code == 404, path
    assert "未入册评估机构" not in page(client, "/public/evaluators")
    assert client.get("/public/providers?page=999&q=%00").status_code == 200


def test_lists_paginate(app, client, world, scene):
    per_page, app.config["PER_PAGE"] = app.config["PER_PAGE"], 2
    try:
        first, second = page(client, "/public/communities"), page(client, "/public/communities?page=2")
        assert "第 1 / 2 页" in first and "第 2 / 2 页" in second
        assert ("远山社区" in first) != ("远山社区" in second)
        assert "第 2 / 2 页" in page(client, "/public/providers?page=5")
    finally:
        app.config["PER_PAGE"] = per_page


def test_lists_take_the_same_number_of_queries_for_more_organisations(client, world, scene):
    def statements(path) -> int:
        count = [0]

        def counter(_conn, _cursor, statement, *_args):
            count[0] += not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE"))
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            page(client, path)
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return count[0]

    paths = ("/public/communities", "/public/providers", "/public/evaluators")
    before = {path: statements(path) for path in paths}
    bureau = world["bureau"]
    for i in range(4, 9):
        provider = Organisation(kind="provider", name=f"新增社工机构{i}", division_code="330102",
                                credit_code=make_uscc(f"5233010{i}MJ000000{i}"))
        firm = Organisation(kind="evaluator", name=f"新增评估机构{i}", division_code="330100",
                            credit_code=make_uscc(f"9133010{i}MA000000{i}"))
        db.session.add_all([provider, firm, Organisation(kind="community", name=f"新增社区{i}",
                                                         division_code=f"33010200100{i}", community_class="mature")])
        db.session.flush()
        db.session.add(ProviderProfile(organisation_id=provider.id, verified_at=clock.now(),
                                       verified_by_id=bureau.id))
        db.session.add(EvaluatorProfile(organisation_id=firm.id, accreditation="评估资质", specialties=["A", "B"]))
    db.session.commit()
    after = {path: statements(path) for path in before}
    assert after == before
