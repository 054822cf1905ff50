"""Every public page reachable from the home page, every export they link, and every GET operation of
the OpenAPI document answer without a server error when the demo city is served the way production
serves it (tests/live/conftest.py). The suite's own requests cannot see a missing runtime package or a
body streamed after its request has ended; these can."""
import json
import re
import sqlite3
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest

from security_check import header_problems, inline_code_problems

# Never followed: signing out would end a signed-in visit half-way.
SKIP = re.compile(r"^/(logout|auth/logout)\b")
# Each role's desk and the pages it links, signed in through the login form.
ROLES = ["admin", "community1", "reviewer1", "bureau1", "provider1", "evaluator1", "resident1"]
# Many links differ only in ids and query values; a few of each shape say as much as all of them,
# and each document is a PDF rendered on request (and limited per address).
PER_SHAPE = 40
PER_DOCUMENT_SHAPE = 2
MAX_REQUESTS = 4000


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


def links_of(page_url: str, html: str, origin: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for raw in parser.links:
        url = urldefrag(urljoin(page_url, raw))[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def shape(path: str) -> tuple:
    """The link with its ids and query values taken out: /public/projects/12?page=2 → (/public/projects/N, page)."""
    parts = urlsplit(path)
    keys = tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return re.sub(r"\d+", "N", parts.path), keys


def is_document(path: str) -> bool:
    return urlsplit(path).path.endswith(".pdf")


def crawl(live, start: list[str]) -> dict:
    """Breadth-first over same-origin links, several at a time, as `live` (the server or a signed-in
    visitor); {path: (status, referrer, what is wrong with its security headers or its inline code)}."""
    seen, shapes, results = set(start), Counter(), {}
    queue = deque((path, "(start)") for path in start)

    def fetch(item):
        path, referrer = item
        status, headers, body = live.get(path)
        html = body.decode("utf-8", "replace") if "text/html" in (headers.get("Content-Type") or "") else None
        problems = header_problems(headers) + (inline_code_problems(html, headers) if html else [])
        return path, referrer, status, headers.get("Location"), html, problems

    with ThreadPoolExecutor(max_workers=4) as pool:
        while queue and len(results) < MAX_REQUESTS:
            batch = [queue.popleft() for _ in range(min(len(queue), 16))]
            for path, referrer, status, location, html, problems in pool.map(fetch, batch):
                results[path] = (status, referrer, problems)
                found = links_of(live.url + path, html, live.url) if html else []
                if location:
                    found.append(urlsplit(urljoin(live.url + path, location)).path)
                for link in found:
                    if link in seen or SKIP.match(link):
                        continue
                    key = shape(link)
                    if shapes[key] >= (PER_DOCUMENT_SHAPE if is_document(link) else PER_SHAPE):
                        continue
                    seen.add(link)
                    shapes[key] += 1
                    queue.append((link, path))
    return results


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_answers_without_a_server_error(live_demo, username):
    visitor = live_demo.signed_in(username)
    results = crawl(visitor, ["/desk", "/"])
    failures = {path: found for path, found in results.items() if found[0] >= 500}
    assert not failures, failures
    assert not live_demo.errors(), live_demo.errors()
    assert len(results) > 20
    dead = {path: found for path, found in results.items() if found[0] == 404 and found[1] != "(start)"}
    assert not dead, dead
    unsafe = {path: found[2] for path, found in results.items() if found[2]}
    assert not unsafe, unsafe


def test_every_public_page_and_export_answers_without_a_server_error(live_demo):
    results = crawl(live_demo, ["/", "/open-data", "/api/v1/openapi.json"])
    failures = {path: found for path, found in results.items() if found[0] >= 500}
    assert not failures, failures
    assert not live_demo.errors(), live_demo.errors()
    # The crawl really went through the portal: pages, exports of each kind, documents.
    paths = list(results)
    assert len(paths) > 200
    for needle in ("/public/projects/", "/public/exports/catalogue.csv", "/public/exports/projects.xlsx",
                   "/public/volunteers/board", ".pdf"):
        assert any(needle in path for path in paths), needle
    # Links the portal itself shows lead somewhere: no dead ends.
    dead = {path: found for path, found in results.items() if found[0] == 404 and found[1] != "(start)"}
    assert not dead, dead
    # Every answer carries the security headers (issue 15), and no page has script or style they would block.
    unsafe = {path: found[2] for path, found in results.items() if found[2]}
    assert not unsafe, unsafe


# ---- the OpenAPI document, every GET operation with real ids ----------------------------------------------

def api_json(live, path, token):
    status, _, body = live.get("/api/v1" + path, token=token)
    assert status == 200, (path, status, body[:300])
    return json.loads(body)


def items(listing) -> list:
    return listing["items"] if isinstance(listing, dict) else listing


CONTRACT_STATES = {"contracted", "in_delivery", "delivered", "under_acceptance", "rectification", "accepted",
                   "evaluated"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload_contract_scan(live, token, project_id):
    """A scanned contract attached by the bureau, so that an attachment exists to download."""
    boundary = "procure-live-test"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncontract\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
    status, _, answer = live.get(f"/api/v1/projects/{project_id}/attachments", token=token, body=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    assert status == 201, answer


def resolve(document, node):
    """A `$ref` to #/components/… replaced by what it names."""
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


class Ids:
    """Real values for each path parameter of the document, read from the API itself as bureau1."""

    def __init__(self, live, token, database):
        projects, page = [], 1
        while True:
            listing = api_json(live, f"/projects?page={page}", token)
            projects += listing["items"]
            if page * listing["per_page"] >= listing["total"]:
                break
            page += 1
        upload_contract_scan(live, token, next(p["id"] for p in projects if p["state"] in CONTRACT_STATES))
        projects = [item["id"] for item in projects]
        self.values = {
            "project_id": projects,
            "year": [item["year"] for item in items(api_json(live, "/catalogues", token))],
            "template_id": [item["id"] for item in items(api_json(live, "/indicator-templates", token))],
            "ocid": sorted({r["ocid"] for r in api_json(live, "/ocds/releases?limit=100", None)["releases"]}),
        }
        orgs = {"/providers/": items(api_json(live, "/providers", token)),
                "/evaluators/": items(api_json(live, "/evaluators", token)),
                "/organisations/": [org for org in items(api_json(live, "/organisations", token))
                                    if org["kind"] == "community"]}
        self.org_ids = {prefix: [item["id"] for item in items] for prefix, items in orgs.items()}
        with sqlite3.connect(database) as db:
            self.values["attachment_id"] = [row[0] for row in db.execute("SELECT id FROM attachments LIMIT 5")]
            self.values["code"] = [row[0] for row in db.execute(
                "SELECT verification_code FROM issued_documents LIMIT 5")]
            self.values["slug"] = [row[0] for row in db.execute("SELECT slug FROM surveys LIMIT 5")]

    def paths(self, template: str, parameters: dict) -> list[str]:
        names = re.findall(r"{(\w+)}", template)
        if not names:
            return [template]
        if names == ["org_id"]:
            prefix = template.split("{")[0]
            return [template.replace("{org_id}", str(value)) for value in self.org_ids[prefix]]
        if names == ["project_id", "kind"]:
            kinds = parameters["kind"]["schema"]["enum"]
            return [template.replace("{project_id}", str(p)).replace("{kind}", k)
                    for k in kinds for p in self.values["project_id"]]
        (name,) = names
        return [template.replace("{" + name + "}", str(value)) for value in self.values[name]]


def test_every_get_operation_of_the_openapi_document_answers_without_a_server_error(live_demo):
    document = api_json(live_demo, "/openapi.json", None)
    bureau, resident = live_demo.token("bureau1"), live_demo.token("resident1")
    for kind in ("proposal", "award_notice", "contract"):  # so that verification codes exist
        live_demo.get(f"/api/v1/projects/1/documents/{kind}.pdf", token=bureau)
    ids = Ids(live_demo, bureau, live_demo.database)
    failures, answered, documents = {}, Counter(), Counter()
    for template, operations in document["paths"].items():
        if "get" not in operations:
            continue
        operation = operations["get"]
        parameters = {p["name"]: p for p in map(lambda p: resolve(document, p),
                                                operation.get("parameters", []) + operations.get("parameters", []))}
        token = resident if template.startswith("/me/") else bureau
        for path in ids.paths(template, parameters):
            if path.endswith(".pdf") and documents[template] >= 6:
                continue
            status, _, body = live_demo.get("/api/v1" + path, token=token)
            if status >= 500:
                failures[path] = body[:300]
            if status == 200:
                answered[template] += 1
                documents[template] += path.endswith(".pdf")
    assert not failures, failures
    assert not live_demo.errors(), live_demo.errors()
    # Each operation answered at least once with real data (a path nobody can fill is a gap in this test).
    missing = [t for t, ops in document["paths"].items() if "get" in ops and not answered[t]]
    assert not missing, missing


@pytest.mark.parametrize("path", ["/public/exports/catalogue.csv?year=2026",
                                  "/api/v1/ocds/releases?since=2026-06-01T00:00:00Z"])
def test_the_two_pages_that_failed_in_production(live_demo, path):
    status, _, body = live_demo.get(path)
    assert status == 200, body[:500]
