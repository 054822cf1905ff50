"""Production refuses to start without the settings every machine must share (SECRET_KEY, PUBLIC_BASE_URL) and
with a public base URL that is not an absolute http(s) address; TRUSTED_HOSTS turns away a request naming
another host with 400, never a 500."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from procure import create_app
from procure.settings import SettingsError

ROOT = Path(__file__).resolve().parents[2]
# (Counts in memory, as the test app's do: the limiter is one object, and the last app started configures it.)
GOOD = {"SECRET_KEY": "a-key-every-machine-shares-0123456789", "PUBLIC_BASE_URL": "https://procure.example.gov.cn",
        "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PUBLIC_BASE_URL"])
def test_production_does_not_start_without_a_shared_setting(missing):
    with pytest.raises(SettingsError, match=missing) as refused:
        create_app("production", **{**GOOD, missing: ""})
    assert "production" in str(refused.value)


@pytest.mark.parametrize("base", ["procure.example.gov.cn", "ftp://procure.example.gov.cn", "https://",
                                  "https:///path", "https://procure.example.gov.cn/?a=1", "https://x.example/#top",
                                  "https://user:pw@procure.example.gov.cn", "https://procure.example.gov.cn:99999",
                                  "javascript:alert(1)", " https://procure.example.gov.cn",
                                  "https://procure.example.gov.cn/a b"])
@pytest.mark.parametrize("environment", ["production", "development"])
def test_a_malformed_public_base_url_is_refused(base, environment):
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL"):
        create_app(environment, **{**GOOD, "PUBLIC_BASE_URL": base})


def test_production_starts_with_both_and_keeps_a_path_prefix():
    app = create_app("production", **{**GOOD, "PUBLIC_BASE_URL": "https://www.example.gov.cn/procure/"})
    assert app.config["PUBLIC_BASE_URL"] == "https://www.example.gov.cn/procure"
    assert app.config["SECRET_KEY"] == GOOD["SECRET_KEY"]


def test_an_unknown_environment_or_log_format_is_named():
    with pytest.raises(SettingsError, match="PROCURE_ENV"):
        create_app("staging")
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", LOG_FORMAT="xml")


def test_the_message_reaches_whoever_starts_the_server(tmp_path):
    """What an operator sees: `import wsgi` (what gunicorn does) fails and says which settings are missing."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "PUBLIC_BASE_URL") and not key.startswith("PYTEST")}
    env.update(PROCURE_ENV="production", PROCURE_INSTANCE=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'procure.db'}")
    run = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0
    assert "SECRET_KEY is not set" in run.stderr and "PUBLIC_BASE_URL is not set" in run.stderr
    assert not (tmp_path / "secret_key").exists()  # no key invented for this machine alone


@pytest.fixture
def trusted(app):
    app.config["TRUSTED_HOSTS"] = ["procure.example.gov.cn", ".intranet.example", "localhost"]
    yield app
    app.config["TRUSTED_HOSTS"] = None


def test_another_host_is_refused_with_400(trusted, client):
    page = client.get("/", headers={"Host": "evil.example", "X-Request-ID": "host-check-1"})
    assert page.status_code == 400
    assert "host-check-1" in page.get_data(as_text=True) and page.headers["X-Request-ID"] == "host-check-1"
    assert "Set-Cookie" not in page.headers
    posted = client.post("/login", data={"username": "x", "password": "y"}, headers={"Host": "evil.example"})
    assert posted.status_code == 400
    api = client.get("/api/v1/ocds/releases", headers={"Host": "evil.example:8080"})
    assert api.status_code == 400 and api.get_json()["error"] == "untrusted_host"


def test_trusted_hosts_and_their_subdomains_are_served(trusted, client):
    for host in ("procure.example.gov.cn", "procure.example.gov.cn:8443", "ops.intranet.example", "localhost"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_health_checks_answer_whatever_host_the_probe_names(trusted, client):
    assert client.get("/healthz", headers={"Host": "10.0.0.7:8000"}).get_json() == {"status": "ok"}
    assert client.get("/readyz", headers={"Host": "10.0.0.7:8000"}).status_code == 200


def test_workers_starting_at_once_in_a_new_instance_share_one_key(tmp_path):
    """gunicorn's workers import the app together: each must read the same generated key (before, one could read
    the file another was writing, empty, and answer every page with 500, or keep a key of its own and refuse the
    sessions its siblings signed)."""
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY" and not key.startswith("PYTEST")}
    env.update(PROCURE_INSTANCE=str(tmp_path))
    code = "import time, config; time.sleep(0.5 - time.time() % 0.5); print(config.secret_key())"
    runs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(8)]
    keys = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
