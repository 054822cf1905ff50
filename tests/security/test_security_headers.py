"""Issue 15, item 5: every response carries a strict Content-Security-Policy (no inline script or style; a
nonce when a template asks for one), frame-ancestors 'none', nosniff, a Referrer-Policy and a
Permissions-Policy, and HSTS when configured (production). Checked on every page a crawl of the demo city
reaches, anonymously and signed in as each role, with the PDFs, exports, static files and redirects on the
way (tests/security_check.py says what is checked), and on the answers a crawl does not meet: errors, the
API, downloads."""
import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from flask import make_response, render_template_string

from conftest import DEMO_PASSWORD, PASSWORD
from procure.extensions import db
from security_check import DOWNLOAD_POLICY, header_problems, inline_code_problems, nonce_of, policy

ROOT = Path(__file__).resolve().parents[2]
# community2's project has its residents' survey open (slips, poster with its QR code).
ROLES = ["admin", "community1", "community2", "reviewer1", "bureau1", "provider1", "evaluator1", "resident1"]
SKIP = re.compile(r"^/(logout|lang/)")
# Links differing only in ids and query values say little more than the first few of them; of a file (a PDF
# is rendered on request, most of a second; an export; a feed), the first says as much as all.
PER_SHAPE, PER_FILE_SHAPE, MAX_FETCHES = 5, 1, 600
FILES = (".pdf", ".csv", ".xlsx", ".json")
# Pages each crawl must reach: those that used to carry inline style or script (a progress bar's width, an
# indicator tree's indentation, a print button, the survey's own styles, a select sending its form).
MUST_REACH = {
    "(visitor)": [r"/survey/[^/]+"],
    "admin": [r"/admin/calendar", r"/indicator-templates/\d+"],
    "bureau1": [r"/projects/\d+", r"/indicator-templates/\d+", r"/catalogues/\d+/print"],
    "community2": [r"/projects/\d+/survey/slips", r"/projects/\d+/survey/poster"],
}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get" and attrs.get("action"):
            self.links.append(attrs["action"])


def links_of(url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for raw in parser.links:
        parts = urlsplit(urldefrag(urljoin("http://localhost" + url, raw))[0])
        if parts.netloc == "localhost" and parts.scheme == "http":
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def shape(path: str) -> tuple:
    parts = urlsplit(path)
    return re.sub(r"\d+", "N", parts.path), tuple(sorted({k for k, _ in parse_qsl(parts.query)}))


def crawl(client, start) -> dict:
    """Breadth-first over the site's own links from `start`: {path: (status, content type, problems)}."""
    seen, shapes, results = set(start), Counter(), {}
    queue = deque(start)
    while queue and len(results) < MAX_FETCHES:
        path = queue.popleft()
        response = client.get(path)
        problems = header_problems(response.headers)
        links = []
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            problems += inline_code_problems(html, response.headers)
            links = links_of(path, html)
        if response.headers.get("Location"):
            links.append(urlsplit(urljoin("http://localhost" + path, response.headers["Location"])).path)
        results[path] = (response.status_code, response.mimetype, problems)
        for link in links:
            key = shape(link)
            if link in seen or SKIP.match(link) or shapes[key] >= (PER_FILE_SHAPE if key[0].endswith(FILES)
                                                                   else PER_SHAPE):
                continue
            seen.add(link)
            shapes[key] += 1
            queue.append(link)
    return results


@pytest.fixture(scope="class")
def demo(demo_city):
    return demo_city


class TestEveryPageOfTheDemo:
    """The demo city, crawled as a visitor and as each role (read-only: the data stay for the class)."""

    @pytest.fixture(autouse=True)
    def ctx(self, app, demo):
        with app.app_context():
            yield
            db.session.rollback()

    def check(self, results, signed_in, who):
        bad = {path: found[2] for path, found in results.items() if found[2]}
        assert not bad, bad
        errors = {path: found[0] for path, found in results.items() if found[0] >= 500}
        assert not errors, errors
        kinds = Counter(found[1] for found in results.values())
        print(f"\nheaders crawl: {len(results)} responses, {dict(kinds)}")
        # The crawl went through the site: pages, the static files they load, redirects on the way.
        assert kinds["text/html"] > (20 if signed_in else 40), kinds
        assert {"text/css", "text/javascript"} <= set(kinds) or {"text/css", "application/javascript"} <= set(kinds)
        for pattern in MUST_REACH.get(who, []):
            assert any(re.fullmatch(pattern, urlsplit(path).path) and found[0] == 200
                       for path, found in results.items()), pattern
        return kinds

    def test_a_visitor(self, client):
        from procure.survey.models import Survey

        surveys = [f"/survey/{slug}" for slug in db.session.scalars(db.select(Survey.slug))]
        assert surveys
        results = crawl(client, ["/", "/open-data", "/volunteers/register", "/login", "/desk",
                                 "/api/v1/openapi.json", *surveys])
        kinds = self.check(results, signed_in=False, who="(visitor)")
        # The survey page's address may carry a resident's code: it keeps its own, stricter Referrer-Policy.
        assert client.get(surveys[0]).headers["Referrer-Policy"] == "no-referrer"
        assert client.get("/").headers["Referrer-Policy"] == "same-origin"
        assert kinds["application/pdf"] >= 2, kinds  # official documents
        assert kinds["text/csv"] and kinds["application/json"], kinds  # exports, open data
        assert any(status in (301, 302, 303) for status, _, _ in results.values())

    @pytest.mark.parametrize("username", ROLES)
    def test_a_signed_in_role(self, client, username):
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and not header_problems(response.headers)
        self.check(crawl(client, ["/desk", "/"]), signed_in=True, who=username)


# ---- what a crawl does not meet ------------------------------------------------------------------------------

def test_errors_and_the_api_carry_the_headers(app, client, world, monkeypatch):
    for response in (client.get("/no-such-page"), client.post("/public/projects"),
                     client.get("/api/v1/no-such-thing"), client.get("/api/v1/projects"),
                     client.get("/api/v1/openapi.json"), client.get("/static/css/procure.css"),
                     client.get("/static/no-such-file.css"), client.get("/desk")):
        assert not header_problems(response.headers), (response.request.path, header_problems(response.headers))
    monkeypatch.setitem(app.view_functions, "public.home", lambda: 1 / 0)
    failed = client.get("/")
    assert failed.status_code == 500 and not header_problems(failed.headers)
    assert not inline_code_problems(failed.get_data(as_text=True), failed.headers)


def test_a_download_keeps_its_own_stricter_policy_and_gets_the_rest(api, client, journey):
    draft = journey.create()
    uploaded = api.as_("community").post(f"/projects/{draft.id}/attachments",
                                         data={"kind": "proposal", "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
                                                                            "a.pdf")}).get_json()
    assert client.post("/login", data={"username": "community", "password": PASSWORD}).status_code == 302
    for response in (client.get(f"/attachments/{uploaded['id']}/download"),
                     api.as_("community").get(f"/attachments/{uploaded['id']}")):
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"] == DOWNLOAD_POLICY
        assert not header_problems(response.headers)
    # The PDF of a document, the project's page around it.
    journey.drive(draft, "notice")
    page = client.get(f"/projects/{draft.id}")
    assert not header_problems(page.headers) and not inline_code_problems(page.get_data(as_text=True),
                                                                          page.headers)
    pdf = client.get(f"/projects/{draft.id}/documents/proposal.pdf")
    assert pdf.mimetype == "application/pdf" and not header_problems(pdf.headers), pdf.status_code


def test_the_policy_allows_only_this_site_and_data_images(client, world):
    directives = policy(client.get("/").headers)
    assert directives["img-src"] == ["'self'", "data:"]  # the QR codes of survey slips and posters
    assert {name: directives[name] for name in ("frame-ancestors", "default-src", "object-src", "base-uri")} == {
        "frame-ancestors": ["'none'"], "default-src": ["'none'"], "object-src": ["'none'"], "base-uri": ["'none'"]}
    assert nonce_of(client.get("/").headers) is None  # no page asks for one


# ---- HSTS ------------------------------------------------------------------------------------------------

def test_hsts_in_production_only(app, client, world, monkeypatch):
    from config import Config, DevelopmentConfig, ProductionConfig, TestingConfig

    assert ProductionConfig.HSTS_SECONDS == 365 * 24 * 3600
    assert Config.HSTS_SECONDS == DevelopmentConfig.HSTS_SECONDS == TestingConfig.HSTS_SECONDS == 0
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setitem(app.config, "HSTS_SECONDS", ProductionConfig.HSTS_SECONDS)
    for path in ("/", "/api/v1/projects", "/static/css/procure.css", "/no-such-page"):
        assert client.get(path, base_url="https://localhost").headers["Strict-Transport-Security"] == \
            "max-age=31536000", path
    monkeypatch.setitem(app.config, "HSTS_INCLUDE_SUBDOMAINS", True)
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# ---- the nonce, for the inline element a template may one day need ---------------------------------------------

def test_a_template_that_asks_for_a_nonce_gets_one_per_response(app):
    html = '<script nonce="{{ csp_nonce() }}">1</script><style nonce="{{ csp_nonce() }}">p{}</style>'
    nonces = []
    for _ in range(2):
        with app.test_request_context("/"):
            response = app.process_response(make_response(render_template_string(html)))
            nonce = nonce_of(response.headers)
            assert nonce and len(nonce) >= 22 and html.replace("{{ csp_nonce() }}", nonce) == response.get_data(
                as_text=True)
            directives = policy(response.headers)
            assert directives["script-src"] == ["'self'", f"'nonce-{nonce}'"]
            assert directives["style-src"] == ["'self'", f"'nonce-{nonce}'"]
            assert not header_problems(response.headers)
            assert not inline_code_problems(response.get_data(as_text=True), response.headers)
            nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert inline_code_problems('<script nonce="guessed">1</script>', {"Content-Security-Policy": "script-src "
                                                                        f"'self' 'nonce-{nonces[0]}'"})


def test_the_scan_finds_what_a_browser_would_block():
    headers = {"Content-Security-Policy": "default-src 'none'"}
    for html in ('<script>alert(1)</script>', '<style>p{}</style>', '<p style="color:red">', '<a onclick="x()">',
                 '<img src=x onerror=alert(1)>', '<a href=" javascript:alert(1)">', '<svg><style>a{}</style></svg>',
                 '<script src="https://cdn.example/x.js"></script>'):
        assert inline_code_problems(html, headers), html
    assert not inline_code_problems('<script src="/static/js/procure.js" defer></script><p class="x">', headers)


# ---- the templates themselves --------------------------------------------------------------------------------

# Sources of the official PDFs (WeasyPrint renders them in the process; no browser ever receives them as a page).
PDF_SOURCES = {"documents/_base.html"}
INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I)


def test_no_template_keeps_inline_script_or_style():
    found = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name in PDF_SOURCES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in INLINE.finditer(line):
                if "nonce=\"{{ csp_nonce() }}\"" not in line:
                    found.setdefault(name, []).append(f"{number}: {match.group(0)}")
    assert not found, found
