"""The served demo as an operator and a crawler from elsewhere see it: the health checks answer, every
response carries a request id that the access log repeats, and the demo's open data and official PDFs link to
the address it is published at (PUBLIC_BASE_URL), whatever Host header a request names."""
import json
import re
import time

from pdf_text import needs_pdftotext, text_of


def test_health_checks_and_request_ids(live_demo):
    status, headers, body = live_demo.get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"} and "Set-Cookie" not in headers
    status, headers, body = live_demo.get("/readyz")
    assert status == 200 and json.loads(body)["migrations"] == "current"
    request = live_demo.get("/open-data")
    rid = request[1]["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    deadline = time.monotonic() + 10
    while f"rid={rid}" not in live_demo.log.read_text(errors="replace"):  # the access log is written after
        assert time.monotonic() < deadline, "the access log does not name the request id"
        time.sleep(0.1)


def _with_host(live_demo, path, host):
    import urllib.request

    request = urllib.request.Request(live_demo.url + path, headers={"Host": host})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def test_the_demos_open_data_names_the_public_address(live_demo):
    feed = json.loads(_with_host(live_demo, "/api/v1/ocds/releases?limit=100", "evil.example"))
    text = json.dumps(feed)
    assert feed["releases"] and "localhost" not in text and "evil.example" not in text
    urls = re.findall(r'"(https?://[^"]+)"', text)
    assert {u for u in urls if "creativecommons" not in u and not u.startswith(live_demo.url + "/")} == set()


@needs_pdftotext
def test_a_pdf_fetched_under_another_host_is_the_same_document(live_demo):
    page = live_demo.get("/public/projects")[2].decode()
    code = re.search(r'href="/public/projects/([A-Z0-9-]+)"', page).group(1)
    path = f"/public/projects/{code}/documents/proposal.pdf"
    first, second = _with_host(live_demo, path, "evil.example"), _with_host(live_demo, path, "other.example")
    assert first == second
    text = text_of(first)
    assert f"{live_demo.url}/verify/" in text and "evil.example" not in text
