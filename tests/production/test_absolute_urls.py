"""Every absolute URL the site writes starts with PUBLIC_BASE_URL, never with the Host header of the request:
an official PDF's verification link and QR code (and so its number: the same document downloaded under two
hosts is one document), the OCDS packages' uri, links.next, publicationPolicy and document URLs, the open-data
page's examples, the residents' survey link and the volunteers' check-in QR code."""
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from conftest import PASSWORD
from procure.documents import issuance, render_pool
from procure.documents.models import IssuedDocument
from procure.documents.render import qr_data_uri
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.survey import operations as survey_operations
from procure.urls import absolute_url
from procure.volunteers import operations as volunteer_operations

from pdf_text import needs_pdftotext, text_of

BASE = "https://procure.example.gov.cn"
EVIL = "http://evil.example"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def public_base(app):
    before, app.config["PUBLIC_BASE_URL"] = app.config["PUBLIC_BASE_URL"], BASE
    yield
    app.config["PUBLIC_BASE_URL"] = before


def strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield node


def absolute_links(node) -> list[str]:
    return [s for s in strings(node) if s.startswith(("http://", "https://")) and "creativecommons" not in s]


# ---- official PDFs ------------------------------------------------------------------------------------------

@needs_pdftotext
def test_a_pdf_downloaded_under_another_host_links_to_the_public_site(client, journey, monkeypatch):
    project = journey.drive(journey.create(), "notice")
    path = f"/public/projects/{project.code}/documents/proposal.pdf"
    rendered = []
    render = render_pool.render
    monkeypatch.setattr(render_pool, "render", lambda html: rendered.append(html) or render(html))

    evil = client.get(path, base_url=EVIL)
    assert evil.status_code == 200
    record = db.session.scalar(db.select(IssuedDocument))
    url = f"{BASE}/verify/{record.verification_code}"
    text = text_of(evil.data)
    assert url in text and "evil.example" not in text
    assert qr_data_uri(url) in rendered[-1] and "evil.example" not in rendered[-1]  # the QR code says the same

    plain = client.get(path)  # http://localhost
    assert plain.data == evil.data
    assert [r.number for r in db.session.scalars(db.select(IssuedDocument))] == [record.number]


def test_the_verification_link_keeps_the_base_urls_path_prefix(app):
    app.config["PUBLIC_BASE_URL"] = "https://www.example.gov.cn/procure"
    with app.test_request_context("/", base_url=EVIL):
        assert issuance.verify_url("ABCDEFGHJKMN") == "https://www.example.gov.cn/procure/verify/ABCDEFGHJKMN"
    assert issuance.verify_url("ABCDEFGHJKMN") == "https://www.example.gov.cn/procure/verify/ABCDEFGHJKMN"  # CLI


# ---- open data -------------------------------------------------------------------------------------------

def published(journey, world):
    """Two listed projects, their catalogue published: each has its first release."""
    from procure.catalogue import operations as catalogue_operations
    from procure.catalogue.models import Catalogue

    listed = [journey.drive(journey.create(title=title), "cataloged") for title in ("甲项目", "乙项目")]
    catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=listed[0].catalogue_year))
    journey.do(catalogue_operations.publish, catalogue, world["bureau"])
    return listed


def test_ocds_packages_link_to_the_public_site_under_any_host(client, journey, world):
    first, _ = published(journey, world)
    ocid = f"ocds-pr0cur-{first.code}"
    feed = client.get("/api/v1/ocds/releases?limit=1", base_url=EVIL).get_json()
    assert feed["uri"] == f"{BASE}/api/v1/ocds/releases?limit=1"
    assert feed["links"]["next"].startswith(f"{BASE}/api/v1/ocds/releases?")
    assert feed["publicationPolicy"] == f"{BASE}/open-data"
    following = client.get(feed["links"]["next"].removeprefix(BASE), base_url=EVIL)
    assert following.status_code == 200 and following.get_json()["releases"]
    record = client.get(f"/api/v1/ocds/processes/{ocid}/record", base_url=EVIL).get_json()
    releases = client.get(f"/api/v1/ocds/processes/{ocid}/releases", base_url=EVIL).get_json()
    assert record["uri"] == f"{BASE}/api/v1/ocds/processes/{ocid}/record"
    for package in (feed, record, releases):
        links = absolute_links(package)
        assert links and all(link.startswith(BASE + "/") for link in links), links
        assert any("/public/" in link for link in links), links  # the releases' documents too
        assert "evil.example" not in str(package)


def test_the_open_data_page_shows_the_public_addresses(client, journey, world):
    published(journey, world)
    page = client.get("/open-data", base_url=EVIL).get_data(as_text=True)
    assert f"{BASE}/api/v1/ocds/releases" in page and f"{BASE}/api/v1/openapi.json" in page
    assert f"{BASE}/api/v1/ocds/bulk/" in page and "evil.example" not in page


# ---- survey and volunteers ---------------------------------------------------------------------------------

def test_the_survey_link_is_on_the_public_site(journey, world, api):
    project = journey.drive(journey.create(), "under_acceptance")
    survey_operations.open_survey(project, world["community"], json_to_formdata({}))
    db.session.commit()
    answer = api.as_("community").post(f"/projects/{project.id}/survey/tokens", json={"count": 2}, base_url=EVIL)
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["url"].startswith(f"{BASE}/survey/")
    assert all(re.fullmatch(re.escape(body["url"]) + r"\?t=[\w-]+", link) for link in body["links"])


def test_the_check_in_qr_code_points_at_the_public_site(client, world, clock):
    form = {"title": "助老陪伴", "category": "elderly", "description": "陪老人聊天", "place": "社区活动室",
            "starts_at": "2026-03-03T09:00", "ends_at": "2026-03-03T12:00", "places": "10"}
    activity = volunteer_operations.publish_activity(world["community"], MultiDict(form))
    db.session.commit()
    clock.advance(hours=23)  # the activity has begun: the organiser's page shows the QR code
    assert client.post("/login", data={"username": "community", "password": PASSWORD},
                       base_url=EVIL).status_code == 302
    page = client.get(f"/activities/{activity.id}/attendance", base_url=EVIL).get_data(as_text=True)
    expected = absolute_url("volunteers.checkin", token=activity.checkin_token)
    assert expected.startswith(f"{BASE}/activities/checkin/")
    assert qr_data_uri(expected) in page


# ---- no other way in -----------------------------------------------------------------------------------------

def test_no_module_builds_an_absolute_url_from_the_request():
    """The helper in procure/urls.py is the only way to an absolute URL: nothing reads the request's host."""
    forbidden = re.compile(r"_external\s*=\s*True|url_root|host_url|request\.host\b|request\.url\b")
    found = []
    for path in list((ROOT / "procure").rglob("*.py")) + list((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if forbidden.search(line) and "procure/urls.py" not in str(path):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    allowed = ["procure/web.py",  # same_site_path compares a Referer with the request's host: no URL is built
               "procure/trusted_hosts.py"]  # (its docstring)
    assert [f for f in found if not f.startswith(tuple(allowed))] == []
