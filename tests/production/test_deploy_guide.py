"""docs/deploy.md, followed from a fresh server to a second node (tests/production/deploy_guide.py: what is run,
what is only checked, and how), and what an operator would notice on the way: the app under its unit answers
its health checks, nginx serves it over HTTPS with Secure cookies and one request id end to end, the daily jobs
do the day once over two nodes, a backup restores into a scratch database with its audit trail intact and its
files' bytes, an upgrade pulls and migrates, and nginx spreads requests over both nodes. The backup scripts are
also run on the embedded SQLite database, and the example files are held to the settings they serve."""
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from production.deploy_guide import (DEPLOY, GUIDE, ROOT, SITE, TYPED_PASSWORD, Operator, guide_blocks, http_get,
                          read_environment_file, read_unit)
from production.conftest import Postgres, Redis

ATTACHMENT = "居民需求调查：加装扶手 12 处，助餐点 1 个。\n".encode() * 40
RELEASE_NOTE = "docs/release-note.txt"


def public(operator: Operator, path: str, *curl_args: str):
    """(status, headers as (name, value) pairs, body) of a request to https://SITE/ through nginx, as a browser
    sends it: the name resolved to this machine, the certificate checked against it."""
    with tempfile.TemporaryDirectory() as scratch:
        headers, body = Path(scratch) / "headers", Path(scratch) / "body"
        done = subprocess.run(["curl", "-sS", "--resolve", f"{SITE}:{operator.https_port}:127.0.0.1", "--cacert",
                               str(operator.cert), "-D", str(headers), "-o", str(body), "-w", "%{http_code}",
                               *curl_args, f"https://{SITE}:{operator.https_port}{path}"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        pairs = [tuple(part.strip() for part in line.split(":", 1)) for line in headers.read_text().splitlines()
                 if ":" in line]
        return int(done.stdout), pairs, body.read_bytes()


def header(pairs, name: str) -> list[str]:
    return [value for key, value in pairs if key.lower() == name.lower()]


def use_the_site(operator: Operator):
    """Between setting up and the backups, the site is used through nginx: a page, the open-data page, and a
    community's clerk (the user the guide created) uploading a proposal's attachment through the API."""
    evidence = operator.evidence
    status, pairs, _body = public(operator, "/login")
    evidence["login"] = (status, pairs)
    evidence["open_data"] = public(operator, "/open-data")[2].decode()
    evidence["plain_http"] = http_get(f"http://127.0.0.1:{operator.http_port}/projects?page=2",
                                      headers={"Host": SITE})
    status, _pairs, body = public(operator, "/api/v1/tokens", "-H", "Content-Type: application/json", "--data",
                                  json.dumps({"username": "qingshan", "password": TYPED_PASSWORD}))
    assert status == 201, body
    bearer = f"Authorization: Bearer {json.loads(body)['token']}"
    status, _pairs, body = public(operator, "/api/v1/projects", "-H", bearer, "-H",
                                  "Content-Type: application/json", "--data",
                                  json.dumps({"title": "老旧小区适老化改造", "funding_form": "purchase"}))
    assert status == 201, body
    project = json.loads(body)["id"]
    with tempfile.TemporaryDirectory() as scratch:
        upload = Path(scratch) / "调查.txt"
        upload.write_bytes(ATTACHMENT)
        status, _pairs, body = public(operator, f"/api/v1/projects/{project}/attachments", "-H", bearer,
                                      "-F", "kind=proposal", "-F", f"file=@{upload};type=text/plain")
    assert status == 201, body
    evidence["attachment"] = json.loads(body)


def look_at_the_drill(operator: Operator):
    """Right after restore.sh, before the guide drops the scratch database."""
    engine = create_engine(operator.postgres.url("procure_drill"))
    try:
        with engine.connect() as conn:
            operator.evidence["drill"] = {
                "users": set(conn.execute(text("SELECT username FROM users")).scalars()),
                "files": set(conn.execute(text("SELECT content FROM stored_files")).scalars()),
            }
    finally:
        engine.dispose()


def publish_a_release(operator: Operator):
    """Before `git pull`: a new release in the repository the guide cloned."""
    origin = operator.paths["https://git.example.gov.cn/city/procure.git"]
    (origin / RELEASE_NOTE).write_text("the next release\n")
    operator.evidence["release"] = operator.git_commit(origin, "the next release")


@pytest.fixture(scope="module")
def deployment():
    workdir = Path(tempfile.mkdtemp(prefix="procure-guide-"))
    postgres = Postgres()
    redis = operator = None
    try:
        redis = Redis(workdir)
        operator = Operator(workdir, postgres, redis)
        operator.before_section("9.", use_the_site)
        operator.after("scripts/restore.sh", look_at_the_drill)
        operator.before("git pull", publish_a_release)
        operator.follow(GUIDE.read_text())
        yield operator
    finally:
        if operator is not None:
            operator.shutdown()
        if redis is not None:
            redis.stop()
        postgres.remove()
        shutil.rmtree(workdir, ignore_errors=True)


def outputs(operator: Operator, part: str) -> list[str]:
    return [line.output for line in operator.transcript if part in line.written]


# ---- the guide, followed ------------------------------------------------------------------------------------

def test_every_command_of_the_guide_was_run_or_checked(deployment):
    written = [line for block in guide_blocks(GUIDE.read_text()) if block.language == "sh" for line in block.lines]
    followed = [line.written for line in deployment.transcript if line.done]
    assert [line for line in followed if line in written] == written
    ran = [line for line in deployment.transcript if not line.done.startswith(("checked", "played"))]
    assert len(ran) > len(written) / 2, "most lines run for real"


def test_the_app_runs_under_its_unit_and_answers_its_health_checks(deployment):
    assert "READY=1" in deployment.nodes["1"].notified and "READY=1" in deployment.nodes["2"].notified
    assert json.loads(outputs(deployment, "/healthz")[0]) == {"status": "ok"}
    for answer in outputs(deployment, "/readyz"):  # local, through nginx, after the upgrade, on node 2
        assert json.loads(answer)["status"] == "ok"
    assert len(outputs(deployment, "/readyz")) == 4


def test_the_site_starts_without_demo_data(deployment):
    created = " ".join(outputs(deployment, "flask.sh users create") + outputs(deployment, "flask.sh orgs create"))
    assert "created admin (admin) in ××市民政局" in created and "created organisation 2: 青山社区居民委员会" in created
    assert deployment.evidence["drill"]["users"] == {"admin", "qingshan"}


def test_nginx_serves_the_app_over_https_with_one_request_id(deployment):
    status, pairs = deployment.evidence["login"]
    assert status == 200
    [cookie] = [value for value in header(pairs, "Set-Cookie") if value.startswith("session=")]
    assert "; Secure" in cookie and "; HttpOnly" in cookie
    assert len(header(pairs, "Strict-Transport-Security")) == 1, "HSTS from the app only, not nginx as well"
    [request_id] = header(pairs, "X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    nginx_log = deployment.path("/var/log/nginx/procure.access.log").read_text()
    assert "GET /login\" 200" in nginx_log and f"rid={request_id}" in nginx_log
    assert request_id in (deployment.workdir / "node-1.log").read_text(), "the app logged nginx's id"
    assert f"https://{SITE}/api/v1/ocds/releases" in deployment.evidence["open_data"]
    status, headers, _body = deployment.evidence["plain_http"]
    assert status == 301 and headers["Location"] == f"https://{SITE}/projects?page=2"


def test_the_daily_jobs_do_the_day_once_over_two_nodes(deployment):
    [first] = deployment.journal[("1", "procure-daily.service")]
    assert "notifications written for" in first and "points expired for" in first
    [second] = deployment.journal[("2", "procure-daily.service")]
    assert "reminders: already ran for" in second and "volunteers-expire: already ran for" in second
    assert second in outputs(deployment, "journalctl -u procure-daily.service")[1]


def test_a_backup_restores_into_a_scratch_database_with_its_files(deployment):
    [drill] = outputs(deployment, "scripts/restore.sh")
    assert "chain intact" in drill and "/readyz: 200" in drill
    assert "holds 2 users and 1 stored files" in drill
    assert deployment.evidence["attachment"]["sha256"] == hashlib.sha256(ATTACHMENT).hexdigest()
    assert deployment.evidence["drill"]["files"] == {ATTACHMENT}
    backups = deployment.path("/var/backups/procure")
    sets = sorted(path.name for path in backups.glob("procure-*"))
    assert len(sets) == 2, "the guide's backup and the upgrade's"
    assert (backups / "latest").resolve().name == sets[-1]
    assert sorted(path.name for path in (backups / sets[0]).iterdir()) == ["SHA256SUMS", "database.pgdump",
                                                                          "procure.env"]
    kept = read_environment_file(backups / sets[0] / "procure.env")
    assert kept["SECRET_KEY"] == read_environment_file(deployment.env_file)["SECRET_KEY"]
    assert (backups / sets[0]).stat().st_mode & 0o077 == 0, "a backup set is its owner's only"


def test_an_upgrade_pulls_the_release_and_migrates(deployment):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=deployment.install, capture_output=True, text=True)
    assert head.stdout.strip() == deployment.evidence["release"]
    [changes] = outputs(deployment, "git diff --stat")
    assert changes.strip() == "", "the release changed nothing in deploy/"
    [migrated] = [line.output for line in deployment.transcript
                  if line.section.startswith("10.") and "db upgrade" in line.written]
    assert "Running upgrade" not in migrated, "already at the head"


def test_nginx_spreads_requests_over_both_nodes(deployment):
    for node in deployment.nodes.values():
        node.log.write_text("")
    answers = [public(deployment, f"/healthz?n={n}") for n in range(8)]
    assert all(status == 200 for status, _pairs, _body in answers)
    for node in deployment.nodes.values():
        assert "/healthz" in node.log.read_text(), f"node {node.name} got no request"
    upstream = (deployment.path("/etc/nginx") / "sites-available" / "procure").read_text()
    assert upstream.count("server 127.0.0.1:") == 2


def test_the_nodes_share_redis_over_the_network_with_its_password(deployment):
    import redis

    env = read_environment_file(deployment.env_file)
    url = env["RATELIMIT_STORAGE_URI"]
    assert url.startswith("redis://:REDIS-PASSWORD@127.0.0.1:")
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        assert client.ping()
    finally:
        client.close()
    anonymous = redis.Redis.from_url(url.replace(":REDIS-PASSWORD@", ""), socket_timeout=5)
    try:
        with pytest.raises(redis.exceptions.AuthenticationError):
            anonymous.ping()
    finally:
        anonymous.close()
    assert env["DATABASE_URL"] == "postgresql+psycopg://procure:DB-PASSWORD@127.0.0.1/procure"


# ---- the embedded database ----------------------------------------------------------------------------------

def test_backup_and_restore_of_the_embedded_sqlite_database(tmp_path):
    """A small site without DATABASE_URL: the instance's procure.db, copied online and restored into a new file."""
    from flask_migrate import upgrade

    from procure import create_app, filestore
    from procure.accounts.models import Organisation, User
    from procure.audit.log import record_system
    from procure.extensions import db

    instance = tmp_path / "instance"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'procure.db'}")
    with app.app_context():
        upgrade()
        bureau = Organisation(name="××市民政局", kind="government", division_code="330100")
        db.session.add(bureau)
        db.session.flush()
        db.session.add(User(username="admin", role="admin", organisation_id=bureau.id, display_name="系统管理员",
                            password_hash="not-a-password"))
        record_system("disable_user", data={"username": "admin"})
        record_system("enable_user", data={"username": "admin"})
        filestore.put(ATTACHMENT)
        db.session.commit()
        entries = db.session.scalar(text("SELECT count(*) FROM audit_entries"))
        db.engine.dispose()
    env_file = tmp_path / "procure.env"
    env_file.write_text(f"PROCURE_INSTANCE={instance}\nSECRET_KEY={'ab' * 32}\n")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "PROCURE_ENV_FILE": str(env_file)}

    def script(*args):
        return subprocess.run(["bash", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    backed_up = script(str(ROOT / "scripts" / "backup.sh"), str(tmp_path / "backups"))
    assert backed_up.returncode == 0, backed_up.stderr
    latest = tmp_path / "backups" / "latest"
    assert sorted(path.name for path in latest.iterdir()) == ["SHA256SUMS", "procure.db", "procure.env"]

    restored_db = tmp_path / "restored" / "procure.db"
    restored = script(str(ROOT / "scripts" / "restore.sh"), str(latest), f"sqlite:///{restored_db}")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"{entries} entries, chain intact" in restored.stdout and "/readyz: 200" in restored.stdout
    with sqlite3.connect(restored_db) as conn:
        assert conn.execute("SELECT username FROM users").fetchall() == [("admin",)]
        assert conn.execute("SELECT content FROM stored_files").fetchall() == [(ATTACHMENT,)]

    again = script(str(ROOT / "scripts" / "restore.sh"), str(latest), f"sqlite:///{restored_db}")
    assert again.returncode == 1 and "restore into a new file" in again.stderr
    (latest / "procure.db").write_bytes(b"damaged")
    damaged = script(str(ROOT / "scripts" / "restore.sh"), str(latest), f"sqlite:///{tmp_path / 'other.db'}")
    assert damaged.returncode == 1 and "does not match its checksum" in damaged.stderr
    assert not (tmp_path / "other.db").exists()


# ---- the example files against the settings -----------------------------------------------------------------

def test_the_environment_example_names_real_settings_plainly():
    """systemd and scripts/load-env.sh must read it alike: KEY=value, no quotes, no spaces, nothing to expand;
    every key a setting the README's table lists."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration"):readme.index("**Operations.**")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    for line in (DEPLOY / "procure.env.example").read_text().splitlines():
        if line.startswith("#") or not line:
            continue
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s\"'$\\`]*", line), line
        assert line.split("=")[0] in documented, f"{line}: not in the README's Configuration table"


def test_nginx_fits_the_app_settings():
    site = (DEPLOY / "nginx.conf").read_text()
    env = read_environment_file(DEPLOY / "procure.env.example")
    size = re.search(r"client_max_body_size (\d+)m;", site)
    largest_request = int(env["ATTACHMENT_MAX_BYTES"]) + 64 * 1024  # config.py's MAX_CONTENT_LENGTH
    assert largest_request <= int(size.group(1)) * 1024 * 1024 <= largest_request + 1024 * 1024
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", site).group(1))
    assert read_timeout > 60, "longer than gunicorn's worker timeout (gunicorn.conf.py)"
    assert "Strict-Transport-Security" not in site.replace("# Strict-Transport-Security comes from the app", "")
    assert f"server_name {SITE};" in site and env["PUBLIC_BASE_URL"] == f"https://{SITE}"
    assert env["TRUSTED_HOSTS"] == SITE and env["TRUSTED_PROXIES"] == "1"
    for name in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-ID"):
        assert f"proxy_set_header {name} " in site


def test_the_guide_installs_what_the_app_needs_and_uses_every_file_of_deploy():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    runtime_packages = re.search(r"^wanted=\(([^)]*)\)", setup, re.M).group(1).split()
    guide = GUIDE.read_text()
    [install] = [line for block in guide_blocks(guide) if block.language == "sh" for line in block.lines
                 if line.startswith("apt-get install")]
    assert set(runtime_packages) <= set(install.split())
    for path in DEPLOY.iterdir():
        assert f"deploy/{path.name}" in guide, f"docs/deploy.md never installs deploy/{path.name}"
    for path in DEPLOY.glob("*.service"):
        service = read_unit(path.read_text())["Service"]
        assert service["WorkingDirectory"] == "/srv/procure"
        assert service["EnvironmentFile"] == "/etc/procure/procure.env"
