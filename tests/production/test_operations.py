"""What an operator relies on: /healthz (the process answers, nothing read) and /readyz (database reachable,
schema at this code's migration head; 503 naming what is wrong), neither limited, signed in nor given a cookie;
a request id on every request (kept from X-Request-ID when well-formed), on every log line of the request and on
the error pages; JSON log lines; and gunicorn.conf.py serving it all with the id in the access log."""
import http.client
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text

from procure import create_app
from procure.extensions import db, limiter

ROOT = Path(__file__).resolve().parents[2]
HEX_ID = re.compile(r"[0-9a-f]{32}")


# ---- health checks -------------------------------------------------------------------------------------

def test_healthz_reads_nothing_and_sets_no_cookie(client):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert statements == [] and "Set-Cookie" not in response.headers


def test_readyz_when_the_database_is_at_the_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["migrations"] == "current"
    heads = sorted(p.name.split("_", 1)[0] for p in (ROOT / "migrations" / "versions").glob("0*.py"))
    assert body["revision"][0].startswith(heads[-1])
    assert "Set-Cookie" not in response.headers


@pytest.fixture
def revision():
    """Set the database's recorded revision for one test (the real one is put back)."""
    with db.engine.begin() as conn:
        real = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()

    def set_to(value):
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": value})
    yield set_to
    set_to(real)


def test_readyz_is_503_while_the_database_is_behind(client, revision):
    revision("0018_attachment_names")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["migrations"] == "behind" and body["database_revision"] == ["0018_attachment_names"]
    assert "flask db upgrade" in body["message"]


def test_readyz_is_503_for_a_revision_this_code_does_not_know(client, revision):
    revision("9999_from_a_newer_release")
    body = client.get("/readyz").get_json()
    assert body["status"] == "unavailable" and body["migrations"] == "unknown_revision"


def test_readyz_is_503_when_the_database_cannot_be_reached():
    """A server nobody listens on (port 1): not ready; /healthz still answers, it reads nothing."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://procure@127.0.0.1:1/procure")
    with app.test_client() as probe:
        response = probe.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["database"] == "unreachable"
        assert probe.get("/healthz").status_code == 200


def test_the_probes_are_not_rate_limited(client):
    """Under an application-wide limit of 2 a minute a page is refused on the third request; the probes are not."""
    from flask_limiter import ApplicationLimit

    before = list(limiter.limit_manager._application_limits)
    limiter.limit_manager.set_application_limits([ApplicationLimit(limit_provider="2 per minute").bind(limiter)])
    try:
        assert [client.get("/open-data").status_code for _ in range(3)][-1] == 429
        assert {client.get(path).status_code for path in ["/healthz", "/readyz"] * 5} == {200}
    finally:
        limiter.limit_manager.set_application_limits(before)
        limiter.reset()


# ---- request id ----------------------------------------------------------------------------------------

def test_a_well_formed_request_id_is_kept(client):
    for value in ("abc-123", "req_01HZX.7:42", "0" * 128):
        assert client.get("/healthz", headers={"X-Request-ID": value}).headers["X-Request-ID"] == value


@pytest.mark.parametrize("value", ["", "a b", "<script>", "x" * 129, "-leading-dash", "id;drop", "编号"])
def test_a_malformed_request_id_is_replaced(client, value):
    returned = client.get("/healthz", headers={"X-Request-ID": value}).headers["X-Request-ID"]
    assert HEX_ID.fullmatch(returned)


def test_each_request_without_one_gets_its_own(client):
    ids = {client.get(path).headers["X-Request-ID"] for path in ("/healthz", "/", "/open-data", "/nowhere")}
    assert len(ids) == 4 and all(HEX_ID.fullmatch(i) for i in ids)


@pytest.fixture
def failing(app, monkeypatch):
    """The public home page fails with an unexpected error."""
    def boom():
        raise RuntimeError("the disk is on fire")
    monkeypatch.setitem(app.view_functions, "public.home", boom)


def test_the_500_page_and_the_log_carry_the_request_id(client, failing, caplog):
    with caplog.at_level(logging.ERROR, logger="procure"):
        response = client.get("/", headers={"X-Request-ID": "support-case-7"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "support-case-7"
    page = response.get_data(as_text=True)
    assert "请求编号 / Request ID" in page and "support-case-7" in page
    [record] = [r for r in caplog.records if r.name == "procure" and r.exc_info]
    assert record.request_id == "support-case-7" and "the disk is on fire" in caplog.text


def test_other_error_pages_show_it_too(client):
    response = client.get("/public/projects/NOPE-0000")
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)


def test_api_errors_carry_it_in_the_header(client, failing):
    response = client.get("/api/v1/projects", headers={"X-Request-ID": "api-7"})
    assert response.status_code == 401 and response.headers["X-Request-ID"] == "api-7"


# ---- log lines -----------------------------------------------------------------------------------------

LOGGING_SCRIPT = """
from procure import create_app
app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
with app.test_request_context(headers={"X-Request-ID": "req-42"}):
    app.logger.info("a plain line")
    try:
        {}["missing"]
    except KeyError:
        app.logger.exception("it broke")
app.logger.warning("outside a request")
"""


def log_lines(log_format) -> list[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}, "LOG_FORMAT": log_format}
    run = subprocess.run([sys.executable, "-c", LOGGING_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stderr.splitlines()


def test_json_log_lines_parse():
    entries = [json.loads(line) for line in log_lines("json")]  # every line is one JSON object
    plain, broke, outside = entries
    assert plain["message"] == "a plain line" and plain["level"] == "INFO" and plain["logger"] == "procure"
    assert plain["request_id"] == "req-42" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", plain["time"])
    assert broke["level"] == "ERROR" and "KeyError: 'missing'" in broke["exception"]
    assert outside["request_id"] == "-" and "exception" not in outside


def test_text_log_lines_name_the_request():
    lines = log_lines("text")
    assert "INFO [req-42] procure: a plain line" in lines[0]
    assert any("KeyError" in line for line in lines) and "WARNING [-] procure: outside a request" in lines[-1]


# ---- gunicorn.conf.py ----------------------------------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin_dir() -> Path:
    venv = ROOT / ".venv-runtime" if (ROOT / ".venv-runtime" / "bin" / "gunicorn").exists() else ROOT / ".venv"
    return venv / "bin"


def _get(url, headers=None):
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _serve(env, log):
    with open(log, "w") as out:
        return subprocess.Popen([str(_bin_dir() / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_served_by_gunicorn_conf(tmp_path, log_format):
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_DATABASE", "PYTHON", "VIRTUAL_ENV", "PYTEST", "HOST", "PORT", "WORKERS"))}
    env.update(PROCURE_ENV="production", SECRET_KEY="gunicorn-conf-test", PUBLIC_BASE_URL="https://procure.example",
               PROCURE_INSTANCE=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'procure.db'}", FLASK_APP="wsgi",
               PROCURE_BIND=f"127.0.0.1:{port}", WORKERS="2", SESSION_COOKIE_SECURE="0",
               PATH=f"{_bin_dir()}:{env.get('PATH', '')}", HOME=str(tmp_path), LOG_FORMAT=log_format)
    done = subprocess.run([str(_bin_dir() / "flask"), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    log = tmp_path / "gunicorn.log"
    server = _serve(env, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        status, headers, body = _get(f"http://127.0.0.1:{port}/readyz", {"X-Request-ID": "probe-1"})
        assert status == 200 and json.loads(body)["migrations"] == "current" and headers["X-Request-ID"] == "probe-1"
        # No keep-alive, even when the client asks for it: a connection does not stay with one worker (each
        # request goes to whichever is free).
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/healthz", headers={"Connection": "keep-alive"})
        answer = connection.getresponse()
        assert answer.status == 200 and answer.getheader("Connection") == "close"
        connection.close()
        _get(f"http://127.0.0.1:{port}/survey/nothing?t=SECRET-CODE")
    finally:
        server.terminate()
        server.wait(timeout=30)
    written = log.read_text(errors="replace")
    if log_format == "json":  # gunicorn's lines (start, access, stop) are JSON objects too
        entries = [json.loads(line) for line in written.splitlines() if line.strip()]
        assert {e["logger"] for e in entries} >= {"gunicorn.error", "gunicorn.access"}
        assert any(e["logger"] == "gunicorn.access" and e["request_id"] == "probe-1" for e in entries)
        written = "\n".join(e["message"] for e in entries)
    assert re.search(r'"GET /readyz" 200 .* rid=probe-1', written), written
    assert "/survey/nothing" in written and "SECRET-CODE" not in written  # no query string in the access log
    assert not (tmp_path / ".gunicorn").exists()  # no control socket under the home directory


@pytest.mark.timeout(120)
def test_gunicorn_does_not_start_production_without_its_settings(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_DATABASE", "PYTHON", "VIRTUAL_ENV", "PYTEST", "SECRET_KEY", "PUBLIC_BASE"))}
    env.update(PROCURE_ENV="production", PROCURE_INSTANCE=str(tmp_path), PROCURE_BIND=f"127.0.0.1:{_free_port()}",
               DATABASE_URL=f"sqlite:///{tmp_path / 'procure.db'}", HOME=str(tmp_path))
    log = tmp_path / "gunicorn.log"
    server = _serve(env, log)
    try:
        assert server.wait(timeout=90) != 0
    finally:
        if server.poll() is None:
            server.kill()
    assert "SECRET_KEY is not set" in log.read_text(errors="replace")
