"""The demo city served by gunicorn, once per test session: what a new user gets from `make run`."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60  # seconds for gunicorn to answer once the demo is loaded


@dataclass(frozen=True)
class LiveDemo:
    url: str  # the base URL, without a trailing slash


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env, *args):
    done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def _wait_until_it_answers(url, server):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT} s")


@pytest.fixture(scope="session")
def live_demo():
    """A temporary instance (SQLite) migrated, with the calendar and the demo loaded (about 20 s), served by
    gunicorn on a free local port; `live_demo.url` is its base URL."""
    with tempfile.TemporaryDirectory(prefix="procure-live-") as instance:
        env = {**os.environ, "PROCURE_INSTANCE": instance, "DATABASE_URL": f"sqlite:///{instance}/procure.db",
               "FLASK_APP": "wsgi", "PROCURE_ENV": "development"}
        for args in (("db", "upgrade"), ("calendar", "sync"), ("demo", "load")):
            _flask(env, *args)
        port = _free_port()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with open(Path(instance) / "gunicorn.log", "wb") as log:
            server = subprocess.Popen([str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--no-control-socket",
                                       "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                url = f"http://127.0.0.1:{port}"
                _wait_until_it_answers(url, server)
                yield LiveDemo(url=url)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
