"""Issue 16: two app nodes on one PostgreSQL and one Redis (tests/production/conftest.py) are one site to the
people using it: a session signed in on one works on the other, the login throttle and the public limits
count over both, and the daily jobs that each node's timer starts do the day's work once."""
import hashlib
import subprocess

import pytest

from production.conftest import DEMO_PASSWORD, OBJECTION_LIMIT, Browser, bin_dir, ROOT


@pytest.fixture(autouse=True)
def no_server_errors(node_a, node_b):
    yield
    assert not node_a.errors() and not node_b.errors(), node_a.errors() + node_b.errors()


def test_a_session_from_a_works_on_b_and_ends_on_both(node_a, node_b):
    browser = Browser("203.0.113.10")
    assert node_a.sign_in(browser, "bureau1").status == 302
    page = node_b.request("/projects", browser)
    assert page.status == 200 and "王晓燕" in page.text  # bureau1's name in the header: signed in on B
    assert node_b.request("/logout", browser, form={"csrf_token": browser.csrf(page.text)}).status == 302
    assert node_a.request("/projects", browser).status == 302  # to the login page: signed out on A too


def test_the_login_throttle_holds_across_both_nodes(cluster, node_a, node_b):
    """Ten failed sign-ins for one account, spread over the nodes (and over addresses), lock it on both."""
    statuses = [(node_a, node_b)[i % 2].sign_in(Browser(f"198.51.100.{i + 1}"), "reviewer3", "wrong-password").status
                for i in range(10)]
    assert statuses == [200] * 10
    for node in (node_a, node_b):
        refused = node.sign_in(Browser("198.51.100.50"), "reviewer3")  # the right password, too late
        assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    api = node_b.request("/api/v1/tokens", Browser("198.51.100.51"),
                         json_body={"username": "reviewer3", "password": DEMO_PASSWORD})
    assert api.status == 429 and api.json()["error"] == "too_many_attempts"
    unlocked = cluster.flask("users", "unlock", "reviewer3")
    assert unlocked.returncode == 0 and "10 failed sign-ins forgotten" in unlocked.stdout, unlocked.stderr
    assert node_a.sign_in(Browser("198.51.100.52"), "reviewer3").status == 302


def object_to(node, resident: Browser, code: str) -> int:
    page = node.request(f"/public/projects/{code}", resident)
    assert page.status == 200
    form = {"content": "晚间活动噪音影响休息，请调整时间。", "resident_name": "居民甲", "resident_contact": "",
            "csrf_token": resident.csrf(page.text)}
    return node.request(f"/public/projects/{code}/objections", resident, form=form).status


def test_a_public_limit_holds_across_both_nodes_in_redis(cluster, node_a, node_b):
    """The objections one address may file in an hour count over both nodes together, in Redis."""
    resident = Browser("192.0.2.77")
    statuses = [object_to((node_a, node_b)[i % 2], resident, cluster.notice_code) for i in range(OBJECTION_LIMIT + 2)]
    assert statuses == [302] * OBJECTION_LIMIT + [429] * 2
    assert object_to(node_a, resident, cluster.notice_code) == 429
    assert object_to(node_b, Browser("192.0.2.78"), cluster.notice_code) == 302  # another address may
    assert any("file_objection" in key for key in cluster.redis.keys()), cluster.redis.keys()
    assert cluster.query("SELECT count(*) FROM rate_limit_counters") == [(0,)]  # nothing counted in the database


def test_the_daily_job_fired_on_both_nodes_does_the_days_work_once(cluster):
    before = cluster.query("SELECT count(*) FROM notifications")[0][0]
    runs = [subprocess.Popen([str(bin_dir() / "flask"), "reminders"], cwd=ROOT, text=True,
                             env={**cluster.env, "PROCURE_INSTANCE": str(cluster.workdir / f"node-{name}")},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name in ("a", "b")]
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, out + err
        outputs.append(out.strip())
    worked = [o for o in outputs if "nothing done" not in o]
    assert len(worked) == 1 and worked[0].endswith("users"), outputs
    written = int(worked[0].split()[0])
    assert cluster.query("SELECT count(*) FROM notifications")[0][0] == before + written
    assert written > 0  # the demo city has overdue deadlines (README: 老街社区)
    [(job, finished)] = cluster.query("SELECT job, finished_at IS NOT NULL FROM job_runs")
    assert job == "reminders" and finished


def test_a_file_uploaded_on_a_downloads_on_b(cluster, node_a, node_b):
    """Nothing of the file is on node A's disk alone: it is kept in the database every node reads."""
    [(project_id,)] = cluster.query("SELECT id FROM projects WHERE state = 'contracted' ORDER BY id LIMIT 1")
    token = node_a.request("/api/v1/tokens", json_body={"username": "bureau1", "password": DEMO_PASSWORD}).json()
    auth = {"Authorization": f"Bearer {token['token']}"}
    content = b"%PDF-1.4\n% signed contract, scanned\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
    uploaded = node_a.request(f"/api/v1/projects/{project_id}/attachments", form={"kind": "contract"},
                              files={"file": ("合同扫描件.pdf", content)}, headers=auth)
    assert uploaded.status == 201, uploaded.text
    downloaded = node_b.request(f"/api/v1/attachments/{uploaded.json()['id']}", headers=auth)
    assert downloaded.status == 200 and downloaded.body == content
    browser = Browser("203.0.113.11")  # and on the page, signed in on A, downloading from B
    assert node_a.sign_in(browser, "bureau1").status == 302
    page = node_b.request(f"/attachments/{uploaded.json()['id']}/download", browser)
    assert page.status == 200 and page.body == content


def test_a_document_issued_on_a_verifies_on_b_with_the_same_number_and_bytes(cluster, node_a, node_b):
    path = f"/public/projects/{cluster.notice_code}/documents/proposal.pdf"
    first = node_a.request(path, Browser("203.0.113.12"))
    assert first.status == 200 and first.body.startswith(b"%PDF")
    second = node_b.request(path, Browser("203.0.113.13"))
    assert second.status == 200 and second.body == first.body
    assert first.headers["Content-Disposition"] == second.headers["Content-Disposition"]
    [(number, code, sha256)] = cluster.query(
        "SELECT d.number, d.verification_code, d.sha256 FROM issued_documents d JOIN projects p ON p.id = d.project_id"
        " WHERE p.code = :code AND d.kind = 'proposal'", code=cluster.notice_code)
    assert number in first.headers["Content-Disposition"] and hashlib.sha256(first.body).hexdigest() == sha256
    resident = Browser("203.0.113.14")
    verified = node_b.request(f"/verify/{code}", resident)
    assert verified.status == 200 and number in verified.text
    compared = node_a.request(f"/verify/{code}", resident, form={"csrf_token": resident.csrf(verified.text)},
                              files={"pdf": ("proposal.pdf", first.body)})
    assert compared.status == 200 and 'data-testid="verify-match"' in compared.text
