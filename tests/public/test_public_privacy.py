"""Issue 5, acceptance 1: every public page and feed shows only public data.

tests/privacy_world.py fills every private field with a unique marker ("PRIV-<field>-<n>": ASCII letters,
digits and dashes, which neither HTML nor JSON escaping changes; the search below also catches the escaped
dash) and records the private numbers and secrets. The test then fetches, as an anonymous visitor, every GET
route of the `public` and `opendata` blueprints, the public API endpoints (procure.api.PUBLIC_ENDPOINTS), the
document verification page and the public survey page, with their path parameters filled from the world, and
crawls the links it finds (same host, bounded); PDFs are read with pdftotext, XLSX cell by cell with openpyxl,
CSV as UTF-8. No marker and no secret may appear, no response may be a server error, and the crawl must reach
every public project (so the test cannot pass by visiting nothing). Logged-in parties do see the markers (so
it cannot pass by markers never being stored).

The private fields, and the rule that makes each private (procure/disclosure.py: its docstring lists
what stays private; "everything not allowed here stays private"):

  Project (title, needs_analysis, goals, location) of a draft or a   drafts and proposals that never reached the
    draft withdrawn                                                  notice (public_clause: notice on only)
  AuditEntry.comment (every comment-taking trigger fired:            internal comments (audit comments)
    publish_notice, submit, start_review, approve, award, start_delivery, start_acceptance, close, resubmit…)
  AuditEntry.comment of return_for_revision, reject, withdraw         review reasons; internal comments
  Objection.resident_name, Objection.resident_contact                resident personal data (objectors)
  Project.contact_name, contact_phone (of a public proposal)        the proposal's contact (only the lead is shown)
  Bid.plan, Bid.team, Bid.price before the award notice (a sealed    bids and their plans; award_public(tender):
    bid before the deadline, a judged bid before the notice)         nothing about bids before the award notice
  Contract.amount, service_content, quantity_targets, quality_targets unpublished contracts (contract_public)
    of a contract not yet published
  Challenge.content                                                  not allowed by disclosure.py (a bidder's
                                                                     complaint to the bureau)
  ServiceRecord.place/activity, MilestoneReport.content,             not allowed by disclosure.py: delivery is
    MilestoneConfirmation.comment, PaymentRequest.note/reason        public as contract, milestones and payments,
                                                                     not the parties' working notes
  SiteVisit.participants/observations, ChecklistItem.finding,        acceptance_public(project): private until
    CommunityConfirmation.opinion, Rectification.findings            the project is accepted (then they may be in
    (only on projects under acceptance or in rectification)          the public acceptance certificate)
  LeafScore.note of sheets still in progress                         score sheets before the evaluation is final
                                                                     (evaluation_public)
  SurveyResponse.answers (comment), survey codes                     survey answers, comments and codes
  ConflictDeclaration.statement, PersonalDeclaration.statement       not allowed by disclosure.py
  User.display_name, User.username, User.password_hash, API tokens   user names (engineering rules); secrets
  Organisation.contact, ProviderProfile.contact                      organisations' contact fields
  Organisation.legal_representative (providers and firms)            not allowed by disclosure.py
  TeamMember.name/qualification, EvaluatorStaff.name/qualification   panel members and people: not allowed
  Violation.description                                              violations are not published (debarments
                                                                     are: their reason is plain text here)
  ControlRelation.description, FirmEngagement.description            not allowed by disclosure.py
Not marked (public, or printed in public documents): proposals from the notice on (with the council's minutes),
objections' content and answers, tender requirements, catalogue and cancel reasons, completion summaries,
acceptance reports and evaluation findings, contract amendments' reasons, debarment reasons, payments.
"""
import html
import io
import json
import re
import subprocess
import tempfile
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

from flask import current_app

import privacy_world
from conftest import PASSWORD
from procure.accounts.models import Organisation
from procure.api import PUBLIC_ENDPOINTS
from procure.extensions import db
from procure.projects.models import Project
from procure.public.exports import EXPORTS

MAX_FETCHES = 700  # generated addresses plus crawled links
MAX_QUERY_VARIANTS = 20  # distinct query strings followed per path (pagination, filters)
EXTRA_ENDPOINTS = {"documents.verify", "survey.respond", "survey.thanks"}
EXPORT_TABLES = list(EXPORTS)  # every public export, the registers' included
DOCUMENT_KINDS = ["proposal", "award_notice", "contract", "acceptance_certificate", "evaluation_report", "catalogue"]
# A marker, also with its dash escaped for HTML or JSON.
MARKER = re.compile(r"PRIV(?:-|&#45;|&#x2d;|\\u002d)[A-Za-z0-9_-]*", re.IGNORECASE)
SKIP_PREFIXES = ("/static/", "/lang/", "/logout")
# Rendering a PDF takes most of a second: each kind is read for the projects whose private data it could show
# (and where it must not exist yet); the other projects' PDFs are skipped.
PDF_PROJECTS = {
    "proposal": ("notice", "closed", "cancelled", "tendering"),
    "award_notice": ("awarded_notice", "contract_unpublished", "awarded_before_notice", "closed"),
    "contract": ("contract_unpublished", "amended", "in_delivery"),
    "acceptance_certificate": ("under_acceptance", "rectification", "sheets_in_progress", "evaluated"),
    "evaluation_report": ("sheets_in_progress", "evaluated"),
}
PROJECT_PDF = re.compile(r"/projects/([^/]+)/documents/([^/]+)\.pdf$")


# ---- reading a response ----------------------------------------------------------------------------

def pdf_text(body: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(body)
        handle.flush()
        return subprocess.run(["pdftotext", "-q", "-layout", handle.name, "-"], capture_output=True,
                              check=False).stdout.decode("utf-8", "replace")


def xlsx_text(body: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    cells = [str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for value in row if value is not None]
    return "\n".join(cells)


def text_of(response) -> str:
    """Everything a reader of the response could see, as text (headers included)."""
    body = response.get_data()
    kind = response.mimetype or ""
    if body.startswith(b"%PDF"):
        text = pdf_text(body)
    elif body.startswith(b"PK") and ("spreadsheet" in kind or "excel" in kind or "octet" in kind):
        text = xlsx_text(body)
    else:
        text = body.decode("utf-8-sig", "replace")
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return f"{headers}\n{text}\n{html.unescape(text)}"


def leaks_in(text: str, secrets: dict) -> set[str]:
    found = {match.group(0) for match in MARKER.finditer(text)}
    return found | {secret for secret in secrets if secret in text}


def links_in(response, text: str, base: str) -> list[str]:
    """Same-site addresses a visitor could follow from this response (HTML attributes, JSON strings)."""
    candidates = re.findall(r'(?:href|src|action)\s*=\s*"([^"]*)"', text)
    if (response.mimetype or "").endswith("json"):
        try:
            def strings(node):
                if isinstance(node, dict):
                    for value in node.values():
                        yield from strings(value)
                elif isinstance(node, list):
                    for value in node:
                        yield from strings(value)
                elif isinstance(node, str) and node.startswith(("/", "http://", "https://")) and " " not in node:
                    yield node
            candidates += list(strings(json.loads(response.get_data())))
        except ValueError:
            pass
    hosts = {"", "localhost"}
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    if configured:
        hosts.add(urlsplit(configured).netloc)
    found = []
    for link in candidates:
        link = html.unescape(link).strip()
        if not link or link.startswith(("data:", "mailto:", "javascript:", "tel:", "#")):
            continue
        url = urldefrag(urljoin(base, link))[0]
        parts = urlsplit(url)
        if parts.netloc not in hosts or parts.path.startswith(SKIP_PREFIXES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


# ---- which addresses are public ---------------------------------------------------------------------

def public_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        blueprint = rule.endpoint.split(".", 1)[0]
        if blueprint in ("public", "opendata") or rule.endpoint in PUBLIC_ENDPOINTS | EXTRA_ENDPOINTS:
            yield rule


def parameter_values(pw) -> dict:
    """Values for each path parameter name a public route may take (known ones, and some that do not exist)."""
    from procure.catalogue.models import Catalogue
    from procure.opendata.releases import ocid
    from procure.survey.models import Survey

    projects = list(db.session.scalars(db.select(Project).order_by(Project.id)))
    org_ids = list(db.session.scalars(db.select(Organisation.id).order_by(Organisation.id)))
    years = sorted({y for y in db.session.scalars(db.select(Catalogue.year))} |
                   {p.catalogue_year for p in projects if p.catalogue_year})
    return {
        "code": [p.code for p in projects] + ["WXM1999-0001"],
        "project_code": [p.code for p in projects],
        "project_id": [p.id for p in projects] + [999999],
        "org_id": org_ids + [999999],
        "organisation_id": org_ids,
        "id": [p.id for p in projects],
        "year": years + [2001],
        "ocid": [ocid(p) for p in projects] + [f"{current_app.config['OCDS_PREFIX']}-NOPE"],
        "table": EXPORT_TABLES,
        "fmt": ["csv", "xlsx", "json"],
        "kind": DOCUMENT_KINDS + ["nope"],
        "slug": list(db.session.scalars(db.select(Survey.slug))) + ["no-such-survey"],
        "page": [1, 2],
    }


def verification_codes() -> list[str]:
    from procure.documents.models import IssuedDocument

    return list(db.session.scalars(db.select(IssuedDocument.verification_code))) + ["NOSUCHCODE"]


def rule_urls(app, rule, values: dict, unfilled: set) -> list[str]:
    from itertools import product

    names = sorted(rule.arguments)
    if rule.endpoint in ("documents.verify", "api.verify_document"):
        values = {**values, "code": verification_codes()}
    if rule.endpoint == "public.export" or "table" in names:
        converter = rule._converters.get("table")
        tables = sorted(getattr(converter, "items", None) or values["table"])
        values = {**values, "table": tables}
    missing = [name for name in names if name not in values]
    if missing:
        unfilled.add(f"{rule.rule} ({', '.join(missing)})")
        return []
    adapter = app.url_map.bind("localhost")
    urls = []
    for combination in product(*(values[name] for name in names)):
        try:
            urls.append(adapter.build(rule.endpoint, dict(zip(names, combination)), method="GET"))
        except Exception:  # a value the rule's converter refuses
            continue
    return urls


# ---- the sweep ---------------------------------------------------------------------------------------

class Sweep:
    def __init__(self, client, secrets, pdf_codes):
        self.client, self.secrets, self.pdf_codes = client, secrets, pdf_codes
        self.skipped_pdfs = set()
        self.fetched = {}  # url → status
        self.leaks = {}  # url → markers and secrets found
        self.server_errors = []
        self.texts = {}  # url → text of 200 responses
        self.variants = {}

    def fetch(self, url) -> list[str]:
        try:
            response = self.client.get(url)
        except Exception as error:  # testing propagates a view's exception instead of answering 500
            self.fetched[url] = 500
            self.server_errors.append(f"{url}: {type(error).__name__}: {error}")
            return []
        self.fetched[url] = response.status_code
        if response.status_code >= 500:
            self.server_errors.append(f"{url}: {response.status_code}")
            return []
        text = text_of(response)
        found = leaks_in(text, self.secrets if response.status_code < 400 else {})
        if found:
            self.leaks[url] = sorted(found)
        if response.status_code == 200:
            self.texts[url] = text
        if response.status_code in (301, 302, 303, 307, 308):
            return links_in(response, f'href="{response.headers.get("Location", "")}"', url)
        return links_in(response, text, url)

    def crawl(self, seeds):
        queue, seen = deque(), set()

        def push(url):
            path, _, query = url.partition("?")
            if url in seen:
                return
            pdf = PROJECT_PDF.search(path)
            if pdf and pdf.group(1) not in self.pdf_codes.get(pdf.group(2), {pdf.group(1)}):
                self.skipped_pdfs.add(url)
                return
            if query:
                self.variants[path] = self.variants.get(path, 0) + 1
                if self.variants[path] > MAX_QUERY_VARIANTS:
                    return
            seen.add(url)
            queue.append(url)

        for url in ["/"] + seeds:
            push(url)
        while queue and len(self.fetched) < MAX_FETCHES:
            for link in self.fetch(queue.popleft()):
                push(link)
        self.unvisited = len(queue)


def logged_in(app, username):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"login as {username} failed"
    return client


def test_public_pages_and_feeds_show_no_private_data(app, world, clock):
    pw = privacy_world.build(world, clock)
    marks = pw.marks
    secrets = dict(marks.secrets)
    for amount in (privacy_world.SEALED_PRICE, privacy_world.UNNOTICED_PRICE, privacy_world.UNPUBLISHED_AMOUNT):
        for form in privacy_world.money_forms(amount):
            secrets[form] = marks.secrets[amount]
    for code in [c for c in marks.secrets if re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", c)]:
        secrets[code.replace("-", "")] = marks.secrets[code]  # a survey code typed without its dash
    for name in ("draft", "withdrawn"):  # never noticed: even their codes are private
        secrets[pw.projects[name].code] = f"the code of the {name} project"

    # Every marker is really stored (the sweep cannot pass by markers that were never written).
    stored = "\n".join(repr(row) for table in db.metadata.sorted_tables
                       for row in db.session.execute(table.select()).all())
    assert [m for m in marks.private if m not in stored] == []

    values = parameter_values(pw)
    unfilled, seeds = set(), []
    rules = list(public_rules(app))
    for rule in rules:  # verification codes exist once PDFs were downloaded: documents' pages last
        if rule.endpoint not in ("documents.verify", "api.verify_document"):
            seeds += rule_urls(app, rule, values, unfilled)
    pdf_codes = {kind: {pw.projects[name].code for name in names} | {"WXM1999-0001"}
                 for kind, names in PDF_PROJECTS.items()}
    sweep = Sweep(app.test_client(), secrets, pdf_codes)
    sweep.crawl(seeds)
    generated = list(seeds)
    for rule in rules:
        if rule.endpoint in ("documents.verify", "api.verify_document"):
            urls = rule_urls(app, rule, values, unfilled)
            generated += urls
            for url in urls:
                sweep.fetch(url)
    print(f"\nprivacy sweep: {len(rules)} public GET routes, {len(generated)} generated addresses, "
          f"{len(sweep.fetched)} fetched, {len(sweep.texts)} answered 200, {sweep.unvisited} links left unvisited, "
          f"{len(sweep.skipped_pdfs)} PDF addresses skipped")
    silent = [rule.rule for rule in rules if not any(
        sweep.fetched.get(url) == 200 for url in rule_urls(app, rule, values, set()))
        and rule.endpoint not in ("documents.verify", "api.verify_document")]
    if silent:
        print("public routes that never answered 200 (not built yet, or nothing to show):", silent)
    if unfilled:
        print("routes with parameters the sweep could not fill:", sorted(unfilled))

    boards = [text for url, text in sweep.texts.items() if url.startswith("/public/volunteers/board")]
    assert any("P****" in text and "★" in text for text in boards)  # the consenting volunteer, masked

    # LEAK CHECK: a failure here names the address and the marker; privacy_world's Marks says which field.
    described = {url: [f"{m} = {marks.private.get(m.upper(), secrets.get(m, '?'))}" for m in found]
                 for url, found in sweep.leaks.items()}
    assert described == {}, "PRIVATE DATA ON PUBLIC PAGES:\n" + json.dumps(described, ensure_ascii=False, indent=1)

    assert sweep.server_errors == []
    wrong_status = {url: sweep.fetched[url] for url in generated if sweep.fetched.get(url, 200) not in (200, 404)}
    assert wrong_status == {}, "public routes must answer 200 or 404"

    # The sweep ran: the home page answered, and every public project is on some public page.
    assert sweep.fetched.get("/") == 200
    every_text = "\n".join(sweep.texts.values())
    unreached = [f"{name} {pw.projects[name].code}" for name in pw.public if pw.projects[name].code not in every_text]
    assert unreached == [], "public projects the crawl never found on a public page"

    # Each public project has its page; the others have none. PDFs and spreadsheets were really read.
    if "public.project" in app.view_functions:
        adapter = app.url_map.bind("localhost")
        pages = {name: sweep.fetched.get(adapter.build("public.project", {"code": p.code}))
                 for name, p in pw.projects.items()}
        assert {name: status for name, status in pages.items() if (status == 200) != (name in pw.public)} == {}
    for extension in (".pdf", ".xlsx", ".csv"):
        read = [text for url, text in sweep.texts.items() if urlsplit(url).path.endswith(extension)]
        assert not read or any("WXM" in text for text in read), f"no project code in any {extension} read"

    # The parties themselves do see what the public may not.
    community = logged_in(app, world["community"].username)
    draft = pw.projects["draft"]
    assert draft.title in community.get(f"/projects/{draft.id}").get_data(as_text=True)
    notice = pw.projects["notice"]
    assert notice.objections[0].resident_name in community.get(f"/projects/{notice.id}").get_data(as_text=True)
    bureau = logged_in(app, world["bureau"].username)
    tendering = pw.projects["awarded_before_notice"]
    page = bureau.get(f"/projects/{tendering.id}").get_data(as_text=True)
    assert any(form in page for form in privacy_world.money_forms(privacy_world.UNNOTICED_PRICE))
    # ... and the sweep's own reading would have caught them there.
    check = Sweep(bureau, secrets, {})
    check.fetch(f"/projects/{pw.projects['contract_unpublished'].id}")
    found = next(iter(check.leaks.values()), [])
    assert any(form in found for form in privacy_world.money_forms(privacy_world.UNPUBLISHED_AMOUNT))
    assert any(m.startswith("PRIV-CONTRACT-CONTENT") for m in found)
