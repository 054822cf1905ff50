"""The app as production runs it: an environment installed from requirements.txt alone (no test or
development package), the demo city migrated and loaded with its own `flask`, served by gunicorn
with two workers. Tests here talk to it over HTTP only, as a browser or an integrator would."""
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Made by `VENV=.venv-runtime bash scripts/setup.sh run` (scripts/test.sh does it before the suite).
RUNTIME_VENV = ROOT / ".venv-runtime"
DEMO_PASSWORD = "procure-demo-2026"


@dataclass
class LiveServer:
    url: str
    log: Path
    database: Path

    def errors(self) -> list[str]:
        """The server's own error reports so far (a 500 or a failure while streaming a body)."""
        text = self.log.read_text(errors="replace")
        return [block for block in text.split("\n[") if "Error handling request" in block or "Traceback" in block]

    def get(self, path, token=None, data=None, body=None, content_type=None, opener=None):
        """(status, headers, body) of one request (a POST when it has a body); redirects are not followed."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if data is not None:
            body, content_type = json.dumps(data).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        try:
            with (opener or _OPENER).open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def signed_in(self, username) -> "Visitor":
        """A visitor with its own cookies, signed in through the login form as `username`."""
        visitor = Visitor(self)
        page = visitor.get("/login")[2].decode()
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        fields = {"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf.group(1) if csrf else ""}
        status, headers, _ = visitor.get("/login", body=urllib.parse.urlencode(fields).encode(),
                                         content_type="application/x-www-form-urlencoded")
        assert status == 302, f"{username} could not sign in ({status})"
        return visitor

    def token(self, username) -> str:
        status, _, body = self.get("/api/v1/tokens", data={"username": username, "password": DEMO_PASSWORD})
        assert status == 201, body
        return json.loads(body)["token"]


class Visitor:
    """Requests that share one cookie jar, as a browser's do."""

    def __init__(self, live):
        self.live, self.url = live, live.url
        self.opener = urllib.request.build_opener(_NoRedirects, urllib.request.HTTPCookieProcessor(
            http.cookiejar.CookieJar()))

    def get(self, path, **kwargs):
        return self.live.get(path, opener=self.opener, **kwargs)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_demo(tmp_path_factory):
    bin_dir = RUNTIME_VENV / "bin"
    if not (bin_dir / "gunicorn").exists():
        message = "no runtime-only environment: run `VENV=.venv-runtime bash scripts/setup.sh run` first"
        if os.environ.get("PROCURE_REQUIRE_LIVE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    instance = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_DATABASE", "PYTHON", "VIRTUAL_ENV", "PYTEST", "PUBLIC_BASE_URL"))}
    # The demo's links (OCDS releases, PDFs' verification links) name the address it is served at.
    env.update(PROCURE_INSTANCE=str(instance), DATABASE_URL=f"sqlite:///{instance / 'procure.db'}",
               FLASK_APP="wsgi", DEMO_PASSWORD=DEMO_PASSWORD, PATH=f"{bin_dir}:{env.get('PATH', '')}",
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", PROCURE_BIND=f"127.0.0.1:{port}", WORKERS="2")
    for command in (["db", "upgrade"], ["calendar", "sync"], ["demo", "load"]):
        done = subprocess.run([str(bin_dir / "flask"), *command], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        if done.returncode:
            pytest.fail(f"flask {' '.join(command)} failed in the runtime-only environment:\n{done.stderr[-3000:]}")
    log = instance / "gunicorn.log"
    with open(log, "w") as out:  # gunicorn.conf.py, as production: PROCURE_BIND, WORKERS, the access log
        server = subprocess.Popen([str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    live = LiveServer(f"http://127.0.0.1:{port}", log, instance / "procure.db")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if live.get("/")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.2)
        yield live
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(instance / "attachments", ignore_errors=True)


def pytest_collection_modifyitems(items):
    """The first test here also waits for the demo to load and the server to start."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.timeout(900))
