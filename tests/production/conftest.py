"""The app as a city's IT department runs it on several machines: a throwaway PostgreSQL and a throwaway Redis
on free ports, the database migrated and the demo city loaded with `flask`, and app nodes (gunicorn each, on
its own port) that share SECRET_KEY, DATABASE_URL, RATELIMIT_STORAGE_URI and the attachments directory, as
machines behind one load balancer would. Tests talk to the nodes over HTTP only.

Fixtures: `cluster` (the databases and the environment every node gets), `node_a` and `node_b`. All of them
last the whole run; a test that changes what others see (locks an account, spends a limit) undoes it or
uses an account and an address of its own (the nodes believe one proxy: X-Forwarded-For names the client).

Here nothing may skip in CI (CI=true) or under scripts/test.sh (PROCURE_REQUIRE_LIVE=1): a missing
PostgreSQL or redis-server fails the run instead."""
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "two-nodes-share-this-secret"
DEMO_PASSWORD = "cluster-demo-2026"
PUBLIC_BASE_URL = "https://procure.example.gov.cn"  # the load balancer's address: every node links to it
OBJECTION_LIMIT = 5  # per address and hour, in total over the nodes


def unavailable(reason: str):
    """Skip on a developer's machine that lacks a server; fail where the suite must run whole."""
    if os.environ.get("CI") or os.environ.get("PROCURE_REQUIRE_LIVE") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bin_dir() -> Path:
    """The runtime-only environment when it is there (scripts/test.sh makes it), else the dev one."""
    runtime = ROOT / ".venv-runtime" / "bin"
    return runtime if (runtime / "gunicorn").exists() else ROOT / ".venv" / "bin"


def wait_until(ready, what: str, timeout: float = 60, process=None, log=None):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if process is not None and process.poll() is not None or time.monotonic() > deadline:
            detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            pytest.fail(f"{what} did not start\n{detail}")
        time.sleep(0.1)


# --- PostgreSQL ----------------------------------------------------------------------------------------------

def pg_bindir() -> Path | None:
    """pg_config's bindir when it holds the server, else the newest Debian /usr/lib/postgresql/<v>/bin."""
    configured = shutil.which("pg_config")
    if configured:
        found = subprocess.run([configured, "--bindir"], capture_output=True, text=True).stdout.strip()
        if found and (Path(found) / "initdb").exists():
            return Path(found)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                        if p.parts[-3].isdigit() else 0)
    return candidates[-1].parent if candidates else None


class Postgres:
    """A cluster in a temporary directory, on 127.0.0.1 and a free port, durability off; as root it runs as
    the postgres user (initdb refuses root)."""

    def __init__(self):
        self.bindir = pg_bindir()
        if self.bindir is None:
            unavailable("PostgreSQL server binaries not found (install 'postgresql')")
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                import pwd

                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                unavailable("running as root but there is no 'postgres' user")
        self.dir = Path(tempfile.mkdtemp(prefix="procure-cluster-pg-"))
        self.port = free_port()
        if self.as_root:
            os.chown(self.dir, self.owner.pw_uid, self.owner.pw_gid)
        self._run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        with open(self.dir / "data" / "postgresql.conf", "a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = "
                       f"'{self.dir}'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        self.start()

    def _run(self, tool, *args):
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, cwd=self.dir, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{tool}: {done.stdout}{done.stderr}"

    def start(self):
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                  "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "-t", "60", "stop")

    def url(self, database="postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name) -> str:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def remove(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def redis_errors():
    import redis

    return redis.exceptions.ConnectionError


# --- Redis ---------------------------------------------------------------------------------------------------

class Redis:
    """redis-server on 127.0.0.1 and a free port, keeping nothing on disk."""

    def __init__(self, workdir: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server not found (install 'redis-server'; scripts/setup.sh test does)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.log = workdir / "redis.log"
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(workdir), "--logfile", str(self.log)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(lambda: self.ping(), "redis-server", process=self.process, log=self.log)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=5)

    def ping(self) -> bool:
        client = self.client()
        try:
            return client.ping()
        except redis_errors() as error:
            raise OSError(error) from error
        finally:
            client.close()

    def keys(self) -> list[str]:
        client = self.client()
        try:
            return sorted(key.decode() for key in client.keys("*"))
        finally:
            client.close()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- the nodes -----------------------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: object
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self):
        return json.loads(self.body)


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type (urllib has no encoder of its own)."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its cookies go to whichever node the load balancer picks (the cookie jar does not
    tell ports apart), and the proxy in front tells the nodes its address."""

    def __init__(self, address="203.0.113.1"):
        self.address = address
        self.opener = urllib.request.build_opener(_NoRedirects, urllib.request.HTTPCookieProcessor(
            http.cookiejar.CookieJar()))

    def csrf(self, page: str) -> str:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        return found.group(1) if found else ""


@dataclass
class Node:
    name: str
    url: str
    log: Path
    process: subprocess.Popen = field(repr=False)

    def request(self, path, browser: Browser | None = None, form=None, json_body=None, files=None,
                headers=None) -> Answer:
        """One request (a POST when it has a form, a JSON body or files: {field: (name, bytes)}); redirects are
        not followed."""
        browser = browser or Browser()
        headers, body = {"X-Forwarded-For": browser.address, **(headers or {})}, None
        if files is not None:
            body, headers["Content-Type"] = multipart(form or {}, files)
            form = None
        if form is not None:
            body, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        if json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        try:
            with browser.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def sign_in(self, browser: Browser, username: str, password: str = DEMO_PASSWORD) -> Answer:
        page = self.request("/login", browser).text
        return self.request("/login", browser, form={"username": username, "password": password,
                                                     "csrf_token": browser.csrf(page)})

    def errors(self) -> list[str]:
        """The node's own error reports so far (a 500, a failure while streaming a body)."""
        logged = self.log.read_text(errors="replace")
        return [block for block in logged.split("\n[") if "Error handling request" in block or "Traceback" in block]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def node_env(**settings) -> dict:
    """A node's environment: production settings over plain HTTP, nothing of the test run's own."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_DATABASE", "PYTHON", "VIRTUAL_ENV", "PYTEST", "RATELIMIT", "LOGIN_",
                                  "PUBLIC_", "SQLITE_", "DATABASE_"))}
    env.update(PROCURE_ENV="production", SESSION_COOKIE_SECURE="0", SECRET_KEY=SECRET_KEY, FLASK_APP="wsgi",
               PUBLIC_BASE_URL=PUBLIC_BASE_URL,
               DEMO_PASSWORD=DEMO_PASSWORD, PATH=f"{bin_dir()}:{os.environ.get('PATH', '')}")
    env.update(settings)
    return env


@dataclass
class Cluster:
    postgres: Postgres
    redis: Redis
    database_url: str
    env: dict
    workdir: Path
    notice_code: str = ""  # a project whose community notice is running: residents may object to it

    def flask(self, *args, node_env=None, timeout=300) -> subprocess.CompletedProcess:
        """`flask ARGS` as an operator runs it on a node."""
        return subprocess.run([str(bin_dir() / "flask"), *args], cwd=ROOT, env={**self.env, **(node_env or {})},
                              capture_output=True, text=True, timeout=timeout)

    def start_node(self, name: str) -> Node:
        instance = self.workdir / f"node-{name}"
        instance.mkdir(exist_ok=True)
        port, log = free_port(), instance / "gunicorn.log"
        env = {**self.env, "PROCURE_INSTANCE": str(instance)}
        with open(log, "w") as out:
            process = subprocess.Popen([str(bin_dir() / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT,
                                       env={**env, "PROCURE_BIND": f"127.0.0.1:{port}", "WORKERS": "2"},
                                       stdout=out, stderr=subprocess.STDOUT)
        return Node(name, f"http://127.0.0.1:{port}", log, process)

    def query(self, sql: str, **params):
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).all()
        finally:
            engine.dispose()


def await_node(node: Node):
    wait_until(lambda: node.request("/").status == 200, f"node {node.name}", process=node.process, log=node.log)


@pytest.fixture(scope="session")
def cluster():
    workdir = Path(tempfile.mkdtemp(prefix="procure-cluster-"))
    postgres = Postgres()
    redis = None
    try:
        redis = Redis(workdir)
        database_url = postgres.create_database("procure")
        # Nothing on disk is shared: each node has an instance folder of its own (files live in the database).
        env = node_env(DATABASE_URL=database_url, RATELIMIT_STORAGE_URI=redis.url, TRUSTED_PROXIES="1",
                       PUBLIC_OBJECTION_LIMIT=f"{OBJECTION_LIMIT} per hour", PROCURE_INSTANCE=str(workdir / "operator"))
        built = Cluster(postgres, redis, database_url, env, workdir)
        migrated = built.flask("db", "upgrade")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        yield built
    finally:
        if redis is not None:
            redis.stop()
        postgres.remove()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def nodes(cluster):
    """Both nodes, started while the demo city loads (a node needs only the schema to start)."""
    started = [cluster.start_node("a"), cluster.start_node("b")]
    try:
        loaded = cluster.flask("demo", "load")
        assert loaded.returncode == 0, loaded.stderr[-3000:]
        [(cluster.notice_code,)] = cluster.query("SELECT code FROM projects WHERE state = 'notice' "
                                                 "ORDER BY code LIMIT 1")
        for node in started:
            await_node(node)
        yield started
    finally:
        for node in started:
            node.stop()


@pytest.fixture(scope="session")
def node_a(nodes) -> Node:
    return nodes[0]


@pytest.fixture(scope="session")
def node_b(nodes) -> Node:
    return nodes[1]


def pytest_collection_modifyitems(items):
    """The first test here also waits for the cluster to be built and the demo to load."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.timeout(600))
