"""The public home page and project list at any size: the same number of SQL statements for 3 projects or 30,
figures and totals that match the public projects, keyset pages, and the search."""
import re

from sqlalchemy import func, select

from procure import disclosure
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.projects.models import Project

from html_pages import ok_html, rel_link
from statements import count

PATHS = ("/", "/public/projects", "/public/projects?stage=notice", "/public/projects?district=330102",
         "/public/projects?funding_form=purchase&community_class=mature", "/public/projects?q=助餐服务",
         "/public/projects?q=助", "/public/projects?page=2")


def codes(page) -> list[str]:
    return re.findall(r'<span class="code">(WXM[0-9-]+)</span>', page)


def noticed(journey, n, **proposal):
    return [journey.drive(journey.create(title=f"社区助餐服务{i:02d}", **proposal), "notice") for i in range(n)]


def test_the_pages_run_as_many_statements_for_30_projects_as_for_3(app, client, journey, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    journey.drive(journey.create(title="已入目录的助餐服务"), "cataloged")
    noticed(journey, 2)

    def statements():
        return {path: count(lambda: ok_html(client.get(path))) for path in PATHS}
    few = statements()
    noticed(journey, 25, funding_form="subsidy")
    journey.drive(journey.create(title="另一个入目录的项目", funding_form="reward"), "cataloged")
    journey.create(title="草稿不公开")
    assert statements() == few
    assert few["/"] <= 16 and max(n for path, n in few.items() if path != "/") <= 10


def test_the_figures_and_totals_are_the_public_projects_counted(client, journey, world):
    listed = journey.drive(journey.create(title="目录项目", amount="12000.00"), "cataloged")
    journey.drive(journey.create(title="终止的目录项目", amount="8000.00"), "cancelled")
    noticed(journey, 2)
    journey.drive(journey.create(title="被拒的项目"), "rejected")
    public = disclosure.public_clause()
    count_, amount = db.session.execute(select(func.count(), func.sum(Project.approved_amount)).where(public)).one()
    home, listing = ok_html(client.get("/")), ok_html(client.get("/public/projects"))
    assert count_ == 4 and f"共 {count_} 个项目，批准金额合计 {amount:,.2f} 元" in listing
    figures = re.search(r'data-testid="figures-stage".*?</table>', home, re.S)
    assert figures, "the home page's figures by stage"
    cells = re.findall(r'<tr><th scope="row"><a [^>]*>([^<]+)</a></th>\s*<td class="num">(\d+)</td>', figures.group(0))
    assert dict(cells) == {"社区公示": "2", "已入目录": "1", "采购中": "0", "实施中": "0", "验收中": "0", "已验收": "0",
                           "已评价": "0", "已结项": "0", "已终止": "1"}
    by_district = ok_html(client.get("/public/projects?district=330102&stage=cataloged"))
    assert "共 1 个项目，批准金额合计 12,000.00 元" in by_district and listed.code in codes(by_district)
    far = db.session.scalar(select(Organisation).filter_by(name="远山社区"))
    assert "共 0 个项目" in ok_html(client.get(f"/public/projects?community={far.id}"))


def test_next_and_previous_walk_the_public_list_once_newest_first(app, client, journey, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    journey.drive(journey.create(title="目录项目"), "cataloged")
    noticed(journey, 4)
    page, pages = ok_html(client.get("/public/projects")), []
    assert "共 5 个项目" in page and "第 1 / 3 页" in page
    while True:
        pages.append(codes(page))
        if not rel_link(page, "next"):
            break
        page = ok_html(client.get(rel_link(page, "next")))
    walked = [code for p in pages for code in p]
    assert [len(p) for p in pages] == [2, 2, 1] and len(set(walked)) == 5 and "第 3 / 3 页" in page
    assert codes(ok_html(client.get(rel_link(page, "prev")))) == pages[1]
    assert codes(ok_html(client.get("/public/projects?page=2"))) == pages[1]


def test_the_public_search_finds_a_title_a_code_or_a_community(client, journey):
    project = noticed(journey, 1)[0]
    hidden = journey.create(title="社区助餐服务草稿")
    for query in ("助餐服务", "助餐", project.code, "幸福社区"):
        found = codes(ok_html(client.get("/public/projects", query_string={"q": query})))
        assert found == [project.code] and hidden.code not in found, query
